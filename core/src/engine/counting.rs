//! The counting rule: what counts as unread, in one place.
//!
//! A message counts as unread in its conversation when every one of these
//! holds:
//!
//! - it is stored: an online-only message goes to the listeners and is never
//!   stored, so never counted; a duplicate (an id already stored, or a repeat
//!   of what a delete took with it) is not stored, nor counted, again;
//! - it is not mine (sent from this or another of my devices) and its sender
//!   did not exclude it from unread: the `COUNTED` bit, set once when it is
//!   stored ([`counted_bits`]);
//! - its conversation's type counts unread ([`type_counts`]): C2C always,
//!   groups unless their type is configured as non-counting (AVChatRoom,
//!   Meeting);
//! - it lies after the conversation's read position;
//! - it was not deleted, nor revoked unless
//!   [`EngineConfig::revoked_messages_count`] keeps revoked messages counted:
//!   a delete or revoke takes its counting bits away ([`lifecycle_bits`]).
//!
//! The @-info follows the same rule with the `AT_ME` / `AT_ALL` bits, which
//! only others' group messages carry (an excluded one still shows its @).
//! The unread *mentions* are the counted messages that carry one of them
//! (an excluded @ is no unread mention).
//!
//! What a conversation adds to the totals is its [`part`]: its *badge* (the
//! unread count, or the mention count under count preference "mentions
//! only", or nothing under "none"; 1 for a conversation carrying the
//! "unread" mark bit whose badge is 0, when so configured) and its mentions
//! (none under "none"). Which conversations a total takes in is the
//! filter's (filter.rs). [`not_counted_reason`] and [`total_reason`] say why,
//! for the unread explanation.
//!
//! Receive and send take the bits from [`counted_bits`]; the receive rule
//! and its replay at open add one message with [`add`]; every move of a
//! read position re-derives with [`recount`]; `verify()` recomputes with
//! [`derive_all`] and [`expected`]; a stored message's read state is
//! [`stored_is_read`].

use super::state::{ConvState, AT_ALL, AT_ME};
use crate::config::EngineConfig;
use crate::error::Result;
use crate::explain::NotCountedReason;
use crate::message::flags;
use crate::types::{marks, ConvType, CountPref};
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// Whether a conversation's type counts unread (C2C always; groups unless
/// their type is configured as non-counting, e.g. AVChatRoom and Meeting).
pub(crate) fn type_counts(config: &EngineConfig, st: &ConvState) -> bool {
    match st.key.conv_type {
        ConvType::C2c => true,
        ConvType::Group => st
            .group_type
            .is_none_or(|g| !config.non_counting_group_types.contains(&g)),
    }
}

/// The counting bits of a message about to be stored, given its other bits
/// `fl`: `COUNTED` unless it is mine or excluded from unread; `AT_ME` /
/// `AT_ALL` for others' group messages that mention me / everyone.
pub(crate) fn counted_bits(fl: i64, conv_type: ConvType, at_me: bool, at_all: bool) -> i64 {
    let mut bits = 0;
    if fl & (flags::FROM_SELF | flags::EXCLUDED_UNREAD) == 0 {
        bits |= flags::COUNTED;
    }
    if fl & flags::FROM_SELF == 0 && conv_type == ConvType::Group {
        if at_me {
            bits |= flags::AT_ME;
        }
        if at_all {
            bits |= flags::AT_ALL;
        }
    }
    bits
}

/// A message's bits after a delete (`deleted`) or a revoke: a deleted
/// message never counts nor mentions; a revoked one neither, unless
/// `config.revoked_messages_count`. (engine/lifecycle/ sets the
/// `DELETED` / `REVOKED` bits themselves.)
pub(crate) fn lifecycle_bits(config: &EngineConfig, fl: i64, deleted: bool) -> i64 {
    if deleted || !config.revoked_messages_count {
        fl & !flags::RECOUNT
    } else {
        fl
    }
}

/// What the counting rule made of one newly stored message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Counted as unread.
    Counted,
    /// Not counted: mine.
    FromMe,
    /// Not counted: its sender excluded it from unread.
    Excluded,
    /// Not counted: its conversation's type counts no unread.
    TypeCountsNone,
    /// Not counted: at or before the read position.
    Read,
}

impl Verdict {
    /// Whether the message counts as read.
    pub fn is_read(self) -> bool {
        self != Verdict::Counted
    }

    /// Why, for the debug line of a received message.
    pub fn reason(self) -> &'static str {
        match self {
            Verdict::Counted => "counted",
            Verdict::FromMe => "not counted: from me",
            Verdict::Excluded => "not counted: excluded from unread",
            Verdict::TypeCountsNone => "not counted: this conversation type counts no unread",
            Verdict::Read => "not counted: at or before the read position",
        }
    }
}

/// Adds one newly stored message (position `pos`, bits `fl`) to the unread
/// count and @-info of its conversation `st`.
pub(crate) fn add(config: &EngineConfig, st: &mut ConvState, pos: i64, fl: i64) -> Verdict {
    let counts = type_counts(config, st);
    let after = counts && pos > st.read_pos;
    if after && fl & flags::COUNTED != 0 {
        st.unread += 1;
        if fl & (flags::AT_ME | flags::AT_ALL) != 0 {
            st.mentions += 1;
        }
    }
    if after && fl & flags::AT_ME != 0 {
        st.at_flags |= AT_ME;
    }
    if after && fl & flags::AT_ALL != 0 {
        st.at_flags |= AT_ALL;
    }
    if fl & flags::FROM_SELF != 0 {
        Verdict::FromMe
    } else if fl & flags::EXCLUDED_UNREAD != 0 {
        Verdict::Excluded
    } else if !counts {
        Verdict::TypeCountsNone
    } else if !after {
        Verdict::Read
    } else {
        Verdict::Counted
    }
}

/// Whether a stored message (bits `fl`, position `pos`) reads as read in a
/// conversation read up to `read_pos`. (The conversation type is not
/// consulted: a message of a non-counting group after the read position
/// reads as unread in history, as it always has.)
pub(crate) fn stored_is_read(fl: i64, pos: i64, read_pos: i64) -> bool {
    fl & flags::FROM_SELF != 0 || pos <= read_pos || fl & flags::COUNTED == 0
}

/// What the messages after a read position make of a conversation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Derived {
    /// Counted messages.
    pub unread: u64,
    /// `at_flags`.
    pub at: u8,
    /// Counted messages with an @me / @all.
    pub mentions: u64,
}

/// Re-derives unread, mentions and @-info of a conversation from its
/// messages after the read position. `tx` must hold every message's
/// position (`Work::recount` checks it and is how operations call this).
pub(crate) fn recount(tx: &Connection, config: &EngineConfig, st: &mut ConvState) -> Result<()> {
    let d = if !type_counts(config, st) || st.read_pos >= st.max_pos {
        Derived::default()
    } else {
        derive(tx, st.id, st.read_pos)?
    };
    st.unread = d.unread;
    st.at_flags = d.at;
    st.mentions = d.mentions;
    Ok(())
}

/// A conversation's badge and mentions, as the totals add them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Part {
    /// What it adds to an unread total: its badge.
    pub unread: u64,
    /// What it adds to a mention total.
    pub mentions: u64,
}

impl std::ops::Add for Part {
    type Output = Part;
    fn add(self, o: Part) -> Part {
        Part {
            unread: self.unread + o.unread,
            mentions: self.mentions + o.mentions,
        }
    }
}

/// What a conversation shows: its unread count, its mention count or
/// nothing after its count preference; 1 when that is 0 and it carries the
/// "unread" mark bit with `marked_as_one`
/// ([`EngineConfig::count_marked_unread_as_one`]; not under "none").
pub(crate) fn badge_of(st: &ConvState, marked_as_one: bool) -> u64 {
    let n = match st.count_pref {
        CountPref::All => st.unread,
        CountPref::MentionsOnly => st.mentions,
        CountPref::None => return 0,
    };
    if n == 0 && marked_as_one && st.marks & marks::UNREAD != 0 {
        1
    } else {
        n
    }
}

/// [`badge_of`] under `config`.
pub(crate) fn badge(config: &EngineConfig, st: &ConvState) -> u64 {
    badge_of(st, config.count_marked_unread_as_one)
}

/// What a conversation adds to a total that takes it in: its badge, and its
/// mentions unless its count preference is "none".
pub(crate) fn part(st: &ConvState, marked_as_one: bool) -> Part {
    Part {
        unread: badge_of(st, marked_as_one),
        mentions: if st.count_pref == CountPref::None {
            0
        } else {
            st.mentions
        },
    }
}

/// Why a stored message after the read position does not count (`None`: it
/// counts), with `counts` whether its conversation's type counts unread:
/// the same test as [`add`] and [`derive`].
pub(crate) fn not_counted_reason(fl: i64, counts: bool) -> Option<NotCountedReason> {
    if fl & flags::FROM_SELF != 0 {
        Some(NotCountedReason::FromMe)
    } else if fl & flags::EXCLUDED_UNREAD != 0 {
        Some(NotCountedReason::ExcludedFromUnread)
    } else if fl & flags::COUNTED == 0 {
        // A revoke takes the counting bits away (`lifecycle_bits`); a
        // deleted message is listed nowhere.
        debug_assert!(fl & flags::REVOKED != 0, "flags {fl:#x}");
        Some(NotCountedReason::Revoked)
    } else if !counts {
        Some(NotCountedReason::GroupTypeNeverCounts)
    } else {
        None
    }
}

/// `at_flags` from whether an @me / @all is among the unread messages.
fn at_bits(me: bool, all: bool) -> u8 {
    let mut at = 0;
    if me {
        at |= AT_ME;
    }
    if all {
        at |= AT_ALL;
    }
    at
}

/// The aggregate both derivations select: counted messages, any @me, any
/// @all, counted messages with an @ (parameters ?COUNTED, ?AT_ME, ?AT_ALL
/// numbered from `first`).
fn aggregate(first: u8) -> String {
    let (c, me, all) = (first, first + 1, first + 2);
    format!(
        "count(*) FILTER (WHERE flags & ?{c} != 0),
         coalesce(max(flags & ?{me} != 0), 0),
         coalesce(max(flags & ?{all} != 0), 0),
         count(*) FILTER (WHERE flags & ?{c} != 0 AND flags & (?{me} | ?{all}) != 0)"
    )
}

fn derived(n: i64, me: bool, all: bool, mentions: i64) -> Derived {
    Derived {
        unread: n as u64,
        at: at_bits(me, all),
        mentions: mentions as u64,
    }
}

/// Counts the counted messages of conversation `id` after `read_pos`, the
/// mentions among them, and whether an @me / @all is among all of them
/// (one range scan of `message_pos`).
pub(crate) fn derive(tx: &Connection, id: i64, read_pos: i64) -> Result<Derived> {
    let d = tx
        .prepare_cached(&format!(
            "SELECT {} FROM message_pos WHERE conv = ?1 AND pos > ?2",
            aggregate(3)
        ))?
        .query_row(
            params![id, read_pos, flags::COUNTED, flags::AT_ME, flags::AT_ALL],
            |r| Ok(derived(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    Ok(d)
}

/// [`derive`] for every conversation with anything after its stored read
/// position: row id -> what it derives, for `verify()`.
pub(crate) fn derive_all(conn: &Connection) -> Result<HashMap<i64, Derived>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT m.conv, {} FROM message m JOIN conversation c ON c.id = m.conv
         WHERE m.pos > c.read_pos
         GROUP BY m.conv",
        aggregate(1)
    ))?;
    let rows = stmt.query_map([flags::COUNTED, flags::AT_ME, flags::AT_ALL], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            derived(r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?),
        ))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (conv, d) = row?;
        out.insert(conv, d);
    }
    Ok(out)
}

/// What conversation `st` should count, given [`derive_all`]'s result.
pub(crate) fn expected(
    config: &EngineConfig,
    st: &ConvState,
    derived: &HashMap<i64, Derived>,
) -> Derived {
    if type_counts(config, st) {
        derived.get(&st.id).copied().unwrap_or_default()
    } else {
        Derived::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ConvKey, GroupType};

    fn group(read_pos: i64, group_type: Option<GroupType>) -> ConvState {
        let mut st = ConvState::new(1, ConvKey::group("g").unwrap(), 100);
        st.read_pos = read_pos;
        st.group_type = group_type;
        st
    }

    #[test]
    fn mine_and_excluded_messages_never_count_and_only_others_group_messages_carry_at() {
        let g = ConvType::Group;
        assert_eq!(counted_bits(0, g, false, false), flags::COUNTED);
        assert_eq!(counted_bits(flags::FROM_SELF, g, true, true), 0);
        assert_eq!(
            counted_bits(flags::EXCLUDED_UNREAD, g, true, false),
            flags::AT_ME
        );
        assert_eq!(
            counted_bits(0, g, true, true),
            flags::COUNTED | flags::AT_ME | flags::AT_ALL
        );
        assert_eq!(counted_bits(0, ConvType::C2c, true, true), flags::COUNTED);
    }

    #[test]
    fn a_message_counts_only_after_the_read_position_in_a_counting_type() {
        let config = EngineConfig::default();
        let counted = flags::COUNTED | flags::AT_ME;
        let mut st = group(5, Some(GroupType::Work));
        assert_eq!(add(&config, &mut st, 5, counted), Verdict::Read);
        assert_eq!((st.unread, st.at_flags), (0, 0));
        assert_eq!(add(&config, &mut st, 6, counted), Verdict::Counted);
        assert_eq!((st.unread, st.at_flags), (1, AT_ME));
        assert_eq!(
            add(&config, &mut st, 7, flags::EXCLUDED_UNREAD | flags::AT_ALL),
            Verdict::Excluded
        );
        assert_eq!((st.unread, st.at_flags), (1, AT_ME | AT_ALL));
        assert_eq!(add(&config, &mut st, 8, flags::FROM_SELF), Verdict::FromMe);
        assert_eq!(st.unread, 1);

        let mut room = group(0, Some(GroupType::AvChatRoom));
        assert!(!type_counts(&config, &room));
        assert_eq!(add(&config, &mut room, 9, counted), Verdict::TypeCountsNone);
        assert_eq!((room.unread, room.at_flags), (0, 0));
        assert!(Verdict::TypeCountsNone.is_read() && !Verdict::Counted.is_read());
    }
}
