//! Cached unread sums: the total and one per known filter, each adjusted by
//! the exact change of every conversation an operation touches, so reading
//! one is O(1) and a change costs O(number of cached filters).

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
    pub subscribed: bool,
    pub last_use: u64,
}

/// The total and the cached filter sums.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub total: u64,
    pub aggs: Vec<Aggregate>,
    tick: u64,
}

impl Counters {
    /// Adjusts every sum by one conversation's change.
    pub fn adjust(&mut self, old: Option<&ConvState>, new: &ConvState) {
        let before = old.map_or(0, total_contrib);
        self.total = self.total - before + total_contrib(new);
        for a in &mut self.aggs {
            let before = old.map_or(0, |o| a.r.contrib(o));
            a.sum = a.sum - before + a.r.contrib(new);
        }
    }

    /// Changes one conversation in place with `change`, adjusting every sum
    /// by its exact difference without a copy of the state.
    pub fn adjust_in_place(&mut self, s: &mut ConvState, change: impl FnOnce(&mut ConvState)) {
        // Every part is taken out before any is put back, so no sum goes
        // below zero on the way.
        self.total -= total_contrib(s);
        for a in &mut self.aggs {
            a.sum -= a.r.contrib(s);
        }
        change(s);
        self.total += total_contrib(s);
        for a in &mut self.aggs {
            a.sum += a.r.contrib(s);
        }
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

    /// The cached sum for `f`, computing it once (O(n)) when first seen.
    pub fn sum_for(
        &mut self,
        f: &ConversationFilter,
        convs: &[ConvState],
        names: &HashMap<String, u32>,
        subscribe: Option<bool>,
    ) -> u64 {
        self.tick += 1;
        let i = match self.find(f) {
            Some(i) => i,
            None => {
                let r = ResolvedFilter::new(f.clone(), names);
                let sum = convs.iter().map(|s| r.contrib(s)).sum();
                self.aggs.push(Aggregate {
                    key: f.normalized(),
                    r,
                    sum,
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
        let sum = self.aggs[i].sum;
        if self.aggs.len() > UNSUBSCRIBED_CACHE {
            self.evict();
        }
        sum
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
                a.sum = convs.iter().map(|s| a.r.contrib(s)).sum();
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
