//! Conversation filters: for lists, for unread totals and for subscriptions;
//! and which conversations a filter (or the total) takes in, and why.

use crate::config::EngineConfig;
use crate::engine::counting::{self, Part};
use crate::engine::state::ConvState;
use crate::explain::TotalReason;
use crate::types::{ConvType, CountPref};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which conversations to include. Absent fields do not filter. Filters are
/// compared structurally: a subscription event carries the filter exactly as
/// it was subscribed, and two subscriptions are told apart by all fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConversationFilter {
    /// Conversation types to include; empty = every type.
    pub conv_types: Vec<ConvType>,
    /// Conversation groups by name: `None` = no group filter, `Some([])` =
    /// only conversations in no group, otherwise in any of the named groups.
    pub groups: Option<Vec<String>>,
    /// Marks: `None` = no filter, `Some(0)` = only unmarked conversations,
    /// otherwise conversations that carry every one of these bits.
    pub mark: Option<u64>,
    /// Only conversations with (`true`) or without (`false`) unread messages.
    pub has_unread: Option<bool>,
    /// Only conversations with (`true`) or without (`false`) @-info.
    pub has_at_info: Option<bool>,
    /// Only conversations with (`true`) or without (`false`) unread
    /// mentions (counted messages after the read position that @-mention me
    /// or everyone).
    pub has_unread_mention: Option<bool>,
    /// Only conversations with this count preference.
    pub count_pref: Option<CountPref>,
    /// Leave muted conversations out (as the total unread count does).
    pub ignore_muted: bool,
}

impl ConversationFilter {
    /// The filter the total unread count stands for.
    pub fn total() -> Self {
        ConversationFilter {
            ignore_muted: true,
            ..Default::default()
        }
    }
    /// Only one conversation type.
    pub fn of_type(t: ConvType) -> Self {
        ConversationFilter {
            conv_types: vec![t],
            ..Default::default()
        }
    }
    /// Whether the lists are already sorted and free of duplicates.
    pub(crate) fn is_normalized(&self) -> bool {
        self.conv_types.windows(2).all(|w| w[0] < w[1])
            && self
                .groups
                .as_ref()
                .is_none_or(|g| g.windows(2).all(|w| w[0] < w[1]))
    }

    /// A canonical form (sorted, deduplicated lists) for comparisons.
    pub(crate) fn normalized(&self) -> Self {
        let mut f = self.clone();
        f.conv_types.sort();
        f.conv_types.dedup();
        if let Some(g) = f.groups.as_mut() {
            g.sort();
            g.dedup();
        }
        f
    }
}

/// The total's filter: every visible, unmuted conversation, each with its
/// part ([`counting::part`]: its badge and its mentions; `marked_as_one`:
/// [`crate::EngineConfig::count_marked_unread_as_one`]).
pub(crate) fn total_contrib(s: &ConvState, marked_as_one: bool) -> Part {
    if s.visible && !s.muted() {
        counting::part(s, marked_as_one)
    } else {
        Part::default()
    }
}

/// A conversation's part of the total unread count, and why.
pub(crate) fn total_reason(config: &EngineConfig, st: &ConvState) -> (u64, TotalReason) {
    let n = total_contrib(st, config.count_marked_unread_as_one).unread;
    let why = if !st.visible {
        TotalReason::Hidden
    } else if st.muted() {
        TotalReason::Muted
    } else {
        match st.count_pref {
            CountPref::None => TotalReason::CountPrefNone,
            CountPref::All if st.unread == 0 && n == 1 => TotalReason::MarkedUnreadAsOne,
            CountPref::MentionsOnly if st.mentions == 0 && n == 1 => TotalReason::MarkedUnreadAsOne,
            CountPref::All => TotalReason::Counted,
            CountPref::MentionsOnly => TotalReason::MentionsOnly,
        }
    };
    (n, why)
}

/// A filter with its group names resolved to ids.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedFilter {
    pub filter: ConversationFilter,
    /// `None`: no group filter; `Some([])` with `ungrouped`: only ungrouped;
    /// otherwise the ids of the named groups that exist.
    pub group_ids: Option<Vec<u32>>,
    pub ungrouped: bool,
}

impl ResolvedFilter {
    /// `filter` with its group names looked up in `names` (name -> id).
    pub fn new(filter: ConversationFilter, names: &HashMap<String, u32>) -> Self {
        let mut r = ResolvedFilter {
            filter,
            group_ids: None,
            ungrouped: false,
        };
        r.resolve(names);
        r
    }

    /// Looks the group names up again (after groups changed).
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

    /// This conversation's part of the filter's sums (see [`total_contrib`]).
    pub fn contrib(&self, s: &ConvState, marked_as_one: bool) -> Part {
        if self.matches(s) {
            counting::part(s, marked_as_one)
        } else {
            Part::default()
        }
    }

    /// The filter's sums over every conversation (O(n)): when a filter is
    /// first seen, after a group change, and in `verify()`.
    pub fn sum(&self, convs: &[ConvState], marked_as_one: bool) -> Part {
        convs.iter().fold(Part::default(), |acc, s| {
            acc + self.contrib(s, marked_as_one)
        })
    }
}
