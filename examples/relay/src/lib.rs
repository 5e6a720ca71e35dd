//! imcore's reference relay: an example and a test fixture, not a
//! production server. See README.md.
//!
//! - [`store`]: the relay's SQLite storage (streams, cursors, answers);
//! - [`protocol`]: what each outbound envelope of docs/TRANSPORT.md does;
//! - [`server`]: WebSocket connections of devices and of the demo page;
//! - [`host`]: the host-side transport in Rust (imcore's C ABI ↔ relay);
//! - [`device`]: the device program (stdin commands, state lines);
//! - [`drive`]: device processes driven by the demo and the tests.

pub mod device;
pub mod drive;
pub mod host;
pub mod protocol;
pub mod server;
pub mod store;
