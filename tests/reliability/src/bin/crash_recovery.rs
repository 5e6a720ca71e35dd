//! Crash recovery through the library: starts `crash_child` (which logs in
//! with an outbound callback, pushes inbound batches, sends, cleans, pins and
//! acks, reporting each durable fact), SIGKILLs it at a random moment, then
//! logs in itself through the C functions and checks:
//!
//! - every batch the child reported is fully stored, the batch in flight is
//!   all there or not at all, and every accepted send is stored;
//! - `verify()` holds (every count equals a recount from the store);
//! - every envelope passed to the child and not acknowledged is passed again
//!   at login — exactly once, none twice, no acknowledged one, no message in
//!   two envelopes — and each child run was passed each envelope only once.
//!
//! Then it starts the next child where the last one stopped. Rounds:
//! `IMCORE_CRASH_KILLS` (default 60); seed: `IMCORE_CRASH_SEED`.

use rel::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ffi::{c_char, c_void};
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

const USER: &str = "crash-user";

static REDELIVERED: Mutex<Vec<(u64, String, String)>> = Mutex::new(Vec::new());

unsafe extern "C" fn outbound(json: *const c_char, _ud: *const c_void) {
    // SAFETY: imcore passes a valid string.
    let s = unsafe { text(json) };
    let v: serde_json::Value = serde_json::from_str(&s).expect("an envelope is JSON");
    REDELIVERED.lock().unwrap().push((
        v["envelope_id"].as_u64().expect("an id"),
        v["kind"].as_str().unwrap_or("?").to_owned(),
        v["message"]["message_msg_id"]
            .as_str()
            .unwrap_or("-")
            .to_owned(),
    ));
}

/// What one child run reported.
#[derive(Default)]
struct Run {
    ready: bool,
    batches: Vec<u64>,
    sent: Vec<String>,
    envs: Vec<(u64, String, String)>,
    acking: Vec<u64>,
    acked: Vec<u64>,
}

fn run_child(exe: &Path, dir: &Path, start: u64, rng: &mut Rng, early: bool) -> (Run, String) {
    let err_path = dir.join("child-stderr.txt");
    let mut child = Command::new(exe)
        .arg(dir)
        .arg(USER)
        .arg(start.to_string())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("start crash_child");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    if early {
        // During start-up: TIMInit, opening / migrating the store, login,
        // the redelivery.
        std::thread::sleep(Duration::from_micros(rng.below(40_000)));
    } else {
        let want_batches = rng.below(12);
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut batches = 0;
        while batches < want_batches && Instant::now() < deadline {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(l) => {
                    batches += u64::from(l.starts_with("batch "));
                    lines.push(l);
                }
                Err(_) => break,
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(20_000)));
    }
    let _ = child.kill(); // SIGKILL
    let status = child.wait().expect("wait for the child");
    reader.join().expect("reader");
    lines.extend(rx.try_iter());
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let mut run = Run::default();
    for l in &lines {
        let w: Vec<&str> = l.split(' ').collect();
        match w.as_slice() {
            ["ready"] => run.ready = true,
            ["batch", n] => run.batches.push(n.parse().expect("n")),
            ["sent", id] => run.sent.push((*id).to_owned()),
            ["env", id, kind, msg] => run.envs.push((
                id.parse().expect("id"),
                (*kind).to_owned(),
                (*msg).to_owned(),
            )),
            ["acking", id] => run.acking.push(id.parse().expect("id")),
            ["acked", id] => run.acked.push(id.parse().expect("id")),
            _ => panic!("unexpected line from the child: {l}"),
        }
    }
    let how = if status.signal() == Some(9) {
        String::new()
    } else {
        format!("the child ended by itself ({status:?}): {stderr}")
    };
    (run, how)
}

fn main() {
    let kills = env_u64("IMCORE_CRASH_KILLS", 60);
    let mut rng = Rng(env_u64("IMCORE_CRASH_SEED", 0x5EED_0C4A));
    let exe = std::env::current_exe()
        .expect("own path")
        .with_file_name("crash_child");
    let dir = temp_dir("crash");
    let mut c = Checks::default();
    // The model of what must survive.
    let mut batches: BTreeSet<u64> = BTreeSet::new();
    let mut sent: Vec<String> = Vec::new();
    let mut envs: BTreeMap<u64, (String, String)> = BTreeMap::new();
    let mut acked: BTreeSet<u64> = BTreeSet::new();
    let mut next = 0u64;
    let (mut redelivered_total, mut mid_batch) = (0usize, 0u64);
    let started = Instant::now();
    for round in 0..kills {
        let early = round < 6 || rng.below(10) == 0;
        let (run, how) = run_child(&exe, &dir, next, &mut rng, early);
        c.check(how.is_empty(), format!("round {round}: {how}"));
        // Within one run, each envelope is passed once.
        let mut seen = HashSet::new();
        for (id, ..) in &run.envs {
            c.check(
                seen.insert(*id),
                format!("round {round}: envelope {id} passed twice in one run"),
            );
        }
        for (i, n) in run.batches.iter().enumerate() {
            c.check(
                *n == next + i as u64,
                format!("round {round}: batch {n} out of order"),
            );
        }
        let in_flight = run.batches.last().map_or(next, |n| n + 1);
        batches.extend(&run.batches);
        sent.extend(run.sent.iter().cloned());
        for (id, kind, msg) in &run.envs {
            envs.insert(*id, (kind.clone(), msg.clone()));
        }
        acked.extend(&run.acked);
        // An ack in flight at the kill may or may not have been applied.
        let maybe: BTreeSet<u64> = run
            .acking
            .iter()
            .filter(|id| !run.acked.contains(id))
            .copied()
            .collect();

        // Restart through the library and check.
        REDELIVERED.lock().unwrap().clear();
        c.check(
            init(&dir, true) == TIM_SUCC,
            format!("round {round}: TIMInit: {}", last_error()),
        );
        // SAFETY: a valid callback.
        unsafe { IMCoreSetOutboundCallback(Some(outbound), std::ptr::null()) };
        let r = login(USER);
        let ok = matches!(&r, Ok(r) if r.code == 0);
        if !c.check(ok, format!("round {round}: TIMLogin after the kill: {r:?}")) {
            uninit();
            break;
        }
        // SAFETY: no pointers.
        unsafe { IMCorePollCallbacks(0) };
        let redelivered = std::mem::take(&mut *REDELIVERED.lock().unwrap());
        redelivered_total += redelivered.len();
        let ids: Vec<u64> = redelivered.iter().map(|e| e.0).collect();
        let id_set: BTreeSet<u64> = ids.iter().copied().collect();
        c.check(
            id_set.len() == ids.len(),
            format!("round {round}: an envelope passed twice at login: {ids:?}"),
        );
        for id in &maybe {
            if !id_set.contains(id) {
                acked.insert(*id);
            }
        }
        let lost: Vec<u64> = envs
            .keys()
            .filter(|id| !acked.contains(id) && !id_set.contains(id))
            .copied()
            .collect();
        c.check(
            lost.is_empty(),
            format!("round {round}: pending envelopes lost: {lost:?}"),
        );
        let again: Vec<u64> = id_set.intersection(&acked).copied().collect();
        c.check(
            again.is_empty(),
            format!("round {round}: acknowledged envelopes passed again: {again:?}"),
        );
        let mut msg_seen = HashSet::new();
        for (id, kind, msg) in &redelivered {
            if kind == "message" {
                c.check(
                    msg_seen.insert(msg.clone()),
                    format!("round {round}: message {msg} queued twice (envelope {id})"),
                );
            }
            envs.entry(*id)
                .or_insert_with(|| (kind.clone(), msg.clone()));
        }
        let v = verify();
        c.check(
            v.is_ok(),
            format!("round {round}: verify() after the kill: {v:?}"),
        );
        // Batches: this round's in full, earlier ones sampled, the one in
        // flight all or nothing.
        let mut want: Vec<String> = Vec::new();
        for n in &run.batches {
            want.extend((0..BATCH).map(|i| crash_msg_id(*n, i)));
        }
        for n in batches.iter().filter(|n| !run.batches.contains(n)) {
            want.push(crash_msg_id(*n, 0));
            want.push(crash_msg_id(*n, BATCH - 1));
        }
        want.extend(sent.iter().cloned());
        let found: HashSet<String> = find_messages(&want).into_iter().collect();
        let missing: Vec<&String> = want.iter().filter(|id| !found.contains(*id)).collect();
        c.check(
            missing.is_empty(),
            format!("round {round}: acknowledged messages lost: {missing:?}"),
        );
        let fly: Vec<String> = (0..BATCH).map(|i| crash_msg_id(in_flight, i)).collect();
        let stored = find_messages(&fly).len() as u64;
        c.check(
            stored == 0 || stored == BATCH,
            format!("round {round}: batch {in_flight} half stored ({stored} of {BATCH})"),
        );
        if stored == BATCH && !early {
            mid_batch += 1;
        }
        let total = total_unread();
        c.check(total >= 0, format!("round {round}: total {total}"));
        logout();
        // SAFETY: NULL unregisters.
        unsafe { IMCoreSetOutboundCallback(None, std::ptr::null()) };
        uninit();
        next = in_flight;
    }
    c.check(next > 20, format!("too little progress: {next} batches"));
    println!(
        "crash-recovery: {kills} SIGKILLs survived in {:.1} s: {} batches ({} messages) acknowledged, \
         {} sends, {} envelopes ({} acked), {} envelopes passed again at the restarts, \
         {mid_batch} kills after a batch committed but before it was reported",
        started.elapsed().as_secs_f64(),
        batches.len(),
        batches.len() as u64 * BATCH,
        sent.len(),
        envs.len(),
        acked.len(),
        redelivered_total,
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::process::exit(c.finish("crash-recovery"));
}
