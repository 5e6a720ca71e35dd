//! Message and MessageReceipt.

use super::once::{is_canonical, ObjectWriter, Piece};
use super::Obj;
use crate::boundary::{Checked, Reject};
use imcore::{ReceiptUpdate, StoredMessage};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::ops::Range;

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

/// Message texts written once for one delivery, by message id: a
/// conversation's last message equal to one of them is spliced from it
/// rather than written again (the same message gives the same text).
#[derive(Default)]
pub(crate) struct Written<'m> {
    texts: Vec<String>,
    by_id: HashMap<&'m str, (&'m StoredMessage, usize, Range<usize>)>,
}

impl<'m> Written<'m> {
    /// Notes the messages written into `text` at `spans`.
    pub(crate) fn add(&mut self, text: &str, spans: Vec<(&'m StoredMessage, Range<usize>)>) {
        let t = self.texts.len();
        self.texts.push(text.to_owned());
        for (m, span) in spans {
            self.by_id.insert(&m.msg_id, (m, t, span));
        }
    }

    /// The text written for `m`, if an equal message was noted.
    pub(crate) fn text_of(&self, m: &StoredMessage) -> Option<&str> {
        let (noted, t, span) = self.by_id.get(m.msg_id.as_str())?;
        (*noted == m).then(|| &self.texts[*t][span.clone()])
    }
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
    use crate::tim::json::once::tests::BODIES;
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
}
