//! Shared test helpers: an engine on a temporary store with a settable clock.
#![allow(dead_code)]

use imcore::{ConvKey, Engine, EngineConfig, IncomingMessage};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub struct TestEngine {
    pub engine: Engine,
    pub dir: tempfile::TempDir,
    pub clock: Arc<AtomicU64>,
}

impl std::ops::Deref for TestEngine {
    type Target = Engine;
    fn deref(&self) -> &Engine {
        &self.engine
    }
}
impl std::ops::DerefMut for TestEngine {
    fn deref_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }
}

pub fn config(clock: &Arc<AtomicU64>) -> EngineConfig {
    let c = clock.clone();
    EngineConfig {
        clock: Arc::new(move || c.load(Ordering::SeqCst)),
        cache_kib: 2048,
        ..EngineConfig::default()
    }
}

pub fn engine(user: &str) -> TestEngine {
    engine_with(user, |_| {})
}

/// An engine whose configuration `tweak` adjusts (e.g. a small pin limit);
/// pass the same tweak to [`TestEngine::reopen_with`].
pub fn engine_with(user: &str, tweak: fn(&mut EngineConfig)) -> TestEngine {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(AtomicU64::new(1_700_000_000));
    let mut cfg = config(&clock);
    tweak(&mut cfg);
    let engine = Engine::open(dir.path(), 1400000000, user, cfg).unwrap();
    TestEngine { engine, dir, clock }
}

impl TestEngine {
    pub fn reopen(self) -> TestEngine {
        let TestEngine { engine, dir, clock } = self;
        let user = engine.user_id().to_owned();
        drop(engine);
        let engine = Engine::open(dir.path(), 1400000000, &user, config(&clock)).unwrap();
        TestEngine { engine, dir, clock }
    }
    /// Reopens the store with a tweaked configuration (see [`engine_with`]).
    pub fn reopen_with(self, tweak: fn(&mut EngineConfig)) -> TestEngine {
        let TestEngine { engine, dir, clock } = self;
        let user = engine.user_id().to_owned();
        drop(engine);
        let mut cfg = config(&clock);
        tweak(&mut cfg);
        let engine = Engine::open(dir.path(), 1400000000, &user, cfg).unwrap();
        TestEngine { engine, dir, clock }
    }
    /// Reopens the store without closing the engine first, as a killed
    /// process leaves it: whatever the engine writes on close is not
    /// written (its connection is leaked).
    pub fn crash_reopen_with(self, tweak: fn(&mut EngineConfig)) -> TestEngine {
        let TestEngine { engine, dir, clock } = self;
        let user = engine.user_id().to_owned();
        std::mem::forget(engine);
        let mut cfg = config(&clock);
        tweak(&mut cfg);
        let engine = Engine::open(dir.path(), 1400000000, &user, cfg).unwrap();
        TestEngine { engine, dir, clock }
    }
    pub fn set_now(&self, t: u64) {
        self.clock.store(t, Ordering::SeqCst);
    }
}

pub fn c2c(peer: &str) -> ConvKey {
    ConvKey::c2c(peer).unwrap()
}
pub fn group(id: &str) -> ConvKey {
    ConvKey::group(id).unwrap()
}

/// A C2C message from `peer` at `time`.
pub fn from_peer(id: &str, peer: &str, time: u64) -> IncomingMessage {
    IncomingMessage::new(id, c2c(peer), peer, time, 0)
}

/// A group message in `g` from `sender` with sequence `seq`.
pub fn in_group(id: &str, g: &str, sender: &str, seq: u64) -> IncomingMessage {
    IncomingMessage::new(id, group(g), sender, 1_700_000_000 + seq, seq)
}
