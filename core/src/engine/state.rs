//! The in-memory mirror of each conversation's hot columns.

use crate::types::{ConvKey, ConvType, CountPref, GroupType, ReceiveOpt};

/// Bits of `at_flags`: an unread @me / @all in the conversation.
pub(crate) const AT_ME: u8 = 1;
pub(crate) const AT_ALL: u8 = 2;

/// Low bits of a C2C position: an arrival tie-break inside one second.
pub(crate) const TIE_BITS: u32 = 20;
const TIE_MASK: i64 = (1 << TIE_BITS) - 1;
/// Order keys of pinned conversations carry this bit, so they sort first.
pub(crate) const PINNED_BIT: u64 = 1 << 62;

/// A conversation's group ids, sorted. Most conversations are in no group:
/// then this is one null pointer, with nothing on the heap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct GroupIds(
    // A thin pointer: 8 bytes per conversation, where a `Vec` takes 24.
    #[allow(clippy::box_collection)] Option<Box<Vec<u32>>>,
);

impl GroupIds {
    /// Adds `gid`, keeping the ids sorted and distinct.
    pub fn insert(&mut self, gid: u32) {
        let v = self.0.get_or_insert_with(Box::default);
        if let Err(at) = v.binary_search(&gid) {
            v.insert(at, gid);
        }
    }

    /// Keeps the ids for which `f` holds.
    pub fn retain(&mut self, f: impl FnMut(&u32) -> bool) {
        if let Some(v) = &mut self.0 {
            v.retain(f);
            if v.is_empty() {
                self.0 = None;
            }
        }
    }

    /// Leaves no id.
    pub fn clear(&mut self) {
        self.0 = None;
    }
}

impl From<Vec<u32>> for GroupIds {
    /// From ids already sorted and distinct.
    fn from(v: Vec<u32>) -> Self {
        debug_assert!(v.windows(2).all(|w| w[0] < w[1]));
        GroupIds((!v.is_empty()).then(|| Box::new(v)))
    }
}

impl std::ops::Deref for GroupIds {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl<'a> IntoIterator for &'a GroupIds {
    type Item = &'a u32;
    type IntoIter = std::slice::Iter<'a, u32>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One conversation's hot state. The `conversation` row holds the same
/// values; `unread`, `mentions` and `at_flags` are derived from the messages
/// after `read_pos` and are only ever changed by the receive rule or a
/// recount (engine/counting.rs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConvState {
    /// Row id; equals the index in the engine's vector plus one.
    pub id: i64,
    pub key: ConvKey,
    pub visible: bool,
    pub group_type: Option<GroupType>,
    pub recv_opt: ReceiveOpt,
    pub unread: u64,
    /// Counted messages after the read position that @-mention me or all.
    pub mentions: u64,
    pub at_flags: u8,
    /// What the badge and the totals count (a synced setting).
    pub count_pref: CountPref,
    /// Read position: group sequence, or C2C time << 20 | tie-break.
    pub read_pos: i64,
    /// The read position's version: raised by every mark-unread; positions
    /// merge by (version, position) (docs/ENGINE.md, "Moving back").
    pub read_version: u64,
    /// Greatest position of any stored message.
    pub max_pos: i64,
    pub last_msg: Option<i64>,
    pub last_pos: i64,
    pub active_time: u64,
    pub order_key: u64,
    pub pinned: bool,
    pub marks: u64,
    /// Conversation-group ids, sorted.
    pub groups: GroupIds,
    pub peer_read_time: u64,
}

impl ConvState {
    /// A fresh conversation, invisible until a message or a create shows it.
    pub fn new(id: i64, key: ConvKey, now: u64) -> Self {
        let mut s = ConvState {
            id,
            key,
            visible: false,
            group_type: None,
            recv_opt: ReceiveOpt::Receive,
            unread: 0,
            mentions: 0,
            at_flags: 0,
            count_pref: CountPref::All,
            read_pos: 0,
            read_version: 0,
            max_pos: 0,
            last_msg: None,
            last_pos: 0,
            active_time: now,
            order_key: 0,
            pinned: false,
            marks: 0,
            groups: GroupIds::default(),
            peer_read_time: 0,
        };
        s.order_key = s.unpinned_key();
        s
    }

    /// Index in the engine's vector.
    pub fn idx(&self) -> u32 {
        (self.id - 1) as u32
    }

    fn tie(&self) -> u64 {
        (self.id as u64) & TIE_MASK as u64
    }

    /// Order key while not pinned: last activity, newest first.
    pub fn unpinned_key(&self) -> u64 {
        (self.active_time << TIE_BITS) | self.tie()
    }

    /// Order key when pinned at `pin_time`: above every unpinned one, newest pin first.
    pub fn pinned_key(&self, pin_time: u64) -> u64 {
        PINNED_BIT | (pin_time << TIE_BITS) | self.tie()
    }

    /// Moves activity forward and re-derives the order key when not pinned.
    pub fn touch_activity(&mut self, time: u64) {
        if time > self.active_time {
            self.active_time = time;
            if !self.pinned {
                self.order_key = self.unpinned_key();
            }
        }
    }

    /// The position a message at `time` / `seq` takes in this conversation.
    pub fn position_for(&self, time: u64, seq: u64) -> i64 {
        match self.key.conv_type {
            ConvType::Group => seq as i64,
            ConvType::C2c => {
                let base = (time as i64) << TIE_BITS;
                if self.max_pos >> TIE_BITS == time as i64 {
                    (self.max_pos + 1).min(base | TIE_MASK)
                } else {
                    base
                }
            }
        }
    }

    /// The position of a message I receive, stamped `time` / `seq`, when the
    /// clock says `now`. A C2C message stamped more than `tolerance` seconds
    /// ahead of the clock is not ordered by its time (one such time would
    /// put every later message before it, i.e. read once it is read): it
    /// takes the place of a message arriving now, just after the newest one
    /// stored, but not before `now - tolerance`. Group sequences are the
    /// server's order and are taken as they are.
    pub fn arrival_position(&self, time: u64, seq: u64, now: u64, tolerance: u64) -> i64 {
        if self.key.conv_type == ConvType::C2c && time > now.saturating_add(tolerance) {
            let floor = (now.saturating_sub(tolerance) as i64) << TIE_BITS;
            (self.max_pos + 1).max(floor)
        } else {
            self.position_for(time, seq)
        }
    }

    /// The read position that "read up to `time`" (C2C) / `seq` (group) means;
    /// 0 means everything stored so far. C2C moves by time only, groups by
    /// sequence only (the callers refuse the other kind).
    pub fn read_limit(&self, time: u64, seq: u64) -> i64 {
        match self.key.conv_type {
            ConvType::C2c if time > 0 => ((time as i64) << TIE_BITS) | TIE_MASK,
            ConvType::Group if seq > 0 => seq as i64,
            _ => self.newest_limit(),
        }
    }

    /// The read position of "read everything stored": the newest message,
    /// and for C2C its whole second. A C2C position travels as whole
    /// seconds (the read time other devices and the server get), so a
    /// message of that second arriving later is read here too, as it is
    /// everywhere else.
    pub fn newest_limit(&self) -> i64 {
        match self.key.conv_type {
            ConvType::C2c if self.max_pos > 0 => self.max_pos | TIE_MASK,
            _ => self.max_pos,
        }
    }

    /// The read position a versioned position (a mark-unread's, or one
    /// carrying its version) of `time` / `seq` means: unlike
    /// [`ConvState::read_limit`], 0 is "nothing read".
    pub fn position_of_mark(&self, time: u64, seq: u64) -> i64 {
        match self.key.conv_type {
            ConvType::C2c if time > 0 => ((time as i64) << TIE_BITS) | TIE_MASK,
            ConvType::C2c => 0,
            ConvType::Group => seq as i64,
        }
    }

    /// The read position just before the message at `pos`, as it travels to
    /// the other devices: a group's previous sequence; for C2C the end of the
    /// previous second (positions travel in whole seconds).
    pub fn position_before(&self, pos: i64) -> i64 {
        match self.key.conv_type {
            ConvType::C2c => {
                let second = (pos >> TIE_BITS) - 1;
                if second > 0 {
                    (second << TIE_BITS) | TIE_MASK
                } else {
                    0
                }
            }
            ConvType::Group => (pos - 1).max(0),
        }
    }

    /// The read position a read *on this device* up to `time` / `seq` means:
    /// never past the newest stored message (for C2C its second, see
    /// [`ConvState::newest_limit`]), whatever time or sequence the app passes
    /// (a message stamped ahead, a clock that is off), so a message that
    /// arrives later counts.
    pub fn local_read_limit(&self, time: u64, seq: u64) -> i64 {
        self.read_limit(time, seq).min(self.newest_limit())
    }

    /// The time a message stored with `time` at `pos` moves this conversation
    /// to in the list: C2C the second of its position (a message placed as
    /// arriving now does not hold the top with its stamp), groups its time.
    pub fn activity_time(&self, time: u64, pos: i64) -> u64 {
        match self.key.conv_type {
            ConvType::C2c => (pos >> TIE_BITS) as u64,
            ConvType::Group => time,
        }
    }

    /// The read time (C2C, seconds) or read sequence (group) callers see.
    pub fn read_mark(&self) -> u64 {
        self.mark_at(self.read_pos)
    }

    /// The read time or sequence that read position `pos` means.
    pub fn mark_at(&self, pos: i64) -> u64 {
        match self.key.conv_type {
            ConvType::C2c => (pos >> TIE_BITS) as u64,
            ConvType::Group => pos as u64,
        }
    }

    /// Muted conversations stay out of the total.
    pub fn muted(&self) -> bool {
        self.recv_opt.is_muted()
    }
}
