//! The count preference of a conversation (all / mentions only / none): a
//! synced setting like the receive option, with the same refusal handling
//! (engine/confirmed.rs). What it does to the badge and the totals lives in
//! engine/counting.rs.

use super::outbound::Outbound;
use super::Engine;
use crate::error::Result;
use crate::types::{ConvKey, CountPref};

impl Engine {
    /// Sets a conversation's count preference: "mentions only" makes its
    /// badge the unread mention count and adds only mentions to the totals,
    /// "none" keeps it out of both (its counts are still kept). Unknown
    /// conversations are remembered for when they appear, as receive
    /// options are. Queues a `count_pref` envelope with a transport.
    pub fn set_count_pref(&mut self, key: &ConvKey, pref: CountPref) -> Result<()> {
        self.commit(|w| {
            let idx = w.conv_for(key)?;
            if w.get(idx).count_pref != pref {
                w.get_mut(idx).count_pref = pref;
                w.outbound(Outbound::CountPref {
                    conv: key.clone(),
                    pref,
                })?;
            }
            Ok(())
        })
    }

    /// A conversation's count preference (the default for unknown ones).
    pub fn count_pref(&self, key: &ConvKey) -> CountPref {
        self.idx_of(key)
            .map_or(CountPref::All, |i| self.convs[i as usize].count_pref)
    }
}
