//! Conversation filters: for lists, for unread totals and for subscriptions.

use crate::types::{ConvType, CountPref};
use serde::{Deserialize, Serialize};

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
