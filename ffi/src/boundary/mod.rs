//! The boundary: every export runs inside [`guard`] (or [`guard_void`] /
//! [`guard_value`]), which catches panics so that none unwinds across
//! `extern "C"`, and turns a [`Reject`] (a synchronous refusal) into its TIM
//! return code. The argument helpers read C strings and enums defensively and
//! reject with a description that names the parameter.
//!
//! A synchronous refusal has no callback to carry its description, so the
//! text is kept per thread (`IMCoreGetLastError`) and logged at warning
//! level (the log callback, the log file: see `logging`), with the name of
//! the export.

pub mod host;

use crate::{IMCORE_ERR_INTERNAL, TIM_ERR_CONV, TIM_ERR_GROUP, TIM_ERR_PARAM};
use imcore::{ConvKey, ConvType};
use std::cell::RefCell;
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A synchronous refusal: the TIM return code and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// A negative TIM return code.
    pub code: i32,
    /// What was wrong, naming the parameter or JSON key.
    pub desc: String,
}

impl Reject {
    /// A refusal with `code`.
    pub fn new(code: i32, desc: impl Into<String>) -> Self {
        Reject {
            code,
            desc: desc.into(),
        }
    }
    /// `TIM_ERR_PARAM`.
    pub fn param(desc: impl Into<String>) -> Self {
        Self::new(TIM_ERR_PARAM, desc)
    }
    /// `TIM_ERR_JSON`.
    pub fn json(desc: impl Into<String>) -> Self {
        Self::new(crate::TIM_ERR_JSON, desc)
    }
    /// `TIM_ERR_CONV`.
    pub fn conv(desc: impl Into<String>) -> Self {
        Self::new(TIM_ERR_CONV, desc)
    }
}

/// Result of the body of an export.
pub type Checked<T> = Result<T, Reject>;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The description of the last refusal on this thread ("" after a success).
pub fn last_error() -> String {
    LAST_ERROR.with(|e| e.borrow().clone())
}

fn set_last_error(s: &str) {
    LAST_ERROR.with(|e| {
        let mut e = e.borrow_mut();
        e.clear();
        e.push_str(s);
    });
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

/// Runs the body of an export returning a TIM code: `Ok(code)` is returned
/// as is, a [`Reject`] becomes its code, a panic becomes
/// [`IMCORE_ERR_INTERNAL`].
pub fn guard(name: &'static str, f: impl FnOnce() -> Checked<i32>) -> i32 {
    let _call = crate::logging::enter(name);
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(code)) => {
            set_last_error("");
            code
        }
        Ok(Err(r)) => {
            set_last_error(&format!("{name}: {}", r.desc));
            crate::logging::refused(r.code, &r.desc);
            r.code
        }
        Err(p) => {
            internal(name, &*p);
            IMCORE_ERR_INTERNAL
        }
    }
}

/// Records and logs a caught panic of export `name`.
fn internal(name: &str, p: &(dyn std::any::Any + Send)) {
    let text = format!("internal error: {}", panic_text(p));
    set_last_error(&format!("{name}: {text}"));
    log::error!("{text}");
}

/// Runs the body of an export returning nothing; a panic is logged.
pub fn guard_void(name: &'static str, f: impl FnOnce()) {
    let _call = crate::logging::enter(name);
    if let Err(p) = catch_unwind(AssertUnwindSafe(f)) {
        internal(name, &*p);
    }
}

/// Runs the body of an export returning a value; a panic gives `fallback`.
pub fn guard_value<T>(name: &'static str, fallback: T, f: impl FnOnce() -> T) -> T {
    let _call = crate::logging::enter(name);
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(p) => {
            internal(name, &*p);
            fallback
        }
    }
}

/// Reads a C string that may be NULL (`None`). Not UTF-8 is a refusal
/// naming `what`.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the call.
pub unsafe fn opt_str<'a>(p: *const c_char, what: &str) -> Checked<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller guarantees a valid NUL-terminated string that lives
    // for the duration of the call; it is only borrowed within it.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    std::str::from_utf8(bytes)
        .map(Some)
        .map_err(|e| Reject::param(format!("{what} is not valid UTF-8 ({e})")))
}

/// Reads a required C string: NULL is a refusal naming `what`.
///
/// # Safety
/// As [`opt_str`].
pub unsafe fn req_str<'a>(p: *const c_char, what: &str) -> Checked<&'a str> {
    // SAFETY: forwarded contract of `opt_str`.
    unsafe { opt_str(p, what) }?.ok_or_else(|| Reject::param(format!("{what} is NULL")))
}

/// Reads a C string where NULL means "".
///
/// # Safety
/// As [`opt_str`].
pub unsafe fn str_or_empty<'a>(p: *const c_char, what: &str) -> Checked<&'a str> {
    // SAFETY: forwarded contract of `opt_str`.
    Ok(unsafe { opt_str(p, what) }?.unwrap_or(""))
}

/// A bool passed as a C `bool` or a 4-byte Win32 `BOOL`: only the low byte
/// is read, non-zero is true.
pub fn c_bool(v: u8) -> bool {
    v != 0
}

/// A `TIMConvType` argument: 1 (C2C) or 2 (group).
pub fn conv_type(v: i32, what: &str) -> Checked<ConvType> {
    match v {
        1 => Ok(ConvType::C2c),
        2 => Ok(ConvType::Group),
        other => Err(Reject::param(format!(
            "{what} is {other}; expected 1 (kTIMConv_C2C) or 2 (kTIMConv_Group)"
        ))),
    }
}

/// A conversation from a raw id plus a type (the per-conversation calls).
pub fn conv_key(id: &str, t: ConvType, what: &str) -> Checked<ConvKey> {
    ConvKey::new(t, id).map_err(|e| {
        let code = if t == ConvType::Group {
            TIM_ERR_GROUP
        } else {
            TIM_ERR_CONV
        };
        Reject::new(code, format!("{what}: {}", strip(&e)))
    })
}

/// A V2 conversation id (`c2c_<user>` / `group_<group>`).
pub fn v2_key(id: &str, what: &str) -> Checked<ConvKey> {
    ConvKey::parse_v2(id).map_err(|e| Reject::conv(format!("{what}: {}", strip(&e))))
}

/// A core error's message without its "invalid parameter: " prefix.
pub fn strip(e: &imcore::Error) -> String {
    match e {
        imcore::Error::InvalidParam(m) => m.clone(),
        other => other.to_string(),
    }
}

/// A caller's output buffer of `cap` bytes (or none). Made by [`out_buf!`],
/// which is where the host's promise about it is relied on; writing to it
/// is then safe.
#[derive(Debug, Clone, Copy)]
pub struct OutBuf {
    ptr: usize,
    cap: usize,
}

impl OutBuf {
    /// No buffer: writes are ignored.
    pub fn none() -> Self {
        OutBuf { ptr: 0, cap: 0 }
    }

    /// # Safety
    /// `ptr` is NULL or writable for `cap` bytes for the rest of the call.
    pub unsafe fn new(ptr: *mut c_char, cap: usize) -> Self {
        OutBuf {
            ptr: ptr as usize,
            cap,
        }
    }

    /// Writes `s` NUL-terminated; a string that does not fit (or holds a
    /// NUL) is a refusal naming `what`, and only an empty string is written.
    pub fn write(&self, s: &str, what: &str) -> Checked<()> {
        if self.ptr == 0 || self.cap == 0 {
            return Ok(());
        }
        let buf = self.ptr as *mut u8;
        if s.len() + 1 > self.cap || s.as_bytes().contains(&0) {
            // SAFETY: `OutBuf::new`'s contract: `cap` (≥ 1) writable bytes.
            unsafe { *buf = 0 };
            return Err(Reject::param(format!(
                "{what} needs {} bytes; the buffer holds {}",
                s.len() + 1,
                self.cap
            )));
        }
        // SAFETY: `s.len() + 1 <= cap` bytes are writable at `buf`, and `s`
        // is a distinct Rust allocation, so the regions do not overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(s.as_ptr(), buf, s.len());
            *buf.add(s.len()) = 0;
        }
        Ok(())
    }
}

// The argument readers of every export. The header's conventions promise
// that a pointer argument is NULL or a valid NUL-terminated string (or a
// buffer of the documented size) for the duration of the call; these
// macros are the only places that rely on that promise, so an export
// body has no `unsafe` block of its own.

/// A required string argument: `Checked<&str>`, NULL or not UTF-8 refused
/// naming `$what`.
macro_rules! arg_str {
    ($p:expr, $what:expr) => {
        // SAFETY: the header's convention for pointer arguments (above).
        unsafe { $crate::boundary::req_str($p, $what) }
    };
}

/// An optional string argument: `Checked<Option<&str>>` (NULL is `None`).
macro_rules! arg_opt_str {
    ($p:expr, $what:expr) => {
        // SAFETY: the header's convention for pointer arguments (above).
        unsafe { $crate::boundary::opt_str($p, $what) }
    };
}

/// A string argument where NULL means "": `Checked<&str>`.
macro_rules! arg_str_or_empty {
    ($p:expr, $what:expr) => {
        // SAFETY: the header's convention for pointer arguments (above).
        unsafe { $crate::boundary::str_or_empty($p, $what) }
    };
}

/// An output buffer argument of `$cap` bytes: an [`OutBuf`].
macro_rules! out_buf {
    ($p:expr, $cap:expr) => {
        // SAFETY: the header's convention for buffer arguments (above).
        unsafe { $crate::boundary::OutBuf::new($p, $cap) }
    };
}

pub(crate) use {arg_opt_str, arg_str, arg_str_or_empty, out_buf};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_code() {
        let code = guard("test", || panic!("boom"));
        assert_eq!(code, IMCORE_ERR_INTERNAL);
        assert!(last_error().contains("boom"));
        assert_eq!(guard("test", || Ok(0)), 0);
        assert_eq!(last_error(), "");
        assert_eq!(guard_value("t", 7u64, || panic!("x")), 7);
    }

    #[test]
    fn strings_are_checked() {
        let bad = [0xffu8, 0xfe, 0];
        let r = unsafe { req_str(bad.as_ptr().cast(), "conv_id") }.unwrap_err();
        assert_eq!(r.code, TIM_ERR_PARAM);
        assert!(r.desc.contains("conv_id"));
        let r = unsafe { req_str(std::ptr::null(), "user_id") }.unwrap_err();
        assert!(r.desc.contains("user_id is NULL"));
        assert_eq!(unsafe { str_or_empty(std::ptr::null(), "x") }.unwrap(), "");
    }

    #[test]
    fn bools_and_enums_are_read_defensively() {
        assert!(c_bool(1) && c_bool(0xff) && !c_bool(0));
        assert!(conv_type(3, "conv_type").is_err());
        assert_eq!(conv_type(2, "t").unwrap(), ConvType::Group);
    }

    #[test]
    fn buffers_are_bounded() {
        let mut buf = [1 as c_char; 4];
        out_buf!(buf.as_mut_ptr(), 4).write("abc", "id").unwrap();
        assert_eq!(buf[3], 0);
        assert!(out_buf!(buf.as_mut_ptr(), 4).write("abcd", "id").is_err());
        assert_eq!(buf[0], 0);
        OutBuf::none().write("anything", "id").unwrap();
    }
}
