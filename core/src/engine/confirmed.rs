//! What the server last confirmed of a conversation's settings (pin, marks,
//! receive option, count preference, custom data, extension): the values
//! of the last snapshot merged or change accepted. A refused change goes
//! back to these, not to the value it replaced on this device, which
//! another device's accepted change (or an earlier refusal) may have made
//! stale (docs/TRANSPORT.md, "Several devices").

use super::state::ConvState;
use super::work::Work;
use crate::error::{Error, Result};
use crate::types::{CountPref, ReceiveOpt};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A conversation's settings as the server last confirmed them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Confirmed {
    pub pinned: bool,
    pub marks: u64,
    pub recv_opt: i64,
    /// Count preference ([`CountPref`] integer; absent in older records: all).
    #[serde(default)]
    pub count_pref: i64,
    pub custom_data: String,
    pub server_ext: String,
    /// The server's update time of each value.
    #[serde(default)]
    pub versions: Versions,
}

/// Update times of the confirmed values: a whole snapshot sets `all`; an
/// accepted change sets its own field (each mark bit apart). A value's
/// version is the greater of the two.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Versions {
    pub all: u64,
    pub pin: u64,
    pub opt: u64,
    #[serde(default)]
    pub pref: u64,
    pub custom: u64,
    pub ext: u64,
    /// By bit number.
    pub marks: std::collections::BTreeMap<u32, u64>,
}

impl Confirmed {
    /// The receive option.
    pub fn opt(&self) -> Result<ReceiveOpt> {
        ReceiveOpt::from_i64(self.recv_opt)
    }

    /// The count preference.
    pub fn pref(&self) -> Result<CountPref> {
        CountPref::from_i64(self.count_pref)
    }

    /// This device's current values (when the server never confirmed any:
    /// a store from before this record, or one that never synced).
    pub fn current(w: &Work<'_>, st: &ConvState) -> Result<Confirmed> {
        let (custom_data, server_ext): (String, String) =
            w.tx.prepare_cached("SELECT custom_data, server_ext FROM conversation WHERE id = ?1")?
                .query_row([st.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Confirmed {
            pinned: st.pinned,
            marks: st.marks,
            recv_opt: st.recv_opt.as_i64(),
            count_pref: st.count_pref.as_i64(),
            custom_data,
            server_ext,
            versions: Versions::default(),
        })
    }
}

/// The confirmed settings of conversation row `id`, if the server ever
/// confirmed any.
pub(crate) fn load(w: &Work<'_>, id: i64) -> Result<Option<Confirmed>> {
    let text: Option<String> =
        w.tx.prepare_cached("SELECT confirmed FROM conversation WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten();
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| {
            Error::StoreUnusable(format!("confirmed settings of conversation {id}: {e}"))
        })
    })
    .transpose()
}

/// Records the confirmed settings of conversation row `id`.
pub(crate) fn store(w: &Work<'_>, id: i64, c: &Confirmed) -> Result<()> {
    let text = serde_json::to_string(c)
        .map_err(|e| Error::Storage(format!("cannot encode confirmed settings: {e}")))?;
    w.tx.prepare_cached("UPDATE conversation SET confirmed = ?2 WHERE id = ?1")?
        .execute(params![id, text])?;
    Ok(())
}
