//! Stress: 8 threads call a mix of imcore's C functions for
//! `IMCORE_STRESS_SECS` seconds (default 20) on one logged-in user in
//! thread mode, while two of them push inbound batches, and callbacks
//! re-enter the library: the outbound callback acks every envelope from
//! inside the callback (completing the calls waiting for it), the
//! conversation-event and new-message listeners call back in; one thread
//! now and then switches to pumped delivery, polls, and switches back.
//!
//! A watchdog fails the run when no operation completes for
//! `IMCORE_STRESS_STALL_SECS` (default 30): a deadlock. At the end every
//! accepted call must have called back exactly once (refused ones never),
//! `verify()` must hold, the total unread must equal the sum of the
//! unmuted conversations' counts from the conversation list, and the same
//! after a logout and login. Prints operations per second.
//!
//! Part two (`rel::lifecycle`, `IMCORE_LIFECYCLE_SECS`, default 5): init,
//! uninit, login, logout, listener changes, mode switches and polls racing
//! on nine threads; callbacks never concurrent, in order, never under a
//! lock, never after their listener's removal, each exactly once.

use rel::*;
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::*};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

const USER: &str = "stress-user";
const TOKENS: usize = 1 << 24;

/// Per token: 1 when the call returned TIM_SUCC; callbacks delivered.
static EXPECTED: LazyLock<Vec<AtomicU8>> =
    LazyLock::new(|| (0..TOKENS).map(|_| AtomicU8::new(0)).collect());
static DELIVERED: LazyLock<Vec<AtomicU8>> =
    LazyLock::new(|| (0..TOKENS).map(|_| AtomicU8::new(0)).collect());
static NEXT_TOKEN: AtomicU64 = AtomicU64::new(1);
static OPS: AtomicU64 = AtomicU64::new(0);
static CALLBACKS: AtomicU64 = AtomicU64::new(0);
static REENTRANT: AtomicU64 = AtomicU64::new(0);
static ACKS: AtomicU64 = AtomicU64::new(0);
static LISTENER_EVENTS: AtomicU64 = AtomicU64::new(0);
static BAD: AtomicU64 = AtomicU64::new(0);
static MODE_SWITCHES: AtomicU64 = AtomicU64::new(0);
static STOP: AtomicBool = AtomicBool::new(false);

fn tok() -> usize {
    let t = NEXT_TOKEN.fetch_add(1, Relaxed) as usize;
    assert!(t < TOKENS, "out of tokens");
    t
}

unsafe extern "C" fn comm_cb(
    code: i32,
    desc: *const c_char,
    json: *const c_char,
    ud: *const c_void,
) {
    let t = ud as usize;
    if DELIVERED[t].fetch_add(1, SeqCst) != 0 {
        println!("FAIL: token {t} called back twice (code {code})");
        BAD.fetch_add(1, SeqCst);
    }
    // SAFETY: imcore passes valid strings.
    let (desc, json) = unsafe { (text(desc), text(json)) };
    if code == 0 && !json.is_empty() && serde_json::from_str::<serde_json::Value>(&json).is_err() {
        println!("FAIL: invalid result JSON: {json:.200}");
        BAD.fetch_add(1, SeqCst);
    }
    let _ = desc;
    CALLBACKS.fetch_add(1, Relaxed);
}

unsafe extern "C" fn members_cb(_json: *const c_char, _next: u64, _fin: bool, ud: *const c_void) {
    // SAFETY: forwarding the same kind of arguments.
    unsafe { comm_cb(0, c"".as_ptr(), c"".as_ptr(), ud) };
}

/// Runs one call with a fresh token and records whether it was accepted.
fn run(f: impl FnOnce(ffi::TIMCommCallback, *const c_void) -> i32) -> i32 {
    let t = tok();
    let r = f(Some(comm_cb), t as *const c_void);
    if r == TIM_SUCC {
        EXPECTED[t].store(1, SeqCst);
    } else if r == ffi::IMCORE_ERR_INTERNAL {
        println!("FAIL: internal error: {}", last_error());
        BAD.fetch_add(1, SeqCst);
    }
    OPS.fetch_add(1, Relaxed);
    r
}

// ------------------------------------------------------- re-entrance --

unsafe extern "C" fn outbound(json: *const c_char, _ud: *const c_void) {
    // SAFETY: imcore passes a valid string.
    let s = unsafe { text(json) };
    let v: serde_json::Value = serde_json::from_str(&s).expect("an envelope is JSON");
    let id = v["envelope_id"].as_u64().expect("an id");
    // A server that refuses one envelope in 16 (the change is undone).
    let code = if id % 16 == 5 { 80001 } else { 0 };
    let ack = cs(&format!(
        r#"{{"envelope_id":{id},"code":{code},"desc":"stress"}}"#
    ));
    // SAFETY: a valid C string; re-entering imcore from its callback.
    let r = unsafe { IMCoreOutboundAck(ack.as_ptr()) };
    if r != TIM_SUCC {
        println!(
            "FAIL: ack of {id} from the outbound callback: {r} {}",
            last_error()
        );
        BAD.fetch_add(1, SeqCst);
    }
    ACKS.fetch_add(1, Relaxed);
    REENTRANT.fetch_add(1, Relaxed);
}

unsafe extern "C" fn conv_event(_ev: i32, _json: *const c_char, _ud: *const c_void) {
    let n = LISTENER_EVENTS.fetch_add(1, Relaxed);
    if n.is_multiple_of(8) && !STOP.load(Relaxed) {
        // SAFETY: the recording callback.
        run(|cb, ud| unsafe { TIMConvGetTotalUnreadMessageCount(cb, ud) });
        REENTRANT.fetch_add(1, Relaxed);
    }
}

unsafe extern "C" fn new_msgs(_json: *const c_char, _ud: *const c_void) {
    let n = LISTENER_EVENTS.fetch_add(1, Relaxed);
    if n.is_multiple_of(4) && !STOP.load(Relaxed) {
        let f = cs(r#"{"conversation_list_filter_conv_type":1}"#);
        // SAFETY: a valid C string and the recording callback.
        run(|cb, ud| unsafe { TIMConvGetConversationListByFilter(f.as_ptr(), 0, 20, cb, ud) });
        REENTRANT.fetch_add(1, Relaxed);
    }
}

unsafe extern "C" fn count_total(_n: i32, _ud: *const c_void) {
    LISTENER_EVENTS.fetch_add(1, Relaxed);
}
unsafe extern "C" fn count_filter(_f: *const c_char, _n: i32, _ud: *const c_void) {
    LISTENER_EVENTS.fetch_add(1, Relaxed);
}
unsafe extern "C" fn count_one(_a: *const c_char, _ud: *const c_void) {
    LISTENER_EVENTS.fetch_add(1, Relaxed);
}

// ---------------------------------------------------------- workload --

const CONVS: u64 = 40;

fn conv(c: u64) -> (String, i32) {
    if c < 30 {
        (format!("u{c}"), 1)
    } else {
        (format!("grp{c}"), 2)
    }
}

fn v2(c: u64) -> String {
    let (id, t) = conv(c);
    if t == 1 {
        format!("c2c_{id}")
    } else {
        format!("group_{id}")
    }
}

/// Pusher `p`: inbound batch `n` (ten messages, and now and then receipts,
/// a read position from another device, a roster, a conversation state).
fn push_batch(p: u64, n: u64, rng: &mut Rng) -> String {
    let mut envs = Vec::new();
    for i in 0..10 {
        let c = rng.below(CONVS);
        let (id, t) = conv(c);
        let seq = (n * 20 + i * 2 + p + 1) * 4;
        envs.push(serde_json::json!({"kind":"message","message":{
            "message_msg_id": format!("p{p}-{n}-{i}"), "message_conv_id": id, "message_conv_type": t,
            "message_sender": if t == 1 { id.clone() } else { format!("m{}", rng.below(5)) },
            "message_server_time": 1_700_000_000 + n * 3 + i, "message_seq": if t == 2 { seq } else { 0 },
            "message_need_read_receipt": rng.below(3) == 0,
            "message_group_at_user_array": if rng.below(10) == 0 { serde_json::json!([USER]) } else { serde_json::json!([]) },
            "message_elem_array": [{"elem_type":0,"text_elem_content":"stress"}]}}));
    }
    match rng.below(6) {
        0 => {
            let (id, _) = conv(rng.below(30));
            envs.push(
                serde_json::json!({"kind":"read_position","conv_id":id,"conv_type":1,
                "timestamp": 1_700_000_000 + n * 3}),
            );
        }
        1 => {
            let (id, _) = conv(30 + rng.below(10));
            envs.push(
                serde_json::json!({"kind":"group_members","group_id":id,"group_type":1,
                "op":"set","members":[USER,"m0","m1","m2","m3","m4"]}),
            );
        }
        2 => {
            let (id, t) = conv(rng.below(CONVS));
            envs.push(serde_json::json!({"kind":"conversation","update_time": n,
                "conversation":{"conv_id":id,"conv_type":t,"conv_is_pinned": rng.below(2) == 0,
                "conv_recv_opt": rng.below(3), "conv_mark_array":[1]}}));
        }
        3 => {
            let (id, _) = conv(rng.below(30));
            envs.push(serde_json::json!({"kind":"receipt","receipt":{"msg_receipt_conv_id":id,
                "msg_receipt_conv_type":1,"msg_receipt_msg_id":"","msg_receipt_time_stamp":1_700_000_000 + n * 3}}));
        }
        _ => {}
    }
    serde_json::Value::Array(envs).to_string()
}

fn pusher(p: u64, pushed: Arc<AtomicU64>) {
    let mut rng = Rng(0xAB00 + p);
    let mut n = 0;
    while !STOP.load(Relaxed) {
        let batch = cs(&push_batch(p, n, &mut rng));
        // SAFETY: a valid C string and the recording callback.
        run(|cb, ud| unsafe { IMCoreInboundPush(batch.as_ptr(), cb, ud) });
        pushed.fetch_max(n, Relaxed);
        n += 1;
    }
}

fn filter(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => r#"{"conversation_list_filter_conv_type":1}"#.into(),
        1 => r#"{"conversation_list_filter_conv_type":2,"conversation_list_filter_has_unread_count":true}"#.into(),
        2 => r#"{"conversation_list_filter_mark_type":1}"#.into(),
        3 => r#"{"conversation_list_filter_conversation_group":"g1"}"#.into(),
        _ => "{}".into(),
    }
}

fn worker(w: u64, pushed: Arc<AtomicU64>) {
    let mut rng = Rng(0xC0DE + w);
    while !STOP.load(Relaxed) {
        let c = rng.below(CONVS);
        let (id, t) = conv(c);
        let cid = cs(&id);
        let msg_id = format!(
            "p{}-{}-{}",
            rng.below(2),
            rng.below(pushed.load(Relaxed) + 1),
            rng.below(10)
        );
        // SAFETY (every call): valid C strings, the recording callbacks.
        unsafe {
            match rng.below(26) {
                0 => run(|cb, ud| TIMConvGetConvList(cb, ud)),
                1 => {
                    let f = cs(&filter(&mut rng));
                    run(|cb, ud| TIMConvGetConversationListByFilter(f.as_ptr(), 0, 50, cb, ud))
                }
                2 => {
                    let f = cs(&filter(&mut rng));
                    run(|cb, ud| TIMConvGetUnreadMessageCountByFilter(f.as_ptr(), cb, ud))
                }
                3 => run(|cb, ud| TIMConvGetTotalUnreadMessageCount(cb, ud)),
                4 => run(|cb, ud| {
                    TIMConvPinConversation(cid.as_ptr(), t, (rng.below(2)) as u8, cb, ud)
                }),
                5 => {
                    let ids = cs(&serde_json::json!([v2(c), v2(rng.below(CONVS))]).to_string());
                    run(|cb, ud| {
                        TIMConvMarkConversation(
                            ids.as_ptr(),
                            1 << rng.below(3),
                            rng.below(2) as u8,
                            cb,
                            ud,
                        )
                    })
                }
                6 => {
                    let ids = cs(&serde_json::json!([v2(c)]).to_string());
                    let d = cs(&format!("d{}", rng.below(100)));
                    run(|cb, ud| TIMConvSetConversationCustomData(ids.as_ptr(), d.as_ptr(), cb, ud))
                }
                7 => {
                    let target = cs(&match rng.below(4) {
                        0 => String::new(),
                        1 => "c2c".into(),
                        _ => v2(c),
                    });
                    run(|cb, ud| {
                        TIMConvCleanConversationUnreadMessageCount(target.as_ptr(), 0, 0, cb, ud)
                    })
                }
                8 => run(|cb, ud| TIMMsgReportReaded(cid.as_ptr(), t, std::ptr::null(), cb, ud)),
                9 if rng.below(10) == 0 => run(|cb, ud| TIMMsgMarkAllMessageAsRead(cb, ud)),
                10 | 11 => {
                    let body = cs(
                        r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"hi"}],"message_need_read_receipt":true}"#,
                    );
                    let mut buf = [0u8; 128];
                    run(|cb, ud| {
                        TIMMsgSendMessage(
                            cid.as_ptr(),
                            t,
                            body.as_ptr(),
                            buf.as_mut_ptr().cast(),
                            cb,
                            ud,
                        )
                    })
                }
                12 => {
                    let ids = cs(&serde_json::json!([{"message_msg_id": msg_id}]).to_string());
                    run(|cb, ud| TIMMsgSendMessageReadReceipts(ids.as_ptr(), cb, ud))
                }
                13 => {
                    let p = cs(r#"{"msg_getmsglist_param_count":20}"#);
                    run(|cb, ud| TIMMsgGetMsgList(cid.as_ptr(), t, p.as_ptr(), cb, ud))
                }
                14 => {
                    let ids = cs(&serde_json::json!([msg_id]).to_string());
                    run(|cb, ud| TIMMsgFindMessages(ids.as_ptr(), cb, ud))
                }
                15 => {
                    let d =
                        cs(r#"{"draft_msg":{"message_elem_array":[]},"draft_user_define":"x"}"#);
                    let r = if rng.below(2) == 0 {
                        TIMConvSetDraft(cid.as_ptr(), t, d.as_ptr())
                    } else {
                        TIMConvCancelDraft(cid.as_ptr(), t)
                    };
                    OPS.fetch_add(1, Relaxed);
                    r
                }
                16 => {
                    let g = cs(&format!("g{}", rng.below(3)));
                    let ids = cs(&serde_json::json!([v2(c)]).to_string());
                    match rng.below(4) {
                        0 => run(|cb, ud| {
                            TIMConvCreateConversationGroup(g.as_ptr(), ids.as_ptr(), cb, ud)
                        }),
                        1 => run(|cb, ud| {
                            TIMConvAddConversationsToGroup(g.as_ptr(), ids.as_ptr(), cb, ud)
                        }),
                        2 => run(|cb, ud| {
                            TIMConvDeleteConversationsFromGroup(g.as_ptr(), ids.as_ptr(), cb, ud)
                        }),
                        _ => run(|cb, ud| TIMConvDeleteConversationGroup(g.as_ptr(), cb, ud)),
                    }
                }
                17 => {
                    let f = cs(&filter(&mut rng));
                    let r = if rng.below(2) == 0 {
                        TIMConvSubscribeUnreadMessageCountByFilter(f.as_ptr())
                    } else {
                        TIMConvUnsubscribeUnreadMessageCountByFilter(f.as_ptr())
                    };
                    OPS.fetch_add(1, Relaxed);
                    r
                }
                18 => {
                    let opt = rng.below(4) as i32;
                    if t == 1 {
                        let ids = cs(&serde_json::json!([id]).to_string());
                        run(|cb, ud| TIMMsgSetC2CReceiveMessageOpt(ids.as_ptr(), opt, cb, ud))
                    } else {
                        run(|cb, ud| TIMMsgSetGroupReceiveMessageOpt(cid.as_ptr(), opt, cb, ud))
                    }
                }
                19 => run(|cb, ud| TIMConvCreate(cid.as_ptr(), t, cb, ud)),
                20 if rng.below(20) == 0 => run(|cb, ud| TIMConvDelete(cid.as_ptr(), t, cb, ud)),
                21 => {
                    let mut buf = [0 as c_char; 128];
                    OPS.fetch_add(1, Relaxed);
                    TIMGetLoginUserID(buf.as_mut_ptr())
                }
                22 if w == 7 && rng.below(4) == 0 => {
                    // Switch to pumped delivery, deliver from this thread
                    // for a moment, switch back (the dispatcher thread is
                    // stopped and joined, then started again).
                    let r = IMCoreSetCallbackMode(1);
                    for _ in 0..5 {
                        // Bounded, as a frame would poll: what is left goes
                        // to the dispatcher thread once it is back.
                        IMCorePollCallbacks(64);
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    IMCoreSetCallbackMode(0);
                    MODE_SWITCHES.fetch_add(1, Relaxed);
                    OPS.fetch_add(1, Relaxed);
                    r
                }
                22 => {
                    OPS.fetch_add(1, Relaxed);
                    IMCoreSetNetworkStatus(rng.below(4) as i32)
                }
                23 => {
                    let p = cs(
                        &serde_json::json!([{"get_conversation_list_param_conv_id": id,
                        "get_conversation_list_param_conv_type": t}])
                        .to_string(),
                    );
                    run(|cb, ud| TIMConvGetConvInfo(p.as_ptr(), cb, ud))
                }
                24 => {
                    let m = cs(&serde_json::json!({"message_msg_id": msg_id}).to_string());
                    let tk = tok();
                    let r = TIMMsgGetGroupMessageReadMemberList(
                        m.as_ptr(),
                        0,
                        0,
                        10,
                        Some(members_cb),
                        tk as *const c_void,
                    );
                    if r == TIM_SUCC {
                        EXPECTED[tk].store(1, SeqCst);
                    }
                    OPS.fetch_add(1, Relaxed);
                    r
                }
                _ => {
                    let ids = cs(&serde_json::json!([{"message_msg_id": msg_id}]).to_string());
                    run(|cb, ud| TIMMsgGetMessageReadReceipts(ids.as_ptr(), cb, ud))
                }
            };
        }
    }
}

/// Sum of the unread counts of unmuted conversations, from the list.
fn list_sum() -> i64 {
    // SAFETY: the recording callback.
    let r = call("TIMConvGetConvList", |cb, ud| unsafe {
        TIMConvGetConvList(cb, ud)
    })
    .expect("accepted");
    let v: serde_json::Value = serde_json::from_str(&r.json).expect("JSON");
    v.as_array()
        .expect("an array")
        .iter()
        .filter(|c| !matches!(c["conv_recv_opt"].as_i64(), Some(1..=3)))
        .map(|c| c["conv_unread_num"].as_i64().unwrap_or(0))
        .sum()
}

fn main() {
    let secs = env_u64("IMCORE_STRESS_SECS", 20);
    let stall = env_u64("IMCORE_STRESS_STALL_SECS", 30);
    let dir = temp_dir("stress");
    let mut c = Checks::default();
    assert_eq!(init(&dir, false), TIM_SUCC, "{}", last_error());
    // SAFETY: valid callbacks with NULL user data.
    unsafe {
        IMCoreSetOutboundCallback(Some(outbound), std::ptr::null());
        TIMSetConvEventCallback(Some(conv_event), std::ptr::null());
        TIMAddRecvNewMsgCallback(Some(new_msgs), std::ptr::null());
        TIMSetConvTotalUnreadMessageCountChangedCallback(Some(count_total), std::ptr::null());
        TIMSetConvUnreadMessageCountChangedByFilterCallback(Some(count_filter), std::ptr::null());
        TIMSetMsgReadedReceiptCallback(Some(count_one), std::ptr::null());
    }
    let r = login(USER).expect("accepted");
    assert_eq!(r.code, 0, "login: {}", r.desc);

    // The watchdog: no progress for `stall` seconds is a deadlock.
    let wd = Watchdog::start(Duration::from_secs(stall), "stress", || {
        (OPS.load(SeqCst), CALLBACKS.load(SeqCst))
    });

    let pushed = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut threads = Vec::new();
    for i in 0..8u64 {
        let pushed = pushed.clone();
        threads.push(std::thread::spawn(move || {
            if i < 2 {
                pusher(i, pushed)
            } else {
                worker(i, pushed)
            }
        }));
    }
    std::thread::sleep(Duration::from_secs(secs));
    STOP.store(true, SeqCst);
    let (elapsed, ops) = (start.elapsed().as_secs_f64(), OPS.load(SeqCst));
    for t in threads {
        c.check(t.join().is_ok(), "a worker thread panicked");
    }
    let joined = start.elapsed().as_secs_f64() - elapsed;

    // Every accepted call calls back exactly once (the watchdog still runs).
    let issued = NEXT_TOKEN.load(SeqCst) as usize;
    let expected = (1..issued)
        .filter(|&t| EXPECTED[t].load(SeqCst) == 1)
        .count();
    // The dispatcher may be behind (one thread delivering what eight
    // produced, its acks competing for the engine): wait while it makes
    // progress; the watchdog fails a stall, and 10 minutes is the cap.
    let until = Instant::now() + Duration::from_secs(600);
    let drain_start = Instant::now();
    let delivered = loop {
        let d = CALLBACKS.load(SeqCst) as usize;
        if d >= expected || Instant::now() > until {
            break (1..issued)
                .filter(|&t| DELIVERED[t].load(SeqCst) > 0)
                .count();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let drained = drain_start.elapsed().as_secs_f64();
    c.check(
        delivered == expected,
        format!("{delivered} of {expected} accepted calls called back"),
    );
    let wrong: Vec<usize> = (1..issued)
        .filter(|&t| DELIVERED[t].load(SeqCst) != EXPECTED[t].load(SeqCst))
        .take(5)
        .collect();
    c.check(
        wrong.is_empty(),
        format!("calls whose callbacks do not match their return: {wrong:?}"),
    );
    c.check(
        BAD.load(SeqCst) == 0,
        format!("{} bad callbacks or internal errors", BAD.load(SeqCst)),
    );

    // Counts equal a recount, before and after a restart.
    let v = verify();
    c.check(v.is_ok(), format!("verify() after the stress: {v:?}"));
    let (total, sum) = (total_unread(), list_sum());
    c.check(
        total == sum,
        format!("total {total} != sum of unmuted conversations {sum}"),
    );
    // SAFETY: NULL unregisters (no acks during the restart check).
    unsafe { IMCoreSetOutboundCallback(None, std::ptr::null()) };
    logout();
    let r = login(USER);
    c.check(
        matches!(&r, Ok(r) if r.code == 0),
        format!("login after the stress: {r:?}"),
    );
    let v = verify();
    c.check(v.is_ok(), format!("verify() after a restart: {v:?}"));
    let after = total_unread();
    c.check(
        after == total && list_sum() == total,
        format!("total {after} after a restart, {total} before"),
    );
    wd.stop();
    uninit();
    println!(
        "stress: 8 threads for {elapsed:.1} s: {ops} operations ({:.0}/s), {} callbacks, \
         {} re-entrant calls from callbacks, {} envelopes acked from the outbound callback, \
         {} listener events, {} inbound batches, {} switches to pumped mode and back; \
         the threads ended {joined:.2} s after the stop, the callbacks {drained:.2} s after \
         ({:.0} callbacks/s over the whole run)",
        ops as f64 / elapsed,
        CALLBACKS.load(SeqCst),
        REENTRANT.load(SeqCst),
        ACKS.load(SeqCst),
        LISTENER_EVENTS.load(SeqCst),
        pushed.load(SeqCst) * 2,
        MODE_SWITCHES.load(SeqCst),
        CALLBACKS.load(SeqCst) as f64 / (elapsed + joined + drained),
    );
    let _ = std::fs::remove_dir_all(&dir);

    // Part two: lifecycle calls, listener changes and mode switches racing.
    // SAFETY: NULL unregisters the listeners of part one.
    unsafe {
        TIMSetConvEventCallback(None, std::ptr::null());
        TIMRemoveRecvNewMsgCallback(Some(new_msgs));
        TIMSetConvTotalUnreadMessageCountChangedCallback(None, std::ptr::null());
        TIMSetConvUnreadMessageCountChangedByFilterCallback(None, std::ptr::null());
        TIMSetMsgReadedReceiptCallback(None, std::ptr::null());
    }
    let dir = temp_dir("lifecycle");
    rel::lifecycle::run(env_u64("IMCORE_LIFECYCLE_SECS", 5), &dir, &mut c);
    let _ = std::fs::remove_dir_all(&dir);
    std::process::exit(c.finish("stress"));
}
