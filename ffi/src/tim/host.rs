//! What the host tells imcore and asks of it besides the transport: the
//! callback mode and polling, connection events (network status, kicked
//! offline, user sig expired) and the last synchronous refusal.

use crate::boundary::{self, guard, guard_value, Reject};
use crate::boundary::{arg_str_or_empty, out_buf};
use crate::tim::runtime::{self, Cb};
use crate::*;
use std::ffi::c_char;
/// Chooses where callbacks run: 0 (`IMCORE_CALLBACK_MODE_THREAD`, default)
/// on imcore's dispatcher thread; 1 (`IMCORE_CALLBACK_MODE_PUMPED`) only
/// inside IMCorePollCallbacks on the host's thread (e.g. Unity's main
/// thread). Switching to 1 stops and joins the thread (what it already took
/// is delivered before this returns; called from a callback, the thread ends
/// when that callback returns); switching to 0 starts it again. May be
/// called before TIMInit. Returns TIM_SUCC, or TIM_ERR_PARAM for another value.
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetCallbackMode(mode: i32) -> i32 {
    guard("IMCoreSetCallbackMode", || {
        if mode != IMCORE_CALLBACK_MODE_THREAD && mode != IMCORE_CALLBACK_MODE_PUMPED {
            return Err(Reject::param(format!("mode is {mode}; expected 0 or 1")));
        }
        runtime::set_mode(mode);
        Ok(TIM_SUCC)
    })
}

/// In pumped mode, delivers up to `max_batches` queued batches (one batch =
/// one operation's events and its result; 0 = everything queued when it is
/// called: batches queued meanwhile, by its callbacks or other threads, wait
/// for the next poll, so a poll always ends) on the calling thread, in
/// order, and returns how many it delivered. Returns 0 in
/// thread mode, and when another thread is polling at the moment. A callback
/// may call it again (nested delivery continues in order).
#[no_mangle]
pub unsafe extern "C" fn IMCorePollCallbacks(max_batches: u32) -> i32 {
    guard_value("IMCorePollCallbacks", 0, || {
        i32::try_from(runtime::poll(max_batches)).unwrap_or(i32::MAX)
    })
}

fn notify(cb: Cb) -> boundary::Checked<i32> {
    runtime::check_init()?;
    runtime::send(vec![cb]);
    Ok(TIM_SUCC)
}

/// Host → imcore: the connection state changed (`status`: 0 connected,
/// 1 disconnected, 2 connecting, 3 connect failed). Fires the network-status
/// listener with code 0 and desc "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_PARAM (status out of range).
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetNetworkStatus(status: i32) -> i32 {
    guard("IMCoreSetNetworkStatus", || {
        network(status, 0, String::new())
    })
}

/// As IMCoreSetNetworkStatus, with the `code` and `desc` (may be NULL) the
/// listener receives (e.g. 9508 and the transport's error text).
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_PARAM (status out of range,
/// desc not UTF-8).
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetNetworkStatusEx(
    status: i32,
    code: i32,
    desc: *const c_char,
) -> i32 {
    guard("IMCoreSetNetworkStatusEx", || {
        let desc = arg_str_or_empty!(desc, "desc")?.to_owned();
        network(status, code, desc)
    })
}

fn network(status: i32, code: i32, desc: String) -> boundary::Checked<i32> {
    if !(0..=3).contains(&status) {
        return Err(Reject::param(format!("status is {status}; expected 0..=3")));
    }
    notify(Cb::Network(status, code, desc))
}

/// Host → imcore: this account logged in elsewhere and the server kicked
/// this device. Fires the kicked-offline listener (the app usually calls
/// TIMLogout). Returns TIM_SUCC or TIM_ERR_SDKUNINIT.
#[no_mangle]
pub unsafe extern "C" fn IMCoreNotifyKickedOffline() -> i32 {
    guard("IMCoreNotifyKickedOffline", || notify(Cb::Kicked))
}

/// Host → imcore: the server refused the user sig as expired. Fires the
/// user-sig-expired listener. Returns TIM_SUCC or TIM_ERR_SDKUNINIT.
#[no_mangle]
pub unsafe extern "C" fn IMCoreNotifyUserSigExpired() -> i32 {
    guard("IMCoreNotifyUserSigExpired", || notify(Cb::SigExpired))
}

/// Copies the description of the last call refused on this thread (""
/// after a call that succeeded) into `buffer` of `buffer_len` bytes,
/// NUL-terminated and truncated to fit (at a UTF-8 boundary). Returns the
/// full length in bytes (without the NUL), or TIM_ERR_PARAM for a NULL
/// buffer or a length of 0. Does not itself reset the last error.
#[no_mangle]
pub unsafe extern "C" fn IMCoreGetLastError(buffer: *mut c_char, buffer_len: u32) -> i32 {
    let text = boundary::last_error();
    guard_value("IMCoreGetLastError", TIM_ERR_PARAM, || {
        if buffer.is_null() || buffer_len == 0 {
            return TIM_ERR_PARAM;
        }
        let mut end = text.len().min(buffer_len as usize - 1);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let _ = out_buf!(buffer, end + 1).write(&text[..end], "error");
        i32::try_from(text.len()).unwrap_or(i32::MAX)
    })
}
