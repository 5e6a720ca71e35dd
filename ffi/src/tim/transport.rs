//! The transport extension (`docs/TRANSPORT.md`): inbound envelopes, the
//! outbound callback and its acks.

use super::json::envelope::{outbound_json, parse_push};
use crate::boundary::arg_str;
use crate::boundary::{self, guard, Reject};
use crate::tim::json::{self, Obj};
use crate::tim::runtime::{self, comm, lock, op_batch, op_batch_try, Cb, Session, CORE};
use crate::*;
use imcore::engine::{Inbound, Outbound};
use serde_json::{json, Value};
use std::ffi::{c_char, c_void};
/// Applies a push as the engine does (every envelope checked first, then
/// applied in order) and builds the callback's JSON.
fn apply(s: &mut Session, envs: Vec<Inbound>) -> Result<Value, imcore::Error> {
    let r = s.engine.apply_inbound(envs)?;
    Ok(json!({
        "applied": r.applied,
        "messages_stored": r.messages.stored,
        "messages_duplicate": r.messages.duplicates,
        "messages_online": r.messages.online,
    }))
}

/// Host → imcore: a JSON array of inbound envelopes (see docs/TRANSPORT.md),
/// each an object with "kind": "message", "receipt", "read_position",
/// "group_members", "sync" or "conversation".
///
/// Every envelope is parsed and checked against every rule first: a
/// malformed one refuses the whole push (nothing applied) with TIM_ERR_JSON /
/// TIM_ERR_PARAM / TIM_ERR_CONV and a description naming `[index].key`; one
/// the engine's rules refuse (a range, a limit, the wrong kind of read
/// position) with TIM_ERR_PARAM and `[index] kind id: problem`. Then they are applied in
/// order, consecutive "message" (and "receipt", "conversation") envelopes in
/// one transaction; only a storage failure can stop that midway (push the
/// same array again: every kind is idempotent). Events (new messages, conv
/// events, receipts, totals) come before the result.
/// Callback json: `{"applied":n,"messages_stored":n,"messages_duplicate":n,
/// "messages_online":n}`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn IMCoreInboundPush(
    json_envelope_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreInboundPush", || {
        runtime::check_logged_in()?;
        const W: &str = "json_envelope_array";
        let text = arg_str!(json_envelope_array, W)?;
        let envs = parse_push(text, W)?;
        let ud = user_data as usize;
        op_batch_try(move |s| {
            // Every rule of every envelope, before anything is applied.
            s.engine
                .check_inbound(&envs)
                .map_err(|e| Reject::param(boundary::strip(&e)))?;
            let result = apply(s, envs).map(|v| v.to_string());
            let mut batch = crate::tim::events::collect(s);
            if cb.is_some() {
                batch.push(comm(cb, ud, result));
            }
            Ok(batch)
        })
    })
}

// ------------------------------------------------------------ outbound --

/// Every envelope not yet acknowledged, for delivery again (at login with
/// an outbound callback, and when one is set).
pub fn redeliver(s: &mut Session) -> Vec<Cb> {
    match s.engine.outbox() {
        Ok(envs) => envs
            .iter()
            .map(|e| Cb::Outbound(outbound_json(e)))
            .collect(),
        Err(e) => vec![Cb::Log(6, format!("cannot read the outbox: {e}"))],
    }
}

/// Registers (NULL: unregisters) the host's outbound callback. While one is
/// set, imcore runs with its outbox: every change the server keeps (a
/// message sent, receipts sent, read positions moved, pin, marks, receive
/// option, custom data, delete, conversation groups) queues an envelope
/// (a JSON object with "envelope_id" and "kind") that is passed to this
/// callback, one call each, after that operation's events and before its
/// result; sends stay "sending" until IMCoreOutboundAck. Envelopes are kept
/// in the store until acknowledged and are passed again after each login
/// and when the callback is set. With none set (loopback), sends succeed at
/// once, stamped with the local clock and the next local sequence.
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetOutboundCallback(
    cb: IMCoreOutboundCallback,
    user_data: *const c_void,
) {
    crate::boundary::guard_void("IMCoreSetOutboundCallback", || {
        let f = crate::boundary::host::Registered::new(cb, user_data as usize);
        runtime::set_slot(|l| &mut l.outbound, f);
        let mut core = lock(&CORE);
        if let Some(s) = core.session.as_mut() {
            s.engine.set_outbox_enabled(f.is_some());
            if f.is_some() {
                let batch = redeliver(s);
                runtime::send(batch);
            }
        }
    });
}

/// Host → imcore: the server's answer to one outbound envelope:
/// `{"envelope_id":n,"code":0,"desc":"","message_server_time":s,"message_seq":q,"update_time":u}`
/// (`code` 0 = accepted; the two stamps apply to message envelopes, 0 or
/// absent time = now; `update_time`, 0 or absent = not given: the server's
/// update time of the conversations an accepted pin, mark, receive option,
/// custom data or extension touched, which orders the change against
/// conversation snapshots). For a message, the send's callback fires now:
/// code 0 with the stamped Message (status 2), or the ack's code and desc
/// with the Message in status 3 (send failed; it stays stored). Every other
/// call whose change queued an envelope (pin, mark, receive option, custom
/// data, receipts, clean / mark read, delete, conversation groups) completes
/// now too: code 0 with its result, or the ack's code and desc. A refused
/// setting goes back to the value the server last confirmed; refused read
/// positions and deletes stay and are queued again for the next resend; a
/// refused receipt may be sent again; group changes stay (docs/TRANSPORT.md,
/// "Several devices"). A refusal is also reported to the experimental-notify
/// listener as key "imcore_outbound_failed" with the ack JSON as data.
/// Synchronous, no callback of its own.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM
/// (NULL, unknown or already answered envelope, stamps out of range);
/// TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn IMCoreOutboundAck(json_ack: *const c_char) -> i32 {
    guard("IMCoreOutboundAck", || {
        runtime::check_logged_in()?;
        let text = arg_str!(json_ack, "json_ack")?;
        let v = json::parse(text, "json_ack")?;
        let o = Obj::new(&v, "json_ack")?;
        let id = o.u64("envelope_id")?;
        let id = o.require("envelope_id", id)?;
        let code = o.i64("code")?.unwrap_or(0);
        let code = i32::try_from(code)
            .map_err(|_| Reject::param(format!("json_ack.code {code} is out of range")))?;
        let desc = o.str("desc")?.unwrap_or("").to_owned();
        let time = o.u64("message_server_time")?.unwrap_or(0);
        let seq = o.u64("message_seq")?.unwrap_or(0);
        let update_time = o.u64("update_time")?.unwrap_or(0);
        let ack_text = v.to_string();
        let mut failed = None;
        op_batch(|s| {
            let outcome = s.engine.ack_outbound_at(id, code, time, seq, update_time);
            let mut batch = crate::tim::events::collect(s);
            match outcome {
                Err(e) => failed = Some(e),
                Ok(out) => {
                    let pending = s.pending_sends.remove(&id);
                    match (&out.envelope.item, pending) {
                        (Outbound::Message { .. }, Some(p)) => {
                            let json = out
                                .message
                                .as_ref()
                                .map(|m| json::message(m).to_string())
                                .unwrap_or_default();
                            batch.push(Cb::Comm {
                                cb: p.cb,
                                ud: p.ud,
                                code,
                                desc: if code == 0 { String::new() } else { desc },
                                json,
                            });
                        }
                        (Outbound::Message { .. }, None) => {}
                        (_, pending) => {
                            if code != 0 {
                                batch.push(Cb::Experimental(
                                    "imcore_outbound_failed".into(),
                                    ack_text,
                                ));
                            }
                            // The call that made the change completes now.
                            if let Some(p) = pending {
                                batch.push(Cb::Comm {
                                    cb: p.cb,
                                    ud: p.ud,
                                    code,
                                    desc: if code == 0 { String::new() } else { desc },
                                    json: if code == 0 {
                                        p.result.unwrap_or_default()
                                    } else {
                                        String::new()
                                    },
                                });
                            }
                        }
                    }
                }
            }
            batch
        })?;
        match failed {
            None => Ok(TIM_SUCC),
            Some(e) => Err(Reject::param(boundary::strip(&e))),
        }
    })
}

// ----------------------------------------------------- delivery control --
