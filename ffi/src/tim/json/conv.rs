//! ConvInfo, conversation filters and the results of conversation calls.

use super::message::{message, write_message, Written};
use super::once::{write_object, ObjectWriter, Piece};
use super::{parse_opt, Obj};
use crate::boundary::{Checked, Reject};
use imcore::explain::{ExplainedMessage, ReadMove, UnreadExplanation};
use imcore::{
    ConvKey, ConvType, Conversation, ConversationFilter, ConversationPage, CountPref,
    OperationFailure,
};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

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
    f.has_unread_mention = o.bool("conversation_list_filter_has_unread_mention")?;
    f.count_pref = match o.i64("conversation_list_filter_count_pref")? {
        None => None,
        Some(v) => Some(CountPref::from_i64(v).map_err(|_| {
            Reject::param(format!(
                "{what}.conversation_list_filter_count_pref is {v}; expected 0, 1 or 2"
            ))
        })?),
    };
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
    set("conv_unread_mention_num", json!(c.mentions));
    set("conv_badge_num", json!(c.badge));
    set("conv_count_pref", json!(c.count_pref.as_i64()));
    set("conv_read_version", json!(c.read_version));
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
        "conv_unread_mention_num": 0,
        "conv_badge_num": 0,
        "conv_count_pref": 0,
        "conv_read_version": 0,
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

/// A JSON array of ConvInfo (the text of a `Value` array of [`conv_info`]s,
/// written once: [`write_conv_info`]).
pub fn conv_infos<'a>(cs: impl IntoIterator<Item = &'a Conversation>) -> String {
    conv_infos_noted(cs, &Written::default())
}

/// [`conv_infos`], a last message already written in `known` spliced from
/// there.
pub(crate) fn conv_infos_noted<'a>(
    cs: impl IntoIterator<Item = &'a Conversation>,
    known: &Written<'_>,
) -> String {
    let mut out = String::from("[");
    for (i, c) in cs.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_conv_info(&mut out, c, known);
    }
    out.push(']');
    out
}

/// `{"conversation_list_result_conv_list":[ConvInfo…],
/// "conversation_list_result_is_finished":b,"conversation_list_result_next_seq":n}`,
/// the page of `TIMConvGetConversationListByFilter`, written once.
pub fn conv_page(page: &ConversationPage) -> String {
    use std::collections::BTreeMap;
    let mut o: BTreeMap<&str, Piece<'_>> = BTreeMap::new();
    o.insert(
        "conversation_list_result_conv_list",
        Piece::Text(conv_infos(&page.conversations)),
    );
    o.insert(
        "conversation_list_result_next_seq",
        Piece::U64(page.next_cursor),
    );
    o.insert(
        "conversation_list_result_is_finished",
        Piece::Bool(page.finished),
    );
    let mut out = String::new();
    write_object(&mut out, &o);
    out
}

/// Writes the ConvInfo of `c`: the text of `conv_info(c).to_string()`,
/// without a tree (its last message by [`write_message`]; a draft, rare,
/// through the tree as [`conv_info`] builds it).
pub(crate) fn write_conv_info(out: &mut String, c: &Conversation, known: &Written<'_>) {
    // The keys in the tree's (sorted) order; the test compares the texts.
    let mut w = ObjectWriter::new(out);
    w.field("conv_active_time", &Piece::U64(c.order_key));
    w.field("conv_badge_num", &Piece::U64(c.badge));
    w.field("conv_c2c_read_timestamp", &Piece::U64(c.read_time));
    if c.groups.is_empty() {
        w.field("conv_conversation_group_array", &Piece::Raw("[]"));
    } else {
        w.field(
            "conv_conversation_group_array",
            &Piece::Text(json!(c.groups).to_string()),
        );
    }
    w.field("conv_count_pref", &Piece::I64(c.count_pref.as_i64()));
    w.field("conv_custom_data", &Piece::Str(&c.custom_data));
    if c.draft.is_some() {
        if let Some(d) = conv_info(c).get("conv_draft") {
            w.field("conv_draft", &Piece::Text(d.to_string()));
        }
    }
    w.field("conv_face_url", &Piece::Raw("\"\""));
    let at = w.key("conv_group_at_info_array");
    at.push('[');
    for (i, a) in c.at_infos.iter().enumerate() {
        if i > 0 {
            at.push(',');
        }
        let _ = write!(
            at,
            "{{\"conv_group_at_info_at_type\":{},\"conv_group_at_info_seq\":{}}}",
            a.at_type, a.seq
        );
    }
    at.push(']');
    w.field("conv_group_read_sequence", &Piece::U64(c.read_seq));
    if c.key.conv_type == ConvType::Group {
        if let Some(t) = c.group_type {
            w.field("conv_group_type", &Piece::I64(t.as_i64()));
        }
    }
    w.field("conv_id", &Piece::Str(&c.key.peer));
    w.field("conv_is_has_draft", &Piece::Bool(c.draft.is_some()));
    w.field(
        "conv_is_has_lastmsg",
        &Piece::Bool(c.last_message.is_some()),
    );
    w.field("conv_is_pinned", &Piece::Bool(c.pinned));
    if let Some(m) = &c.last_message {
        let out = w.key("conv_last_msg");
        match known.text_of(m) {
            Some(text) => out.push_str(text),
            None => write_message(out, m),
        }
    }
    if c.marks == 0 {
        w.field("conv_mark_array", &Piece::Raw("[]"));
    } else {
        w.field(
            "conv_mark_array",
            &Piece::Text(mark_array(c.marks).to_string()),
        );
    }
    w.field("conv_owner", &Piece::Raw("\"\""));
    w.field("conv_read_version", &Piece::U64(c.read_version));
    w.field("conv_recv_opt", &Piece::I64(c.recv_opt.as_i64()));
    w.field("conv_show_name", &Piece::Str(&c.key.peer));
    w.field("conv_type", &Piece::I64(c.key.conv_type.as_i64()));
    w.field("conv_unread_mention_num", &Piece::U64(c.mentions));
    w.field("conv_unread_num", &Piece::U64(c.unread));
    w.end();
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

/// `{"conv_unread_mention_count": n}`: the result of the mention totals.
pub fn mention_result(n: u64) -> String {
    json!({ "conv_unread_mention_count": n }).to_string()
}

fn read_move(m: &ReadMove) -> Value {
    json!({
        "read_move_time": m.time,
        "read_move_source": m.source.name(),
        "read_move_from": m.from_mark,
        "read_move_to": m.to_mark,
        "read_move_version": m.version,
        "read_move_backward": m.backward,
    })
}

fn explained(m: &ExplainedMessage) -> Value {
    json!({
        "message_msg_id": m.msg_id,
        "message_sender": m.sender,
        "message_server_time": m.server_time,
        "message_seq": m.seq,
        "explain_mention": m.mention,
        "explain_reason": m.reason.map_or("counted", |r| r.name()),
    })
}

/// The unread explanation (`IMCoreConvExplainUnread`; keys in
/// docs/C-ABI.md).
pub fn explanation(x: &UnreadExplanation) -> String {
    json!({
        "conv_id": x.conv.peer,
        "conv_type": x.conv.conv_type.as_i64(),
        "explain_read_mark": x.read_mark,
        "explain_read_version": x.read_version,
        "explain_last_move": x.last_move.as_ref().map(read_move),
        "explain_history": x.history.iter().map(read_move).collect::<Vec<_>>(),
        "conv_unread_num": x.unread,
        "conv_unread_mention_num": x.mentions,
        "conv_badge_num": x.badge,
        "explain_counted": x.counted.iter().map(explained).collect::<Vec<_>>(),
        "explain_counted_more": x.counted_more,
        "explain_not_counted": x.not_counted.iter().map(explained).collect::<Vec<_>>(),
        "explain_not_counted_more": x.not_counted_more,
        "conv_recv_opt": x.recv_opt.as_i64(),
        "conv_count_pref": x.count_pref.as_i64(),
        "explain_marked_unread": x.marked_unread,
        "explain_total_contribution": x.total_contribution,
        "explain_total_reason": x.total_reason.name(),
    })
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
    fn a_conv_info_written_once_is_the_text_the_tree_writes() {
        use imcore::{AtInfo, Draft, GroupType, MsgStatus, ReceiveOpt, StoredMessage};
        let last = |body: &str| StoredMessage {
            msg_id: "m1".into(),
            conv: ConvKey::group("te\"am").unwrap(),
            sender: "bob".into(),
            server_time: 100,
            seq: 7,
            flags: 16,
            status: MsgStatus::SendSucc,
            body: body.into(),
            is_read: false,
            is_peer_read: false,
            peer_receipt: false,
            read_count: 0,
            unread_count: 0,
        };
        let plain = Conversation {
            key: ConvKey::c2c("bob").unwrap(),
            group_type: None,
            unread: 0,
            mentions: 0,
            badge: 0,
            count_pref: CountPref::All,
            read_version: 0,
            recv_opt: ReceiveOpt::Receive,
            order_key: 0,
            active_time: 0,
            pinned: false,
            marks: 0,
            groups: vec![],
            at_infos: vec![],
            last_message: None,
            draft: None,
            custom_data: String::new(),
            server_ext: String::new(),
            local_ext: String::new(),
            read_time: 0,
            read_seq: 0,
            peer_read_time: 0,
            create_time: 0,
            update_time: 0,
        };
        let full = Conversation {
            key: ConvKey::group("te\"am").unwrap(),
            group_type: Some(GroupType::Work),
            unread: 12,
            mentions: 2,
            badge: 2,
            count_pref: CountPref::MentionsOnly,
            read_version: 3,
            recv_opt: ReceiveOpt::NotNotify,
            order_key: u64::MAX,
            active_time: 5,
            pinned: true,
            marks: marks::STAR | (1 << 40),
            groups: vec!["friends".into(), "wörk\n".into()],
            at_infos: vec![AtInfo { seq: 3, at_type: 1 }, AtInfo { seq: 9, at_type: 3 }],
            last_message: Some(last(
                r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"hi"}]}"#,
            )),
            draft: Some(Draft {
                content: r#"{"draft_msg":{"message_elem_array":[]},"x":1}"#.into(),
                edit_time: 77,
            }),
            custom_data: "c\u{1}d".into(),
            server_ext: String::new(),
            local_ext: String::new(),
            read_time: 1,
            read_seq: 2,
            peer_read_time: 0,
            create_time: 0,
            update_time: 0,
        };
        let spaced = Conversation {
            last_message: Some(last(r#"{"b": 1, "a": 2}"#)),
            draft: Some(Draft {
                content: "not json".into(),
                edit_time: 1,
            }),
            group_type: None,
            ..full.clone()
        };
        let all = [plain, full, spaced];
        for c in &all {
            let mut once = String::new();
            write_conv_info(&mut once, c, &Written::default());
            assert_eq!(once, conv_info(c).to_string());
        }
        let tree = Value::Array(all.iter().map(conv_info).collect()).to_string();
        assert_eq!(conv_infos(&all), tree);
        assert_eq!(conv_infos(&[]), "[]");
        // A last message noted as written (a delivery's new messages) is
        // spliced; one that differs from the noted one (same id, now read)
        // is written again.
        let lasts: Vec<StoredMessage> = all.iter().filter_map(|c| c.last_message.clone()).collect();
        let mut noted = Written::default();
        let mut text = String::from("[");
        let mut spans = Vec::new();
        for m in &lasts {
            let start = text.len();
            write_message(&mut text, m);
            spans.push((m, start..text.len()));
        }
        noted.add(&text, spans);
        assert_eq!(conv_infos_noted(&all, &noted), tree);
        let mut changed = all.clone();
        for c in &mut changed {
            if let Some(m) = c.last_message.as_mut() {
                m.is_read = !m.is_read;
            }
        }
        let tree = Value::Array(changed.iter().map(conv_info).collect()).to_string();
        assert_eq!(conv_infos_noted(&changed, &noted), tree);
        let page = ConversationPage {
            conversations: all.to_vec(),
            next_cursor: 3,
            finished: false,
        };
        let tree = json!({
            "conversation_list_result_conv_list":
                page.conversations.iter().map(conv_info).collect::<Vec<_>>(),
            "conversation_list_result_next_seq": page.next_cursor,
            "conversation_list_result_is_finished": page.finished,
        });
        assert_eq!(conv_page(&page), tree.to_string());
    }

    #[test]
    fn marks_are_listed_bit_by_bit() {
        assert_eq!(mark_array(0), json!([]));
        assert_eq!(mark_array(marks::STAR | (1 << 40)), json!([1, 1u64 << 40]));
    }
}
