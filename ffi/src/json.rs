//! TIM JSON in and out.
//!
//! In: `serde_json::Value` parsing (a duplicate key keeps its last value),
//! unknown keys ignored, `null` treated as absent, wrong types refused with
//! `TIM_ERR_JSON` naming the key. Out: the reference's snake_case keys,
//! enums as integers, times in seconds, `[]` for empty lists.

use crate::boundary::{Reject, Sync};
use imcore::{
    ConvKey, ConvType, Conversation, ConversationFilter, OperationFailure, ReceiptUpdate,
    StoredMessage,
};
use serde_json::{json, Map, Value};

/// Parses a JSON text; an error names `what`.
pub fn parse(text: &str, what: &str) -> Sync<Value> {
    serde_json::from_str(text).map_err(|e| Reject::json(format!("{what} is not valid JSON: {e}")))
}

/// Parses optional JSON: NULL, "", whitespace and the literal `null` give `None`.
pub fn parse_opt(text: Option<&str>, what: &str) -> Sync<Option<Value>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => match parse(t, what)? {
            Value::Null => Ok(None),
            v => Ok(Some(v)),
        },
    }
}

/// A JSON object (or refusal naming `what`).
pub fn object<'a>(v: &'a Value, what: &str) -> Sync<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| Reject::json(format!("{what} must be a JSON object")))
}

/// A JSON array (or refusal naming `what`).
pub fn array<'a>(v: &'a Value, what: &str) -> Sync<&'a Vec<Value>> {
    v.as_array()
        .ok_or_else(|| Reject::json(format!("{what} must be a JSON array")))
}

/// Typed access to the keys of one object; errors name `<ctx>.<key>`.
pub struct Obj<'a> {
    /// The object.
    pub map: &'a Map<String, Value>,
    /// Where it is (for error text), e.g. `json_msg_param`.
    pub ctx: String,
}

impl<'a> Obj<'a> {
    /// Wraps an object value.
    pub fn new(v: &'a Value, ctx: impl Into<String>) -> Sync<Self> {
        let ctx = ctx.into();
        Ok(Obj {
            map: object(v, &ctx)?,
            ctx,
        })
    }
    fn name(&self, key: &str) -> String {
        format!("{}.{key}", self.ctx)
    }
    /// A present, non-null value.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }
    /// An optional string.
    pub fn str(&self, key: &str) -> Sync<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Reject::json(format!("{} must be a string", self.name(key)))),
        }
    }
    /// An optional unsigned integer.
    pub fn u64(&self, key: &str) -> Sync<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                Reject::json(format!("{} must be a non-negative integer", self.name(key)))
            }),
        }
    }
    /// An optional integer.
    pub fn i64(&self, key: &str) -> Sync<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| Reject::json(format!("{} must be an integer", self.name(key)))),
        }
    }
    /// An optional bool.
    pub fn bool(&self, key: &str) -> Sync<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Reject::json(format!(
                "{} must be true or false",
                self.name(key)
            ))),
        }
    }
    /// An optional array of strings.
    pub fn strings(&self, key: &str) -> Sync<Option<Vec<String>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str().map(str::to_owned).ok_or_else(|| {
                        Reject::json(format!("{}[{i}] must be a string", self.name(key)))
                    })
                })
                .collect::<Sync<Vec<_>>>()
                .map(Some),
            Some(_) => Err(Reject::json(format!(
                "{} must be an array of strings",
                self.name(key)
            ))),
        }
    }
    /// A required key's presence.
    pub fn require<T>(&self, key: &str, v: Option<T>) -> Sync<T> {
        v.ok_or_else(|| Reject::json(format!("{} is missing", self.name(key))))
    }
}

/// A JSON array of strings (e.g. `conversation_id_array`).
pub fn string_array(text: &str, what: &str) -> Sync<Vec<String>> {
    let v = parse(text, what)?;
    array(&v, what)?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| Reject::json(format!("{what}[{i}] must be a string")))
        })
        .collect()
}

/// A JSON array of V2 conversation ids; a malformed id is `TIM_ERR_CONV`.
pub fn v2_keys(text: &str, what: &str) -> Sync<(Vec<String>, Vec<ConvKey>)> {
    let ids = string_array(text, what)?;
    let keys = ids
        .iter()
        .enumerate()
        .map(|(i, id)| crate::boundary::v2_key(id, &format!("{what}[{i}]")))
        .collect::<Sync<Vec<_>>>()?;
    Ok((ids, keys))
}

/// A JSON array of V2 ids for a list of keys.
pub fn v2_id_array(keys: &[ConvKey]) -> String {
    Value::Array(keys.iter().map(|k| Value::String(k.v2_id())).collect()).to_string()
}

// --------------------------------------------------------------- filters --

/// Parses a `TIMConversationListFilter`: absent keys do not filter,
/// `conversation_list_filter_conv_type` 0 does not filter,
/// `conversation_list_filter_conversation_group` "" = only conversations in
/// no group, `conversation_list_filter_mark_type` 0 = only unmarked ones.
/// NULL / "" / `null` is the empty filter. `ignore_muted` is set by the caller.
pub fn filter(text: Option<&str>, what: &str) -> Sync<ConversationFilter> {
    let Some(v) = parse_opt(text, what)? else {
        return Ok(ConversationFilter::default());
    };
    let o = Obj::new(&v, what)?;
    let mut f = ConversationFilter::default();
    match o.i64("conversation_list_filter_conv_type")? {
        None | Some(0) => {}
        Some(1) => f.conv_types = vec![ConvType::C2c],
        Some(2) => f.conv_types = vec![ConvType::Group],
        Some(other) => {
            return Err(Reject::param(format!(
                "{what}.conversation_list_filter_conv_type is {other}; expected 0, 1 or 2"
            )))
        }
    }
    if let Some(g) = o.str("conversation_list_filter_conversation_group")? {
        f.groups = Some(if g.is_empty() {
            vec![]
        } else {
            vec![g.to_owned()]
        });
    }
    f.mark = o.u64("conversation_list_filter_mark_type")?;
    f.has_unread = o.bool("conversation_list_filter_has_unread_count")?;
    f.has_at_info = o.bool("conversation_list_filter_has_group_at_info")?;
    Ok(f)
}

// -------------------------------------------------------------- messages --

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
    set(&mut obj, "message_status", json!(m.status as i64));
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

/// The set bits of a mark mask, lowest first.
pub fn mark_array(marks: u64) -> Value {
    Value::Array(
        (0..64)
            .map(|b| 1u64 << b)
            .filter(|bit| marks & bit != 0)
            .map(|bit| json!(bit))
            .collect(),
    )
}

/// ConvInfo (§4.1 of the reference).
pub fn conv_info(c: &Conversation) -> Value {
    let is_group = c.key.conv_type == ConvType::Group;
    let mut o = Map::new();
    let mut set = |k: &str, v: Value| {
        o.insert(k.to_owned(), v);
    };
    set("conv_id", json!(c.key.peer));
    set("conv_type", json!(c.key.conv_type.as_i64()));
    set("conv_owner", json!(""));
    set("conv_face_url", json!(""));
    set("conv_show_name", json!(c.key.peer));
    set("conv_unread_num", json!(c.unread));
    set("conv_active_time", json!(c.order_key));
    set("conv_is_has_lastmsg", json!(c.last_message.is_some()));
    if let Some(m) = &c.last_message {
        set("conv_last_msg", message(m));
    }
    set("conv_is_has_draft", json!(c.draft.is_some()));
    if let Some(d) = &c.draft {
        let mut draft = match serde_json::from_str::<Value>(&d.content) {
            Ok(Value::Object(o)) => o,
            _ => Map::new(),
        };
        draft.insert("draft_edit_time".into(), json!(d.edit_time));
        draft.entry("draft_user_define").or_insert(json!(""));
        draft
            .entry("draft_msg")
            .or_insert(json!({"message_elem_array": []}));
        set("conv_draft", Value::Object(draft));
    }
    set("conv_recv_opt", json!(c.recv_opt.as_i64()));
    if is_group {
        if let Some(t) = c.group_type {
            set("conv_group_type", json!(t.as_i64()));
        }
    }
    set(
        "conv_group_at_info_array",
        Value::Array(
            c.at_infos
                .iter()
                .map(|a| {
                    json!({
                        "conv_group_at_info_seq": a.seq,
                        "conv_group_at_info_at_type": a.at_type,
                    })
                })
                .collect(),
        ),
    );
    set("conv_is_pinned", json!(c.pinned));
    set("conv_mark_array", mark_array(c.marks));
    set("conv_custom_data", json!(c.custom_data));
    set("conv_conversation_group_array", json!(c.groups));
    set("conv_c2c_read_timestamp", json!(c.read_time));
    set("conv_group_read_sequence", json!(c.read_seq));
    Value::Object(o)
}

/// The ConvInfo of a deleted conversation: its id and type, everything else
/// at its empty value.
pub fn deleted_conv_info(k: &ConvKey) -> Value {
    json!({
        "conv_id": k.peer,
        "conv_type": k.conv_type.as_i64(),
        "conv_owner": "",
        "conv_face_url": "",
        "conv_show_name": k.peer,
        "conv_unread_num": 0,
        "conv_active_time": 0,
        "conv_is_has_lastmsg": false,
        "conv_is_has_draft": false,
        "conv_recv_opt": 0,
        "conv_group_at_info_array": [],
        "conv_is_pinned": false,
        "conv_mark_array": [],
        "conv_custom_data": "",
        "conv_conversation_group_array": [],
        "conv_c2c_read_timestamp": 0,
        "conv_group_read_sequence": 0,
    })
}

/// A JSON array of ConvInfo.
pub fn conv_infos<'a>(cs: impl IntoIterator<Item = &'a Conversation>) -> String {
    Value::Array(cs.into_iter().map(conv_info).collect()).to_string()
}

/// `TIMConversationOperationResult` array: one entry per requested id, in
/// order (code 0 for those that succeeded).
pub fn operation_results(ids: &[String], failures: &[OperationFailure]) -> String {
    Value::Array(
        ids.iter()
            .map(|id| match failures.iter().find(|f| &f.id == id) {
                Some(f) => json!({
                    "conversation_operation_result_conversation_id": id,
                    "conversation_operation_result_result_code": f.code,
                    "conversation_operation_result_result_info": f.message,
                }),
                None => json!({
                    "conversation_operation_result_conversation_id": id,
                    "conversation_operation_result_result_code": 0,
                    "conversation_operation_result_result_info": "",
                }),
            })
            .collect(),
    )
    .to_string()
}

/// `{"conv_get_total_unread_message_count_result_unread_count": n}`.
pub fn unread_result(n: u64) -> String {
    json!({ "conv_get_total_unread_message_count_result_unread_count": n }).to_string()
}

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
    use imcore::{marks, MsgStatus};

    #[test]
    fn duplicate_keys_keep_the_last_value_and_null_is_absent() {
        let v = parse(r#"{"a":1,"a":2,"b":null}"#, "x").unwrap();
        let o = Obj::new(&v, "x").unwrap();
        assert_eq!(o.u64("a").unwrap(), Some(2));
        assert_eq!(o.u64("b").unwrap(), None);
        assert!(parse_opt(Some(" null "), "x").unwrap().is_none());
        assert!(parse_opt(Some(""), "x").unwrap().is_none());
    }

    #[test]
    fn wrong_types_name_the_key() {
        let v = parse(r#"{"message_seq":"7"}"#, "m").unwrap();
        let e = Obj::new(&v, "json_msg")
            .unwrap()
            .u64("message_seq")
            .unwrap_err();
        assert_eq!(e.code, crate::TIM_ERR_JSON);
        assert!(e.desc.contains("json_msg.message_seq"), "{}", e.desc);
        assert!(parse("{", "json_msg")
            .unwrap_err()
            .desc
            .contains("json_msg"));
    }

    #[test]
    fn filters_follow_the_reference() {
        let f = filter(None, "filter").unwrap();
        assert_eq!(f, ConversationFilter::default());
        let f = filter(
            Some(
                r#"{"conversation_list_filter_conv_type":0,
                    "conversation_list_filter_conversation_group":"",
                    "conversation_list_filter_mark_type":1,
                    "unknown":3}"#,
            ),
            "filter",
        )
        .unwrap();
        assert!(f.conv_types.is_empty());
        assert_eq!(f.groups, Some(vec![]));
        assert_eq!(f.mark, Some(marks::STAR));
        assert!(filter(Some(r#"{"conversation_list_filter_conv_type":9}"#), "f").is_err());
    }

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

    #[test]
    fn marks_are_listed_bit_by_bit() {
        assert_eq!(mark_array(0), json!([]));
        assert_eq!(mark_array(marks::STAR | (1 << 40)), json!([1, 1u64 << 40]));
    }
}
