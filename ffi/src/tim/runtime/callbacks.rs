//! One callback to deliver, and its delivery: the listener looked up at
//! delivery time, its call recorded, no lock held.

use super::lock;
use super::slots::{Calling, Listeners, LISTENERS, NEW_MSG};
use crate::*;
use std::ffi::{c_char, c_void, CString};
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
}

fn cstring(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| CString::new(s.replace('\0', "")).unwrap_or_default())
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Calls one callback. The listener is looked up now and its call recorded
/// (see [`Calling`]); no lock is held during the call; every string lives
/// until the call returns.
fn deliver_one(cb: Cb) {
    macro_rules! fire {
        ($slot:ident, $ty:ty, |$f:ident, $ud:ident| $call:expr) => {
            if let Some((addr, ud, _calling)) =
                Calling::begin(std::mem::offset_of!(Listeners, $slot), |l| l.$slot)
            {
                // SAFETY: `addr` is a non-NULL function pointer of type `$ty`
                // that the host registered through the matching setter
                // (stored as an address); transmuting it back to the same
                // type is sound.
                let $f: $ty = unsafe { std::mem::transmute::<usize, $ty>(addr) };
                let $ud = ud as *const c_void;
                // SAFETY: calling the host's callback with valid, live
                // NUL-terminated strings and its own user data.
                unsafe { $call };
            }
        };
    }
    type ConvEv = unsafe extern "C" fn(i32, *const c_char, *const c_void);
    type Count = unsafe extern "C" fn(i32, *const c_void);
    type FilterCount = unsafe extern "C" fn(*const c_char, i32, *const c_void);
    type Two = unsafe extern "C" fn(*const c_char, *const c_char, *const c_void);
    type One = unsafe extern "C" fn(*const c_char, *const c_void);
    type Net = unsafe extern "C" fn(i32, i32, *const c_char, *const c_void);
    type Bare = unsafe extern "C" fn(*const c_void);
    type Log = unsafe extern "C" fn(i32, *const c_char, *const c_void);
    match cb {
        Cb::Comm {
            cb,
            ud,
            code,
            desc,
            json,
        } => {
            if let Some(f) = cb {
                let (d, j) = (cstring(&desc), cstring(&json));
                // SAFETY: the host's callback with live strings and its user data.
                unsafe { f(code, d.as_ptr(), j.as_ptr(), ud as *const c_void) };
            }
        }
        Cb::ReadMembers {
            cb,
            ud,
            json,
            next_seq,
            finished,
        } => {
            if let Some(f) = cb {
                let j = cstring(&json);
                // SAFETY: the host's callback with a live string and its user data.
                unsafe { f(j.as_ptr(), next_seq, finished, ud as *const c_void) };
            }
        }
        Cb::ConvEvent(ev, json) => {
            let j = cstring(&json);
            fire!(conv_event, ConvEv, |f, ud| f(ev, j.as_ptr(), ud));
        }
        Cb::TotalUnread(n) => fire!(total_unread, Count, |f, ud| f(count(n), ud)),
        Cb::FilterUnread(filter, n) => {
            let s = cstring(&filter);
            fire!(filter_unread, FilterCount, |f, ud| f(
                s.as_ptr(),
                count(n),
                ud
            ));
        }
        Cb::GroupCreated(name, ids) => {
            let (a, b) = (cstring(&name), cstring(&ids));
            fire!(group_created, Two, |f, ud| f(a.as_ptr(), b.as_ptr(), ud));
        }
        Cb::GroupDeleted(name) => {
            let a = cstring(&name);
            fire!(group_deleted, One, |f, ud| f(a.as_ptr(), ud));
        }
        Cb::GroupRenamed(old, new) => {
            let (a, b) = (cstring(&old), cstring(&new));
            fire!(group_renamed, Two, |f, ud| f(a.as_ptr(), b.as_ptr(), ud));
        }
        Cb::GroupAdded(name, ids) => {
            let (a, b) = (cstring(&name), cstring(&ids));
            fire!(group_added, Two, |f, ud| f(a.as_ptr(), b.as_ptr(), ud));
        }
        Cb::GroupRemoved(name, ids) => {
            let (a, b) = (cstring(&name), cstring(&ids));
            fire!(group_removed, Two, |f, ud| f(a.as_ptr(), b.as_ptr(), ud));
        }
        Cb::NewMessages(json) => {
            let j = cstring(&json);
            let targets: Vec<usize> = lock(&LISTENERS).new_msg.iter().map(|t| t.0).collect();
            for f in targets {
                // Each one looked up again: one removed meanwhile (by an
                // earlier listener of this batch, or another thread) is skipped.
                let Some((addr, ud, _calling)) =
                    Calling::begin(NEW_MSG, |l| l.new_msg.iter().find(|t| t.0 == f).copied())
                else {
                    continue;
                };
                // SAFETY: a non-NULL `TIMRecvNewMsgCallback` registered by the
                // host, stored as its address.
                let f: One = unsafe { std::mem::transmute::<usize, One>(addr) };
                // SAFETY: the host's callback with a live string and its user data.
                unsafe { f(j.as_ptr(), ud as *const c_void) };
            }
        }
        Cb::Receipts(json) => {
            let j = cstring(&json);
            fire!(receipt, One, |f, ud| f(j.as_ptr(), ud));
        }
        Cb::Outbound(json) => {
            let j = cstring(&json);
            fire!(outbound, One, |f, ud| f(j.as_ptr(), ud));
        }
        Cb::Network(status, code, desc) => {
            let d = cstring(&desc);
            fire!(network, Net, |f, ud| f(status, code, d.as_ptr(), ud));
        }
        Cb::Kicked => fire!(kicked, Bare, |f, ud| f(ud)),
        Cb::SigExpired => fire!(sig_expired, Bare, |f, ud| f(ud)),
        Cb::Log(level, text) => {
            let t = cstring(&text);
            fire!(log, Log, |f, ud| f(level, t.as_ptr(), ud));
        }
        Cb::Experimental(key, data) => {
            let (k, d) = (cstring(&key), cstring(&data));
            fire!(experimental, Two, |f, ud| f(k.as_ptr(), d.as_ptr(), ud));
        }
        Cb::Revoked(json) => {
            let j = cstring(&json);
            fire!(revoke, One, |f, ud| f(j.as_ptr(), ud));
        }
        Cb::MsgUpdated(json) => {
            let j = cstring(&json);
            fire!(msg_update, One, |f, ud| f(j.as_ptr(), ud));
        }
        Cb::AllRecvOpt(json) => {
            let j = cstring(&json);
            fire!(all_recv_opt, One, |f, ud| f(j.as_ptr(), ud));
        }
    }
}

/// Delivers one batch, in order; a panic inside one callback's delivery is
/// contained (the host's own code cannot unwind into Rust).
pub(super) fn deliver(batch: Vec<Cb>) {
    for cb in batch {
        let _ = catch_unwind(AssertUnwindSafe(|| deliver_one(cb)));
    }
}
