//! Crash test: a child process ingests batches (200 messages into 50
//! conversations, with cleans and receive-option changes in between) and
//! reports each committed step on stdout; the test kills it with SIGKILL at
//! seeded random moments, reopens the store and checks that every reported
//! step is fully there, that the step in flight is all there or not at all,
//! and that `verify()` holds; then it starts a new child from there.
//!
//! The child is this very test binary, re-invoked with an environment
//! variable that selects child mode; its logic is the `crash_child` example
//! (`core/examples/crash_child.rs`). `IMCORE_CRASH_SEED` picks another seed,
//! `IMCORE_CRASH_ROUNDS` another number of kills.

#[allow(dead_code)]
#[path = "../examples/crash_child.rs"]
mod crash_child;

use crash_child::{Step, APP_ID, BATCH, USER};
use imcore::{Engine, EngineConfig, ReceiveOpt};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const CHILD_DIR: &str = "IMCORE_CRASH_CHILD_DIR";
const CHILD_START: &str = "IMCORE_CRASH_CHILD_START";
const TEST_NAME: &str = "committed_steps_survive_kill_9";

/// splitmix64: small, seeded, deterministic.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Child mode: run steps from the given start until killed.
fn child_main(dir: &Path) -> ! {
    let start = env_u64(CHILD_START, 0);
    match crash_child::run(dir, start, start + 100_000) {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("crash child: {e}");
            std::process::exit(1)
        }
    }
}

/// What one child run reported before it was killed.
struct Round {
    reported: Vec<u64>,
}

/// Starts a child at step `start`, lets it report `wait_reports` steps, waits
/// `delay` more, then kills it with SIGKILL.
fn run_child(dir: &Path, start: u64, wait_reports: u64, delay: Duration) -> Round {
    let exe = std::env::current_exe().unwrap();
    let stderr_path = dir.join("child-stderr.txt");
    let mut child = Command::new(exe)
        .args([
            "--exact",
            TEST_NAME,
            "--nocapture",
            "--test-threads=1",
            "-q",
        ])
        .env(CHILD_DIR, dir)
        .env(CHILD_START, start.to_string())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("spawn the child");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("committed ") {
                let _ = tx.send(n.trim().parse::<u64>().expect("a step number"));
            }
        }
    });
    let mut reported = Vec::new();
    while (reported.len() as u64) < wait_reports {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(n) => reported.push(n),
            Err(_) => break,
        }
    }
    std::thread::sleep(delay);
    // `Child::kill` sends SIGKILL on Unix.
    let _ = child.kill();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    reported.extend(rx.try_iter());
    if status.signal() != Some(9) {
        panic!(
            "the child ended on its own ({status:?}) before it was killed: {}",
            std::fs::read_to_string(&stderr_path).unwrap_or_default()
        );
    }
    Round { reported }
}

/// How many of step `n`'s message ids are stored.
fn stored_of(e: &Engine, n: u64, ids: impl Iterator<Item = u64>) -> usize {
    let Step::Receive(batch) = crash_child::step(n) else {
        unreachable!()
    };
    ids.filter(|&i| {
        let m = &batch[i as usize];
        match e.message_by_id(&m.msg_id).unwrap() {
            Some(s) => {
                assert_eq!(s.conv, m.conv, "{} is in the wrong conversation", m.msg_id);
                assert_eq!(s.server_time, m.server_time, "{}", m.msg_id);
                true
            }
            None => false,
        }
    })
    .count()
}

/// Every message of a conversation, through the history pages (newest first).
fn history(e: &Engine, key: &imcore::ConvKey) -> Vec<imcore::StoredMessage> {
    let mut all: Vec<imcore::StoredMessage> = Vec::new();
    loop {
        let before = all.last().map(|m| m.msg_id.clone());
        let page = e.messages(key, before.as_deref(), 100).unwrap();
        let n = page.len();
        all.extend(page);
        if n < 100 {
            return all;
        }
    }
}

#[test]
fn committed_steps_survive_kill_9() {
    if let Some(dir) = std::env::var_os(CHILD_DIR) {
        child_main(Path::new(&dir));
    }
    let seed = env_u64("IMCORE_CRASH_SEED", 0x1DC0_4E00);
    let rounds = env_u64("IMCORE_CRASH_ROUNDS", 30);
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    // Every step ever reported, and the newest receive option reported per
    // conversation (by step).
    let mut reported: BTreeSet<u64> = BTreeSet::new();
    let mut next = 0;
    let mut kills_mid_step = 0;
    for round in 0..rounds {
        // The first rounds kill early (process start, opening, migrating
        // the new store); later ones after a few committed steps.
        let wait = if round < 3 { 0 } else { rng.below(5) };
        let delay = Duration::from_micros(rng.below(if round < 3 { 30_000 } else { 8_000 }));
        let r = run_child(dir.path(), next, wait, delay);
        for w in r.reported.windows(2) {
            assert_eq!(w[1], w[0] + 1, "steps are reported in order");
        }
        if let Some(&first) = r.reported.first() {
            assert_eq!(first, next, "the child starts where it was told");
        }
        let in_flight = r.reported.last().map_or(next, |&n| n + 1);
        let new: Vec<u64> = r.reported.clone();
        reported.extend(new.iter().copied());

        let e = Engine::open(dir.path(), APP_ID, USER, EngineConfig::default())
            .unwrap_or_else(|err| panic!("round {round}: the store does not reopen: {err}"));
        e.verify()
            .unwrap_or_else(|err| panic!("round {round}: after kill -9: {err}"));
        // Every step reported this round is fully there ...
        for &n in &new {
            match crash_child::step(n) {
                Step::Receive(_) => assert_eq!(
                    stored_of(&e, n, 0..BATCH),
                    BATCH as usize,
                    "round {round}: reported step {n} is not fully stored"
                ),
                Step::Clean(key, t) => assert!(
                    e.read_mark(&key).unwrap() >= t,
                    "round {round}: reported clean {n} of {key} to {t} is lost"
                ),
                Step::Mute(..) | Step::CleanAll => {}
            }
        }
        // ... every earlier one still is (sampled: first and last message) ...
        for &n in &reported {
            if let Step::Receive(_) = crash_child::step(n) {
                assert_eq!(
                    stored_of(&e, n, [0, BATCH - 1].into_iter()),
                    2,
                    "round {round}: step {n} was lost"
                );
            }
        }
        // ... the history pages show them, in order, stored entries and the
        // tail's (kept in memory since the last merge) alike ...
        let mut histories: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for c in e.all_conversations().unwrap() {
            let h = history(&e, &c.key);
            for w in h.windows(2) {
                assert!(
                    (w[0].server_time, w[0].seq) >= (w[1].server_time, w[1].seq),
                    "round {round}: {} pages {} before {}",
                    c.key,
                    w[0].msg_id,
                    w[1].msg_id
                );
            }
            let ids: BTreeSet<String> = h.iter().map(|m| m.msg_id.clone()).collect();
            assert_eq!(
                ids.len(),
                h.len(),
                "round {round}: {} repeats a message",
                c.key
            );
            histories.insert(c.key.v2_id(), ids);
        }
        for &n in &reported {
            if let Step::Receive(batch) = crash_child::step(n) {
                for m in [&batch[0], &batch[BATCH as usize - 1]] {
                    assert!(
                        histories
                            .get(&m.conv.v2_id())
                            .is_some_and(|h| h.contains(&m.msg_id)),
                        "round {round}: {} of step {n} is not in the history of {}",
                        m.msg_id,
                        m.conv
                    );
                }
            }
        }
        // ... the newest reported receive option of each conversation holds
        // (or the one in flight) ...
        let mut newest: BTreeMap<String, ReceiveOpt> = BTreeMap::new();
        for &n in &reported {
            if let Step::Mute(key, opt) = crash_child::step(n) {
                newest.insert(key.v2_id(), opt);
            }
        }
        for (id, opt) in &newest {
            let key = imcore::ConvKey::parse_v2(id).unwrap();
            let got = e.receive_opt(&key);
            let in_flight_opt = match crash_child::step(in_flight) {
                Step::Mute(k, o) if k == key => Some(o),
                _ => None,
            };
            assert!(
                got == *opt || Some(got) == in_flight_opt,
                "round {round}: {id} has receive option {got:?}, reported {opt:?}"
            );
        }
        // ... and the step in flight is all there or not at all.
        if let Step::Receive(_) = crash_child::step(in_flight) {
            let n = stored_of(&e, in_flight, 0..BATCH);
            assert!(
                n == 0 || n == BATCH as usize,
                "round {round}: step {in_flight} is half applied ({n} of {BATCH} stored)"
            );
            if n == 0 && !new.is_empty() {
                kills_mid_step += 1;
            }
        }
        drop(e);
        next = in_flight;
    }
    assert!(
        next > 20,
        "the children made too little progress ({next} steps)"
    );
    println!(
        "{rounds} kills, {next} steps, {kills_mid_step} kills before the step in flight committed"
    );
}
