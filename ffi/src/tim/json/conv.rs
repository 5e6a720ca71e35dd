//! ConvInfo, conversation filters and the results of conversation calls.

use super::message::message;
use super::{parse_opt, Obj};
use crate::boundary::{Checked, Reject};
use imcore::{ConvKey, ConvType, Conversation, ConversationFilter, OperationFailure};
use serde_json::{json, Map, Value};

/// Parses a `TIMConversationListFilter`: absent keys do not filter,
/// `conversation_list_filter_conv_type` 0 does not filter,
/// `conversation_list_filter_conversation_group` "" = only conversations in
/// no group, `conversation_list_filter_mark_type` 0 = only unmarked ones.
/// NULL / "" / `null` is the empty filter. `ignore_muted` is set by the caller.
pub fn filter(text: Option<&str>, what: &str) -> Checked<ConversationFilter> {
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
#[cfg(test)]
mod tests {
    use super::*;
    use imcore::marks;
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
    fn marks_are_listed_bit_by_bit() {
        assert_eq!(mark_array(0), json!([]));
        assert_eq!(mark_array(marks::STAR | (1 << 40)), json!([1, 1u64 << 40]));
    }
}
