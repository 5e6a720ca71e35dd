//! Model-based test: long random sequences of operations run against the
//! engine and against a plain reference model (conversations holding lists of
//! messages, versioned read positions, receive options, count preferences,
//! group types, marks, pins and conversation groups). After every step every
//! conversation's unread and mention counts and badge, the total, the
//! mention total, every subscribed filter's totals, the unread explanation
//! and `verify()` must agree with the model, and the step's events must
//! report exactly what changed. Mark-unread moves read positions back;
//! versioned positions from other devices move them back or not by version.
//! Half the runs count a conversation marked unread as 1. At the end the
//! store is reopened and checked again.
//!
//! `PROPTEST_CASES=500 cargo test -p imcore --test model` runs more cases.

mod common;
use common::*;
use imcore::{
    marks, message, CleanTarget, ConvKey, ConvType, ConversationFilter, CountPref, EngineConfig,
    Error, GroupType, IncomingMessage, ReceiveOpt,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};

const ME: &str = "me";
const T0: u64 = 1_600_000_000;
/// The engine's clock in these tests (tests/common) and its future-time
/// tolerance (the default).
const CLOCK: u64 = 1_700_000_000;
const TOLERANCE: u64 = 60;
/// A far-ahead group sequence (a server that skipped ahead).
const FAR_SEQ: u64 = 1 << 40;
const TIE_BITS: u32 = 20;
const TIE_MASK: i64 = (1 << TIE_BITS) - 1;
const N_C2C: usize = 5;
const N_KEYS: usize = 10;
const GROUP_NAMES: [&str; 4] = ["family", "friends", "vip", "work"];
const PIN_LIMIT: usize = 3;

fn tweak(c: &mut EngineConfig) {
    c.pin_limit = PIN_LIMIT;
    // A short tail (docs/ENGINE.md, "Lazy rows"): receives both leave it in
    // memory and, past the limit, merge it; crashes find it in every state.
    c.lazy_row_messages = LAZY_ROWS;
}

/// [`tweak`], counting a conversation marked unread as 1.
fn tweak_as_one(c: &mut EngineConfig) {
    tweak(c);
    c.count_marked_unread_as_one = true;
}

/// `EngineConfig::lazy_row_messages` in these runs.
const LAZY_ROWS: usize = 7;

/// Key `i` of the universe: 0..5 are C2C peers `u0..u4`, 5..10 groups `g0..g4`.
fn key(i: usize) -> ConvKey {
    if i < N_C2C {
        c2c(&format!("u{i}"))
    } else {
        group(&format!("g{}", i - N_C2C))
    }
}

fn variant(e: &Error) -> &'static str {
    match e {
        Error::InvalidParam(_) => "InvalidParam",
        Error::ConversationNotFound(_) => "ConversationNotFound",
        Error::MessageNotFound(_) => "MessageNotFound",
        Error::GroupNotFound(_) => "GroupNotFound",
        Error::GroupExists(_) => "GroupExists",
        Error::LimitExceeded(_) => "LimitExceeded",
        Error::NotSupported(_) => "NotSupported",
        Error::StoreUnusable(_) => "StoreUnusable",
        Error::DiskFull(_) => "DiskFull",
        Error::ReadOnly(_) => "ReadOnly",
        Error::Storage(_) => "Storage",
    }
}

// ---------------------------------------------------------------- operations

/// One message of a receive batch.
#[derive(Debug, Clone)]
struct MsgSpec {
    /// Message id `m<id>`: a small id space makes repeats (duplicates) common.
    id: u16,
    key: usize,
    /// C2C: time offset (random, so arrival is out of order); group: seq - 1.
    when: u64,
    /// 0..=6 another user, 7 `from_self`, 8 sender is me, 9 excluded from unread.
    who: u8,
    /// 0..=2 none, 3 @me, 4 @all, 5 both, 6 @someone else.
    at: u8,
    excluded_last: bool,
    online: bool,
    /// A malformed message (server time 0): the whole batch must be rejected.
    bad: bool,
    /// Clock skew: 0 none; 1 stamped an hour ahead of the clock; 2 years
    /// ahead (groups: a sequence far ahead of the rest as well).
    skew: u8,
}

impl MsgSpec {
    /// The message's server time and sequence.
    fn time_seq(&self) -> (u64, u64) {
        let time = match self.skew {
            1 => CLOCK + 3600 + self.when,
            2 => CLOCK + 10 * 365 * 86_400 + self.when,
            _ => T0 + self.when,
        };
        let seq = match (is_c2c(self.key), self.skew) {
            (true, _) => 0,
            (false, 2) => FAR_SEQ + self.when,
            (false, _) => self.when + 1,
        };
        (time, seq)
    }
}

#[derive(Debug, Clone)]
enum Op {
    Receive(Vec<MsgSpec>),
    /// 0 one conversation, 1 "c2c", 2 "group", 3 "", 4 mark_all_read,
    /// 5 clear_unread_by_types, 6 clear_unread_by_group, 7 clear_unread_by_ids,
    /// 8 mark_conversation_read.
    Clean {
        how: u8,
        key: usize,
        keys: Vec<usize>,
        ts: u64,
        seq: u64,
        name: usize,
    },
    /// Another device's read position, now and then with a version (0, 1,
    /// 2: below, equal to, above the model's).
    ReadPos {
        key: usize,
        ts: u64,
        seq: u64,
        version: Option<u8>,
    },
    /// Mark unread from the n-th stored message of a conversation (modulo;
    /// `None`: an unknown message id).
    MarkUnread {
        key: usize,
        nth: Option<usize>,
    },
    SetCountPref {
        key: usize,
        pref: u8,
    },
    SetRecv {
        key: usize,
        opt: u8,
    },
    SetGroupType {
        key: usize,
        gt: u8,
    },
    Subscribe(ConversationFilter),
    /// Unsubscribe the n-th subscription (modulo), or a random filter.
    Unsubscribe(usize, ConversationFilter),
    /// A one-off (unsubscribed, cached) filter total.
    Query(ConversationFilter),
    Mark {
        keys: Vec<usize>,
        bits: u64,
        enable: bool,
    },
    Pin {
        key: usize,
        on: bool,
    },
    Delete {
        key: usize,
        clear: bool,
    },
    CreateConv(usize),
    CreateGroup {
        name: usize,
        keys: Vec<usize>,
    },
    AddToGroup {
        name: usize,
        keys: Vec<usize>,
    },
    RemoveFromGroup {
        name: usize,
        keys: Vec<usize>,
    },
    DeleteGroup(usize),
    RenameGroup(usize, usize),
    /// Close and reopen the store; `crash`: without closing the engine
    /// (no final write), as after a kill.
    Reopen {
        crash: bool,
    },
}

fn msg_spec() -> impl Strategy<Value = MsgSpec> {
    (
        0u16..300,
        0..N_KEYS,
        0u64..40,
        0u8..10,
        0u8..7,
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.04),
        prop::bool::weighted(0.02),
        prop_oneof![30 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)],
    )
        .prop_map(
            |(id, key, when, who, at, excluded_last, online, bad, skew)| MsgSpec {
                id,
                key,
                when,
                who,
                at,
                excluded_last,
                online,
                bad,
                skew,
            },
        )
}

fn filter() -> impl Strategy<Value = ConversationFilter> {
    let types = prop_oneof![
        Just(vec![]),
        Just(vec![ConvType::C2c]),
        Just(vec![ConvType::Group]),
        Just(vec![ConvType::C2c, ConvType::Group]),
    ];
    let groups = prop_oneof![
        3 => Just(None),
        1 => Just(Some(vec![])),
        2 => prop::sample::subsequence(GROUP_NAMES.to_vec(), 1..=2)
            .prop_map(|v| Some(v.into_iter().map(String::from).collect())),
        1 => Just(Some(vec!["nosuchgroup".to_owned()])),
    ];
    let mark = prop_oneof![
        3 => Just(None),
        1 => Just(Some(0)),
        1 => Just(Some(marks::STAR)),
        1 => Just(Some(marks::STAR | marks::FOLD)),
        1 => Just(Some(1u64 << 40)),
    ];
    let tri = || prop_oneof![2 => Just(None), 1 => Just(Some(true)), 1 => Just(Some(false))];
    let pref = prop_oneof![3 => Just(None), 1 => (0u8..3).prop_map(|p| Some(count_pref(p)))];
    (
        types,
        groups,
        mark,
        tri(),
        tri(),
        tri(),
        pref,
        any::<bool>(),
    )
        .prop_map(
            |(
                conv_types,
                groups,
                mark,
                has_unread,
                has_at_info,
                has_unread_mention,
                count_pref,
                ignore_muted,
            )| ConversationFilter {
                conv_types,
                groups,
                mark,
                has_unread,
                has_at_info,
                has_unread_mention,
                count_pref,
                ignore_muted,
            },
        )
}

fn keys() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..N_KEYS, 1..4)
}

fn op() -> impl Strategy<Value = Op> {
    // Now and then a time ahead of every stored message (a skewed clock).
    let ts = prop_oneof![
        1 => Just(0u64),
        4 => (0u64..45).prop_map(|t| T0 + t),
        1 => Just(CLOCK + 3600),
    ];
    let seq = prop_oneof![1 => Just(0u64), 4 => 1u64..45];
    prop_oneof![
        12 => prop::collection::vec(msg_spec(), 1..8).prop_map(Op::Receive),
        6 => (0u8..9, 0..N_KEYS, keys(), ts.clone(), seq.clone(), 0..GROUP_NAMES.len()).prop_map(
            |(how, key, keys, ts, seq, name)| Op::Clean { how, key, keys, ts, seq, name }
        ),
        2 => (0..N_KEYS, ts, seq, prop_oneof![2 => Just(None), 1 => (0u8..3).prop_map(Some)])
            .prop_map(|(key, ts, seq, version)| Op::ReadPos { key, ts, seq, version }),
        3 => (0..N_KEYS, prop_oneof![6 => any::<usize>().prop_map(Some), 1 => Just(None)])
            .prop_map(|(key, nth)| Op::MarkUnread { key, nth }),
        2 => (0..N_KEYS, 0u8..3).prop_map(|(key, pref)| Op::SetCountPref { key, pref }),
        3 => (0..N_KEYS, 0u8..5).prop_map(|(key, opt)| Op::SetRecv { key, opt }),
        3 => (0..N_KEYS, 0u8..6).prop_map(|(key, gt)| Op::SetGroupType { key, gt }),
        3 => filter().prop_map(Op::Subscribe),
        1 => (any::<usize>(), filter()).prop_map(|(i, f)| Op::Unsubscribe(i, f)),
        1 => filter().prop_map(Op::Query),
        2 => (
            keys(),
            prop::sample::select(vec![
                marks::STAR,
                marks::UNREAD,
                marks::FOLD,
                marks::STAR | marks::FOLD,
                1u64 << 40,
                marks::HIDE | 1u64 << 40,
            ]),
            any::<bool>()
        )
            .prop_map(|(keys, bits, enable)| Op::Mark { keys, bits, enable }),
        2 => (0..N_KEYS, prop::bool::weighted(0.7)).prop_map(|(key, on)| Op::Pin { key, on }),
        1 => (0..N_KEYS, any::<bool>()).prop_map(|(key, clear)| Op::Delete { key, clear }),
        1 => (0..N_KEYS).prop_map(Op::CreateConv),
        1 => (0..GROUP_NAMES.len(), prop::collection::vec(0..N_KEYS, 0..3))
            .prop_map(|(name, keys)| Op::CreateGroup { name, keys }),
        2 => (0..GROUP_NAMES.len(), keys()).prop_map(|(name, keys)| Op::AddToGroup { name, keys }),
        1 => (0..GROUP_NAMES.len(), keys())
            .prop_map(|(name, keys)| Op::RemoveFromGroup { name, keys }),
        1 => (0..GROUP_NAMES.len()).prop_map(Op::DeleteGroup),
        1 => (0..GROUP_NAMES.len(), 0..GROUP_NAMES.len()).prop_map(|(a, b)| Op::RenameGroup(a, b)),
        1 => any::<bool>().prop_map(|crash| Op::Reopen { crash }),
    ]
}

// ---------------------------------------------------------------- the model

#[derive(Debug, Clone)]
struct MMsg {
    id: String,
    pos: i64,
    counted: bool,
    at: bool,
}

#[derive(Debug, Clone)]
struct MConv {
    visible: bool,
    group_type: Option<GroupType>,
    recv: ReceiveOpt,
    pref: CountPref,
    msgs: Vec<MMsg>,
    read_pos: i64,
    /// The read position's version (raised by mark-unread).
    version: u64,
    /// Greatest position ever stored (kept when messages are deleted).
    max_pos: i64,
    pinned: bool,
    marks: u64,
    groups: BTreeSet<String>,
    /// What the last delete read (0: never deleted), and whether it took
    /// the messages (docs/TRANSPORT.md, "Several devices").
    deleted_upto: i64,
    deleted_clear: bool,
}

impl MConv {
    fn new() -> Self {
        MConv {
            visible: false,
            group_type: None,
            recv: ReceiveOpt::Receive,
            pref: CountPref::All,
            msgs: Vec::new(),
            read_pos: 0,
            version: 0,
            max_pos: 0,
            pinned: false,
            marks: 0,
            groups: BTreeSet::new(),
            deleted_upto: 0,
            deleted_clear: false,
        }
    }
}

#[derive(Debug, Default, Clone)]
struct Model {
    /// `EngineConfig::count_marked_unread_as_one`.
    as_one: bool,
    convs: BTreeMap<usize, MConv>,
    ids: HashSet<String>,
    groups: BTreeSet<String>,
    subs: Vec<ConversationFilter>,
}

fn is_c2c(k: usize) -> bool {
    k < N_C2C
}

fn count_pref(i: u8) -> CountPref {
    CountPref::from_i64(i64::from(i)).unwrap()
}

/// Just before the message at `pos`: a group's previous sequence, for C2C
/// the end of the previous second (positions travel in whole seconds).
fn position_before(k: usize, pos: i64) -> i64 {
    if is_c2c(k) {
        let second = (pos >> TIE_BITS) - 1;
        if second > 0 {
            (second << TIE_BITS) | TIE_MASK
        } else {
            0
        }
    } else {
        (pos - 1).max(0)
    }
}

/// A versioned position of `ts` / `seq`: 0 is nothing read.
fn position_of_mark(k: usize, ts: u64, seq: u64) -> i64 {
    if is_c2c(k) {
        if ts > 0 {
            ((ts as i64) << TIE_BITS) | TIE_MASK
        } else {
            0
        }
    } else {
        seq as i64
    }
}

/// C2C: time << 20, plus an arrival tie-break when the message falls in the
/// same second as the newest one stored; group: the sequence.
fn position_for(k: usize, c: &MConv, time: u64, seq: u64) -> i64 {
    if is_c2c(k) {
        let base = (time as i64) << TIE_BITS;
        if c.max_pos >> TIE_BITS == time as i64 {
            (c.max_pos + 1).min(base | TIE_MASK)
        } else {
            base
        }
    } else {
        seq as i64
    }
}

/// Where a received message goes: a C2C message stamped beyond the clock
/// (plus the tolerance) takes the place of one arriving now, just after the
/// newest stored, not before the clock minus the tolerance.
fn arrival_position(k: usize, c: &MConv, time: u64, seq: u64) -> i64 {
    if is_c2c(k) && time > CLOCK + TOLERANCE {
        (c.max_pos + 1).max(((CLOCK - TOLERANCE) as i64) << TIE_BITS)
    } else {
        position_for(k, c, time, seq)
    }
}

/// C2C "up to T" reads every message with server time <= T; group "up to S"
/// every sequence <= S; 0 means everything stored so far.
fn read_limit(k: usize, c: &MConv, ts: u64, seq: u64) -> i64 {
    if is_c2c(k) && ts > 0 {
        ((ts as i64) << TIE_BITS) | TIE_MASK
    } else if !is_c2c(k) && seq > 0 {
        seq as i64
    } else {
        newest(k, c)
    }
}

/// "Everything stored": the newest message, for C2C its whole second (the
/// position a device announces, in whole seconds).
fn newest(k: usize, c: &MConv) -> i64 {
    if is_c2c(k) && c.max_pos > 0 {
        c.max_pos | TIE_MASK
    } else {
        c.max_pos
    }
}

type Expect<T> = Result<T, &'static str>;

impl Model {
    fn counts(&self, k: usize) -> bool {
        is_c2c(k)
            || !matches!(
                self.convs[&k].group_type,
                Some(GroupType::AvChatRoom) | Some(GroupType::Meeting)
            )
    }

    fn unread(&self, k: usize) -> u64 {
        let c = &self.convs[&k];
        if !self.counts(k) {
            return 0;
        }
        c.msgs
            .iter()
            .filter(|m| m.counted && m.pos > c.read_pos)
            .count() as u64
    }

    /// Counted messages after the read position that @-mention me or all.
    fn mentions(&self, k: usize) -> u64 {
        let c = &self.convs[&k];
        if !self.counts(k) {
            return 0;
        }
        c.msgs
            .iter()
            .filter(|m| m.counted && m.at && m.pos > c.read_pos)
            .count() as u64
    }

    /// What the conversation shows: its count after its preference.
    fn badge(&self, k: usize) -> u64 {
        let c = &self.convs[&k];
        let n = match c.pref {
            CountPref::All => self.unread(k),
            CountPref::MentionsOnly => self.mentions(k),
            CountPref::None => return 0,
        };
        if n == 0 && self.as_one && c.marks & marks::UNREAD != 0 {
            1
        } else {
            n
        }
    }

    /// What the conversation adds to mention sums.
    fn mention_part(&self, k: usize) -> u64 {
        if self.convs[&k].pref == CountPref::None {
            0
        } else {
            self.mentions(k)
        }
    }

    fn total_mentions(&self) -> u64 {
        self.convs
            .keys()
            .filter(|&&k| self.visible(k) && !self.muted(k))
            .map(|&k| self.mention_part(k))
            .sum()
    }

    fn mention_sum(&self, f: &ConversationFilter) -> u64 {
        self.convs
            .keys()
            .filter(|&&k| self.matches(f, k))
            .map(|&k| self.mention_part(k))
            .sum()
    }

    /// Merges a versioned read position: the greater (version, position).
    fn merge(&mut self, k: usize, pos: i64, version: Option<u64>) {
        let c = self.conv_for(k);
        match version {
            Some(v) if v > c.version => {
                c.version = v;
                c.read_pos = pos;
            }
            Some(v) if v < c.version => {}
            _ => c.read_pos = c.read_pos.max(pos),
        }
    }

    fn has_at(&self, k: usize) -> bool {
        let c = &self.convs[&k];
        self.counts(k) && c.msgs.iter().any(|m| m.at && m.pos > c.read_pos)
    }

    fn visible(&self, k: usize) -> bool {
        self.convs.get(&k).is_some_and(|c| c.visible)
    }

    fn muted(&self, k: usize) -> bool {
        matches!(
            self.convs[&k].recv,
            ReceiveOpt::NotReceive | ReceiveOpt::NotNotify | ReceiveOpt::NotNotifyExceptAt
        )
    }

    fn total(&self) -> u64 {
        self.convs
            .keys()
            .filter(|&&k| self.visible(k) && !self.muted(k))
            .map(|&k| self.badge(k))
            .sum()
    }

    fn matches(&self, f: &ConversationFilter, k: usize) -> bool {
        if !self.visible(k) {
            return false;
        }
        let c = &self.convs[&k];
        let t = if is_c2c(k) {
            ConvType::C2c
        } else {
            ConvType::Group
        };
        if !f.conv_types.is_empty() && !f.conv_types.contains(&t) {
            return false;
        }
        let in_groups = match &f.groups {
            None => true,
            Some(names) if names.is_empty() => c.groups.is_empty(),
            Some(names) => names.iter().any(|n| c.groups.contains(n)),
        };
        let marked = match f.mark {
            None => true,
            Some(0) => c.marks == 0,
            Some(m) => c.marks & m == m,
        };
        if !in_groups || !marked {
            return false;
        }
        if f.has_unread.is_some_and(|b| (self.unread(k) > 0) != b) {
            return false;
        }
        if f.has_at_info.is_some_and(|b| self.has_at(k) != b) {
            return false;
        }
        if f.has_unread_mention
            .is_some_and(|b| (self.mentions(k) > 0) != b)
        {
            return false;
        }
        if f.count_pref.is_some_and(|p| p != c.pref) {
            return false;
        }
        !(f.ignore_muted && self.muted(k))
    }

    fn sum(&self, f: &ConversationFilter) -> u64 {
        self.convs
            .keys()
            .filter(|&&k| self.matches(f, k))
            .map(|&k| self.badge(k))
            .sum()
    }

    fn conv_for(&mut self, k: usize) -> &mut MConv {
        self.convs.entry(k).or_insert_with(MConv::new)
    }

    fn pinned_count(&self) -> usize {
        self.convs
            .values()
            .filter(|c| c.visible && c.pinned)
            .count()
    }

    /// Reads everything stored in a visible conversation.
    fn read_all(&mut self, k: usize) {
        let c = self.convs.get_mut(&k).unwrap();
        c.read_pos = c.read_pos.max(newest(k, c));
    }

    fn visible_keys(&self) -> Vec<usize> {
        (0..N_KEYS).filter(|&k| self.visible(k)).collect()
    }

    fn failures(&self, keys: &[usize]) -> Vec<String> {
        keys.iter()
            .filter(|&&k| !self.visible(k))
            .map(|&k| key(k).v2_id())
            .collect()
    }

    /// Applies a receive batch; returns (stored, duplicates, online).
    fn receive(&mut self, batch: &[MsgSpec]) -> Expect<(usize, usize, usize)> {
        if batch.iter().any(|m| m.bad) {
            return Err("InvalidParam");
        }
        let (mut stored, mut dups, mut online) = (0, 0, 0);
        for m in batch {
            if m.online {
                online += 1;
                continue;
            }
            let k = m.key;
            let id = format!("m{}", m.id);
            let from_self = matches!(m.who, 7 | 8);
            let counted = !from_self && m.who != 9;
            let at = !is_c2c(k) && !from_self && matches!(m.at, 3..=5);
            let (time, seq) = m.time_seq();
            self.conv_for(k);
            if self.ids.contains(&id) {
                dups += 1;
                continue;
            }
            let c = self.convs.get_mut(&k).unwrap();
            let pos = arrival_position(k, c, time, seq);
            // What a delete with the messages read was dropped with them.
            if c.deleted_clear && pos <= c.read_pos && pos <= c.deleted_upto {
                dups += 1;
                continue;
            }
            // A message older than a delete leaves it deleted.
            if c.visible || pos > c.read_pos || pos > c.deleted_upto {
                c.visible = true;
            }
            c.msgs.push(MMsg {
                id: id.clone(),
                pos,
                counted,
                at,
            });
            c.max_pos = c.max_pos.max(pos);
            self.ids.insert(id);
            stored += 1;
        }
        Ok((stored, dups, online))
    }
}

fn incoming(m: &MsgSpec) -> IncomingMessage {
    let k = key(m.key);
    let id = format!("m{}", m.id);
    let sender = if m.who == 8 {
        ME.to_owned()
    } else if is_c2c(m.key) {
        k.peer.clone()
    } else {
        format!("s{}", m.who)
    };
    let (time, seq) = m.time_seq();
    let mut msg = IncomingMessage::new(&id, k, &sender, if m.bad { 0 } else { time }, seq);
    msg.from_self = m.who == 7;
    msg.excluded_from_unread = m.who == 9;
    msg.excluded_from_last_message = m.excluded_last;
    msg.online_only = m.online;
    msg.at_users = match m.at {
        3 => vec![ME.into()],
        4 => vec![message::AT_ALL.into()],
        5 => vec!["x".into(), ME.into(), message::AT_ALL.into()],
        6 => vec!["someone".into()],
        _ => vec![],
    };
    msg
}

fn group_type(i: u8) -> GroupType {
    GroupType::from_i64(i64::from(i)).unwrap()
}

fn keys_of(ks: &[usize]) -> Vec<ConvKey> {
    ks.iter().map(|&k| key(k)).collect()
}

/// Compares an engine result with the model's expectation (Ok payloads
/// through `same`).
fn check_result<T: std::fmt::Debug, U: std::fmt::Debug>(
    what: &str,
    got: Result<T, Error>,
    want: Expect<U>,
    same: impl Fn(&T, &U) -> bool,
) -> Result<(), TestCaseError> {
    match (&got, &want) {
        (Ok(g), Ok(w)) => prop_assert!(same(g, w), "{}: got {:?}, model {:?}", what, g, w),
        (Err(e), Err(v)) => prop_assert_eq!(variant(e), *v, "{}: {}", what, e),
        _ => prop_assert!(false, "{}: got {:?}, model {:?}", what, got, want),
    }
    Ok(())
}

/// Runs one operation on both sides and checks the outcome.
fn step(te: &mut TestEngine, m: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    let ok = |_: &(), _: &()| true;
    match op {
        Op::Receive(batch) => {
            let want = m.receive(batch);
            let got = te.receive(batch.iter().map(incoming).collect());
            check_result("receive", got, want, |r, w| {
                (r.stored, r.duplicates, r.online) == *w
            })?;
        }
        Op::Clean {
            how,
            key: k,
            keys: ks,
            ts,
            seq,
            name,
        } => {
            let k = *k;
            let (got, want): (Result<(), Error>, Expect<()>) = match how {
                0 => {
                    let want = if m.visible(k) {
                        // A local read never reaches past the newest stored message.
                        let c = m.convs.get_mut(&k).unwrap();
                        c.read_pos = c
                            .read_pos
                            .max(read_limit(k, c, *ts, *seq).min(newest(k, c)));
                        Ok(())
                    } else {
                        Err("ConversationNotFound")
                    };
                    let target = CleanTarget::parse(&key(k).v2_id()).unwrap();
                    (te.clean_unread(&target, *ts, *seq), want)
                }
                1..=5 => {
                    let (pred, got): (fn(usize) -> bool, _) = match how {
                        1 => (is_c2c, te.clean_unread(&CleanTarget::AllC2c, *ts, *seq)),
                        2 => (
                            |k| !is_c2c(k),
                            te.clean_unread(&CleanTarget::AllGroups, *ts, *seq),
                        ),
                        3 => (|_| true, te.clean_unread(&CleanTarget::All, *ts, *seq)),
                        4 => (|_| true, te.mark_all_read()),
                        _ => (is_c2c, te.clear_unread_by_types(&[ConvType::C2c])),
                    };
                    for k in m.visible_keys() {
                        if pred(k) {
                            m.read_all(k);
                        }
                    }
                    (got, Ok(()))
                }
                6 => {
                    let name = GROUP_NAMES[*name];
                    let want = if m.groups.contains(name) {
                        for k in m.visible_keys() {
                            if m.convs[&k].groups.contains(name) {
                                m.read_all(k);
                            }
                        }
                        Ok(())
                    } else {
                        Err("GroupNotFound")
                    };
                    (te.clear_unread_by_group(name), want)
                }
                7 => {
                    let want = m.failures(ks);
                    for &k in ks {
                        if m.visible(k) {
                            m.read_all(k);
                        }
                    }
                    let got = te.clear_unread_by_ids(&keys_of(ks));
                    check_failures("clear_unread_by_ids", got, want)?;
                    (Ok(()), Ok(()))
                }
                _ => {
                    let want = if m.visible(k) {
                        m.read_all(k);
                        Ok(())
                    } else {
                        Err("ConversationNotFound")
                    };
                    (te.mark_conversation_read(&key(k)).map(|_| ()), want)
                }
            };
            check_result("clean", got, want, ok)?;
        }
        Op::ReadPos {
            key: k,
            ts,
            seq,
            version,
        } => {
            let k = *k;
            // Below, at or above the model's version.
            let current = m.convs.get(&k).map_or(0, |c| c.version);
            let version = version.map(|v| match v {
                0 => current.saturating_sub(1),
                1 => current,
                _ => current + 1 + *ts % 3,
            });
            // C2C moves by time, groups by sequence; the other kind is
            // refused; with a version, the own field may be 0 (nothing read).
            let (own, other) = if is_c2c(k) { (*ts, *seq) } else { (*seq, *ts) };
            let want = if (own == 0 && version.is_none()) || other != 0 {
                Err("InvalidParam")
            } else {
                m.merge(k, position_of_mark(k, *ts, *seq), version);
                Ok(())
            };
            let got = te.apply_read_position_versioned(&key(k), *ts, *seq, version);
            check_result("apply_read_position", got, want, ok)?;
        }
        Op::MarkUnread { key: k, nth } => {
            let k = *k;
            let msg = match (m.convs.get(&k), nth) {
                (Some(c), Some(n)) if !c.msgs.is_empty() => {
                    let mut sorted = c.msgs.clone();
                    sorted.sort_by_key(|x| x.pos);
                    Some(sorted[n % sorted.len()].clone())
                }
                _ => None,
            };
            let id = msg
                .as_ref()
                .map_or("nosuchmsg".to_owned(), |x| x.id.clone());
            let want = if !m.visible(k) {
                Err("ConversationNotFound")
            } else if let Some(x) = &msg {
                let c = m.convs.get_mut(&k).unwrap();
                let target = position_before(k, x.pos);
                if target < c.read_pos {
                    c.version = CLOCK.max(c.version + 1);
                    c.read_pos = target;
                }
                Ok(m.unread(k))
            } else {
                Err("MessageNotFound")
            };
            let got = te.mark_unread_from(&key(k), &id);
            check_result("mark_unread_from", got, want, |a, b| a == b)?;
        }
        Op::SetCountPref { key: k, pref } => {
            m.conv_for(*k).pref = count_pref(*pref);
            let got = te.set_count_pref(&key(*k), count_pref(*pref));
            check_result("set_count_pref", got, Ok(()), ok)?;
        }
        Op::SetRecv { key: k, opt } => {
            let opt = ReceiveOpt::from_i64(i64::from(*opt)).unwrap();
            m.conv_for(*k).recv = opt;
            check_result(
                "set_receive_opt",
                te.set_receive_opt(&key(*k), opt),
                Ok(()),
                ok,
            )?;
        }
        Op::SetGroupType { key: k, gt } => {
            let want = if is_c2c(*k) {
                Err("InvalidParam")
            } else {
                m.conv_for(*k).group_type = Some(group_type(*gt));
                Ok(())
            };
            let got = te.set_group_type(&key(*k), group_type(*gt));
            check_result("set_group_type", got, want, ok)?;
        }
        Op::Subscribe(f) => {
            let got = te.subscribe_filter(f);
            check_result("subscribe_filter", got, Ok(m.sum(f)), |a, b| a == b)?;
            if !m.subs.contains(f) {
                m.subs.push(f.clone());
            }
        }
        Op::Unsubscribe(i, f) => {
            let f = if m.subs.is_empty() {
                f.clone()
            } else {
                m.subs[i % m.subs.len()].clone()
            };
            m.subs.retain(|g| g != &f);
            check_result("unsubscribe", te.unsubscribe_filter(&f), Ok(()), ok)?;
        }
        Op::Query(f) => {
            let got = te.unread_by_filter(f);
            check_result("unread_by_filter", got, Ok(m.sum(f)), |a, b| a == b)?;
        }
        Op::Mark {
            keys: ks,
            bits,
            enable,
        } => {
            let want = m.failures(ks);
            for &k in ks {
                if m.visible(k) {
                    let c = m.convs.get_mut(&k).unwrap();
                    if *enable {
                        c.marks |= bits;
                    } else {
                        c.marks &= !bits;
                    }
                }
            }
            let got = te.mark_conversations(&keys_of(ks), *bits, *enable);
            check_failures("mark_conversations", got, want)?;
        }
        Op::Pin { key: k, on } => {
            let want = if !m.visible(*k) {
                Err("ConversationNotFound")
            } else if m.convs[k].pinned == *on {
                Ok(())
            } else if *on && m.pinned_count() >= PIN_LIMIT {
                Err("LimitExceeded")
            } else {
                m.convs.get_mut(k).unwrap().pinned = *on;
                Ok(())
            };
            check_result("pin", te.pin_conversation(&key(*k), *on), want, ok)?;
        }
        Op::Delete { key: k, clear } => {
            let want = if m.visible(*k) {
                let c = m.convs.get_mut(k).unwrap();
                // The rows go; a message of theirs delivered again is still
                // a repeat by its position (see `receive`).
                if *clear {
                    for msg in c.msgs.drain(..) {
                        m.ids.remove(&msg.id);
                    }
                }
                c.visible = false;
                c.read_pos = c.read_pos.max(newest(*k, c));
                c.deleted_upto = c.deleted_upto.max(c.read_pos);
                c.deleted_clear = *clear;
                c.pinned = false;
                c.marks = 0;
                c.groups.clear();
                Ok(())
            } else {
                Err("ConversationNotFound")
            };
            let got = te.delete_conversation(&key(*k), *clear);
            check_result("delete_conversation", got, want, ok)?;
        }
        Op::CreateConv(k) => {
            m.conv_for(*k).visible = true;
            let got = te.create_conversation(&key(*k));
            check_result("create_conversation", got, Ok(()), |c, _| c.key == key(*k))?;
        }
        Op::CreateGroup { name, keys: ks } => {
            let name = GROUP_NAMES[*name];
            let want = if m.groups.contains(name) {
                Err("GroupExists")
            } else {
                m.groups.insert(name.to_owned());
                let failures = m.failures(ks);
                for &k in ks {
                    if m.visible(k) {
                        m.convs.get_mut(&k).unwrap().groups.insert(name.to_owned());
                    }
                }
                Ok(failures)
            };
            let got = te
                .create_group(name, "", &keys_of(ks))
                .map(|(g, f)| (g.name, failure_ids(&f)));
            check_result("create_group", got, want, |(n, f), w| n == name && f == w)?;
        }
        Op::AddToGroup { name, keys: ks } => {
            let name = GROUP_NAMES[*name];
            let want = if m.groups.contains(name) {
                let failures = m.failures(ks);
                for &k in ks {
                    if m.visible(k) {
                        m.convs.get_mut(&k).unwrap().groups.insert(name.to_owned());
                    }
                }
                Ok(failures)
            } else {
                Err("GroupNotFound")
            };
            let got = te.add_to_group(name, &keys_of(ks)).map(|f| failure_ids(&f));
            check_result("add_to_group", got, want, |a, b| a == b)?;
        }
        Op::RemoveFromGroup { name, keys: ks } => {
            let name = GROUP_NAMES[*name];
            let want = if m.groups.contains(name) {
                let mut failures = Vec::new();
                for &k in ks {
                    let member = m.visible(k) && m.convs[&k].groups.contains(name);
                    if member {
                        m.convs.get_mut(&k).unwrap().groups.remove(name);
                    } else {
                        failures.push(key(k).v2_id());
                    }
                }
                Ok(failures)
            } else {
                Err("GroupNotFound")
            };
            let got = te
                .remove_from_group(name, &keys_of(ks))
                .map(|f| failure_ids(&f));
            check_result("remove_from_group", got, want, |a, b| a == b)?;
        }
        Op::DeleteGroup(name) => {
            let name = GROUP_NAMES[*name];
            let want = if m.groups.remove(name) {
                for c in m.convs.values_mut() {
                    c.groups.remove(name);
                }
                Ok(())
            } else {
                Err("GroupNotFound")
            };
            check_result("delete_group", te.delete_group(name), want, ok)?;
        }
        Op::RenameGroup(a, b) => {
            let (old, new) = (GROUP_NAMES[*a], GROUP_NAMES[*b]);
            let want = if !m.groups.contains(old) {
                Err("GroupNotFound")
            } else if old != new && m.groups.contains(new) {
                Err("GroupExists")
            } else {
                m.groups.remove(old);
                m.groups.insert(new.to_owned());
                for c in m.convs.values_mut() {
                    if c.groups.remove(old) {
                        c.groups.insert(new.to_owned());
                    }
                }
                Ok(())
            };
            check_result("rename_group", te.rename_group(old, new), want, ok)?;
        }
        Op::Reopen { .. } => unreachable!("handled by the caller"),
    }
    Ok(())
}

fn failure_ids(f: &[imcore::OperationFailure]) -> Vec<String> {
    f.iter().map(|f| f.id.clone()).collect()
}

fn check_failures(
    what: &str,
    got: Result<Vec<imcore::OperationFailure>, Error>,
    want: Vec<String>,
) -> Result<(), TestCaseError> {
    let got = got.map(|f| {
        for x in &f {
            assert_eq!(x.code, 6004, "{what}: {x:?}");
        }
        failure_ids(&f)
    });
    check_result(what, got, Ok(want), |a, b| a == b)
}

/// Everything observable about counts agrees with the model.
fn check_state(te: &mut TestEngine, m: &Model, when: &str) -> Result<(), TestCaseError> {
    if let Err(e) = te.verify() {
        prop_assert!(false, "{}: verify: {}", when, e);
    }
    for k in 0..N_KEYS {
        let got = te.unread_of(&key(k));
        if m.visible(k) {
            prop_assert_eq!(
                got.ok(),
                Some(m.unread(k)),
                "{}: unread of {}",
                when,
                key(k)
            );
        } else {
            prop_assert!(
                matches!(got, Err(Error::ConversationNotFound(_))),
                "{}: {} should not be visible: {:?}",
                when,
                key(k),
                got
            );
        }
    }
    prop_assert_eq!(te.total_unread(), m.total(), "{}: total", when);
    prop_assert_eq!(
        te.total_unread_mentions(),
        m.total_mentions(),
        "{}: mention total",
        when
    );
    for f in &m.subs {
        let got = te.unread_by_filter(f).unwrap();
        prop_assert_eq!(got, m.sum(f), "{}: filter {:?}", when, f);
        let got = te.mentions_by_filter(f).unwrap();
        prop_assert_eq!(
            got,
            m.mention_sum(f),
            "{}: mentions of filter {:?}",
            when,
            f
        );
    }
    let subs = te.subscriptions();
    prop_assert_eq!(subs.len(), m.subs.len(), "{}: subscriptions", when);
    for f in &m.subs {
        prop_assert!(subs.contains(f), "{}: {:?} not subscribed", when, f);
    }
    // The snapshots show what the model holds.
    let all = te.all_conversations().unwrap();
    prop_assert_eq!(all.len(), m.visible_keys().len(), "{}: visible count", when);
    for c in &all {
        let k = (0..N_KEYS).find(|&k| key(k) == c.key).unwrap();
        let mc = &m.convs[&k];
        prop_assert_eq!(c.unread, m.unread(k), "{}: {}", when, c.key);
        prop_assert_eq!(c.mentions, m.mentions(k), "{}: mentions {}", when, c.key);
        prop_assert_eq!(c.badge, m.badge(k), "{}: badge {}", when, c.key);
        prop_assert_eq!(c.count_pref, mc.pref, "{}: {}", when, c.key);
        prop_assert_eq!(c.read_version, mc.version, "{}: version {}", when, c.key);
        prop_assert_eq!(c.recv_opt, mc.recv, "{}: {}", when, c.key);
        check_explanation(te, m, k, when)?;
        prop_assert_eq!(c.pinned, mc.pinned, "{}: {}", when, c.key);
        prop_assert_eq!(c.marks, mc.marks, "{}: {}", when, c.key);
        let groups: BTreeSet<String> = c.groups.iter().cloned().collect();
        prop_assert_eq!(&groups, &mc.groups, "{}: {}", when, c.key);
        prop_assert_eq!(!c.at_infos.is_empty(), m.has_at(k), "{}: {}", when, c.key);
        if !is_c2c(k) {
            prop_assert_eq!(c.group_type, mc.group_type, "{}: {}", when, c.key);
        }
    }
    let groups: BTreeSet<String> = te
        .conversation_groups()
        .into_iter()
        .map(|g| g.name)
        .collect();
    prop_assert_eq!(&groups, &m.groups, "{}: conversation groups", when);
    // The history, paged: newest first by (position, arrival), the tail's
    // entries in memory merged with the stored ones.
    for k in m.visible_keys() {
        let mut want: Vec<(i64, usize, &str)> = m.convs[&k]
            .msgs
            .iter()
            .enumerate()
            .map(|(i, x)| (x.pos, i, x.id.as_str()))
            .collect();
        want.sort_by_key(|&(p, i, _)| std::cmp::Reverse((p, i)));
        let want: Vec<&str> = want.into_iter().map(|w| w.2).collect();
        let mut got: Vec<String> = Vec::new();
        let mut before: Option<String> = None;
        loop {
            let page = te.messages(&key(k), before.as_deref(), 3);
            let page = match page {
                Ok(p) => p,
                Err(e) => return Err(TestCaseError::fail(format!("{when}: history: {e}"))),
            };
            got.extend(page.iter().map(|x| x.msg_id.clone()));
            match page.last() {
                Some(last) if page.len() == 3 => before = Some(last.msg_id.clone()),
                _ => break,
            }
        }
        prop_assert_eq!(&got, &want, "{}: history of {}", when, key(k));
    }
    Ok(())
}

/// The unread explanation adds up: the counted messages are the unread
/// count (those listed are the model's counted ones after the read position,
/// oldest first), the mentions among them the mention count, every message
/// after the read position is listed once, and the part of the total is the
/// model's.
fn check_explanation(
    te: &TestEngine,
    m: &Model,
    k: usize,
    when: &str,
) -> Result<(), TestCaseError> {
    let x = te.explain_unread(&key(k)).unwrap();
    let c = &m.convs[&k];
    prop_assert_eq!(
        x.counted.len() as u64 + x.counted_more,
        m.unread(k),
        "{}: explained count of {}",
        when,
        key(k)
    );
    prop_assert_eq!(
        x.counted.iter().filter(|e| e.mention).count() as u64,
        m.mentions(k),
        "{}: explained mentions of {}",
        when,
        key(k)
    );
    let mut after: Vec<&MMsg> = c.msgs.iter().filter(|x| x.pos > c.read_pos).collect();
    after.sort_by_key(|x| x.pos);
    let counted: Vec<&str> = after
        .iter()
        .filter(|x| x.counted && m.counts(k))
        .map(|x| x.id.as_str())
        .collect();
    let listed: Vec<&str> = x.counted.iter().map(|e| e.msg_id.as_str()).collect();
    prop_assert_eq!(listed, counted, "{}: counted messages of {}", when, key(k));
    let not_after = x
        .not_counted
        .iter()
        .filter(|e| {
            !matches!(
                e.reason,
                Some(
                    imcore::explain::NotCountedReason::BeforeReadPosition
                        | imcore::explain::NotCountedReason::OnlineOnly
                        | imcore::explain::NotCountedReason::DuplicateId
                )
            )
        })
        .count();
    prop_assert_eq!(
        not_after + x.counted.len(),
        after.len(),
        "{}: messages after the read position of {}",
        when,
        key(k)
    );
    let in_total = m.visible(k) && !m.muted(k);
    prop_assert_eq!(
        x.total_contribution,
        if in_total { m.badge(k) } else { 0 },
        "{}: part of the total of {}",
        when,
        key(k)
    );
    Ok(())
}

/// The events of one step: at most one batch; the total event present iff
/// the total changed (with its new value); exactly the subscribed filters
/// whose sums changed; appearing and disappearing conversations; every
/// conversation whose count changed among the changed ones.
fn check_events(
    te: &mut TestEngine,
    before: &Model,
    after: &Model,
    when: &str,
) -> Result<(), TestCaseError> {
    let mut batches = te.drain_changes();
    prop_assert!(batches.len() <= 1, "{}: {} batches", when, batches.len());
    let ch = batches.pop().unwrap_or_default();
    let (t0, t1) = (before.total(), after.total());
    prop_assert_eq!(
        ch.total_unread,
        (t0 != t1).then_some(t1),
        "{}: total event",
        when
    );
    let (m0, m1) = (before.total_mentions(), after.total_mentions());
    prop_assert_eq!(
        ch.total_mentions,
        (m0 != m1).then_some(m1),
        "{}: mention total event",
        when
    );
    let want: Vec<(ConversationFilter, u64)> = after
        .subs
        .iter()
        .filter(|f| before.mention_sum(f) != after.mention_sum(f))
        .map(|f| (f.clone(), after.mention_sum(f)))
        .collect();
    prop_assert_eq!(
        ch.filter_mention_totals.len(),
        want.len(),
        "{}: filter mention events {:?}, model {:?}",
        when,
        &ch.filter_mention_totals,
        &want
    );
    for w in &want {
        prop_assert!(
            ch.filter_mention_totals.contains(w),
            "{}: lacks {:?}",
            when,
            w
        );
    }
    let want: Vec<(ConversationFilter, u64)> = after
        .subs
        .iter()
        .filter(|f| before.sum(f) != after.sum(f))
        .map(|f| (f.clone(), after.sum(f)))
        .collect();
    prop_assert_eq!(
        ch.filter_totals.len(),
        want.len(),
        "{}: filter events {:?}, model {:?}",
        when,
        &ch.filter_totals,
        &want
    );
    for w in &want {
        prop_assert!(
            ch.filter_totals.contains(w),
            "{}: filter events {:?} lack {:?}",
            when,
            &ch.filter_totals,
            w
        );
    }
    let set = |v: &[ConvKey]| v.iter().cloned().collect::<BTreeSet<_>>();
    let added: BTreeSet<ConvKey> = (0..N_KEYS)
        .filter(|&k| !before.visible(k) && after.visible(k))
        .map(key)
        .collect();
    let deleted: BTreeSet<ConvKey> = (0..N_KEYS)
        .filter(|&k| before.visible(k) && !after.visible(k))
        .map(key)
        .collect();
    prop_assert_eq!(set(&ch.added), added, "{}: added", when);
    prop_assert_eq!(set(&ch.deleted), deleted, "{}: deleted", when);
    for k in 0..N_KEYS {
        let moved = |m: &Model| (m.unread(k), m.mentions(k), m.badge(k));
        if before.visible(k) && after.visible(k) && moved(before) != moved(after) {
            prop_assert!(
                ch.changed.contains(&key(k)),
                "{}: {} changed count but is not in {:?}",
                when,
                key(k),
                &ch.changed
            );
        }
    }
    for k in &ch.changed {
        let i = (0..N_KEYS).find(|&i| key(i) == *k).unwrap();
        prop_assert!(after.visible(i), "{}: invisible {} changed", when, k);
    }
    Ok(())
}

fn run(ops: Vec<Op>, as_one: bool) -> Result<(), TestCaseError> {
    let tweak: fn(&mut EngineConfig) = if as_one { tweak_as_one } else { tweak };
    let mut te = engine_with(ME, tweak);
    let mut m = Model {
        as_one,
        ..Model::default()
    };
    for (n, op) in ops.iter().enumerate() {
        let when = format!("step {n} {op:?}");
        if let Op::Reopen { crash } = *op {
            te = if crash {
                te.crash_reopen_with(tweak)
            } else {
                te.reopen_with(tweak)
            };
            // Subscriptions belong to a session, not to the store.
            m.subs.clear();
            check_state(&mut te, &m, &when)?;
            continue;
        }
        let before = m.clone();
        step(&mut te, &mut m, op)?;
        check_events(&mut te, &before, &m, &when)?;
        check_state(&mut te, &m, &when)?;
    }
    let mut te = te.crash_reopen_with(tweak);
    m.subs.clear();
    check_state(&mut te, &m, "after a crash and reopen")?;
    let mut te = te.reopen_with(tweak);
    check_state(&mut te, &m, "after reopen")?;
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn engine_agrees_with_the_reference_model(
        ops in prop::collection::vec(op(), 1..200),
        as_one in any::<bool>(),
    ) {
        run(ops, as_one)?;
    }
}

// ------------------------------------------------- regressions found by the model

fn mine(mut m: IncomingMessage) -> IncomingMessage {
    m.from_self = true;
    m
}

/// Cleaning every conversation (of a type) must read each one up to its
/// newest message, also those that show no count: a group whose newest
/// message is mine, a non-counting (meeting) group. Otherwise a late message
/// with an older sequence / time, or a later type change, brings back unread
/// that was cleaned; cleaning the one conversation already behaved so.
#[test]
fn clean_all_reads_conversations_without_a_count_too() {
    let mut e = engine(ME);
    e.set_group_type(&group("meet"), GroupType::Meeting)
        .unwrap();
    e.receive(vec![
        mine(in_group("mine15", "team", ME, 15)),
        mine(IncomingMessage::new("mine-c2c", c2c("bob"), ME, 2000, 0)),
        in_group("meet1", "meet", "dave", 1),
        in_group("meet2", "meet", "dave", 2),
    ])
    .unwrap();
    assert_eq!(e.total_unread(), 0);
    e.clean_unread(&CleanTarget::AllGroups, 0, 0).unwrap();
    e.mark_all_read().unwrap();
    assert_eq!(e.conversation(&group("team")).unwrap().read_seq, 15);
    assert_eq!(e.conversation(&c2c("bob")).unwrap().read_time, 2000);
    // Late deliveries older than what was read arrive read.
    e.receive(vec![
        in_group("late1", "team", "dave", 1),
        from_peer("late-c2c", "bob", 1500),
    ])
    .unwrap();
    assert_eq!(e.unread_of(&group("team")).unwrap(), 0);
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 0);
    // The meeting turns out to be a work group: its messages were read.
    e.set_group_type(&group("meet"), GroupType::Work).unwrap();
    assert_eq!(e.unread_of(&group("meet")).unwrap(), 0);
    assert_eq!(e.total_unread(), 0);
    e.verify().unwrap();
}
