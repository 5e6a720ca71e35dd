//! The host-side transport in Rust: connects imcore's C ABI (linked as the
//! `imcore-ffi` rlib; one logged-in user per process, as with the shared
//! library) to a relay over WebSocket, following docs/INTEGRATION.md:
//!
//! - the outbound callback is set before login; each envelope it hands over
//!   is sent as `{"type":"envelope"}`; the relay's ack goes to
//!   `IMCoreOutboundAck`;
//! - each `push` frame goes to `IMCoreInboundPush`; when its callback reports
//!   0 the device confirms the position (`{"type":"cursor"}`), so a push
//!   that was not applied is sent again after a reconnect;
//! - on a lost connection: reconnect with backoff (0.2 s doubling to 5 s);
//!   after reconnecting, the outbound callback is set again, which hands
//!   over every envelope still unanswered (the relay answers a repeat with
//!   its first answer; imcore refuses a second ack of the same envelope,
//!   which is logged and dropped);
//! - after every change of the total or of a conversation the device reports
//!   its list and badge (`{"type":"state"}`) for the demo page, and prints a
//!   `state {…}` line on stdout.

use ffi::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio_tungstenite::tungstenite::Message;

/// What imcore's callbacks (on its dispatcher thread) tell the connection task.
#[derive(Debug)]
pub enum Event {
    /// An outbound envelope to send.
    Outbound(String),
    /// A push up to this position was applied (callback code 0).
    Applied(i64),
    /// A push was refused (code, desc): not confirmed, sent again later.
    Refused(i32, String),
    /// The list or the total changed: report the state.
    Changed,
    /// A receipt of my messages arrived.
    Receipt(String),
    /// A frame for the relay (from the control input).
    Frame(Value),
}

static EVENTS: OnceLock<UnboundedSender<Event>> = OnceLock::new();
static STATE_LABEL: OnceLock<(String, String)> = OnceLock::new();
/// Serialises stdout lines of several threads.
static OUT: Mutex<()> = Mutex::new(());

fn emit(e: Event) {
    if let Some(tx) = EVENTS.get() {
        let _ = tx.send(e);
    }
}

/// Prints one line on stdout (the tests and the demo read them).
pub fn say(line: &str) {
    let _g = OUT.lock().unwrap_or_else(|e| e.into_inner());
    println!("{line}");
}

/// A string imcore passed to a callback.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for the call.
unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: as documented.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn cs(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

unsafe extern "C" fn on_outbound(json: *const c_char, _ud: *const c_void) {
    // SAFETY: imcore passes a valid string.
    emit(Event::Outbound(unsafe { text(json) }));
}

unsafe extern "C" fn on_pushed(
    code: i32,
    desc: *const c_char,
    _json: *const c_char,
    ud: *const c_void,
) {
    if code == 0 {
        emit(Event::Applied(ud as i64));
    } else {
        // SAFETY: imcore passes a valid string.
        emit(Event::Refused(code, unsafe { text(desc) }));
    }
}

unsafe extern "C" fn on_total(_n: i32, _ud: *const c_void) {
    emit(Event::Changed);
}

unsafe extern "C" fn on_conv(_ev: i32, _json: *const c_char, _ud: *const c_void) {
    emit(Event::Changed);
}

unsafe extern "C" fn on_receipt(json: *const c_char, _ud: *const c_void) {
    // SAFETY: imcore passes a valid string.
    emit(Event::Receipt(unsafe { text(json) }));
}

unsafe extern "C" fn on_log(level: i32, line: *const c_char, _ud: *const c_void) {
    if level >= 5 {
        // SAFETY: imcore passes a valid string.
        eprintln!("imcore: {}", unsafe { text(line) });
    }
}

/// One result callback's outcome, for [`call`].
type Done = std::sync::mpsc::Sender<(i32, String, String)>;

unsafe extern "C" fn on_done(
    code: i32,
    desc: *const c_char,
    json: *const c_char,
    ud: *const c_void,
) {
    // SAFETY: `ud` is the Box<Done> leaked by `call`, used once.
    let tx = unsafe { Box::from_raw(ud as *mut Done) };
    // SAFETY: imcore passes valid strings.
    let _ = tx.send((code, unsafe { text(desc) }, unsafe { text(json) }));
}

/// Calls an imcore function with a result callback and waits (10 s) for it.
pub fn call(
    f: impl FnOnce(TIMCommCallbackFn, *const c_void) -> i32,
) -> Result<(i32, String, String), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let ud = Box::into_raw(Box::new(tx)) as *const c_void;
    let ret = f(Some(on_done), ud);
    if ret != 0 {
        // SAFETY: refused: the callback will not run, the box is ours again.
        drop(unsafe { Box::from_raw(ud as *mut Done) });
        return Err(format!("refused synchronously: {ret}"));
    }
    rx.recv_timeout(Duration::from_secs(10))
        .map_err(|_| "no callback within 10 s".to_owned())
}

/// The callback type of [`call`].
pub type TIMCommCallbackFn = ffi::TIMCommCallback;

/// This device's conversation list and total, as the page shows them.
pub fn state() -> Value {
    let (user, device) = STATE_LABEL.get().cloned().unwrap_or_default();
    // SAFETY: valid callbacks; results are copied in the callback.
    let total = call(|cb, ud| unsafe { TIMConvGetTotalUnreadMessageCount(cb, ud) })
        .ok()
        .and_then(|(_, _, j)| serde_json::from_str::<Value>(&j).ok())
        .and_then(|v| v["conv_get_total_unread_message_count_result_unread_count"].as_i64())
        .unwrap_or(-1);
    // SAFETY: as above.
    let list = call(|cb, ud| unsafe { TIMConvGetConvList(cb, ud) })
        .ok()
        .and_then(|(_, _, j)| serde_json::from_str::<Value>(&j).ok())
        .unwrap_or(json!([]));
    let convs: Vec<Value> = list
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    let last = &c["conv_last_msg"];
                    json!({
                        "id": c["conv_id"], "type": c["conv_type"], "unread": c["conv_unread_num"],
                        "last": last["message_elem_array"][0]["text_elem_content"],
                        "from": last["message_sender"],
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({"user": user, "device": device, "total": total, "convs": convs})
}

/// Initialises imcore in `data`, registers the listeners and the outbound
/// callback, logs `user` in. Returns the receiver of imcore's events.
pub fn start_imcore(
    data: &std::path::Path,
    user: &str,
    device: &str,
) -> Result<UnboundedReceiver<Event>, String> {
    let (tx, rx) = unbounded_channel();
    EVENTS
        .set(tx)
        .map_err(|_| "start_imcore runs once per process")?;
    let _ = STATE_LABEL.set((user.to_owned(), device.to_owned()));
    let cfg = cs(&json!({"sdk_config_config_file_path": data, "sdk_config_log_file_path": data.join("logs")})
        .to_string());
    // SAFETY: valid C strings and callbacks that live for the program.
    unsafe {
        TIMSetLogCallback(Some(on_log), std::ptr::null());
        TIMSetConvTotalUnreadMessageCountChangedCallback(Some(on_total), std::ptr::null());
        TIMSetConvEventCallback(Some(on_conv), std::ptr::null());
        TIMSetMsgReadedReceiptCallback(Some(on_receipt), std::ptr::null());
        IMCoreSetOutboundCallback(Some(on_outbound), std::ptr::null());
        if TIMInit(1_400_000_001, cfg.as_ptr()) != 0 {
            return Err("TIMInit failed".into());
        }
    }
    let u = cs(user);
    // SAFETY: valid C strings.
    let (code, desc, _) = call(|cb, ud| unsafe { TIMLogin(u.as_ptr(), std::ptr::null(), cb, ud) })?;
    if code != 0 {
        return Err(format!("TIMLogin: {code} {desc}"));
    }
    // Reading the total once starts the total listener (every login).
    emit(Event::Changed);
    Ok(rx)
}

/// Runs the connection to the relay at `url` until `events` closes:
/// connect, hello, sync, live; reconnect with backoff.
pub async fn run(url: String, user: String, device: String, mut events: UnboundedReceiver<Event>) {
    let mut backoff = Duration::from_millis(200);
    let mut first = true;
    loop {
        match tokio_tungstenite::connect_async(url.as_str()).await {
            Ok((ws, _)) => {
                backoff = Duration::from_millis(200);
                say("connected");
                // Envelopes queued while offline are handed over again below.
                if !first {
                    while let Ok(e) = events.try_recv() {
                        if !matches!(e, Event::Outbound(_)) {
                            handle_local(&e);
                        }
                    }
                }
                first = false;
                match session(ws, &user, &device, &mut events).await {
                    Ok(true) => return,
                    Ok(false) | Err(_) => say("disconnected"),
                }
            }
            Err(_) => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

fn handle_local(e: &Event) {
    match e {
        Event::Receipt(j) => say(&format!("receipt {j}")),
        Event::Refused(code, desc) => eprintln!("push refused: {code} {desc}"),
        _ => {}
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One connection; `Ok(true)` when the events ended (the device quits).
async fn session(
    mut ws: Ws,
    user: &str,
    device: &str,
    events: &mut UnboundedReceiver<Event>,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    ws.send(Message::text(
        json!({"type": "hello", "user": user, "device": device}).to_string(),
    ))
    .await?;
    // Every envelope not yet answered, oldest first (also those of an
    // earlier run or connection).
    // SAFETY: a callback that lives for the program.
    tokio::task::spawn_blocking(|| unsafe {
        IMCoreSetOutboundCallback(Some(on_outbound), std::ptr::null())
    })
    .await?;
    let mut report = tokio::time::interval(Duration::from_millis(100));
    let mut dirty = true;
    loop {
        tokio::select! {
            e = events.recv() => match e {
                None => return Ok(true),
                Some(Event::Outbound(env)) => {
                    let env: Value = serde_json::from_str(&env)?;
                    ws.send(Message::text(json!({"type": "envelope", "envelope": env}).to_string())).await?;
                }
                Some(Event::Applied(pos)) => {
                    ws.send(Message::text(json!({"type": "cursor", "pos": pos}).to_string())).await?;
                }
                Some(Event::Changed) => dirty = true,
                Some(Event::Frame(f)) => ws.send(Message::text(f.to_string())).await?,
                Some(e) => handle_local(&e),
            },
            _ = report.tick(), if dirty => {
                dirty = false;
                let st = tokio::task::spawn_blocking(state).await?;
                say(&format!("state {st}"));
                ws.send(Message::text(json!({"type": "state", "state": st}).to_string())).await?;
            }
            msg = ws.next() => {
                let frame: Value = match msg {
                    Some(Ok(Message::Text(t))) => serde_json::from_str(&t)?,
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    _ => return Ok(false),
                };
                match frame["type"].as_str() {
                    Some("push") => {
                        let pos = frame["pos"].as_i64().unwrap_or(0);
                        let arr = cs(&frame["envelopes"].to_string());
                        // SAFETY: a valid C string; the callback gets the position as user data.
                        let ret = unsafe { IMCoreInboundPush(arr.as_ptr(), Some(on_pushed), pos as *const c_void) };
                        if ret != 0 {
                            eprintln!("push refused synchronously: {ret}");
                        }
                    }
                    Some("ack") => {
                        let ack = cs(&frame["ack"].to_string());
                        // SAFETY: a valid C string. A second ack of an envelope is refused (TIM_ERR_PARAM): dropped.
                        let _ = unsafe { IMCoreOutboundAck(ack.as_ptr()) };
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Sends a text message to a C2C peer (`type` 1) or a group (2).
pub fn send_text(conv: &str, conv_type: i32, body: &str) -> Result<String, String> {
    let c = cs(conv);
    let m = cs(
        &json!({"message_elem_array": [{"elem_type": 0, "text_elem_content": body}]}).to_string(),
    );
    let mut id = [0u8; 128];
    // Completes when the relay acked; run it off the connection task.
    let (code, desc, _) = call(|cb, ud| unsafe {
        // SAFETY: valid C strings, a 128-byte id buffer.
        TIMMsgSendMessage(
            c.as_ptr(),
            conv_type,
            m.as_ptr(),
            id.as_mut_ptr().cast(),
            cb,
            ud,
        )
    })?;
    let end = id.iter().position(|&b| b == 0).unwrap_or(0);
    let id = String::from_utf8_lossy(&id[..end]).into_owned();
    if code == 0 {
        Ok(id)
    } else {
        Err(format!("send: {code} {desc}"))
    }
}

/// Marks a conversation (V2 id) read on this device.
pub fn read(conv_v2: &str) -> Result<(), String> {
    let c = cs(conv_v2);
    // SAFETY: a valid C string.
    let (code, desc, _) = call(|cb, ud| unsafe {
        TIMConvCleanConversationUnreadMessageCount(c.as_ptr(), 0, 0, cb, ud)
    })?;
    if code == 0 {
        Ok(())
    } else {
        Err(format!("read: {code} {desc}"))
    }
}

/// Queues a frame for the relay (a roster, from the control input).
pub fn frame(v: Value) {
    emit(Event::Frame(v));
}

/// Logs out and shuts imcore down.
pub fn stop() {
    // SAFETY: valid callbacks.
    let _ = call(|cb, ud| unsafe { TIMLogout(cb, ud) });
    // SAFETY: no arguments.
    unsafe { TIMUninit() };
}
