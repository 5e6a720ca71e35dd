//! imcore's shared library: the C face ([`tim`]: TIM-compatible JSON in,
//! `(code, desc, json, user_data)` callbacks out, plus the `IMCore…`
//! extensions) and the typed face ([`typed`]: uniffi records, listeners and
//! errors for Kotlin, Swift and Python), over the same engine.
//!
//! Shared by both faces:
//! - [`boundary`]: the one place with `unsafe` for the C face's arguments and
//!   callbacks (panics caught, NULL / UTF-8 checks, refusals with a reason);
//! - [`notify`]: which listener hears what, decided once for both faces;
//! - [`codes`]: the error-code table every face derives from;
//! - [`logging`]: the `log` facade's logger (log callback, rotating file,
//!   the typed face's log listener).
//!
//! The exports are `unsafe extern "C"`: their one safety contract (pointers
//! are NULL or valid NUL-terminated strings / buffers of the documented size,
//! callbacks are valid C functions) is stated once in the header conventions
//! instead of on each of them; `boundary` holds every `unsafe` block that
//! relies on it.
#![allow(clippy::missing_safety_doc)]
#![allow(non_upper_case_globals)]

pub mod boundary;
pub mod codes;
pub mod logging;
pub(crate) mod notify;
pub mod tim;
pub mod typed;

uniffi::setup_scaffolding!();

/// Locks a mutex, recovering it if a panic poisoned it (the engine changes
/// memory only after a commit succeeded, so its state stays consistent).
pub fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// The C face's exports, flat as in C (the fuzz targets, the stress program
// and the relay call them from Rust).
pub use codes::*;
pub use tim::conv::*;
pub use tim::listeners::*;
pub use tim::manager::*;
pub use tim::msg::*;
pub use tim::transport::*;
pub use tim::unfired::*;
pub use tim::*;
pub use tim::{conv_group::*, host::*, msg_opt::*, msg_read::*, unread::*};
