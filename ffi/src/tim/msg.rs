//! Message functions. The error split is the one of [`crate::tim::conv`]:
//! refusals before anything runs are returned, engine errors arrive in the
//! callback (6004 unknown conversation, 6010 unknown message, 6017 invalid,
//! 7013 receipts not supported for the group type, 7016 limits).

use crate::boundary::{self, guard};
use crate::boundary::{arg_opt_str, arg_str, out_buf, OutBuf};
use crate::tim::conv::raw_key;
use crate::tim::json::{self, Obj};
use crate::tim::runtime::{self, comm, op, op_batch, PendingSend, Session};
use crate::*;
use imcore::{ConvKey, MsgStatus, OutgoingMessage};
use std::ffi::{c_char, c_void};

/// What a send needs from its JSON.
struct SendParam {
    flags: json::MessageFlags,
    body: String,
}

fn send_param(text: &str) -> boundary::Checked<SendParam> {
    const W: &str = "json_msg_param";
    let v = json::parse(text, W)?;
    let o = Obj::new(&v, W)?;
    json::check_elem_array(&o, true)?;
    Ok(SendParam {
        flags: json::MessageFlags::read(&o)?,
        body: v.to_string(),
    })
}

/// Sends a message: stores it as mine (it becomes the last message; it never
/// counts unread) and writes its new id, NUL-terminated, into
/// `message_id_buffer` (≥ 128 bytes, may be NULL) before returning.
/// `json_msg_param`: a Message object (`message_elem_array` required; flags
/// `message_need_read_receipt`, `message_is_excluded_from_unread_count`,
/// `message_excluded_from_last_message`, `message_group_at_user_array`).
/// With an outbound callback set, an envelope of kind "message" goes to the
/// host and the callback fires when `IMCoreOutboundAck` answers it (status 2
/// stamped with the server's time and sequence, or the ack's code with
/// status 3). Without one (loopback) it succeeds at once, stamped locally.
/// Callback json: the Message.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSendMessage(
    conv_id: *const c_char,
    conv_type_: i32,
    json_msg_param: *const c_char,
    message_id_buffer: *mut c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSendMessage", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        let text = arg_str!(json_msg_param, "json_msg_param")?;
        send(key, text, out_buf!(message_id_buffer, 128), cb, user_data)
    })
}

/// The deprecated form of TIMMsgSendMessage without an id buffer.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSendNewMsg(
    conv_id: *const c_char,
    conv_type_: i32,
    json_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSendNewMsg", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        let text = arg_str!(json_msg_param, "json_msg_param")?;
        send(key, text, OutBuf::none(), cb, user_data)
    })
}

fn send(
    key: ConvKey,
    text: &str,
    id_out: OutBuf,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> boundary::Checked<i32> {
    let p = send_param(text)?;
    let ud = user_data as usize;
    op_batch(move |s| {
        let status = if s.engine.outbox_enabled() {
            MsgStatus::Sending
        } else {
            MsgStatus::SendSucc
        };
        let msg = OutgoingMessage {
            conv: key,
            need_read_receipt: p.flags.need_read_receipt,
            excluded_from_unread: p.flags.excluded_from_unread,
            excluded_from_last_message: p.flags.excluded_from_last_message,
            at_users: p.flags.at_users,
            body: p.body,
        };
        let result = s
            .engine
            .new_message_id()
            .and_then(|id| s.engine.send_message(&id, msg, status));
        let id = result
            .as_ref()
            .map(|m| m.msg_id.clone())
            .unwrap_or_default();
        let _ = id_out.write(&id, "message id");
        s.own_sends.sent(&id);
        let changes = s.engine.drain_changes();
        let envelope = changes
            .iter()
            .flat_map(|c| c.outbound.iter())
            .find(|e| matches!(&e.item, imcore::engine::Outbound::Message { message } if message.msg_id == id))
            .map(|e| e.envelope_id);
        let mut batch = crate::tim::events::convert_all(s, changes);
        match (result, envelope) {
            (Ok(_), Some(env)) => {
                s.pending_sends.insert(
                    env,
                    PendingSend {
                        cb,
                        ud,
                        result: None,
                    },
                );
            }
            (Ok(m), None) => batch.push(comm(cb, ud, Ok(json::message(&m).to_string()))),
            (Err(e), _) => batch.push(comm(cb, ud, Err(e))),
        }
        batch
    })
}

/// Messages of a conversation, newest first. `json_get_msg_param` (NULL /
/// "" / `null` = the newest 20): `msg_getmsglist_param_last_msg` (a Message;
/// its `message_msg_id` is the anchor, excluded), `msg_getmsglist_param_count`
/// (default 20, at most 1000), `msg_getmsglist_param_is_forward` (true =
/// newer than the anchor, else older). Other keys (ramble, time range, seq
/// array, type array) are accepted and ignored: imcore has only the local store.
/// Callback json: array of Message; 6004 unknown conversation; 6010 unknown anchor.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgGetMsgList(
    conv_id: *const c_char,
    conv_type_: i32,
    json_get_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgGetMsgList", || {
        runtime::check_logged_in()?;
        const W: &str = "json_get_msg_param";
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        let text = arg_opt_str!(json_get_msg_param, W)?;
        let (mut anchor, mut count, mut forward) = (None, 20u32, false);
        if let Some(v) = json::parse_opt(text, W)? {
            let o = Obj::new(&v, W)?;
            if let Some(m) = o.get("msg_getmsglist_param_last_msg") {
                let m = Obj::new(m, format!("{W}.msg_getmsglist_param_last_msg"))?;
                anchor = m
                    .str("message_msg_id")?
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
            }
            if let Some(c) = o.u64("msg_getmsglist_param_count")? {
                if c > 0 {
                    count = c.min(1000) as u32;
                }
            }
            forward = o.bool("msg_getmsglist_param_is_forward")?.unwrap_or(false);
        }
        op(cb, user_data, move |s| {
            let list = if forward {
                newer_than(s, &key, anchor.as_deref(), count)?
            } else {
                s.engine.messages(&key, anchor.as_deref(), count)?
            };
            Ok(json::messages(&list))
        })
    })
}

/// The `count` messages just newer than `anchor` (oldest ones when no
/// anchor), newest first: scans back from the newest in pages.
fn newer_than(
    s: &mut Session,
    key: &ConvKey,
    anchor: Option<&str>,
    count: u32,
) -> Result<Vec<imcore::StoredMessage>, imcore::Error> {
    if let Some(a) = anchor {
        // An unknown anchor is an error, as for the backward direction.
        if s.engine.message_by_id(a)?.is_none() {
            return Err(imcore::Error::MessageNotFound(a.to_owned()));
        }
    }
    let mut newer = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let page = s.engine.messages(key, before.as_deref(), 1000)?;
        let last = page.len() < 1000;
        for m in page {
            if Some(m.msg_id.as_str()) == anchor {
                let start = newer.len().saturating_sub(count as usize);
                return Ok(newer.split_off(start));
            }
            before = Some(m.msg_id.clone());
            newer.push(m);
        }
        if last {
            break;
        }
    }
    let start = newer.len().saturating_sub(count as usize);
    Ok(newer.split_off(start))
}

/// Messages by id. `json_message_id_array`: array of message ids.
/// Callback json: array of the Messages found, in the order asked.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM; TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgFindMessages(
    json_message_id_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgFindMessages", || {
        runtime::check_logged_in()?;
        let text = arg_str!(json_message_id_array, "json_message_id_array")?;
        let ids = json::string_array(text, "json_message_id_array")?;
        op(cb, user_data, move |s| {
            let mut found = Vec::new();
            for id in &ids {
                if let Some(m) = s.engine.message_by_id(id)? {
                    found.push(m);
                }
            }
            Ok(json::messages(&found))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_params_need_an_element_array() {
        assert!(send_param(r#"{"message_elem_array":[]}"#).is_ok());
        let e = send_param(r#"{"message_elem_array":{}}"#).err().unwrap();
        assert!(e.desc.contains("message_elem_array"));
        assert!(send_param("{}").is_err());
        let p = send_param(r#"{"message_elem_array":[],"message_need_read_receipt":true}"#)
            .ok()
            .unwrap();
        assert!(p.flags.need_read_receipt);
    }
}
