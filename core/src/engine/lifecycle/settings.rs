//! Lifecycle settings: the global receive option
//! (`TIMMsgSetAllReceiveMessageOpt`), the app state for the push service
//! (`TIMMsgDoBackground` / `TIMMsgDoForeground`) and private read receipts,
//! kept in the `meta` table.

use crate::engine::outbound::Outbound;
use crate::engine::work::Work;
use crate::engine::Engine;
use crate::error::{invalid, Error, Result};
use crate::message::MAX_TIME;
use crate::types::{AllReceiveOpt, AppState};
use rusqlite::{Connection, OptionalExtension};

/// Checks the global receive option's fields.
pub(crate) fn check_all_receive_opt(o: &AllReceiveOpt) -> Result<()> {
    if o.start_hour > 23 || o.start_minute > 59 || o.start_second > 59 {
        return Err(invalid(format!(
            "start time {}:{}:{} is not a time of day (hour 0..=23, minute and second 0..=59)",
            o.start_hour, o.start_minute, o.start_second
        )));
    }
    if o.start_time_stamp > MAX_TIME {
        return Err(invalid(format!(
            "start_time_stamp {} is out of range (at most {MAX_TIME})",
            o.start_time_stamp
        )));
    }
    Ok(())
}

impl Engine {
    /// Sets the global receive option (TIM's
    /// `TIMMsgSetAllReceiveMessageOpt`). Without a transport it applies at
    /// once; with one it applies when the server accepts it (a refusal
    /// changes nothing). It shapes the server's offline pushes; unread
    /// counts do not change.
    pub fn set_all_receive_opt(&mut self, opt: AllReceiveOpt) -> Result<()> {
        check_all_receive_opt(&opt)?;
        self.commit(|w| {
            if w.outbox {
                w.outbound(Outbound::AllReceiveOpt { opt })
            } else {
                store_all_receive_opt(w, opt, 0)
            }
        })
    }

    /// The global receive option in force (the default until one is set).
    pub fn all_receive_opt(&self) -> Result<AllReceiveOpt> {
        Ok(read_all_receive_opt(&self.conn)?.0)
    }

    /// Applies the global receive option the server sent (set on another
    /// device), at the server's version `update_time`: a greater version
    /// wins, so any order of snapshots and acks ends on the same value.
    pub fn apply_all_receive_opt(&mut self, opt: AllReceiveOpt, update_time: u64) -> Result<()> {
        check_all_receive_opt(&opt)?;
        if update_time > i64::MAX as u64 {
            return Err(invalid(format!(
                "update_time {update_time} is out of range"
            )));
        }
        self.commit(|w| store_all_receive_opt(w, opt, update_time))
    }

    /// Records the app's state for the push service (TIM's
    /// `TIMMsgDoBackground` / `TIMMsgDoForeground`): the badge number to
    /// show while in the background is kept ([`Engine::app_state`]) and,
    /// with a transport, handed over as an `app_state` envelope.
    pub fn set_app_state(&mut self, state: AppState) -> Result<()> {
        self.commit(|w| {
            let value = serde_json::to_string(&state)
                .map_err(|e| Error::Storage(format!("cannot encode the app state: {e}")))?;
            set_meta(w.tx, "app_state", &value)?;
            w.outbound(Outbound::AppState { state })
        })
    }

    /// The app state last recorded (foreground until one is).
    pub fn app_state(&self) -> Result<AppState> {
        Ok(match meta(&self.conn, "app_state")? {
            Some(v) => serde_json::from_str(&v)
                .map_err(|e| Error::StoreUnusable(format!("stored app state: {e}")))?,
            None => AppState::Foreground,
        })
    }

    /// Turns private read receipts on or off (persisted; see
    /// [`EngineConfig::private_read_receipts`]).
    ///
    /// [`EngineConfig::private_read_receipts`]: crate::EngineConfig::private_read_receipts
    pub fn set_private_read_receipts(&mut self, private: bool) -> Result<()> {
        self.commit(|w| {
            set_meta(
                w.tx,
                "private_read_receipts",
                if private { "1" } else { "0" },
            )
        })?;
        self.config.private_read_receipts = private;
        Ok(())
    }

    /// Whether read receipts are private.
    pub fn private_read_receipts(&self) -> bool {
        self.config.private_read_receipts
    }
}

/// A `meta` value.
pub(super) fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// Sets a `meta` value.
fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

/// The stored global receive option and its version.
fn read_all_receive_opt(conn: &Connection) -> Result<(AllReceiveOpt, u64)> {
    #[derive(serde::Deserialize)]
    struct Stored {
        opt: AllReceiveOpt,
        version: u64,
    }
    Ok(match meta(conn, "all_receive_opt")? {
        Some(v) => {
            let s: Stored = serde_json::from_str(&v)
                .map_err(|e| Error::StoreUnusable(format!("stored global receive option: {e}")))?;
            (s.opt, s.version)
        }
        None => (AllReceiveOpt::default(), 0),
    })
}

/// Stores the global receive option at `version` (0: unversioned, always
/// applies) when it is newer than the stored one (ties: the greater
/// encoding), and queues its event when the value changed.
fn store_all_receive_opt(w: &mut Work<'_>, opt: AllReceiveOpt, version: u64) -> Result<()> {
    let (cur, cur_version) = read_all_receive_opt(w.tx)?;
    let enc = |o: &AllReceiveOpt| serde_json::to_string(o).unwrap_or_default();
    let newer =
        version == 0 || version > cur_version || (version == cur_version && enc(&opt) > enc(&cur));
    if !newer {
        return Ok(());
    }
    let value = serde_json::json!({ "opt": opt, "version": version.max(cur_version) });
    set_meta(w.tx, "all_receive_opt", &value.to_string())?;
    if opt != cur {
        w.changes.all_receive_opt = Some(opt);
    }
    Ok(())
}

/// The server's acceptance of my global receive option (from the ack, inside
/// its transaction): it applies at the ack's update time.
pub(super) fn settle(w: &mut Work<'_>, opt: AllReceiveOpt, update_time: u64) -> Result<()> {
    store_all_receive_opt(w, opt, update_time)
}
