//! imcore demo: plays a short multi-conversation session on the embedded
//! SQLite store in `./demo-data` and prints the conversation list with its
//! unread badges (and @-mention counts) and the tab total after each step,
//! marks a conversation unread, sets a count preference and explains one
//! badge.

use imcore::{
    marks, CleanTarget, ConvKey, ConversationFilter, CountPref, Engine, EngineConfig, GroupType,
    IncomingMessage, ReceiveOpt,
};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new("demo-data");
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let mut e = Engine::open(dir, 1_400_000_000, "alice", EngineConfig::default())?;
    let now = e.now();
    let bob = ConvKey::c2c("bob")?;
    let carol = ConvKey::c2c("carol")?;
    let team = ConvKey::group("team-rust")?;
    let live = ConvKey::group("live-stream")?;
    let text = |t: &str| {
        format!(r#"{{"message_elem_array":[{{"elem_type":0,"text_elem_content":"{t}"}}]}}"#)
    };
    let msg = |id: &str, conv: &ConvKey, from: &str, dt: u64, seq: u64, body: &str| {
        let mut m = IncomingMessage::new(id, conv.clone(), from, now + dt, seq);
        m.body = text(body);
        m
    };

    e.set_group_type(&live, GroupType::AvChatRoom)?;
    step(
        &mut e,
        "Bob and Carol write; the team group chats; a live stream pours in",
        |e| {
            e.receive(vec![
                msg("b1", &bob, "bob", 1, 0, "Lunch?"),
                msg("b2", &bob, "bob", 2, 0, "12:30 at the usual place"),
                msg(
                    "c1",
                    &carol,
                    "carol",
                    3,
                    0,
                    "Did you see the release notes?",
                ),
                msg("t1", &team, "dave", 4, 1, "CI is green"),
                msg("t2", &team, "erin", 5, 2, "Shipping at 5"),
                msg("l1", &live, "host", 6, 1, "Welcome to the stream!"),
                msg("l2", &live, "viewer", 7, 2, "hi"),
            ])?;
            Ok(())
        },
    )?;
    step(&mut e, "Erin @-mentions alice in the team group", |e| {
        let mut m = msg("t3", &team, "erin", 8, 3, "@alice can you review?");
        m.at_users = vec!["alice".into()];
        e.receive(vec![m])?;
        Ok(())
    })?;
    step(
        &mut e,
        "The same message arrives twice (a no-op) plus a typing indicator excluded from unread",
        |e| {
            let mut typing = msg("b3", &bob, "bob", 9, 0, "(typing…)");
            typing.excluded_from_unread = true;
            typing.excluded_from_last_message = true;
            e.receive(vec![
                msg("t3", &team, "erin", 8, 3, "@alice can you review?"),
                typing,
            ])?;
            Ok(())
        },
    )?;
    step(
        &mut e,
        "Alice mutes Carol: her badge stays, the tab total drops",
        |e| e.set_receive_opt(&carol, ReceiveOpt::NotNotify),
    )?;
    step(&mut e, "Alice pins the team group and stars Bob", |e| {
        e.pin_conversation(&team, true)?;
        e.mark_conversations(std::slice::from_ref(&bob), marks::STAR, true)?;
        Ok(())
    })?;
    let starred = ConversationFilter {
        mark: Some(marks::STAR),
        ..Default::default()
    };
    println!(
        "  starred conversations' unread: {}",
        e.subscribe_filter(&starred)?
    );
    step(
        &mut e,
        "Alice opens Bob's chat (cleans c2c_bob up to the first message)",
        |e| e.clean_unread(&CleanTarget::parse("c2c_bob")?, now + 1, 0),
    )?;
    step(
        &mut e,
        "Alice reads the team group up to seq 2: the @ stays until seq 3 is read",
        |e| e.clean_unread(&CleanTarget::parse("group_team-rust")?, 0, 2),
    )?;
    step(
        &mut e,
        "Alice marks the team group unread from \"CI is green\" (the read position moves back)",
        |e| e.mark_unread_from(&team, "t1").map(|_| ()),
    )?;
    step(
        &mut e,
        "Alice sets the team group to \"mentions only\": its badge is its @-count",
        |e| e.set_count_pref(&team, CountPref::MentionsOnly),
    )?;
    explain(&e, &team)?;
    step(
        &mut e,
        "Alice taps \"mark all as read\": every dot disappears",
        |e| e.mark_all_read(),
    )?;
    e.verify()?;
    println!("\nverify(): every count recomputed from the store agrees.");
    Ok(())
}

fn step(
    e: &mut Engine,
    title: &str,
    f: impl FnOnce(&mut Engine) -> imcore::Result<()>,
) -> Result<(), Box<dyn std::error::Error>> {
    f(e)?;
    println!("\n== {title}");
    for c in e.all_conversations()? {
        let badge = match (c.badge, c.mentions) {
            (0, _) => "   ".into(),
            (n, 0) => format!("({n})"),
            (n, m) => format!("({n} @{m})"),
        };
        let mut tags = vec![];
        if c.pinned {
            tags.push("pinned".to_string());
        }
        if c.marks & marks::STAR != 0 {
            tags.push("starred".into());
        }
        if c.recv_opt.is_muted() {
            tags.push("muted".into());
        }
        if c.count_pref == CountPref::MentionsOnly {
            tags.push("mentions only".into());
        }
        if !c.at_infos.is_empty() {
            tags.push("[@me]".into());
        }
        let preview = c
            .last_message
            .as_ref()
            .and_then(|m| serde_text(&m.body))
            .unwrap_or_default();
        println!(
            "  {badge:>7} {:<22} {:<40} {}",
            c.key.to_string(),
            preview,
            tags.join(" ")
        );
    }
    for batch in e.drain_changes() {
        if let Some(t) = batch.total_unread {
            println!("  -> total unread changed: {t}");
        }
        for (f, n) in &batch.filter_totals {
            println!("  -> subscribed filter {:?} now {n}", f.mark);
        }
    }
    println!(
        "  tab badge: {} (unread mentions: {})",
        e.total_unread(),
        e.total_unread_mentions()
    );
    Ok(())
}

/// Prints "why is this badge N?" for one conversation.
fn explain(e: &Engine, key: &ConvKey) -> imcore::Result<()> {
    let x = e.explain_unread(key)?;
    println!(
        "\n== Why does {key} show {}? (unread {}, mentions {}, {:?})",
        x.badge, x.unread, x.mentions, x.count_pref
    );
    if let Some(m) = &x.last_move {
        println!(
            "  read up to seq {} (version {}): moved {} from {} by {} at {}",
            x.read_mark,
            x.read_version,
            if m.backward { "back" } else { "forward" },
            m.from_mark,
            m.source.name(),
            m.time
        );
    }
    for m in &x.counted {
        let at = if m.mention { " (mention)" } else { "" };
        println!("  counts:         {} from {}{at}", m.msg_id, m.sender);
    }
    for m in &x.not_counted {
        let why = m.reason.map_or("", |r| r.name());
        println!("  does not count: {} from {}: {why}", m.msg_id, m.sender);
    }
    println!(
        "  in the total with {} ({})",
        x.total_contribution,
        x.total_reason.name()
    );
    Ok(())
}

/// The first text element of a message body, for the preview column.
fn serde_text(body: &str) -> Option<String> {
    let start = body.find("\"text_elem_content\":\"")? + 21;
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}
