//! The child of the crash-recovery test (`crash_recovery`): logs in with an
//! outbound callback attached (so envelopes queue in the outbox), then runs
//! steps from `start` until it is killed. Step `n` pushes inbound batch `n`
//! and, every few steps, sends a message, cleans a conversation, pins one,
//! and acknowledges the oldest envelope it was given. It reports on stdout,
//! flushed, after each fact is durable:
//!
//! - `env <id> <kind> <msg id or ->` when an envelope is passed to it
//! - `batch <n>` when batch n's push called back with code 0
//! - `sent <msg id>` when TIMMsgSendMessage accepted a send (id written)
//! - `acking <id>` before IMCoreOutboundAck, `acked <id>` after it succeeded
//!
//! Usage: crash_child <data-dir> <user> <start-step>

use rel::*;
use std::collections::VecDeque;
use std::ffi::{c_char, c_void};
use std::io::Write;
use std::sync::Mutex;

static QUEUE: Mutex<VecDeque<u64>> = Mutex::new(VecDeque::new());

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

unsafe extern "C" fn outbound(json: *const c_char, _ud: *const c_void) {
    // SAFETY: imcore passes a valid string.
    let s = unsafe { text(json) };
    let v: serde_json::Value = serde_json::from_str(&s).expect("an envelope is JSON");
    let id = v["envelope_id"].as_u64().expect("an envelope id");
    let kind = v["kind"].as_str().unwrap_or("?");
    let msg = v["message"]["message_msg_id"].as_str().unwrap_or("-");
    say(&format!("env {id} {kind} {msg}"));
    QUEUE.lock().unwrap().push_back(id);
}

unsafe extern "C" fn log_line(level: i32, line: *const c_char, _ud: *const c_void) {
    // SAFETY: imcore passes a valid string.
    eprintln!("imcore log {level}: {}", unsafe { text(line) });
}

fn main() {
    // SAFETY: a valid callback.
    unsafe { TIMSetLogCallback(Some(log_line), std::ptr::null()) };
    // Refusals and errors only: info would log every ack of the run.
    let level = cs(r#"{"set_config_callback_log_level":5}"#);
    // SAFETY: a valid C string; no callback.
    assert_eq!(
        unsafe { TIMSetConfig(level.as_ptr(), None, std::ptr::null()) },
        TIM_SUCC
    );
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(&args[1]);
    let user = &args[2];
    let start: u64 = args[3].parse().expect("a step number");
    assert_eq!(init(&dir, true), TIM_SUCC, "TIMInit: {}", last_error());
    // SAFETY: a valid callback.
    unsafe { IMCoreSetOutboundCallback(Some(outbound), std::ptr::null()) };
    let r = login(user).expect("TIMLogin accepted");
    assert_eq!(r.code, 0, "TIMLogin: {}", r.desc);
    say("ready");
    let mut rng = Rng(start.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xC0FFEE);
    for n in start..start + 1_000_000 {
        let r = push(&crash_batch(n)).expect("push accepted");
        assert_eq!(r.code, 0, "push {n}: {}", r.desc);
        say(&format!("batch {n}"));
        if n.is_multiple_of(3) {
            let (conv, t) = crash_conv(n % 6);
            let c = cs(&conv);
            let body = cs(r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"out"}]}"#);
            let mut buf = [0u8; 128];
            let tok = token();
            // SAFETY: valid C strings, a 128-byte buffer, the recording callback.
            let ret = unsafe {
                TIMMsgSendMessage(
                    c.as_ptr(),
                    t as i32,
                    body.as_ptr(),
                    buf.as_mut_ptr().cast(),
                    Some(result_cb),
                    tok,
                )
            };
            assert_eq!(ret, TIM_SUCC);
            let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
            let id = String::from_utf8_lossy(&buf[..end]).into_owned();
            assert!(!id.is_empty(), "the send was stored");
            say(&format!("sent {id}"));
            // SAFETY: no pointers. Delivers the envelope (and events).
            unsafe { IMCorePollCallbacks(0) };
        }
        if n % 5 == 1 {
            // With a transport the call completes at its envelope's ack:
            // not waited for.
            let conv = cs(&format!("c2c_p{}", n % 4));
            // SAFETY: a valid C string and the recording callback.
            unsafe {
                TIMConvCleanConversationUnreadMessageCount(
                    conv.as_ptr(),
                    0,
                    0,
                    Some(result_cb),
                    token(),
                );
                IMCorePollCallbacks(0);
            }
        }
        if n % 7 == 2 {
            let conv = cs(&format!("p{}", n % 4));
            // SAFETY: a valid C string and the recording callback.
            unsafe {
                TIMConvPinConversation(conv.as_ptr(), 1, (n % 2) as u8, Some(result_cb), token());
                IMCorePollCallbacks(0);
            }
        }
        if n.is_multiple_of(2) {
            let next = QUEUE.lock().unwrap().pop_front();
            if let Some(id) = next {
                let code = if rng.below(7) == 0 { 80001 } else { 0 };
                let ack = cs(&format!(
                    r#"{{"envelope_id":{id},"code":{code},"desc":"","message_server_time":{},"message_seq":0}}"#,
                    1_700_000_000 + n * 10 + 5
                ));
                say(&format!("acking {id}"));
                // SAFETY: a valid C string.
                let ret = unsafe { IMCoreOutboundAck(ack.as_ptr()) };
                assert_eq!(ret, TIM_SUCC, "ack {id}: {}", last_error());
                say(&format!("acked {id}"));
                // SAFETY: no pointers.
                unsafe { IMCorePollCallbacks(0) };
            }
        }
    }
}
