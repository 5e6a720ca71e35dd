//! Cached unread sums: the total, the mention total and the two sums of each
//! known filter, each adjusted by the exact change of every conversation an
//! operation touches, so reading one is O(1) and a change costs O(number of
//! cached filters).

use super::counting::Part;
use super::state::ConvState;
use crate::filter::{total_contrib, ConversationFilter, ResolvedFilter};
use std::collections::HashMap;

/// At most this many filters are cached without a subscription; the least
/// recently used one is dropped past it.
const UNSUBSCRIBED_CACHE: usize = 32;

#[derive(Debug, Clone)]
pub(crate) struct Aggregate {
    pub r: ResolvedFilter,
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

    /// Takes one conversation's parts out of every sum.
    fn take(&mut self, s: &ConvState) {
        let t = total_contrib(s, self.marked_as_one);
        self.total -= t.unread;
        self.total_mentions -= t.mentions;
        for a in &mut self.aggs {
            let p = a.r.contrib(s, self.marked_as_one);
            a.sum -= p.unread;
            a.mentions -= p.mentions;
        }
    }

    /// Puts one conversation's parts into every sum.
    fn put(&mut self, s: &ConvState) {
        let t = total_contrib(s, self.marked_as_one);
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
                let r = ResolvedFilter::new(f.clone(), names);
                let p = r.sum(convs, self.marked_as_one);
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
                let p = a.r.sum(convs, self.marked_as_one);
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
