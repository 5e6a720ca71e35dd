//! The boundary benchmark (issue 18): what a host pays at imcore's C ABI
//! with 100,000 conversations in the store, each figure beside a floor
//! measured in the same run. See core/BOUNDARY-BENCHMARKS.md for how to run
//! it and what the figures are.
//!
//! Short mode (default, run by scripts/suites/boundary-bench.sh): fewer
//! samples and 50k ingested messages. Full mode: `IMCORE_BOUNDARY_FULL=1`.
//! Knobs: `IMCORE_BOUNDARY_CONVS` (store size), `IMCORE_BOUNDARY_INGEST`
//! (messages of the ingest section), `IMCORE_BOUNDARY_ONLY` (a comma list of
//! total, pages, list, live, burst, ingest), `IMCORE_BOUNDARY_DIR` (where the
//! stores go; default a fresh directory under the system temp dir, removed
//! at the end). `boundary_bench --store-only` with `IMCORE_BOUNDARY_DIR` set
//! only builds the store there (the C# and Python benches open it).
//!
//! The calls go through the exported C functions of `imcore-ffi` (linked as
//! an rlib: the same code as the shared library). Nothing here asserts a
//! time: the program fails only when a call fails or a callback is lost.

mod data;
mod host;
mod stats;

use data::{push_json, Gen, Msg};
use ffi::*;
use host::*;
use imcore::{ConversationFilter, Engine, EngineConfig};
use stats::*;
use std::ffi::{c_char, c_void};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

const APP: u64 = 1_400_000_000;
const USER: &str = "bench_user";
/// Every tenth conversation is a group: a filter by type selects 10%.
const GROUP_EVERY: usize = 10;
const PAGE: u32 = 100;
const GROUP_FILTER: &str = r#"{"conversation_list_filter_conv_type":2}"#;

struct Cfg {
    full: bool,
    convs: usize,
    /// Samples of the small calls (total, hops, floors).
    small: usize,
    /// Pages per walk (at most the whole list).
    pages: usize,
    /// Live messages.
    live: usize,
    /// Runs of the 10,000-message burst.
    bursts: usize,
    /// Runs of `TIMConvGetConvList` over the whole store.
    conv_lists: usize,
    /// Ingest: messages, conversations, runs.
    ingest_msgs: usize,
    ingest_convs: usize,
    ingest_reps: usize,
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

impl Cfg {
    fn from_env() -> Self {
        let full = std::env::var("IMCORE_BOUNDARY_FULL").is_ok_and(|v| v == "1");
        let convs = env_usize("IMCORE_BOUNDARY_CONVS").unwrap_or(100_000);
        let ingest_msgs =
            env_usize("IMCORE_BOUNDARY_INGEST").unwrap_or(if full { 200_000 } else { 50_000 });
        if full {
            Cfg {
                full,
                convs,
                small: 20_000,
                pages: 1_000,
                live: 3_000,
                bursts: 3,
                conv_lists: 3,
                ingest_msgs,
                ingest_convs: 10_000,
                ingest_reps: 3,
            }
        } else {
            Cfg {
                full,
                convs,
                small: 3_000,
                pages: 200,
                live: 400,
                bursts: 1,
                conv_lists: 1,
                ingest_msgs,
                ingest_convs: 10_000,
                ingest_reps: 1,
            }
        }
    }
}

// ------------------------------------------------------------- calls --

const CB: ffi::TIMCommCallback = Some(on_result);
const NO_UD: *const c_void = std::ptr::null();

/// Calls `f` (an exported call taking `on_result`) and waits for its
/// result on the dispatcher thread: (call start, call return, callback
/// entered), in `now_ns`.
fn call_thread(f: impl FnOnce() -> i32) -> (u64, u64, u64) {
    let target = RESULT.count() + 1;
    let t0 = now_ns();
    let r = f();
    let t_ret = now_ns();
    assert_eq!(r, 0, "call refused: {}", last_error());
    wait_for(&RESULT, target);
    (t0, t_ret, RESULT.stamp())
}

/// As [`call_thread`] in pumped mode: the call, then `IMCorePollCallbacks`.
fn call_pumped(f: impl FnOnce() -> i32) -> (u64, u64) {
    let target = RESULT.count() + 1;
    let t0 = now_ns();
    let r = f();
    assert_eq!(r, 0, "call refused: {}", last_error());
    while RESULT.count() < target {
        poll();
    }
    (t0, RESULT.stamp())
}

fn last_error() -> String {
    let mut buf = vec![0u8; 1024];
    // SAFETY: a writable buffer of the stated length.
    unsafe { IMCoreGetLastError(buf.as_mut_ptr().cast::<c_char>(), buf.len() as u32) };
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

fn total_call() -> i32 {
    // SAFETY: a valid callback and NULL user data.
    unsafe { TIMConvGetTotalUnreadMessageCount(CB, NO_UD) }
}

fn page_call(filter: Option<&std::ffi::CStr>, seq: u64) -> i32 {
    let f = filter.map_or(std::ptr::null(), |c| c.as_ptr());
    // SAFETY: NULL or a valid C string, a valid callback.
    unsafe { TIMConvGetConversationListByFilter(f, seq, PAGE, CB, NO_UD) }
}

fn push_call(text: &std::ffi::CStr) -> i32 {
    // SAFETY: a valid C string and callback.
    unsafe { IMCoreInboundPush(text.as_ptr(), CB, NO_UD) }
}

fn login(user: &str) {
    let u = cs(user);
    // SAFETY: valid C strings (the sig may be NULL), a valid callback.
    call_thread(|| unsafe { TIMLogin(u.as_ptr(), std::ptr::null(), CB, NO_UD) });
    last_json();
}

fn logout() {
    // SAFETY: a valid callback.
    call_thread(|| unsafe { TIMLogout(CB, NO_UD) });
    last_json();
}

/// `"conversation_list_result_next_seq":N` and `…is_finished":B` of a page.
fn cursor_of(json: &str) -> (u64, bool) {
    let num = |key: &str| {
        let at = json.find(key).map(|i| i + key.len()).unwrap_or(json.len());
        json[at..]
            .trim_start_matches([':', ' '])
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("")
            .to_owned()
    };
    let next = num("\"conversation_list_result_next_seq\"")
        .parse()
        .unwrap_or(0);
    let done = num("\"conversation_list_result_is_finished\"") == "true";
    (next, done)
}

// -------------------------------------------------------------- store --

/// Builds the store of `USER` with one message in each of `convs`
/// conversations, through the engine (faster than the ABI; login then opens
/// it as an app would after a sync).
fn build_store(dir: &Path, gen: &mut Gen) {
    let w = Watch::start();
    let mut e = Engine::open(dir, APP, USER, EngineConfig::default()).expect("open the store");
    let n = gen.convs();
    let mut c = 0;
    while c < n {
        let end = (c + 1000).min(n);
        let batch = (c..end)
            .map(|i| gen.message(Some(i)).incoming)
            .collect::<Vec<_>>();
        e.receive(batch).expect("receive");
        e.drain_changes();
        c = end;
    }
    e.flush_rows().expect("flush");
    drop(e);
    println!(
        "store: {n} conversations ({} groups), one message each, built in {:.1} s",
        n / GROUP_EVERY,
        w.lap().wall as f64 / 1e9
    );
}

// ------------------------------------------------------------- floors --

/// The floor of a call with its callback on the calling thread.
fn floor_sync(n: usize) -> Summary {
    let mut s = Samples::with_capacity(n);
    for i in 0..n + 100 {
        let target = RESULT.count() + 1;
        let t0 = now_ns();
        // SAFETY: a valid callback.
        unsafe { empty_call(CB, NO_UD) };
        wait_for(&RESULT, target);
        if i >= 100 {
            s.push(RESULT.stamp() - t0);
        }
    }
    s.summary()
}

/// The floor of the dispatcher: a bare crossbeam channel to a thread that
/// calls the callback with the JSON of the total. Returns (call→callback,
/// send-return→callback) and, for pumped delivery, the cost per callback
/// of draining `k` queued jobs on the calling thread.
fn floor_hop(n: usize, k: usize, rounds: usize) -> (Summary, Summary, Summary) {
    type Job = Vec<(i32, String)>;
    let deliver = |job: Job| {
        for (code, json) in job {
            let (d, j) = (cs(""), cs(&json));
            // SAFETY: the bench's own callback with live strings.
            unsafe { on_result(code, d.as_ptr(), j.as_ptr(), NO_UD) };
        }
    };
    let json = ffi::tim::json::unread_result(100_000);
    let (tx, rx) = crossbeam_channel::unbounded::<Job>();
    let worker = std::thread::spawn(move || {
        while let Ok(job) = rx.recv() {
            deliver(job);
        }
    });
    let (mut lat, mut hop) = (Samples::with_capacity(n), Samples::with_capacity(n));
    for i in 0..n + 100 {
        let target = RESULT.count() + 1;
        let t0 = now_ns();
        tx.send(vec![(0, json.clone())]).expect("send");
        let t_ret = now_ns();
        wait_for(&RESULT, target);
        if i >= 100 {
            lat.push(RESULT.stamp() - t0);
            hop.push(RESULT.stamp().saturating_sub(t_ret));
        }
    }
    drop(tx);
    worker.join().expect("worker");
    // Pumped: k jobs queued, then drained with try_recv on this thread.
    let (tx, rx) = crossbeam_channel::unbounded::<Job>();
    let mut per = Samples::with_capacity(rounds);
    for _ in 0..rounds {
        for _ in 0..k {
            tx.send(vec![(0, json.clone())]).expect("send");
        }
        let t0 = now_ns();
        while let Ok(job) = rx.try_recv() {
            deliver(job);
        }
        per.push((now_ns() - t0) / k as u64);
    }
    (lat.summary(), hop.summary(), per.summary())
}

// ----------------------------------------------------------- sections --

/// Total unread: through the dispatcher, pumped, and pumped delivery's cost
/// per callback; the hop alone.
fn section_total(cfg: &Cfg) {
    let n = cfg.small;
    let f_sync = floor_sync(n);
    let (f_lat, f_hop, f_per) = floor_hop(n, 1_000, if cfg.full { 50 } else { 10 });

    for _ in 0..200 {
        call_thread(total_call);
    }
    let (mut lat, mut hop, mut own) = (
        Samples::with_capacity(n),
        Samples::with_capacity(n),
        Samples::with_capacity(n),
    );
    for _ in 0..n {
        let (t0, t_ret, t_cb) = call_thread(total_call);
        lat.push(t_cb - t0);
        hop.push(t_cb.saturating_sub(t_ret));
        own.push(t_ret - t0);
    }
    set_mode(ffi::IMCORE_CALLBACK_MODE_PUMPED);
    let mut pumped = Samples::with_capacity(n);
    for i in 0..n + 200 {
        let (t0, t_cb) = call_pumped(total_call);
        if i >= 200 {
            pumped.push(t_cb - t0);
        }
    }
    // Pumped delivery alone: 1,000 queued results, one poll.
    let (k, rounds) = (1_000u64, if cfg.full { 50 } else { 10 });
    let mut per = Samples::with_capacity(rounds);
    for _ in 0..rounds {
        let target = RESULT.count() + k;
        for _ in 0..k {
            assert_eq!(total_call(), 0);
        }
        let t0 = now_ns();
        poll();
        per.push((now_ns() - t0) / k);
        assert_eq!(
            RESULT.count(),
            target,
            "one poll delivers every queued result"
        );
    }
    set_mode(ffi::IMCORE_CALLBACK_MODE_THREAD);

    latency_header("#### Total unread: `TIMConvGetTotalUnreadMessageCount` call → callback");
    latency_row(
        "through the dispatcher thread (default mode)",
        lat.summary(),
        "bare crossbeam hop to a thread",
        f_lat,
    );
    latency_row(
        "  of which the call itself (call → return, host thread)",
        own.summary(),
        "empty exported call + callback",
        f_sync,
    );
    latency_row(
        "  of which the hop (call return → callback entered)",
        hop.summary(),
        "crossbeam send return → callback",
        f_hop,
    );
    latency_row(
        "pumped (call, then `IMCorePollCallbacks(0)`)",
        pumped.summary(),
        "empty exported call + callback",
        f_sync,
    );
    latency_row(
        "pumped delivery per callback (1,000 queued, one poll)",
        per.summary(),
        "crossbeam try_recv + callback",
        f_per,
    );
}

/// Pages of 100: unfiltered (paging through the list) and by a filter that
/// selects 10%, with the JSON; beside them the parts (engine read, JSON
/// built) and the serde_json floor.
fn section_pages(cfg: &Cfg) {
    let filter = cs(GROUP_FILTER);
    CAPTURE.store(true, Ordering::SeqCst);
    let mut sample_json = String::new();
    let mut walk = |f: Option<&std::ffi::CStr>| {
        let mut s = Samples::with_capacity(cfg.pages);
        let mut bytes = 0usize;
        let mut seq = 0u64;
        let mut pages = 0;
        let mut cursors = Vec::new();
        while pages < cfg.pages {
            cursors.push(seq);
            let (t0, _, t_cb) = call_thread(|| page_call(f, seq));
            s.push(t_cb - t0);
            let j = last_json();
            bytes += j.len();
            if sample_json.is_empty() {
                sample_json = j.clone();
            }
            pages += 1;
            let (next, done) = cursor_of(&j);
            if done {
                break;
            }
            seq = next;
        }
        (s.summary(), bytes / pages.max(1), cursors)
    };
    let (plain, plain_bytes, plain_cursors) = walk(None);
    let (filtered, filtered_bytes, _) = walk(Some(&filter));
    CAPTURE.store(false, Ordering::SeqCst);

    // The parts, on this thread under the same lock the calls take.
    let n = plain_cursors.len();
    let (mut read, mut build, mut ser, mut by_hand) = (
        Samples::with_capacity(n),
        Samples::with_capacity(n),
        Samples::with_capacity(n),
        Samples::with_capacity(n),
    );
    let mut written = Samples::with_capacity(n);
    let mut once_bytes = 0;
    for &cur in &plain_cursors {
        let core = ffi::tim::runtime::lock(&ffi::tim::runtime::CORE);
        let s = core.session.as_ref().expect("logged in");
        let t0 = now_ns();
        let page = s
            .engine
            .list_conversations(&ConversationFilter::default(), cur, PAGE)
            .expect("page");
        let t1 = now_ns();
        let json = serde_json::json!({
            "conversation_list_result_conv_list":
                page.conversations.iter().map(ffi::tim::json::conv_info).collect::<Vec<_>>(),
            "conversation_list_result_next_seq": page.next_cursor,
            "conversation_list_result_is_finished": page.finished,
        })
        .to_string();
        let t2 = now_ns();
        let once = write_once(&page);
        let t3 = now_ns();
        let page_text = ffi::tim::json::conv_page(&page);
        let t4 = now_ns();
        drop(core);
        read.push(t1 - t0);
        build.push(t2 - t1);
        by_hand.push(t3 - t2);
        written.push(t4 - t3);
        once_bytes = once.len();
        assert_eq!(page_text, json, "the page written once is the Value route's text");
        std::hint::black_box((json, once, page_text));
    }
    // The floor: the same JSON written by serde_json alone (from a parsed Value).
    let v: serde_json::Value = serde_json::from_str(&sample_json).expect("page JSON");
    for _ in 0..n.max(200) {
        let t0 = now_ns();
        let s = serde_json::to_string(&v).expect("to_string");
        ser.push(now_ns() - t0);
        std::hint::black_box(s);
    }
    let ser = ser.summary();
    latency_header(&format!(
        "#### A page of {PAGE} conversations, call → callback with its JSON \
         (`TIMConvGetConversationListByFilter`, dispatcher thread)"
    ));
    latency_row(
        &format!("paging the list, no filter ({plain_bytes} B of JSON per page)"),
        plain,
        "serde_json writes the page's JSON",
        ser,
    );
    latency_row(
        &format!("by filter: groups only, 10% of the list ({filtered_bytes} B)"),
        filtered,
        "serde_json writes the page's JSON",
        ser,
    );
    latency_row(
        "  part: the engine's page (`list_conversations`)",
        read.summary(),
        "serde_json writes the page's JSON",
        ser,
    );
    latency_row(
        "  part: its JSON as the call writes it (`json::conv_page`, written once)",
        written.summary(),
        "serde_json writes the page's JSON",
        ser,
    );
    latency_row(
        "  for reference: the same JSON through `json::conv_info` Values (before issue 18's work)",
        build.summary(),
        "serde_json writes the page's JSON",
        ser,
    );
    latency_row(
        &format!(
            "  estimate: the page written once, typed, stored bodies spliced in ({once_bytes} B)"
        ),
        by_hand.summary(),
        "serde_json writes the page's JSON",
        ser,
    );
}

/// An estimate of writing a page's JSON once: the same keys written
/// straight into one String from the typed fields (strings escaped by
/// serde_json), each last message's stored body spliced in as it is with
/// the store's keys appended (a real implementation would have to keep
/// those keys out of the stored body). Not imcore's JSON: a cost floor.
fn write_once(page: &imcore::ConversationPage) -> String {
    use std::fmt::Write as _;
    let mut o = String::with_capacity(page.conversations.len() * 1400);
    let esc = |o: &mut String, v: &str| {
        o.push_str(&serde_json::to_string(v).unwrap_or_default());
    };
    o.push_str(r#"{"conversation_list_result_conv_list":["#);
    for (i, c) in page.conversations.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str(r#"{"conv_id":"#);
        esc(&mut o, &c.key.peer);
        let _ = write!(
            o,
            r#","conv_type":{},"conv_owner":"","conv_face_url":"","conv_show_name":"#,
            c.key.conv_type.as_i64()
        );
        esc(&mut o, &c.key.peer);
        let _ = write!(
            o,
            r#","conv_unread_num":{},"conv_active_time":{},"conv_is_has_lastmsg":{}"#,
            c.unread,
            c.order_key,
            c.last_message.is_some()
        );
        if let Some(m) = &c.last_message {
            o.push_str(r#","conv_last_msg":"#);
            o.push_str(m.body.trim_end().trim_end_matches('}'));
            let _ = write!(
                o,
                r#","message_status":{},"message_is_read":{},"message_is_peer_read":{},"message_group_receipt_read_count":{},"message_group_receipt_unread_count":{}}}"#,
                m.status as i64, m.is_read, m.is_peer_read, m.read_count, m.unread_count
            );
        }
        let _ = write!(
            o,
            r#","conv_is_has_draft":{},"conv_recv_opt":{},"conv_group_at_info_array":[],"conv_is_pinned":{},"conv_mark_array":[],"conv_custom_data":"#,
            c.draft.is_some(),
            c.recv_opt.as_i64(),
            c.pinned
        );
        esc(&mut o, &c.custom_data);
        let _ = write!(
            o,
            r#","conv_conversation_group_array":[],"conv_c2c_read_timestamp":{},"conv_group_read_sequence":{}}}"#,
            c.read_time, c.read_seq
        );
    }
    let _ = write!(
        o,
        r#"],"conversation_list_result_next_seq":{},"conversation_list_result_is_finished":{}}}"#,
        page.next_cursor, page.finished
    );
    o
}

/// `TIMConvGetConvList`: every conversation at once.
fn section_conv_list(cfg: &Cfg) {
    CAPTURE.store(true, Ordering::SeqCst);
    let mut runs = Vec::new();
    let mut bytes = 0;
    for _ in 0..cfg.conv_lists {
        let w = Watch::start();
        // SAFETY: a valid callback.
        let (t0, _, t_cb) = call_thread(|| unsafe { TIMConvGetConvList(CB, NO_UD) });
        let lap = w.lap();
        bytes = last_json().len();
        runs.push((t_cb - t0, lap.own));
    }
    CAPTURE.store(false, Ordering::SeqCst);
    let core = ffi::tim::runtime::lock(&ffi::tim::runtime::CORE);
    let s = core.session.as_ref().expect("logged in");
    let t0 = now_ns();
    let all = s.engine.all_conversations().expect("all");
    let t1 = now_ns();
    let json = ffi::tim::json::conv_infos(&all);
    let t2 = now_ns();
    drop(core);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let t3 = now_ns();
    let again = serde_json::to_string(&v).expect("to_string");
    let t4 = now_ns();
    std::hint::black_box(again);
    runs.sort();
    let (med, own) = runs[runs.len() / 2];
    println!(
        "\n#### `TIMConvGetConvList` of every conversation ({} conversations)\n",
        all.len()
    );
    println!("| measure | ms | note |");
    println!("|---|---:|---|");
    println!(
        "| call → callback, median of {} | {:.0} | own time {:.0} ms; {:.1} MB of JSON ({} B per conversation) |",
        runs.len(),
        med as f64 / 1e6,
        own as f64 / 1e6,
        bytes as f64 / 1e6,
        bytes / all.len().max(1)
    );
    println!(
        "| part: the engine reads them all (`all_conversations`) | {:.0} | |",
        (t1 - t0) as f64 / 1e6
    );
    println!(
        "| part: their JSON (`json::conv_infos`) | {:.0} | |",
        (t2 - t1) as f64 / 1e6
    );
    println!("| floor: serde_json writes the same JSON | {:.0} | from a parsed Value ({:.0} ms to parse it) |", (t4 - t3) as f64 / 1e6, (t3 - t2) as f64 / 1e6);
}

/// One live message until both listeners ran, in both modes.
fn section_live(cfg: &Cfg, gen: &mut Gen) {
    let texts: Vec<_> = (0..cfg.live * 2 + 100)
        .map(|_| cs(&push_json(&[gen.message(None)])))
        .collect();
    let mut it = texts.iter();
    let mut one = |pumped: bool| {
        let text = it.next().expect("enough messages");
        let (nm, tt, rs) = (NEW_MSG.count() + 1, TOTAL.count() + 1, RESULT.count() + 1);
        let t0 = now_ns();
        assert_eq!(push_call(text), 0, "push refused: {}", last_error());
        let t_ret = now_ns();
        wait_all(&[(&NEW_MSG, nm), (&TOTAL, tt), (&RESULT, rs)], pumped);
        (
            NEW_MSG.stamp().max(TOTAL.stamp()) - t0,
            RESULT.stamp() - t0,
            t_ret - t0,
        )
    };
    for _ in 0..50 {
        one(false);
    }
    let (mut thread, mut thread_res, mut blocked) =
        (Samples::default(), Samples::default(), Samples::default());
    for _ in 0..cfg.live {
        let (l, r, b) = one(false);
        thread.push(l);
        thread_res.push(r);
        blocked.push(b);
    }
    set_mode(ffi::IMCORE_CALLBACK_MODE_PUMPED);
    for _ in 0..50 {
        one(true);
    }
    let mut pumped = Samples::default();
    for _ in 0..cfg.live {
        pumped.push(one(true).0);
    }
    set_mode(ffi::IMCORE_CALLBACK_MODE_THREAD);
    // The floor: the engine's own receive of one message (no JSON, no hop).
    let mut engine = Samples::default();
    {
        for _ in 0..cfg.live {
            let m = gen.message(None).incoming;
            let mut core = ffi::tim::runtime::lock(&ffi::tim::runtime::CORE);
            let s = core.session.as_mut().expect("logged in");
            let t0 = now_ns();
            s.engine.receive(vec![m]).expect("receive");
            std::hint::black_box(s.engine.drain_changes());
            engine.push(now_ns() - t0);
        }
    }
    let bytes = NEW_MSG_BYTES.load(Ordering::Relaxed) / NEW_MSG.count().max(1);
    latency_header(
        "#### One live message: `IMCoreInboundPush` of one message → the new-message and total listeners both called",
    );
    latency_row(
        &format!("dispatcher thread (the listener gets ~{bytes} B)"),
        thread.summary(),
        "the engine's receive + drain alone",
        engine.summary(),
    );
    latency_row(
        "  … until the push's own result callback",
        thread_res.summary(),
        "the engine's receive + drain alone",
        engine.summary(),
    );
    latency_row(
        "  … the push call alone (call → return: the host's thread is blocked)",
        blocked.summary(),
        "the engine's receive + drain alone",
        engine.summary(),
    );
    latency_row(
        "pumped (push, then polls)",
        pumped.summary(),
        "the engine's receive + drain alone",
        engine.summary(),
    );
}

/// 10,000 messages in 10 pushes: time and listener calls.
fn section_burst(cfg: &Cfg, gen: &mut Gen) {
    println!("\n#### A burst of 10,000 messages in 10 pushes of 1,000 (dispatcher thread)\n");
    println!("| run | ms, first push → last result | own ms | µs per message | longest push call, ms (host thread blocked) | new-message calls | total-unread calls | conv-event calls | result calls |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for run in 0..cfg.bursts {
        let texts: Vec<_> = (0..10).map(|_| cs(&push_json(&gen.batch(1_000)))).collect();
        let (nm, tt, ce, rs) = (
            NEW_MSG.count(),
            TOTAL.count(),
            CONV_EVENT.count(),
            RESULT.count(),
        );
        let w = Watch::start();
        let t0 = now_ns();
        let mut longest = 0;
        for t in &texts {
            let c0 = now_ns();
            assert_eq!(push_call(t), 0, "push refused: {}", last_error());
            longest = longest.max(now_ns() - c0);
        }
        wait_for(&RESULT, rs + 10);
        let ms = (RESULT.stamp() - t0) as f64 / 1e6;
        let own = w.lap().own as f64 / 1e6;
        // Listener calls that belong to the burst arrive before its last result.
        println!(
            "| {} | {ms:.0} | {own:.0} | {:.1} | {:.0} | {} | {} | {} | {} |",
            run + 1,
            ms * 1000.0 / 10_000.0,
            longest as f64 / 1e6,
            NEW_MSG.count() - nm,
            TOTAL.count() - tt,
            CONV_EVENT.count() - ce,
            RESULT.count() - rs
        );
    }
}

/// Ingest through `IMCoreInboundPush` against the engine's own receive of
/// the same messages (the core bench's path), each into a fresh store.
fn section_ingest(cfg: &Cfg, dir: &Path) {
    let (n, convs, batch) = (cfg.ingest_msgs, cfg.ingest_convs, 1_000usize);
    println!(
        "\n#### Ingest: {n} messages into {convs} conversations, {batch} per push / receive, \
         fresh store each, until the store is closed\n"
    );
    println!("| run | path | msgs/s, own time | msgs/s, wall | thread CPU µs/msg | process CPU µs/msg | ABI / engine (own time) |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    logout();
    let mut ratios = Vec::new();
    let mut parse_share = Vec::new();
    for rep in 0..cfg.ingest_reps {
        let seed = 7 + rep as u64;
        let base = base_time() - 86_400;
        // The engine's path (as core/benches/engine.rs times it).
        let mut gen = Gen::new(convs, 0, seed, base);
        let batches: Vec<Vec<imcore::IncomingMessage>> = (0..n / batch)
            .map(|_| gen.batch(batch).into_iter().map(|m| m.incoming).collect())
            .collect();
        let user = format!("engine_{rep}");
        let mut e = Engine::open(dir, APP, &user, EngineConfig::default()).expect("open");
        let w = Watch::start();
        for b in batches {
            e.receive(b).expect("receive");
            std::hint::black_box(e.drain_changes());
        }
        e.flush_rows().expect("flush");
        drop(e);
        let eng = w.lap();
        // The ABI's path: the same messages as push arrays.
        let mut gen = Gen::new(convs, 0, seed, base);
        let texts: Vec<_> = (0..n / batch)
            .map(|_| {
                let msgs: Vec<Msg> = gen.batch(batch);
                cs(&push_json(&msgs))
            })
            .collect();
        let abi = push_all(&format!("abi_{rep}"), &texts);
        // Again with no listener registered (the app that only stores).
        set_listeners(false);
        let bare = push_all(&format!("abi_bare_{rep}"), &texts);
        set_listeners(true);
        // The part the ABI adds first: parsing the push text into a Value.
        let w = Watch::start();
        for t in &texts {
            let v: serde_json::Value =
                serde_json::from_str(t.to_str().expect("UTF-8")).expect("JSON");
            std::hint::black_box(v);
        }
        let parse = w.lap().own;
        parse_share.push((parse, abi.own));
        let rate = |l: &Lap| n as f64 / (l.own as f64 / 1e9);
        let wall = |l: &Lap| n as f64 / (l.wall as f64 / 1e9);
        let r = rate(&abi) / rate(&eng);
        ratios.push(r);
        for (path, l, ratio) in [
            ("engine `receive`", eng, String::new()),
            (
                "`IMCoreInboundPush`, listeners registered",
                abi,
                format!("{r:.2}"),
            ),
            (
                "`IMCoreInboundPush`, no listener registered",
                bare,
                format!("{:.2}", rate(&bare) / rate(&eng)),
            ),
        ] {
            println!(
                "| {} | {path} | {:.0} | {:.0} | {:.1} | {:.1} | {ratio} |",
                rep + 1,
                rate(&l),
                wall(&l),
                l.cpu as f64 / 1e3 / n as f64,
                l.process_cpu as f64 / 1e3 / n as f64,
            );
        }
    }
    ratios.sort_by(f64::total_cmp);
    let (parse, own) = parse_share[parse_share.len() / 2];
    println!(
        "\nABI / engine, median of {}: **{:.2}**. Parsing the push arrays into `serde_json::Value` alone: {:.1} µs/msg ({:.0}% of the ABI's own time).",
        ratios.len(),
        ratios[ratios.len() / 2],
        parse as f64 / 1e3 / n as f64,
        100.0 * parse as f64 / own as f64
    );
    login(USER);
}

/// Logs `user` in (a fresh store), pushes every array, waits for every
/// result and logs out (which writes the rows the pushes left pending):
/// the time of all that.
fn push_all(user: &str, texts: &[std::ffi::CString]) -> Lap {
    login(user);
    let rs = RESULT.count();
    let w = Watch::start();
    for t in texts {
        assert_eq!(push_call(t), 0, "push refused: {}", last_error());
    }
    wait_for(&RESULT, rs + texts.len() as u64);
    logout();
    w.lap()
}

/// Registers (or removes) the new-message, total and conversation listeners.
fn set_listeners(on: bool) {
    // SAFETY: the bench's callbacks (or NULL), NULL user data.
    unsafe {
        if on {
            TIMAddRecvNewMsgCallback(Some(on_new_msg), NO_UD);
            TIMSetConvTotalUnreadMessageCountChangedCallback(Some(on_total), NO_UD);
            TIMSetConvEventCallback(Some(on_conv_event), NO_UD);
        } else {
            TIMRemoveRecvNewMsgCallback(Some(on_new_msg));
            TIMSetConvTotalUnreadMessageCountChangedCallback(None, NO_UD);
            TIMSetConvEventCallback(None, NO_UD);
        }
    }
}

fn base_time() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(1_700_000_000)
}

fn main() {
    let cfg = Cfg::from_env();
    now_ns();
    let own_dir = std::env::var_os("IMCORE_BOUNDARY_DIR").is_none();
    if !own_dir && std::env::args().nth(1).as_deref() == Some("--store-only") {
        let _ =
            std::fs::remove_dir_all(std::env::var_os("IMCORE_BOUNDARY_DIR").unwrap_or_default());
    }
    let dir = std::env::var_os("IMCORE_BOUNDARY_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("imcore-boundary-{}", std::process::id()))
        });
    if own_dir {
        let _ = std::fs::remove_dir_all(&dir);
    }
    std::fs::create_dir_all(&dir).expect("bench directory");
    println!(
        "boundary-bench: {} mode, {} conversations, load average {} at the start",
        if cfg.full { "full" } else { "short" },
        cfg.convs,
        loadavg()
    );
    let start = Watch::start();

    // The store's messages are 3 days old and 8 per second; live ones follow.
    let mut gen = Gen::new(cfg.convs, GROUP_EVERY, 1, base_time() - 3 * 86_400);
    build_store(&dir, &mut gen);
    if std::env::args().nth(1).as_deref() == Some("--store-only") {
        // For the C# and Python benches (scripts/suites/boundary-bench.sh).
        println!("store left in {}", dir.display());
        return;
    }

    let conf = cs(&serde_json::json!({ "sdk_config_config_file_path": dir }).to_string());
    // SAFETY: a valid C string.
    assert_eq!(unsafe { TIMInit(APP, conf.as_ptr()) }, 0, "TIMInit");
    set_listeners(true);
    let w = Watch::start();
    login(USER);
    println!(
        "login (opens the store): {:.0} ms",
        w.lap().wall as f64 / 1e6
    );

    let only = std::env::var("IMCORE_BOUNDARY_ONLY").unwrap_or_default();
    let run = |name: &str| only.is_empty() || only.split(',').any(|o| o == name);
    if run("total") {
        section_total(&cfg);
    }
    if run("pages") {
        section_pages(&cfg);
    }
    if run("list") {
        section_conv_list(&cfg);
    }
    // The live and burst sections count on the total listener being on,
    // which the first `TIMConvGetTotalUnreadMessageCount` turns on.
    call_thread(total_call);
    if run("live") {
        section_live(&cfg, &mut gen);
    }
    if run("burst") {
        section_burst(&cfg, &mut gen);
    }
    if run("ingest") {
        section_ingest(&cfg, &dir);
    }

    logout();
    // SAFETY: no arguments.
    unsafe { TIMUninit() };
    if own_dir {
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "\nload average {} at the end; {:.0} s in all",
        loadavg(),
        start.lap().wall as f64 / 1e9
    );
    println!("boundary-bench: 1 passed, 0 failed");
}

/// Keeps the callback types honest: the listeners match imcore's typedefs.
const _: ffi::TIMRecvNewMsgCallback = Some(on_new_msg);
const _: ffi::TIMConvTotalUnreadMessageCountChangedCallback = Some(on_total);
const _: ffi::TIMConvEventCallback = Some(on_conv_event);
const _: unsafe extern "C" fn(i32, *const c_char, *const c_char, *const c_void) = on_result;
