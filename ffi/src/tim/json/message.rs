//! Message and MessageReceipt.

use super::Obj;
use crate::boundary::{Checked, Reject};
use imcore::{ReceiptUpdate, StoredMessage};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// The keys of a message JSON that change how it counts and shows, read the
/// same way for a message sent (`TIMMsgSendMessage`) and one received (an
/// inbound `message` envelope's tree reading; its typed fast path in
/// `envelope.rs` mirrors these keys).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFlags {
    /// `message_need_read_receipt`.
    pub need_read_receipt: bool,
    /// `message_is_excluded_from_unread_count`.
    pub excluded_from_unread: bool,
    /// `message_excluded_from_last_message`.
    pub excluded_from_last_message: bool,
    /// `message_group_at_user_array`.
    pub at_users: Vec<String>,
}

impl MessageFlags {
    /// Reads the flag keys of a message object (absent = false / empty).
    pub fn read(o: &Obj<'_>) -> Checked<Self> {
        Ok(MessageFlags {
            need_read_receipt: o.bool("message_need_read_receipt")?.unwrap_or(false),
            excluded_from_unread: o
                .bool("message_is_excluded_from_unread_count")?
                .unwrap_or(false),
            excluded_from_last_message: o
                .bool("message_excluded_from_last_message")?
                .unwrap_or(false),
            at_users: o
                .strings("message_group_at_user_array")?
                .unwrap_or_default(),
        })
    }
}

/// `message_elem_array` must be an array; `required`: also present (a send).
pub fn check_elem_array(o: &Obj<'_>, required: bool) -> Checked<()> {
    match o.get("message_elem_array") {
        Some(Value::Array(_)) => Ok(()),
        None if !required => Ok(()),
        None => Err(Reject::json(format!(
            "{}.message_elem_array is missing",
            o.ctx
        ))),
        Some(_) => Err(Reject::json(format!(
            "{}.message_elem_array must be an array",
            o.ctx
        ))),
    }
}

/// The Message JSON of a stored message: its body with the authoritative
/// keys of the store laid over it.
pub fn message(m: &StoredMessage) -> Value {
    let mut obj = match serde_json::from_str::<Value>(&m.body) {
        Ok(Value::Object(o)) => o,
        _ => Map::new(),
    };
    let set = |o: &mut Map<String, Value>, k: &str, v: Value| {
        o.insert(k.to_owned(), v);
    };
    if !matches!(obj.get("message_elem_array"), Some(Value::Array(_))) {
        set(&mut obj, "message_elem_array", json!([]));
    }
    set(&mut obj, "message_msg_id", json!(m.msg_id));
    set(&mut obj, "message_conv_id", json!(m.conv.peer));
    set(
        &mut obj,
        "message_conv_type",
        json!(m.conv.conv_type.as_i64()),
    );
    set(&mut obj, "message_sender", json!(m.sender));
    set(&mut obj, "message_server_time", json!(m.server_time));
    if obj
        .get("message_client_time")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        == 0
    {
        set(&mut obj, "message_client_time", json!(m.server_time));
    }
    set(&mut obj, "message_seq", json!(m.seq));
    set(&mut obj, "message_unique_id", json!(m.unique_id()));
    set(&mut obj, "message_rand", json!(m.rand()));
    set(&mut obj, "message_is_from_self", json!(m.from_self()));
    set(&mut obj, "message_is_read", json!(m.is_read));
    set(&mut obj, "message_is_peer_read", json!(m.is_peer_read));
    set(&mut obj, "message_receipt_peer_read", json!(m.peer_receipt));
    set(
        &mut obj,
        "message_need_read_receipt",
        json!(m.need_read_receipt()),
    );
    set(
        &mut obj,
        "message_has_sent_receipt",
        json!(m.receipt_sent()),
    );
    set(&mut obj, "message_status", json!(status(m)));
    set(
        &mut obj,
        "message_group_receipt_read_count",
        json!(m.read_count),
    );
    set(
        &mut obj,
        "message_group_receipt_unread_count",
        json!(m.unread_count),
    );
    set(
        &mut obj,
        "message_is_excluded_from_unread_count",
        json!(m.excluded_from_unread()),
    );
    set(
        &mut obj,
        "message_excluded_from_last_message",
        json!(m.excluded_from_last_message()),
    );
    Value::Object(obj)
}

/// A message's `message_status` (TIMMsgStatus; 6: revoked).
fn status(m: &StoredMessage) -> i64 {
    if m.is_revoked() {
        6
    } else {
        m.status as i64
    }
}

/// A JSON array of messages (the text of a `Value` array of [`message`]s,
/// written once: [`write_message`]).
pub fn messages<'a>(ms: impl IntoIterator<Item = &'a StoredMessage>) -> String {
    let mut out = String::from("[");
    for (i, m) in ms.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_message(&mut out, m);
    }
    out.push(']');
    out
}

// ------------------------------------------------------- written once --
//
// The Message and ConvInfo texts of lists and listener batches are written
// straight into one `String`: the stored body's top-level values are
// spliced in as the store holds them (`RawValue`: no tree, nothing re-parsed
// below the top level, nothing to drop), the store's keys laid over them.
// The text is byte for byte what the `Value` route (`message(m).to_string()`)
// writes: serde_json's maps keep their keys sorted, so the top level is
// written in that order whatever order the host used; and a value is spliced
// only when it is already in serde_json's own form (`is_canonical`: compact,
// keys sorted at every level, its escapes and integers), as a host's element
// array usually is. A body with any other value (spaces inside, nested keys
// out of order, a float) takes the `Value` route, which puts it in that form.

/// One value of a text written once.
pub(crate) enum Piece<'a> {
    /// JSON text spliced as it is.
    Raw(&'a str),
    /// JSON text written before.
    Text(String),
    /// A string, escaped when written.
    Str(&'a str),
    U64(u64),
    I64(i64),
    Bool(bool),
}

impl Piece<'_> {
    fn write(&self, out: &mut String) {
        match self {
            Piece::Raw(t) => out.push_str(t),
            Piece::Text(t) => out.push_str(t),
            Piece::Str(s) => write_str(out, s),
            // Integers print as serde_json writes them.
            Piece::U64(n) => {
                let _ = write!(out, "{n}");
            }
            Piece::I64(n) => {
                let _ = write!(out, "{n}");
            }
            Piece::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        }
    }
}

/// Writes `{"key":value,...}` in key order (the map's), as serde_json
/// writes a map. Keys must need no escaping (`is_canonical` bodies' and the
/// reference's keys do not).
pub(crate) fn write_object(out: &mut String, fields: &std::collections::BTreeMap<&str, Piece<'_>>) {
    out.push('{');
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(k);
        out.push_str("\":");
        v.write(out);
    }
    out.push('}');
}

/// A JSON string as serde_json escapes it.
pub(crate) fn write_str(out: &mut String, s: &str) {
    // Nothing to escape (the usual id or text): as it is.
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    // serde_json's writer into a Vec never fails for a str.
    let mut buf = Vec::with_capacity(s.len() + 2);
    let _ = serde_json::to_writer(&mut buf, s);
    out.push_str(std::str::from_utf8(&buf).unwrap_or("\"\""));
}

/// Whether `text` is a JSON text exactly as serde_json writes its `Value`:
/// no whitespace, object keys strictly increasing at every level and free
/// of escapes, strings with serde_json's escapes only, integers only (a
/// fraction or exponent is re-formatted by the tree), within i64 / u64.
/// Conservative: `false` only costs the tree route.
pub(crate) fn is_canonical(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    // Per open container: is it an object, and its last key (byte range).
    let mut stack: Vec<(bool, Option<(usize, usize)>)> = Vec::new();
    // What may come next: a value, or (in an object) a key / the end.
    let mut expect_key = false;
    loop {
        if expect_key {
            // At a key: `"key":` (or `}` right after `{`, handled below).
            if b.get(i) != Some(&b'"') {
                return false;
            }
            let start = i + 1;
            let Some(end) = string_end(b, i) else {
                return false;
            };
            if b[start..end].contains(&b'\\') {
                return false;
            }
            let top = stack.last_mut().expect("a key is inside an object");
            if let Some((ps, pe)) = top.1 {
                if b[ps..pe] >= b[start..end] {
                    return false;
                }
            }
            top.1 = Some((start, end));
            i = end + 1;
            if b.get(i) != Some(&b':') {
                return false;
            }
            i += 1;
            expect_key = false;
        }
        // A value.
        match b.get(i) {
            Some(b'{') => {
                stack.push((true, None));
                i += 1;
                if b.get(i) == Some(&b'}') {
                    stack.pop();
                    i += 1;
                } else {
                    expect_key = true;
                    continue;
                }
            }
            Some(b'[') => {
                stack.push((false, None));
                i += 1;
                if b.get(i) == Some(&b']') {
                    stack.pop();
                    i += 1;
                } else {
                    continue;
                }
            }
            Some(b'"') => match string_end(b, i) {
                Some(end) if canonical_escapes(&b[i + 1..end]) => i = end + 1,
                _ => return false,
            },
            Some(b't') if b[i..].starts_with(b"true") => i += 4,
            Some(b'f') if b[i..].starts_with(b"false") => i += 5,
            Some(b'n') if b[i..].starts_with(b"null") => i += 4,
            Some(&c) if c == b'-' || c.is_ascii_digit() => {
                let start = i;
                if c == b'-' {
                    i += 1;
                }
                let digits = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                let n = &text[start..i];
                let ok = i > digits
                    && !(b[digits] == b'0' && i - digits > 1)
                    && n != "-0"
                    && (n.parse::<u64>().is_ok() || n.parse::<i64>().is_ok());
                if !ok || matches!(b.get(i), Some(b'.' | b'e' | b'E')) {
                    return false;
                }
            }
            _ => return false,
        }
        // After a value: `,` then the next, or close containers.
        loop {
            let Some(&(is_obj, _)) = stack.last() else {
                return i == b.len();
            };
            match (b.get(i), is_obj) {
                (Some(b','), true) => {
                    i += 1;
                    expect_key = true;
                    break;
                }
                (Some(b','), false) => {
                    i += 1;
                    break;
                }
                (Some(b'}'), true) | (Some(b']'), false) => {
                    stack.pop();
                    i += 1;
                }
                _ => return false,
            }
        }
    }
}

/// The index of the quote that ends the string opening at `b[open]`.
fn string_end(b: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some(i),
            b'\\' => i += 2,
            c if c < 0x20 => return None,
            _ => i += 1,
        }
    }
    None
}

/// A string's inside (between its quotes) uses serde_json's escapes only:
/// `\" \\ \b \f \n \r \t`, and `\u00xx` (lowercase) for the other control
/// characters.
fn canonical_escapes(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' {
            match s.get(i + 1) {
                Some(b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let hex = s.get(i + 2..i + 6);
                    let ok = hex.is_some_and(|h| {
                        h[0] == b'0'
                            && h[1] == b'0'
                            && h[2..]
                                .iter()
                                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
                    }) && {
                        let h = hex.unwrap_or_default();
                        let v =
                            u8::from_str_radix(std::str::from_utf8(&h[2..]).unwrap_or("ff"), 16)
                                .unwrap_or(0xff);
                        v < 0x20 && !matches!(v, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d)
                    };
                    if !ok {
                        return false;
                    }
                    i += 6;
                }
                _ => return false,
            }
        } else {
            i += 1;
        }
    }
    true
}

/// Writes the Message JSON of `m`: the text of `message(m).to_string()`.
pub(crate) fn write_message(out: &mut String, m: &StoredMessage) {
    use serde_json::value::RawValue;
    use std::collections::BTreeMap;
    // The top level is re-written here, so it may come in any order and
    // spacing (a later duplicate key wins, as in the tree); each value is
    // spliced, so each must already be in serde_json's form. Keys borrowed
    // from the text carry no escapes (one that does fails the borrow).
    let body: Option<BTreeMap<&str, &RawValue>> = serde_json::from_str(&m.body)
        .ok()
        .filter(|b: &BTreeMap<&str, &RawValue>| b.values().all(|v| is_canonical(v.get())));
    let Some(body) = body else {
        // Not an object whose values are in serde_json's form: the tree route.
        out.push_str(&message(m).to_string());
        return;
    };
    // The store's keys, in key order (the tree's; `None`: the body's value
    // stays). Merged with the body's keys, which the map keeps in order.
    let client_time = body
        .get("message_client_time")
        .and_then(|v| v.get().parse::<u64>().ok())
        .unwrap_or(0);
    let elem_array = body
        .get("message_elem_array")
        .is_some_and(|v| v.get().starts_with('['));
    let store: [(&str, Option<Piece<'_>>); 21] = [
        (
            "message_client_time",
            (client_time == 0).then_some(Piece::U64(m.server_time)),
        ),
        ("message_conv_id", Some(Piece::Str(&m.conv.peer))),
        (
            "message_conv_type",
            Some(Piece::I64(m.conv.conv_type.as_i64())),
        ),
        (
            "message_elem_array",
            (!elem_array).then_some(Piece::Raw("[]")),
        ),
        (
            "message_excluded_from_last_message",
            Some(Piece::Bool(m.excluded_from_last_message())),
        ),
        (
            "message_group_receipt_read_count",
            Some(Piece::U64(m.read_count)),
        ),
        (
            "message_group_receipt_unread_count",
            Some(Piece::U64(m.unread_count)),
        ),
        (
            "message_has_sent_receipt",
            Some(Piece::Bool(m.receipt_sent())),
        ),
        (
            "message_is_excluded_from_unread_count",
            Some(Piece::Bool(m.excluded_from_unread())),
        ),
        ("message_is_from_self", Some(Piece::Bool(m.from_self()))),
        ("message_is_peer_read", Some(Piece::Bool(m.is_peer_read))),
        ("message_is_read", Some(Piece::Bool(m.is_read))),
        ("message_msg_id", Some(Piece::Str(&m.msg_id))),
        (
            "message_need_read_receipt",
            Some(Piece::Bool(m.need_read_receipt())),
        ),
        ("message_rand", Some(Piece::U64(m.rand()))),
        (
            "message_receipt_peer_read",
            Some(Piece::Bool(m.peer_receipt)),
        ),
        ("message_sender", Some(Piece::Str(&m.sender))),
        ("message_seq", Some(Piece::U64(m.seq))),
        ("message_server_time", Some(Piece::U64(m.server_time))),
        ("message_status", Some(Piece::I64(status(m)))),
        ("message_unique_id", Some(Piece::U64(m.unique_id()))),
    ];
    debug_assert!(store.windows(2).all(|w| w[0].0 < w[1].0));
    let mut w = ObjectWriter::new(out);
    let mut ours = store
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (*k, v)))
        .peekable();
    for (k, v) in &body {
        while let Some((sk, sv)) = ours.next_if(|(sk, _)| sk < k) {
            w.field(sk, sv);
        }
        match ours.next_if(|(sk, _)| sk == k) {
            Some((sk, sv)) => w.field(sk, sv),
            None => w.field(k, &Piece::Raw(v.get())),
        }
    }
    for (sk, sv) in ours {
        w.field(sk, sv);
    }
    w.end();
}

/// Writes a JSON object field by field, keys in the order given (the
/// caller's: serde_json's maps write theirs sorted).
pub(crate) struct ObjectWriter<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> ObjectWriter<'o> {
    /// Opens the object.
    pub(crate) fn new(out: &'o mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// `"key":` (keys need no escaping: the reference's and borrowed ones).
    pub(crate) fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
        self.out
    }

    /// A field.
    pub(crate) fn field(&mut self, key: &str, v: &Piece<'_>) {
        v.write(self.key(key));
    }

    /// Closes the object.
    pub(crate) fn end(self) {
        self.out.push('}');
    }
}

// --------------------------------------------------------- conversations --

/// MessageReceipt (§4.4).
pub fn receipt(r: &ReceiptUpdate) -> Value {
    json!({
        "msg_receipt_conv_id": r.conv.peer,
        "msg_receipt_conv_type": r.conv.conv_type.as_i64(),
        "msg_receipt_msg_id": r.msg_id,
        "msg_receipt_time_stamp": r.timestamp,
        "msg_receipt_is_peer_read": r.is_peer_read,
        "msg_receipt_read_count": r.read_count,
        "msg_receipt_unread_count": r.unread_count,
    })
}

/// A JSON array of MessageReceipt.
pub fn receipts<'a>(rs: impl IntoIterator<Item = &'a ReceiptUpdate>) -> String {
    Value::Array(rs.into_iter().map(receipt).collect()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use imcore::{ConvKey, MsgStatus};
    #[test]
    fn message_keys_are_overlaid_on_the_body() {
        let m = StoredMessage {
            msg_id: "m1".into(),
            conv: ConvKey::c2c("bob").unwrap(),
            sender: "bob".into(),
            server_time: 100,
            seq: 0,
            flags: 0,
            status: MsgStatus::SendSucc,
            body: r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"hi"}],
                      "message_msg_id":"forged","message_custom_str":"x"}"#
                .into(),
            is_read: false,
            is_peer_read: false,
            peer_receipt: false,
            read_count: 0,
            unread_count: 0,
        };
        let v = message(&m);
        assert_eq!(v["message_msg_id"], "m1");
        assert_eq!(v["message_custom_str"], "x");
        assert_eq!(v["message_conv_type"], 1);
        assert_eq!(v["message_status"], 2);
        assert_eq!(v["message_elem_array"][0]["text_elem_content"], "hi");
        assert_eq!(v["message_client_time"], 100);
        assert_eq!(v["message_unique_id"], imcore::message::unique_id("m1"));
        assert_eq!(v["message_rand"], imcore::message::rand("m1"));
    }

    fn stored(body: &str, flags: i64) -> StoredMessage {
        StoredMessage {
            msg_id: "m\"1\u{1}é".into(),
            conv: ConvKey::group("team").unwrap(),
            sender: "bob".into(),
            server_time: 100,
            seq: 7,
            flags,
            status: MsgStatus::SendSucc,
            body: body.into(),
            is_read: true,
            is_peer_read: false,
            peer_receipt: true,
            read_count: 3,
            unread_count: u64::MAX,
        }
    }

    /// Bodies a host may store: canonical ones (spliced) and every kind the
    /// check must send to the tree (spaces, key order, escapes, numbers,
    /// not an object, not JSON).
    const BODIES: &[&str] = &[
        r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"hi"}]}"#,
        r#"{"a":{"b":[1,-2,{"c":null}],"d":true},"message_client_time":5,"message_custom_str":"x\n\u001f\"","z":false}"#,
        r#"{"message_client_time":0,"message_elem_array":{"not":"an array"},"message_msg_id":"forged"}"#,
        r#"{"message_client_time":"7","message_status":99}"#,
        r#"{"message_client_time":-3}"#,
        r#"{"message_client_time":18446744073709551615,"n":-9223372036854775808}"#,
        r#"{"message_elem_array": []}"#,
        r#"{"b":1,"a":2}"#,
        r#"{"a":1,"a":2}"#,
        r#"{"a":{"y":1,"x":2}}"#,
        r#"{"a":1.5}"#,
        r#"{"a":1e3}"#,
        r#"{"a":-0}"#,
        r#"{"a":01}"#,
        r#"{"a":18446744073709551616}"#,
        r#"{"a":"\/"}"#,
        r#"{"a":"\u00e9"}"#,
        r#"{"a":"\u001F"}"#,
        r#"{"a":"\u000a"}"#,
        r#"{"a\"b":1}"#,
        r#"{"é":1,"z":2}"#,
        "[1,2]",
        "\"text\"",
        "",
        "not json",
        "{}",
        "{",
        r#"{"a":[}"#,
        r#"{"a":1}x"#,
        r#"{"message_msg_id":"host","message_conv_id":"c","message_elem_array":[{"elem_type":0,"text_elem_content":"as a host writes it"}],"message_priority":2,"message_random":12}"#,
        r#" { "z" : [1,2] , "a" : {"b":"c"} , "message_client_time" : 9 } "#,
        r#"{"z":1,"a":2,"z":3}"#,
        r#"{"z":{"b":1, "a":2},"a":2}"#,
        r#"{"k":"\u00e9","a":2}"#,
        r#"{"message_rand":5,"message_unique_id":0}"#,
    ];

    #[test]
    fn a_message_written_once_is_the_text_the_tree_writes() {
        for body in BODIES {
            for flags in [0, 1 | 2 | 4 | 8 | 128, imcore::message::flags::REVOKED] {
                let m = stored(body, flags);
                let mut once = String::new();
                write_message(&mut once, &m);
                assert_eq!(once, message(&m).to_string(), "body {body}");
            }
        }
        let ms: Vec<_> = BODIES.iter().map(|b| stored(b, 0)).collect();
        let tree = Value::Array(ms.iter().map(message).collect()).to_string();
        assert_eq!(messages(&ms), tree);
        assert_eq!(messages(&[]), "[]");
    }

    #[test]
    fn only_serde_jsons_own_form_counts_as_canonical() {
        for body in BODIES {
            let canonical =
                serde_json::from_str::<Value>(body).is_ok_and(|v| v.to_string().as_str() == *body);
            // Never canonical when the tree would write it otherwise.
            if is_canonical(body) {
                assert!(canonical, "{body}");
            }
        }
        assert!(is_canonical(BODIES[0]));
        assert!(is_canonical(BODIES[1]));
        assert!(is_canonical(BODIES[5]));
        for v in [
            json!({"k": [1, 2, {"x": "\u{7f}\t\u{1b}"}], "j": null, "i": -5, "h": ""}),
            json!([]),
            json!({}),
            json!("s"),
            json!(u64::MAX),
        ] {
            assert!(is_canonical(&v.to_string()), "{v}");
        }
    }
}
