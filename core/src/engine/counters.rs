//! Cached unread sums: the total, the mention total and the two sums of
//! each known filter, each adjusted by the exact change of every
//! conversation an operation touches, so reading one is O(1) and a change
//! costs O(number of cached filters). What a conversation adds to a sum is
//! the counting rule's (engine/counting.rs: [`counting::part`]).

use super::counting::{self, Part};
use super::state::ConvState;
use crate::filter::ConversationFilter;
use std::collections::HashMap;

/// At most this many filters are cached without a subscription; the least
/// recently used one is dropped past it.
const UNSUBSCRIBED_CACHE: usize = 32;

/// A filter with its group names resolved to ids.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub filter: ConversationFilter,
    /// `None`: no group filter; `Some([])` with `ungrouped`: only ungrouped;
    /// otherwise the ids of the named groups that exist.
    pub group_ids: Option<Vec<u32>>,
    pub ungrouped: bool,
}

impl Resolved {
    pub fn new(filter: ConversationFilter, names: &HashMap<String, u32>) -> Self {
        let mut r = Resolved {
            filter,
            group_ids: None,
            ungrouped: false,
        };
        r.resolve(names);
        r
    }

    pub fn resolve(&mut self, names: &HashMap<String, u32>) {
        match &self.filter.groups {
            None => {
                self.group_ids = None;
                self.ungrouped = false;
            }
            Some(list) if list.is_empty() => {
                self.group_ids = Some(Vec::new());
                self.ungrouped = true;
            }
            Some(list) => {
                let mut ids: Vec<u32> = list.iter().filter_map(|n| names.get(n).copied()).collect();
                ids.sort_unstable();
                self.group_ids = Some(ids);
                self.ungrouped = false;
            }
        }
    }

    /// Whether the conversation is in this filter's set (unread aside).
    pub fn matches(&self, s: &ConvState) -> bool {
        let f = &self.filter;
        if !s.visible {
            return false;
        }
        if !f.conv_types.is_empty() && !f.conv_types.contains(&s.key.conv_type) {
            return false;
        }
        if let Some(ids) = &self.group_ids {
            let ok = if self.ungrouped {
                s.groups.is_empty()
            } else {
                s.groups.iter().any(|g| ids.binary_search(g).is_ok())
            };
            if !ok {
                return false;
            }
        }
        match f.mark {
            None => {}
            Some(0) if s.marks != 0 => return false,
            Some(m) if s.marks & m != m => return false,
            Some(_) => {}
        }
        if let Some(b) = f.has_unread {
            if (s.unread > 0) != b {
                return false;
            }
        }
        if let Some(b) = f.has_at_info {
            if (s.at_flags != 0) != b {
                return false;
            }
        }
        if let Some(b) = f.has_unread_mention {
            if (s.mentions > 0) != b {
                return false;
            }
        }
        if f.count_pref.is_some_and(|p| p != s.count_pref) {
            return false;
        }
        !(f.ignore_muted && s.muted())
    }

    /// This conversation's part of the filter's sums (`marked_as_one`:
    /// [`crate::EngineConfig::count_marked_unread_as_one`]).
    pub fn contrib(&self, s: &ConvState, marked_as_one: bool) -> Part {
        if self.matches(s) {
            counting::part(s, marked_as_one)
        } else {
            Part::default()
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Aggregate {
    pub r: Resolved,
    /// The filter in canonical form, the key it is found by.
    pub key: ConversationFilter,
    pub sum: u64,
    /// The mention sum.
    pub mentions: u64,
    pub subscribed: bool,
    pub last_use: u64,
}

/// The total and the cached filter sums.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub total: u64,
    /// The total of unread mentions.
    pub total_mentions: u64,
    pub aggs: Vec<Aggregate>,
    /// [`crate::EngineConfig::count_marked_unread_as_one`], fixed at open.
    pub marked_as_one: bool,
    tick: u64,
}

impl Counters {
    /// The counters of an engine configured with `marked_as_one`.
    pub fn new(marked_as_one: bool) -> Self {
        Counters {
            marked_as_one,
            ..Default::default()
        }
    }

    /// A conversation's part of the total and the mention total.
    pub fn total_part(&self, s: &ConvState) -> Part {
        counting::total_part_of(s, self.marked_as_one)
    }

    fn take(&mut self, s: &ConvState) {
        let t = self.total_part(s);
        self.total -= t.unread;
        self.total_mentions -= t.mentions;
        for a in &mut self.aggs {
            let p = a.r.contrib(s, self.marked_as_one);
            a.sum -= p.unread;
            a.mentions -= p.mentions;
        }
    }

    fn put(&mut self, s: &ConvState) {
        let t = self.total_part(s);
        self.total += t.unread;
        self.total_mentions += t.mentions;
        for a in &mut self.aggs {
            let p = a.r.contrib(s, self.marked_as_one);
            a.sum += p.unread;
            a.mentions += p.mentions;
        }
    }

    /// Adjusts every sum by one conversation's change.
    pub fn adjust(&mut self, old: Option<&ConvState>, new: &ConvState) {
        // Every part is taken out before any is put back, so no sum goes
        // below zero on the way.
        if let Some(o) = old {
            self.take(o);
        }
        self.put(new);
    }

    /// Changes one conversation in place with `change`, adjusting every sum
    /// by its exact difference without a copy of the state.
    pub fn adjust_in_place(&mut self, s: &mut ConvState, change: impl FnOnce(&mut ConvState)) {
        self.take(s);
        change(s);
        self.put(s);
    }

    pub fn find(&self, f: &ConversationFilter) -> Option<usize> {
        // Only a filter whose lists are out of order needs a canonical copy.
        let owned;
        let key = if f.is_normalized() {
            f
        } else {
            owned = f.normalized();
            &owned
        };
        self.aggs.iter().position(|a| &a.key == key)
    }

    /// The cached sums for `f`, computing them once (O(n)) when first seen.
    pub fn sum_for(
        &mut self,
        f: &ConversationFilter,
        convs: &[ConvState],
        names: &HashMap<String, u32>,
        subscribe: Option<bool>,
    ) -> Part {
        self.tick += 1;
        let i = match self.find(f) {
            Some(i) => i,
            None => {
                let r = Resolved::new(f.clone(), names);
                let p = sum(&r, convs, self.marked_as_one);
                self.aggs.push(Aggregate {
                    key: f.normalized(),
                    r,
                    sum: p.unread,
                    mentions: p.mentions,
                    subscribed: false,
                    last_use: 0,
                });
                self.aggs.len() - 1
            }
        };
        self.aggs[i].last_use = self.tick;
        if let Some(s) = subscribe {
            self.aggs[i].subscribed = s;
        }
        let p = Part {
            unread: self.aggs[i].sum,
            mentions: self.aggs[i].mentions,
        };
        if self.aggs.len() > UNSUBSCRIBED_CACHE {
            self.evict();
        }
        p
    }

    fn evict(&mut self) {
        while self.aggs.iter().filter(|a| !a.subscribed).count() > UNSUBSCRIBED_CACHE {
            let oldest = self
                .aggs
                .iter()
                .enumerate()
                .filter(|(_, a)| !a.subscribed)
                .min_by_key(|(_, a)| a.last_use)
                .map(|(i, _)| i);
            match oldest {
                Some(i) => {
                    self.aggs.swap_remove(i);
                }
                None => break,
            }
        }
    }

    /// Re-resolves group names and recomputes the sums that name groups
    /// (after a group is created, renamed or deleted).
    pub fn reresolve(&mut self, convs: &[ConvState], names: &HashMap<String, u32>) {
        for a in &mut self.aggs {
            if a.r.filter.groups.is_some() {
                a.r.resolve(names);
                let p = sum(&a.r, convs, self.marked_as_one);
                a.sum = p.unread;
                a.mentions = p.mentions;
            }
        }
    }

    /// Current sums of the subscribed filters.
    pub fn subscribed(&self) -> Vec<(ConversationFilter, u64)> {
        self.aggs
            .iter()
            .filter(|a| a.subscribed)
            .map(|a| (a.r.filter.clone(), a.sum))
            .collect()
    }
}

/// A filter's sums over every conversation (O(n)): when a filter is first
/// seen, after a group change, and in `verify()`.
pub(crate) fn sum(r: &Resolved, convs: &[ConvState], marked_as_one: bool) -> Part {
    convs.iter().fold(Part::default(), |acc, s| {
        let p = r.contrib(s, marked_as_one);
        Part {
            unread: acc.unread + p.unread,
            mentions: acc.mentions + p.mentions,
        }
    })
}
