//! Calls into the host: its callbacks, kept with their C types and called
//! only from here.
//!
//! A callback is stored as the function pointer type the host registered it
//! with (the typedef of its setter, e.g. `TIMConvEventCallback`) in a
//! [`Registered`], and called only through the functions below, each for one
//! signature. The header promises the host that a registered function is
//! called with exactly that signature, with strings valid during the call
//! and its own `user_data`; these functions keep that promise (the strings
//! are `&CStr`s borrowed for the call), which is the whole safety argument of
//! every call into the host.

use std::ffi::{c_char, c_void, CStr};

/// `(code, desc, json, user_data)`: `TIMCommCallback`.
pub type CommFn = unsafe extern "C" fn(i32, *const c_char, *const c_char, *const c_void);
/// `(json, next_seq, is_finished, user_data)`: a read-member-list page.
pub type ReadMembersFn = unsafe extern "C" fn(*const c_char, u64, bool, *const c_void);
/// `(int, text, user_data)`: conversation events, log lines.
pub type IntStrFn = unsafe extern "C" fn(i32, *const c_char, *const c_void);
/// `(count, user_data)`: the total.
pub type IntFn = unsafe extern "C" fn(i32, *const c_void);
/// `(text, count, user_data)`: a filter's total.
pub type StrIntFn = unsafe extern "C" fn(*const c_char, i32, *const c_void);
/// `(text, text, user_data)`: group events, experimental notifications.
pub type StrStrFn = unsafe extern "C" fn(*const c_char, *const c_char, *const c_void);
/// `(text, user_data)`: messages, receipts, outbound envelopes.
pub type StrFn = unsafe extern "C" fn(*const c_char, *const c_void);
/// `(status, code, desc, user_data)`: network status.
pub type NetFn = unsafe extern "C" fn(i32, i32, *const c_char, *const c_void);
/// `(user_data)`: kicked offline, user sig expired.
pub type BareFn = unsafe extern "C" fn(*const c_void);

/// A host function pointer type imcore stores: its address tells two
/// registrations apart.
pub trait HostFn: Copy {
    /// The function's address.
    fn addr(self) -> usize;
}

macro_rules! host_fns {
    ($($t:ty),*) => {
        $(impl HostFn for $t {
            fn addr(self) -> usize {
                self as usize
            }
        })*
    };
}
host_fns!(
    CommFn,
    ReadMembersFn,
    IntStrFn,
    IntFn,
    StrIntFn,
    StrStrFn,
    StrFn,
    NetFn,
    BareFn
);

/// A registered callback and the host's `user_data` for it.
#[derive(Debug, Clone, Copy)]
pub struct Registered<F: HostFn> {
    f: F,
    ud: usize,
}

impl<F: HostFn> Registered<F> {
    /// Keeps `f` (NULL: `None`) with its user data (as an address: imcore
    /// never dereferences it).
    pub fn new(f: Option<F>, ud: usize) -> Option<Self> {
        f.map(|f| Registered { f, ud })
    }

    /// The function's address.
    pub fn addr(&self) -> usize {
        self.f.addr()
    }
}

impl<F: HostFn> PartialEq for Registered<F> {
    fn eq(&self, other: &Self) -> bool {
        self.addr() == other.addr() && self.ud == other.ud
    }
}

impl<F: HostFn> Eq for Registered<F> {}

/// Calls a `TIMCommCallback`.
pub fn comm(r: Registered<CommFn>, code: i32, desc: &CStr, json: &CStr) {
    // SAFETY: the module's argument: the registered type, live strings, the
    // host's user data.
    unsafe { (r.f)(code, desc.as_ptr(), json.as_ptr(), r.ud as *const c_void) }
}

/// Calls a read-member-list page callback.
pub fn read_members(r: Registered<ReadMembersFn>, json: &CStr, next_seq: u64, finished: bool) {
    // SAFETY: as `comm`.
    unsafe { (r.f)(json.as_ptr(), next_seq, finished, r.ud as *const c_void) }
}

/// Calls an `(int, text)` callback.
pub fn int_str(r: Registered<IntStrFn>, n: i32, text: &CStr) {
    // SAFETY: as `comm`.
    unsafe { (r.f)(n, text.as_ptr(), r.ud as *const c_void) }
}

/// Calls a `(count)` callback.
pub fn int(r: Registered<IntFn>, n: i32) {
    // SAFETY: as `comm`.
    unsafe { (r.f)(n, r.ud as *const c_void) }
}

/// Calls a `(text, count)` callback.
pub fn str_int(r: Registered<StrIntFn>, text: &CStr, n: i32) {
    // SAFETY: as `comm`.
    unsafe { (r.f)(text.as_ptr(), n, r.ud as *const c_void) }
}

/// Calls a `(text, text)` callback.
pub fn str_str(r: Registered<StrStrFn>, a: &CStr, b: &CStr) {
    // SAFETY: as `comm`.
    unsafe { (r.f)(a.as_ptr(), b.as_ptr(), r.ud as *const c_void) }
}

/// Calls a `(text)` callback.
pub fn str(r: Registered<StrFn>, text: &CStr) {
    // SAFETY: as `comm`.
    unsafe { (r.f)(text.as_ptr(), r.ud as *const c_void) }
}

/// Calls a network-status callback.
pub fn net(r: Registered<NetFn>, status: i32, code: i32, desc: &CStr) {
    // SAFETY: as `comm`.
    unsafe { (r.f)(status, code, desc.as_ptr(), r.ud as *const c_void) }
}

/// Calls a `(user_data)` callback.
pub fn bare(r: Registered<BareFn>) {
    // SAFETY: as `comm`.
    unsafe { (r.f)(r.ud as *const c_void) }
}
