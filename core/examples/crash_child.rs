//! The child process of the crash test (`core/tests/crash.rs`), also
//! runnable on its own:
//!
//! ```sh
//! cargo run -p imcore --example crash_child -- <data-dir> [first-step] [end-step]
//! ```
//!
//! It opens the store of one user under `<data-dir>` and runs deterministic
//! steps `first-step..end-step`: mostly batches of 200 received messages
//! spread over 50 conversations, with a clean of one conversation, a receive
//! option change or a clean of everything in between. After each step has
//! committed it prints `committed <step>` on stdout and flushes, so whoever
//! kills it knows which steps must survive.

use imcore::{
    message, CleanTarget, ConvKey, Engine, EngineConfig, IncomingMessage, ReceiveOpt, Result,
};
use std::io::Write;
use std::path::Path;

/// App id of the store.
pub const APP_ID: u64 = 1_400_000_000;
/// User id of the store.
pub const USER: &str = "crash-user";
/// Messages per receive step.
pub const BATCH: u64 = 200;
/// Conversations the messages are spread over.
pub const CONVS: u64 = 50;

/// What step `n` does.
#[derive(Debug, Clone)]
pub enum Step {
    /// Receive a batch (ids `b<n>-<i>`).
    Receive(Vec<IncomingMessage>),
    /// Clean one C2C conversation up to a timestamp.
    Clean(ConvKey, u64),
    /// Set a conversation's receive option.
    Mute(ConvKey, ReceiveOpt),
    /// Clean every conversation.
    CleanAll,
}

/// Conversation `c` of the 50: C2C `p0..p39`, groups `g40..g49`.
pub fn conv(c: u64) -> ConvKey {
    if c < 40 {
        ConvKey::c2c(format!("p{c}")).unwrap()
    } else {
        ConvKey::group(format!("g{c}")).unwrap()
    }
}

/// The base server time of step `n`'s messages.
pub fn time_of(n: u64) -> u64 {
    1_700_000_000 + n * 10
}

/// Id of message `i` of step `n`.
pub fn msg_id(n: u64, i: u64) -> String {
    format!("b{n}-{i}")
}

/// The step `n`, the same on every run.
pub fn step(n: u64) -> Step {
    match n % 10 {
        4 => Step::Clean(conv(n % 40), time_of(n) - 15),
        7 => {
            let opt = [
                ReceiveOpt::NotNotify,
                ReceiveOpt::Receive,
                ReceiveOpt::NotReceive,
                ReceiveOpt::NotReceiveExceptAt,
                ReceiveOpt::NotNotifyExceptAt,
            ][(n / 10 % 5) as usize];
            Step::Mute(conv(n % CONVS), opt)
        }
        9 => Step::CleanAll,
        _ => Step::Receive(
            (0..BATCH)
                .map(|i| {
                    let c = (i * 7 + n) % CONVS;
                    let key = conv(c);
                    let sender = if c < 40 {
                        key.peer.clone()
                    } else {
                        format!("s{}", i % 5)
                    };
                    let seq = if c < 40 { 0 } else { n * BATCH + i + 1 };
                    let mut m =
                        IncomingMessage::new(&msg_id(n, i), key, &sender, time_of(n) + i / 20, seq);
                    m.from_self = i % 17 == 0;
                    m.excluded_from_unread = i % 23 == 0;
                    if c >= 40 && i % 13 == 0 {
                        m.at_users = vec![USER.to_owned(), message::AT_ALL.to_owned()];
                    }
                    m.body = format!("{{\"text\":\"message {i} of step {n}\"}}");
                    m
                })
                .collect(),
        ),
    }
}

/// Runs step `n` on the engine.
pub fn apply(e: &mut Engine, n: u64) -> Result<()> {
    match step(n) {
        Step::Receive(batch) => e.receive(batch).map(|_| ()),
        Step::Clean(key, t) => e.clean_unread(&CleanTarget::Conversation(key), t, 0),
        Step::Mute(key, opt) => e.set_receive_opt(&key, opt),
        Step::CleanAll => e.clean_unread(&CleanTarget::All, 0, 0),
    }
}

/// Opens the store under `dir` and runs steps `start..end`, reporting each
/// committed one on stdout.
pub fn run(dir: &Path, start: u64, end: u64) -> Result<()> {
    let mut e = Engine::open(dir, APP_ID, USER, EngineConfig::default())?;
    let mut out = std::io::stdout().lock();
    for n in start..end {
        apply(&mut e, n)?;
        e.drain_changes();
        // A closed pipe only means nobody listens any more.
        let _ = writeln!(out, "committed {n}").and_then(|_| out.flush());
    }
    Ok(())
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: crash_child <data-dir> [first-step] [end-step]");
        std::process::exit(2);
    };
    let start = args.get(1).map_or(0, |s| s.parse().expect("first step"));
    let end = args
        .get(2)
        .map_or(u64::MAX, |s| s.parse().expect("end step"));
    if let Err(e) = run(Path::new(dir), start, end) {
        eprintln!("crash_child: {e}");
        std::process::exit(1);
    }
}
