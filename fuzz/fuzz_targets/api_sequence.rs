//! A sequence of API calls against one logged-in instance. Each input starts
//! from the same fresh store (a copy of a migrated, empty one) and is read as
//! up to 64 operations: an opcode byte, then the bytes that operation needs
//! (conversations, message ids, times and flags from small pools, so that
//! calls meet each other's state; some operations take a raw fuzzed string
//! instead). After every operation, callbacks are delivered and checked
//! (TIM_SUCC ⇒ exactly one result callback, error ⇒ none; sends in outbox
//! mode call back once, at their ack or with 6014 at logout) and the
//! engine's `verify()` must hold. The outbox is checked too: after a login
//! or attaching the outbound callback, every envelope not yet acknowledged
//! is passed again exactly once, and none that was acknowledged.
#![no_main]
use ffi::*;
use imcore_fuzz::*;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::ffi::CString;
use std::path::PathBuf;
use std::sync::Mutex;

const PEERS: [&str; 4] = ["bob", "carol", "dave", "fuzzer"];
const GROUPS: [&str; 4] = ["team", "work", "chat", "meet"];
const NAMES: [&str; 4] = [
    "friends",
    "work",
    "",
    "a-name-longer-than-thirty-two-bytes!",
];
const T0: u64 = 1_700_000_000;

/// The device clock (seconds).
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The bytes of the input, read front to back; 0 once exhausted.
struct Src<'a> {
    d: &'a [u8],
    i: usize,
}

impl Src<'_> {
    fn more(&self) -> bool {
        self.i < self.d.len()
    }
    fn b(&mut self) -> u8 {
        let v = self.d.get(self.i).copied().unwrap_or(0);
        self.i += 1;
        v
    }
    fn bit(&mut self) -> bool {
        self.b() & 1 == 1
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[usize::from(self.b()) % xs.len()]
    }
    /// A raw string: a length byte, then that many bytes (cut at a NUL).
    fn raw(&mut self) -> CString {
        let n = usize::from(self.b());
        let end = (self.i + n).min(self.d.len());
        let bytes = self.d.get(self.i..end).unwrap_or(&[]);
        self.i = end;
        let cut = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        CString::new(&bytes[..cut]).expect("cut at the NUL")
    }
    /// A time: mostly near T0, sometimes skewed (an hour or years ahead of
    /// the clock, far in the past) or out of range.
    fn time(&mut self) -> u64 {
        match self.b() {
            255 => 0,
            254 => u64::MAX,
            253 => i64::MAX as u64,
            252 => 99_999_999_999,
            251 => now() + 3600,
            250 => now() + 10 * 365 * 86_400,
            249 => 1,
            v => T0 + u64::from(v),
        }
    }
    fn seq(&mut self) -> u64 {
        match self.b() {
            255 => u64::MAX,
            254 => i64::MAX as u64,
            253 => 1 << 40,
            252 => i64::MAX as u64 + 1,
            v => u64::from(v % 32),
        }
    }
    /// A conversation: (raw id, type), mostly from the pools.
    fn conv(&mut self) -> (String, i64) {
        let v = self.b();
        match v % 8 {
            0..=3 => (PEERS[usize::from(v >> 3) % 4].to_owned(), 1),
            4..=6 => (GROUPS[usize::from(v >> 3) % 4].to_owned(), 2),
            _ => match v >> 3 & 3 {
                0 => (String::new(), 1),
                1 => ("x".repeat(200), 2),
                2 => ("bob".to_owned(), 3),
                _ => ("zed".to_owned(), 1),
            },
        }
    }
    fn v2(&mut self) -> String {
        let (id, t) = self.conv();
        match t {
            1 => format!("c2c_{id}"),
            2 => format!("group_{id}"),
            _ => id,
        }
    }
    fn v2_array(&mut self) -> String {
        let n = self.b() % 4;
        json!((0..n).map(|_| self.v2()).collect::<Vec<_>>()).to_string()
    }
    fn msg_id(&mut self, sent: &[String]) -> String {
        let v = self.b();
        if v & 0x80 != 0 && !sent.is_empty() {
            sent[usize::from(v & 0x7f) % sent.len()].clone()
        } else {
            format!("x{}", v % 16)
        }
    }
}

/// One message envelope's `message` object from the input.
fn message(src: &mut Src<'_>, sent: &[String]) -> Value {
    let (conv, t) = src.conv();
    let id = src.msg_id(sent);
    let f = src.b();
    let from_self = f & 1 != 0;
    let sender = if from_self {
        USER.to_owned()
    } else {
        PEERS[usize::from(f >> 1) % 3].to_owned()
    };
    let mut m = json!({
        "message_msg_id": id,
        "message_conv_id": conv,
        "message_conv_type": t,
        "message_sender": sender,
        "message_server_time": src.time(),
        "message_seq": src.seq(),
        "message_is_from_self": from_self,
        "message_need_read_receipt": f & 2 != 0,
        "message_is_excluded_from_unread_count": f & 4 != 0,
        "message_excluded_from_last_message": f & 8 != 0,
        "message_is_online_msg": f & 16 != 0,
        "message_elem_array": [{"elem_type": 0, "text_elem_content": "t"}],
    });
    if f & 32 != 0 {
        m["message_group_at_user_array"] = json!([if f & 64 != 0 {
            "__kImSDK_MesssageAtALL__"
        } else {
            USER
        }]);
    }
    m
}

/// One inbound envelope from the input.
fn envelope(src: &mut Src<'_>, sent: &[String]) -> Value {
    match src.b() % 7 {
        0 | 1 => json!({"kind": "message", "message": message(src, sent)}),
        2 => {
            let (conv, t) = src.conv();
            let id = if src.bit() {
                String::new()
            } else {
                src.msg_id(sent)
            };
            json!({"kind": "receipt", "receipt": {
                "msg_receipt_conv_id": conv, "msg_receipt_conv_type": t,
                "msg_receipt_msg_id": id, "msg_receipt_time_stamp": src.time(),
                "msg_receipt_user_id": PEERS[usize::from(src.b()) % 4]}})
        }
        3 => {
            let (conv, t) = src.conv();
            // Both fields, only the time, or only the sequence: right or
            // wrong kind for the conversation.
            match src.b() % 3 {
                0 => json!({"kind": "read_position", "conv_id": conv, "conv_type": t,
                            "timestamp": src.time(), "sequence": src.seq()}),
                1 => json!({"kind": "read_position", "conv_id": conv, "conv_type": t,
                            "timestamp": src.time()}),
                _ => json!({"kind": "read_position", "conv_id": conv, "conv_type": t,
                            "sequence": src.seq()}),
            }
        }
        4 => {
            let op = src.pick(&["set", "add", "remove", "bogus"]);
            let n = src.b() % 4;
            let members: Vec<&str> = (0..n).map(|_| PEERS[usize::from(src.b()) % 4]).collect();
            let mut e = json!({"kind": "group_members", "group_id": GROUPS[usize::from(src.b()) % 4],
                               "op": op, "members": members});
            let gt = src.b();
            if gt < 7 {
                e["group_type"] = json!(gt);
            }
            e
        }
        5 => json!({"kind": "sync", "phase": src.pick(&["start", "finish", "failed"])}),
        _ => {
            let (conv, t) = src.conv();
            let f = src.b();
            let n = src.b() % 3;
            let groups: Vec<&str> = (0..n).map(|_| NAMES[usize::from(src.b()) % 4]).collect();
            json!({"kind": "conversation", "update_time": src.b(), "deleted": f & 1 != 0,
                   "server_ext": "", "conversation": {
                "conv_id": conv, "conv_type": t, "conv_is_pinned": f & 2 != 0,
                "conv_mark_array": if f & 4 != 0 { json!([1, 1u64 << 40]) } else { json!([]) },
                "conv_recv_opt": (f >> 3) % 5, "conv_conversation_group_array": groups,
                "conv_custom_data": "cd", "conv_c2c_read_timestamp": src.time(),
                "conv_group_read_sequence": src.seq()}})
        }
    }
}

/// A filter JSON from the input.
fn filter(src: &mut Src<'_>) -> String {
    let f = src.b();
    let mut o = serde_json::Map::new();
    if f & 1 != 0 {
        o.insert(
            "conversation_list_filter_conv_type".into(),
            json!(f >> 1 & 3),
        );
    }
    if f & 8 != 0 {
        o.insert(
            "conversation_list_filter_conversation_group".into(),
            json!(NAMES[usize::from(f >> 4) % 4]),
        );
    }
    if f & 16 != 0 {
        o.insert(
            "conversation_list_filter_mark_type".into(),
            json!(src.pick(&[0u64, 1, 2, 1 << 40])),
        );
    }
    if f & 32 != 0 {
        o.insert(
            "conversation_list_filter_has_unread_count".into(),
            json!(f & 64 != 0),
        );
    }
    if f & 128 != 0 {
        o.insert(
            "conversation_list_filter_has_group_at_info".into(),
            json!(true),
        );
    }
    Value::Object(o).to_string()
}

/// The state of one input.
#[derive(Default)]
struct State {
    outbound: bool,
    /// Envelopes delivered and not acknowledged.
    pending: BTreeSet<u64>,
    /// Envelopes acknowledged (never delivered again).
    acked: BTreeSet<u64>,
    /// Message envelope → message id.
    env_msg: HashMap<u64, String>,
    /// Ids of messages sent in this input.
    sent: Vec<String>,
}

impl State {
    /// Takes the envelopes delivered since the last call. `redelivery`: a
    /// login or attaching the callback passes every pending one again.
    fn take_envelopes(&mut self, redelivery: bool, what: &str) {
        let envs = std::mem::take(&mut TRACK.lock().unwrap_or_else(|e| e.into_inner()).envelopes);
        let mut seen = BTreeSet::new();
        for e in envs {
            assert!(seen.insert(e.id), "{what}: envelope {} passed twice", e.id);
            assert!(
                !self.acked.contains(&e.id),
                "{what}: acknowledged envelope {} passed again",
                e.id
            );
            if let Some(m) = e.msg_id {
                self.env_msg.insert(e.id, m);
            }
            self.pending.insert(e.id);
        }
        if redelivery {
            let missing: Vec<_> = self.pending.difference(&seen).collect();
            assert!(
                missing.is_empty(),
                "{what}: pending envelopes {missing:?} were not passed again"
            );
        }
    }
}

struct Fixture {
    dir: PathBuf,
    db_name: PathBuf,
    template: Vec<u8>,
}

static FIXTURE: Mutex<Option<Fixture>> = Mutex::new(None);

fn fixture() -> std::sync::MutexGuard<'static, Option<Fixture>> {
    let mut g = FIXTURE.lock().unwrap_or_else(|e| e.into_inner());
    if g.is_none() {
        let dir = data_root();
        let _ = std::fs::remove_dir_all(&dir);
        init(&dir);
        register_listeners();
        login(USER);
        logout();
        let db = std::fs::read_dir(&dir)
            .expect("the data directory")
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "db"))
            .expect("login created a store");
        let template = std::fs::read(&db).expect("read the fresh store");
        *g = Some(Fixture {
            db_name: db.file_name().expect("a file").into(),
            dir,
            template,
        });
    }
    g
}

fn logout_checked() {
    let tok = token();
    // SAFETY: the counting callback.
    let r = unsafe { TIMLogout(Some(result_cb), tok) };
    check("TIMLogout", r, tok);
    // Every call still waiting for its ack completed with 6014.
    on_logout();
}

fn login_checked(st: &mut State, what: &str) {
    login(USER);
    poll();
    st.take_envelopes(st.outbound, what);
}

fn set_outbound_checked(st: &mut State, on: bool) {
    st.outbound = on;
    set_outbound(on);
    st.take_envelopes(on, "IMCoreSetOutboundCallback");
}

fuzz_target!(|data: &[u8]| {
    let fx = fixture();
    let fx = fx.as_ref().expect("set up");
    for e in std::fs::read_dir(&fx.dir)
        .expect("the data directory")
        .flatten()
    {
        let _ = std::fs::remove_file(e.path());
    }
    std::fs::write(fx.dir.join(&fx.db_name), &fx.template).expect("copy the fresh store");
    let mut src = Src { d: data, i: 0 };
    let mut st = State::default();
    TRACK
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .envelopes
        .clear();
    st.outbound = src.bit();
    set_outbound(st.outbound);
    login_checked(&mut st, "login");
    let mut ops = 0;
    while src.more() && ops < 64 {
        ops += 1;
        let op = src.b() % 26;
        run_op(op, &mut src, &mut st);
        poll();
        st.take_envelopes(false, "an operation");
        verify(&format!("operation {ops} (opcode {op})"));
    }
    logout_checked();
});

fn run_op(op: u8, src: &mut Src<'_>, st: &mut State) {
    // SAFETY (every call below): valid C strings (or NULL where the API
    // allows it, chosen by the input), 128-byte buffers, the counting
    // callbacks.
    match op {
        0 | 1 => {
            let n = 1 + src.b() % 4;
            let envs: Vec<Value> = (0..n).map(|_| envelope(src, &st.sent)).collect();
            let t = cs(&Value::Array(envs).to_string());
            let before = ffi::tim::runtime::debug_state();
            let code = call("IMCoreInboundPush", |cb, ud| unsafe {
                IMCoreInboundPush(t.as_ptr(), cb, ud)
            });
            // A push is all or nothing: a refused one changed nothing.
            if code.is_some_and(|c| c != 0) {
                poll();
                assert_eq!(
                    ffi::tim::runtime::debug_state(),
                    before,
                    "a refused push ({}) changed the state: {t:?}",
                    last_error()
                );
            }
        }
        2 => {
            let t = src.raw();
            call("IMCoreInboundPush", |cb, ud| unsafe {
                IMCoreInboundPush(t.as_ptr(), cb, ud)
            });
        }
        3 => {
            let (conv, t) = src.conv();
            let f = src.b();
            let body = if f & 128 != 0 {
                src.raw()
            } else {
                cs(&json!({"message_elem_array": [{"elem_type": 0, "text_elem_content": "s"}],
                            "message_need_read_receipt": f & 1 != 0,
                            "message_is_excluded_from_unread_count": f & 2 != 0,
                            "message_excluded_from_last_message": f & 4 != 0,
                            "message_group_at_user_array": if f & 8 != 0 { json!(["bob"]) } else { json!([]) }})
                .to_string())
            };
            let c = cs(&conv);
            let mut buf = [0u8; 128];
            let code = call("TIMMsgSendMessage", |cb, ud| unsafe {
                TIMMsgSendMessage(
                    c.as_ptr(),
                    t as i32,
                    body.as_ptr(),
                    buf.as_mut_ptr().cast(),
                    cb,
                    ud,
                )
            });
            let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
            let id = String::from_utf8_lossy(&buf[..end]).into_owned();
            match code {
                // Stored (and in outbox mode queued, completing at its ack).
                Some(0) | Some(DEFERRED) => {
                    assert!(!id.is_empty(), "a stored send has its id written");
                    st.sent.push(id);
                }
                Some(_) => assert!(id.is_empty(), "a failed send wrote an id"),
                None => {}
            }
        }
        4 => {
            let n = 1 + src.b() % 3;
            let ids: Vec<Value> = (0..n)
                .map(|_| json!({"message_msg_id": src.msg_id(&st.sent)}))
                .collect();
            let t = cs(&Value::Array(ids).to_string());
            if src.bit() {
                call("TIMMsgSendMessageReadReceipts", |cb, ud| unsafe {
                    TIMMsgSendMessageReadReceipts(t.as_ptr(), cb, ud)
                });
            } else {
                call("TIMMsgGetMessageReadReceipts", |cb, ud| unsafe {
                    TIMMsgGetMessageReadReceipts(t.as_ptr(), cb, ud)
                });
            }
        }
        5 => {
            let target = match src.b() % 6 {
                0 => None,
                1 => Some("c2c".to_owned()),
                2 => Some("group".to_owned()),
                3 => Some(String::new()),
                _ => Some(src.v2()),
            };
            let t = target.map(|s| cs(&s));
            let (ts, seq) = (
                if src.bit() { src.time() } else { 0 },
                if src.bit() { src.seq() } else { 0 },
            );
            call(
                "TIMConvCleanConversationUnreadMessageCount",
                |cb, ud| unsafe {
                    TIMConvCleanConversationUnreadMessageCount(
                        t.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
                        ts,
                        seq,
                        cb,
                        ud,
                    )
                },
            );
        }
        6 => {
            let (conv, t) = src.conv();
            let c = if src.bit() { cs("") } else { cs(&conv) };
            let m = match src.b() % 3 {
                0 => None,
                1 => Some(cs(
                    &json!({"message_msg_id": src.msg_id(&st.sent)}).to_string()
                )),
                _ => Some(cs(
                    &json!({"message_server_time": src.time(), "message_seq": src.seq()})
                        .to_string(),
                )),
            };
            call("TIMMsgReportReaded", |cb, ud| unsafe {
                TIMMsgReportReaded(
                    c.as_ptr(),
                    t as i32,
                    m.as_ref().map_or(std::ptr::null(), |m| m.as_ptr()),
                    cb,
                    ud,
                )
            });
        }
        7 => {
            call("TIMMsgMarkAllMessageAsRead", |cb, ud| unsafe {
                TIMMsgMarkAllMessageAsRead(cb, ud)
            });
        }
        8 => {
            let (conv, t) = src.conv();
            let c = cs(&conv);
            let p = src.b();
            call("TIMConvPinConversation", |cb, ud| unsafe {
                TIMConvPinConversation(c.as_ptr(), t as i32, p, cb, ud)
            });
        }
        9 => {
            let ids = cs(&src.v2_array());
            let mark = src.pick(&[1u64, 2, 4, 8, 1 << 32, 1 << 63, 3, 0, 16]);
            let en = src.b();
            call("TIMConvMarkConversation", |cb, ud| unsafe {
                TIMConvMarkConversation(ids.as_ptr(), mark, en, cb, ud)
            });
        }
        10 => {
            let ids = cs(&src.v2_array());
            let data = if src.bit() {
                cs(&"d".repeat(usize::from(src.b()) * 2))
            } else {
                cs("x")
            };
            call("TIMConvSetConversationCustomData", |cb, ud| unsafe {
                TIMConvSetConversationCustomData(ids.as_ptr(), data.as_ptr(), cb, ud)
            });
        }
        11 => {
            if src.bit() {
                let ids = cs(&src.v2_array());
                let clear = src.b();
                call("TIMConvDeleteConversationList", |cb, ud| unsafe {
                    TIMConvDeleteConversationList(ids.as_ptr(), clear, cb, ud)
                });
            } else {
                let (conv, t) = src.conv();
                let c = cs(&conv);
                call("TIMConvDelete", |cb, ud| unsafe {
                    TIMConvDelete(c.as_ptr(), t as i32, cb, ud)
                });
            }
        }
        12 => {
            let name = cs(NAMES[usize::from(src.b()) % 4]);
            let other = cs(NAMES[usize::from(src.b()) % 4]);
            let ids = cs(&src.v2_array());
            match src.b() % 5 {
                0 => call("TIMConvCreateConversationGroup", |cb, ud| unsafe {
                    TIMConvCreateConversationGroup(name.as_ptr(), ids.as_ptr(), cb, ud)
                }),
                1 => call("TIMConvDeleteConversationGroup", |cb, ud| unsafe {
                    TIMConvDeleteConversationGroup(name.as_ptr(), cb, ud)
                }),
                2 => call("TIMConvRenameConversationGroup", |cb, ud| unsafe {
                    TIMConvRenameConversationGroup(name.as_ptr(), other.as_ptr(), cb, ud)
                }),
                3 => call("TIMConvAddConversationsToGroup", |cb, ud| unsafe {
                    TIMConvAddConversationsToGroup(name.as_ptr(), ids.as_ptr(), cb, ud)
                }),
                _ => call("TIMConvDeleteConversationsFromGroup", |cb, ud| unsafe {
                    TIMConvDeleteConversationsFromGroup(name.as_ptr(), ids.as_ptr(), cb, ud)
                }),
            };
        }
        13 => {
            let opt = i32::from(src.b() % 6);
            if src.bit() {
                let n = 1 + src.b() % 2;
                let ids = cs(&json!((0..n)
                    .map(|_| PEERS[usize::from(src.b()) % 4])
                    .collect::<Vec<_>>())
                .to_string());
                call("TIMMsgSetC2CReceiveMessageOpt", |cb, ud| unsafe {
                    TIMMsgSetC2CReceiveMessageOpt(ids.as_ptr(), opt, cb, ud)
                });
            } else {
                let g = cs(GROUPS[usize::from(src.b()) % 4]);
                call("TIMMsgSetGroupReceiveMessageOpt", |cb, ud| unsafe {
                    TIMMsgSetGroupReceiveMessageOpt(g.as_ptr(), opt, cb, ud)
                });
            }
        }
        14 => {
            let f = cs(&filter(src));
            let r = if src.bit() {
                unsafe { TIMConvSubscribeUnreadMessageCountByFilter(f.as_ptr()) }
            } else {
                unsafe { TIMConvUnsubscribeUnreadMessageCountByFilter(f.as_ptr()) }
            };
            check_code("TIMConv(Un)SubscribeUnreadMessageCountByFilter", r);
        }
        15 => {
            let f = if src.bit() {
                cs(&filter(src))
            } else {
                src.raw()
            };
            let (seq, count) = (u64::from(src.b() % 8), u32::from(src.b() % 8));
            call("TIMConvGetConversationListByFilter", |cb, ud| unsafe {
                TIMConvGetConversationListByFilter(f.as_ptr(), seq, count, cb, ud)
            });
            call("TIMConvGetUnreadMessageCountByFilter", |cb, ud| unsafe {
                TIMConvGetUnreadMessageCountByFilter(f.as_ptr(), cb, ud)
            });
        }
        16 => {
            call("TIMConvGetTotalUnreadMessageCount", |cb, ud| unsafe {
                TIMConvGetTotalUnreadMessageCount(cb, ud)
            });
            call("TIMConvGetConvList", |cb, ud| unsafe {
                TIMConvGetConvList(cb, ud)
            });
        }
        17 => {
            let (conv, t) = src.conv();
            let c = cs(&conv);
            let p = match src.b() % 3 {
                0 => None,
                1 => Some(src.raw()),
                _ => Some(cs(&json!({"msg_getmsglist_param_count": src.b(),
                                      "msg_getmsglist_param_is_forward": src.bit(),
                                      "msg_getmsglist_param_last_msg": {"message_msg_id": src.msg_id(&st.sent)}})
                .to_string())),
            };
            call("TIMMsgGetMsgList", |cb, ud| unsafe {
                TIMMsgGetMsgList(
                    c.as_ptr(),
                    t as i32,
                    p.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
                    cb,
                    ud,
                )
            });
            let ids = cs(&json!([src.msg_id(&st.sent), src.msg_id(&st.sent)]).to_string());
            call("TIMMsgFindMessages", |cb, ud| unsafe {
                TIMMsgFindMessages(ids.as_ptr(), cb, ud)
            });
        }
        18 => {
            let m = cs(&json!({"message_msg_id": src.msg_id(&st.sent)}).to_string());
            let (filter, seq, count) = (
                i32::from(src.b() % 2),
                u64::from(src.b() % 4),
                1 + u32::from(src.b() % 4),
            );
            let tok = token();
            let r = unsafe {
                TIMMsgGetGroupMessageReadMemberList(
                    m.as_ptr(),
                    filter,
                    seq,
                    count,
                    Some(members_cb),
                    tok,
                )
            };
            check("TIMMsgGetGroupMessageReadMemberList", r, tok);
        }
        19 => {
            let (conv, t) = src.conv();
            let c = cs(&conv);
            if src.bit() {
                let d = cs(
                    &json!({"draft_msg": {"message_elem_array": []}, "draft_user_define": "u",
                                   "draft_edit_time": src.time()})
                    .to_string(),
                );
                check_code("TIMConvSetDraft", unsafe {
                    TIMConvSetDraft(c.as_ptr(), t as i32, d.as_ptr())
                });
            } else {
                check_code("TIMConvCancelDraft", unsafe {
                    TIMConvCancelDraft(c.as_ptr(), t as i32)
                });
            }
        }
        20 => {
            let on = !st.outbound;
            set_outbound_checked(st, on);
        }
        21 | 22 => {
            // Ack a pending envelope (or, sometimes, an unknown / acked one).
            let pending: Vec<u64> = st.pending.iter().copied().collect();
            let id = match src.b() {
                v if v >= 250 => st.acked.iter().next().copied().unwrap_or(999),
                v if !pending.is_empty() => pending[usize::from(v) % pending.len()],
                _ => 999,
            };
            let code = src.pick(&[0i64, 0, 0, 80001, -3, 6014]);
            let ack = if src.b() < 8 {
                src.raw()
            } else {
                cs(&json!({"envelope_id": id, "code": code, "desc": "d",
                           "message_server_time": src.time(), "message_seq": src.seq()})
                .to_string())
            };
            let r = unsafe { IMCoreOutboundAck(ack.as_ptr()) };
            check_code("IMCoreOutboundAck", r);
            poll();
            if r == ffi::TIM_SUCC {
                let v: Value = serde_json::from_str(ack.to_str().expect("accepted ⇒ UTF-8"))
                    .expect("accepted ⇒ JSON");
                let id = v["envelope_id"].as_u64().expect("accepted ⇒ an id");
                assert!(
                    st.pending.remove(&id),
                    "envelope {id} acked but never passed to the host"
                );
                st.acked.insert(id);
                on_ack(id, v["code"].as_i64().unwrap_or(0) as i32);
            }
        }
        23 => {
            // Restart: logout (pending sends → 6014) and login again (every
            // pending envelope passed again, once).
            logout_checked();
            login_checked(st, "restart");
        }
        24 => {
            let (conv, t) = src.conv();
            let c = cs(&conv);
            call("TIMConvCreate", |cb, ud| unsafe {
                TIMConvCreate(c.as_ptr(), t as i32, cb, ud)
            });
        }
        _ => {
            let n = 1 + src.b() % 3;
            let keys: Vec<Value> = (0..n)
                .map(|_| {
                    let (c, t) = src.conv();
                    json!({"get_conversation_list_param_conv_id": c, "get_conversation_list_param_conv_type": t})
                })
                .collect();
            let p = cs(&Value::Array(keys).to_string());
            call("TIMConvGetConvInfo", |cb, ud| unsafe {
                TIMConvGetConvInfo(p.as_ptr(), cb, ud)
            });
        }
    }
}
