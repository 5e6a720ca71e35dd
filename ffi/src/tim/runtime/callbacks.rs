//! One callback to deliver, and its delivery: the listener looked up at
//! delivery time, its call recorded, no lock held.

use super::lock;
use super::slots::{Calling, Listeners, LISTENERS, NEW_MSG};
use crate::boundary::host::{self, Registered};
use crate::*;
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};

// ------------------------------------------------------------ callbacks --

/// One callback to deliver.
#[derive(Debug, Clone)]
pub enum Cb {
    /// A `TIMCommCallback` result.
    Comm {
        /// The callback (None: nothing to call).
        cb: TIMCommCallback,
        /// Its user data.
        ud: usize,
        /// 0 or an error code.
        code: i32,
        /// The error text.
        desc: String,
        /// The result JSON.
        json: String,
    },
    /// A read-member-list page.
    ReadMembers {
        /// The callback.
        cb: TIMMsgGroupMessageReadMemberListCallback,
        /// Its user data.
        ud: usize,
        /// GroupMemberInfo array.
        json: String,
        /// Cursor of the next page.
        next_seq: u64,
        /// No more pages.
        finished: bool,
    },
    /// Conversation event.
    ConvEvent(i32, String),
    /// Total unread.
    TotalUnread(u64),
    /// A subscribed filter's total.
    FilterUnread(String, u64),
    /// The unread mention total changed.
    TotalMentions(u64),
    /// A subscribed filter's unread mention total changed.
    FilterMentions(String, u64),
    /// Group created (name, V2 id array).
    GroupCreated(String, String),
    /// Group deleted.
    GroupDeleted(String),
    /// Group renamed (old, new).
    GroupRenamed(String, String),
    /// Conversations added to a group.
    GroupAdded(String, String),
    /// Conversations removed from a group.
    GroupRemoved(String, String),
    /// New messages (Message array).
    NewMessages(String),
    /// Receipts (MessageReceipt array).
    Receipts(String),
    /// An outbound envelope.
    Outbound(String),
    /// Network status.
    Network(i32, i32, String),
    /// Kicked offline.
    Kicked,
    /// User sig expired.
    SigExpired,
    /// A log line.
    Log(i32, String),
    /// Experimental notification (key, data).
    Experimental(String, String),
    /// Messages revoked (MessageLocator array).
    Revoked(String),
    /// Messages edited (Message array).
    MsgUpdated(String),
    /// The global receive option changed.
    AllRecvOpt(String),
    /// Callbacks whose JSON is written at delivery (see `tim::events`).
    Deferred(Box<crate::tim::events::Deferred>),
}

/// Which listeners of deferred callbacks are registered now (also read
/// when an operation ends: its conversations' snapshots are read only for
/// a conversation listener, `notify::Wants::snapshots`).
pub(crate) fn heard() -> crate::tim::events::Heard {
    let l = lock(&LISTENERS);
    crate::tim::events::Heard {
        new_messages: !l.new_msg.is_empty(),
        updates: l.msg_update.is_some(),
        revokes: l.revoke.is_some(),
        conversations: l.conv_event.is_some(),
    }
}

fn cstring(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| CString::new(s.replace('\0', "")).unwrap_or_default())
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Calls one callback. The listener is looked up now and its call recorded
/// (see [`Calling`]); no lock is held during the call; every string lives
/// until the call returns. The call itself is `boundary::host`'s.
fn deliver_one(cb: Cb) {
    macro_rules! fire {
        ($slot:ident, |$r:ident| $call:expr) => {
            if let Some(($r, _calling)) =
                Calling::begin(std::mem::offset_of!(Listeners, $slot), |l| l.$slot)
            {
                $call;
            }
        };
    }
    match cb {
        Cb::Comm {
            cb,
            ud,
            code,
            desc,
            json,
        } => {
            if let Some(r) = Registered::new(cb, ud) {
                host::comm(r, code, &cstring(&desc), &cstring(&json));
            }
        }
        Cb::ReadMembers {
            cb,
            ud,
            json,
            next_seq,
            finished,
        } => {
            if let Some(r) = Registered::new(cb, ud) {
                host::read_members(r, &cstring(&json), next_seq, finished);
            }
        }
        Cb::ConvEvent(ev, json) => {
            let j = cstring(&json);
            fire!(conv_event, |r| host::int_str(r, ev, &j));
        }
        Cb::TotalUnread(n) => fire!(total_unread, |r| host::int(r, count(n))),
        Cb::FilterUnread(filter, n) => {
            let s = cstring(&filter);
            fire!(filter_unread, |r| host::str_int(r, &s, count(n)));
        }
        Cb::TotalMentions(n) => fire!(total_mentions, |r| host::int(r, count(n))),
        Cb::FilterMentions(filter, n) => {
            let s = cstring(&filter);
            fire!(filter_mentions, |r| host::str_int(r, &s, count(n)));
        }
        Cb::GroupCreated(name, ids) => {
            let (a, b) = (cstring(&name), cstring(&ids));
            fire!(group_created, |r| host::str_str(r, &a, &b));
        }
        Cb::GroupDeleted(name) => {
            let a = cstring(&name);
            fire!(group_deleted, |r| host::str(r, &a));
        }
        Cb::GroupRenamed(old, new) => {
            let (a, b) = (cstring(&old), cstring(&new));
            fire!(group_renamed, |r| host::str_str(r, &a, &b));
        }
        Cb::GroupAdded(name, ids) => {
            let (a, b) = (cstring(&name), cstring(&ids));
            fire!(group_added, |r| host::str_str(r, &a, &b));
        }
        Cb::GroupRemoved(name, ids) => {
            let (a, b) = (cstring(&name), cstring(&ids));
            fire!(group_removed, |r| host::str_str(r, &a, &b));
        }
        Cb::NewMessages(json) => {
            let j = cstring(&json);
            let targets: Vec<usize> = lock(&LISTENERS).new_msg.iter().map(|t| t.addr()).collect();
            for f in targets {
                // Each one looked up again: one removed meanwhile (by an
                // earlier listener of this batch, or another thread) is skipped.
                if let Some((r, _calling)) = Calling::begin(NEW_MSG, |l| {
                    l.new_msg.iter().find(|t| t.addr() == f).copied()
                }) {
                    host::str(r, &j);
                }
            }
        }
        Cb::Receipts(json) => {
            let j = cstring(&json);
            fire!(receipt, |r| host::str(r, &j));
        }
        Cb::Outbound(json) => {
            let j = cstring(&json);
            fire!(outbound, |r| host::str(r, &j));
        }
        Cb::Network(status, code, desc) => {
            let d = cstring(&desc);
            fire!(network, |r| host::net(r, status, code, &d));
        }
        Cb::Kicked => fire!(kicked, |r| host::bare(r)),
        Cb::SigExpired => fire!(sig_expired, |r| host::bare(r)),
        Cb::Log(level, text) => {
            let t = cstring(&text);
            fire!(log, |r| host::int_str(r, level, &t));
        }
        Cb::Experimental(key, data) => {
            let (k, d) = (cstring(&key), cstring(&data));
            fire!(experimental, |r| host::str_str(r, &k, &d));
        }
        Cb::Revoked(json) => {
            let j = cstring(&json);
            fire!(revoke, |r| host::str(r, &j));
        }
        Cb::MsgUpdated(json) => {
            let j = cstring(&json);
            fire!(msg_update, |r| host::str(r, &j));
        }
        Cb::AllRecvOpt(json) => {
            let j = cstring(&json);
            fire!(all_recv_opt, |r| host::str(r, &j));
        }
        Cb::Deferred(d) => d.deliver_each(heard, deliver_one),
    }
}

/// Delivers one batch, in order; a panic inside one callback's delivery is
/// contained (the host's own code cannot unwind into Rust).
pub(super) fn deliver(batch: Vec<Cb>) {
    for cb in batch {
        if let Cb::Deferred(d) = cb {
            // Written one by one at delivery; each contained on its own.
            let _ = catch_unwind(AssertUnwindSafe(|| {
                d.deliver_each(heard, |cb| {
                    let _ = catch_unwind(AssertUnwindSafe(|| deliver_one(cb)));
                })
            }));
            continue;
        }
        let _ = catch_unwind(AssertUnwindSafe(|| deliver_one(cb)));
    }
}
