//! `IMCoreOutboundAck`, with an outbound callback attached (outbox mode).
//! Each input first makes sure a few envelopes are pending (a send and a
//! pin: both calls complete only when their envelope is acked), then acks
//! with the input: selector bit 0 clear = the raw text; set = the input
//! parsed as JSON with its `envelope_id` replaced by a pending envelope's, so
//! the fuzzed code, desc and stamps reach the real ack path. The call waiting
//! for an envelope must call back exactly once, with the ack's code, when
//! that envelope is acked (or with 6014 at the logout of a reset).
#![no_main]
use ffi::*;
use imcore_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::sync::Mutex;

/// Envelopes passed to the host and not acknowledged.
static PENDING: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// Moves the envelopes delivered so far into `pending`.
fn collect(pending: &mut Vec<u64>) {
    let envs = std::mem::take(&mut TRACK.lock().unwrap_or_else(|e| e.into_inner()).envelopes);
    for e in envs {
        assert!(!pending.contains(&e.id), "envelope {} passed twice", e.id);
        pending.push(e.id);
    }
}

fuzz_target!(|data: &[u8]| {
    let s = Session::begin(true);
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    if s.as_ref().is_some_and(|s| s.fresh) {
        pending.clear();
    }
    let a = Args::new(data);
    // Envelopes of the population of a fresh store.
    collect(&mut pending);
    if pending.len() < 4 {
        let conv = cs("bob");
        let body = cs(r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"x"}]}"#);
        let mut buf = [0u8; 128];
        // SAFETY: valid C strings, a 128-byte buffer, the counting callback.
        let code = call("TIMMsgSendMessage", |cb, ud| unsafe {
            TIMMsgSendMessage(
                conv.as_ptr(),
                1,
                body.as_ptr(),
                buf.as_mut_ptr().cast(),
                cb,
                ud,
            )
        });
        assert_eq!(
            code,
            Some(DEFERRED),
            "a send in outbox mode waits for its ack"
        );
        collect(&mut pending);
        // SAFETY: a valid C string and the counting callback.
        call("TIMConvPinConversation", |cb, ud| unsafe {
            TIMConvPinConversation(conv.as_ptr(), 1, a.n & 1, cb, ud)
        });
        collect(&mut pending);
    }
    let target = (!pending.is_empty()).then(|| pending[usize::from(a.n) % pending.len()]);
    let text = match (a.sel & 1, target) {
        (1, Some(id)) => match serde_json::from_str::<serde_json::Value>(a.str(0)) {
            Ok(serde_json::Value::Object(mut o)) => {
                o.insert("envelope_id".into(), id.into());
                Some(cs(&serde_json::Value::Object(o).to_string()))
            }
            _ => a.strs.first().cloned(),
        },
        _ => a.strs.first().cloned(),
    };
    let ptr = text.as_ref().map_or(std::ptr::null(), |t| t.as_ptr());
    // SAFETY: NULL or a valid C string.
    let r = unsafe { IMCoreOutboundAck(ptr) };
    check_code("IMCoreOutboundAck", r);
    poll();
    if r == ffi::TIM_SUCC {
        let v: serde_json::Value = text
            .as_ref()
            .and_then(|t| serde_json::from_str(t.to_str().ok()?).ok())
            .expect("an accepted ack is JSON");
        let acked = v["envelope_id"]
            .as_u64()
            .expect("an accepted ack names its envelope");
        let pos = pending.iter().position(|&p| p == acked);
        let pos = pos.unwrap_or_else(|| panic!("envelope {acked} was acked but never delivered"));
        pending.remove(pos);
        on_ack(acked, v["code"].as_i64().unwrap_or(0) as i32);
        // The same ack again is refused.
        // SAFETY: a valid C string.
        let r2 = unsafe { IMCoreOutboundAck(ptr) };
        assert_eq!(
            r2,
            ffi::TIM_ERR_PARAM,
            "a repeated ack of {acked} was accepted"
        );
    }
    // An undo may queue nothing; a refused ack's events may still come.
    collect(&mut pending);
    drop(pending);
    drop(s);
    end("IMCoreOutboundAck");
});
