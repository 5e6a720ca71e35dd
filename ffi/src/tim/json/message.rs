//! Message and MessageReceipt.

use super::Obj;
use crate::boundary::{Checked, Reject};
use imcore::{ReceiptUpdate, StoredMessage};
use serde_json::{json, Map, Value};

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
    // TIMMsgStatus 6: revoked.
    let status = if m.is_revoked() { 6 } else { m.status as i64 };
    set(&mut obj, "message_status", json!(status));
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

/// A JSON array of messages.
pub fn messages<'a>(ms: impl IntoIterator<Item = &'a StoredMessage>) -> String {
    Value::Array(ms.into_iter().map(message).collect()).to_string()
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
    }
}
