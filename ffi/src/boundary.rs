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
pub type Sync<T> = Result<T, Reject>;

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
pub fn guard(name: &'static str, f: impl FnOnce() -> Sync<i32>) -> i32 {
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
pub unsafe fn opt_str<'a>(p: *const c_char, what: &str) -> Sync<Option<&'a str>> {
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
pub unsafe fn req_str<'a>(p: *const c_char, what: &str) -> Sync<&'a str> {
    // SAFETY: forwarded contract of `opt_str`.
    unsafe { opt_str(p, what) }?.ok_or_else(|| Reject::param(format!("{what} is NULL")))
}

/// Reads a C string where NULL means "".
///
/// # Safety
/// As [`opt_str`].
pub unsafe fn str_or_empty<'a>(p: *const c_char, what: &str) -> Sync<&'a str> {
    // SAFETY: forwarded contract of `opt_str`.
    Ok(unsafe { opt_str(p, what) }?.unwrap_or(""))
}

/// A bool passed as a C `bool` or a 4-byte Win32 `BOOL`: only the low byte
/// is read, non-zero is true.
pub fn c_bool(v: u8) -> bool {
    v != 0
}

/// A `TIMConvType` argument: 1 (C2C) or 2 (group).
pub fn conv_type(v: i32, what: &str) -> Sync<ConvType> {
    match v {
        1 => Ok(ConvType::C2c),
        2 => Ok(ConvType::Group),
        other => Err(Reject::param(format!(
            "{what} is {other}; expected 1 (kTIMConv_C2C) or 2 (kTIMConv_Group)"
        ))),
    }
}

/// A conversation from a raw id plus a type (the per-conversation calls).
pub fn conv_key(id: &str, t: ConvType, what: &str) -> Sync<ConvKey> {
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
pub fn v2_key(id: &str, what: &str) -> Sync<ConvKey> {
    ConvKey::parse_v2(id).map_err(|e| Reject::conv(format!("{what}: {}", strip(&e))))
}

/// A core error's message without its "invalid parameter: " prefix.
pub fn strip(e: &imcore::Error) -> String {
    match e {
        imcore::Error::InvalidParam(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Writes `s` NUL-terminated into a caller's buffer of `cap` bytes; a string
/// that does not fit is a refusal (nothing but a NUL is written).
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes.
pub unsafe fn write_c_buf(buf: *mut c_char, cap: usize, s: &str, what: &str) -> Sync<()> {
    if buf.is_null() {
        return Ok(());
    }
    if s.len() + 1 > cap || s.as_bytes().contains(&0) {
        // SAFETY: the caller guarantees `cap` (≥ 1) writable bytes at `buf`.
        unsafe { *buf = 0 };
        return Err(Reject::param(format!(
            "{what} needs {} bytes; the buffer holds {cap}",
            s.len() + 1
        )));
    }
    // SAFETY: `s.len() + 1 <= cap` bytes are writable at `buf`, and `s` is a
    // distinct Rust allocation, so the regions do not overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), s.len());
        *buf.add(s.len()) = 0;
    }
    Ok(())
}

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
        unsafe { write_c_buf(buf.as_mut_ptr(), 4, "abc", "id") }.unwrap();
        assert_eq!(buf[3], 0);
        assert!(unsafe { write_c_buf(buf.as_mut_ptr(), 4, "abcd", "id") }.is_err());
        assert_eq!(buf[0], 0);
    }
}
