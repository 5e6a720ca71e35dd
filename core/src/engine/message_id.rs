//! The one generator of message ids: every face asks the engine for the id
//! of a message it is about to send, and gets one no stored or pending
//! message has.

use super::Engine;
use crate::error::{Error, Result};
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many fresh candidates are tried before giving up (each is a 64-bit
/// random draw; a second one is already next to impossible).
const ATTEMPTS: usize = 8;

impl Engine {
    /// A fresh message id for a message I am about to send: the shape of
    /// TIM's, `<hash of my user id>-<seconds>-<random>`, and not the id of
    /// any message stored (sent, pending or received). Pass it to
    /// [`Engine::send_message`].
    pub fn new_message_id(&self) -> Result<String> {
        let user = fnv1a(self.user_id.as_bytes()) % 1_000_000_000_000_000;
        let now = self.now();
        self.unused_id(|| format!("{user}-{now}-{}", random() % 4_294_967_296))
    }

    /// The first of `candidate`'s ids that no stored message has.
    fn unused_id(&self, mut candidate: impl FnMut() -> String) -> Result<String> {
        for _ in 0..ATTEMPTS {
            let id = candidate();
            if self.find_message(&id)?.is_none() {
                return Ok(id);
            }
            log::debug!("message id {id} is taken; drawing another");
        }
        Err(Error::Storage(format!(
            "no unused message id in {ATTEMPTS} random draws"
        )))
    }
}

/// A random 64-bit number: std's randomly keyed hasher over a process-wide
/// counter and the clock, so two calls never hash the same input.
fn random() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    RandomState::new().hash_one((COUNTER.fetch_add(1, Ordering::Relaxed), nanos))
}

/// FNV-1a: a short, stable stand-in for the user id inside message ids.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use crate::config::EngineConfig;
    use crate::message::{MsgStatus, OutgoingMessage};
    use crate::types::{check_id, ConvKey};
    use crate::Engine;
    use std::collections::HashSet;

    fn engine(dir: &tempfile::TempDir) -> Engine {
        Engine::open(dir.path(), 1, "me", EngineConfig::default()).unwrap()
    }

    fn send(e: &mut Engine, id: &str) {
        let msg = OutgoingMessage {
            conv: ConvKey::c2c("bob").unwrap(),
            need_read_receipt: false,
            excluded_from_unread: false,
            excluded_from_last_message: false,
            at_users: Vec::new(),
            body: "{}".into(),
        };
        e.send_message(id, msg, MsgStatus::Sending).unwrap();
    }

    #[test]
    fn new_ids_are_distinct_valid_and_sendable() {
        let dir = tempfile::tempdir().unwrap();
        let mut e = engine(&dir);
        let mut seen = HashSet::new();
        for _ in 0..200 {
            let id = e.new_message_id().unwrap();
            check_id("message id", &id).unwrap();
            assert_eq!(id.split('-').count(), 3, "{id}");
            assert!(seen.insert(id.clone()), "{id} drawn twice");
            send(&mut e, &id);
        }
    }

    #[test]
    fn an_id_already_stored_or_pending_is_never_handed_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut e = engine(&dir);
        send(&mut e, "taken");
        let mut draws = ["taken", "taken", "free"].into_iter();
        let id = e.unused_id(|| draws.next().unwrap().to_owned()).unwrap();
        assert_eq!(id, "free");
        // Nothing but taken ids: a clear error, not a taken id.
        let err = e.unused_id(|| "taken".to_owned()).unwrap_err();
        assert!(err.to_string().contains("no unused message id"), "{err}");
    }
}
