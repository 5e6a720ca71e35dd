//! imcore engine benchmarks: a plain timing harness that prints tables.
//!
//! ```text
//! cargo bench -p imcore --bench engine                        # default sizes, a few minutes
//! IMCORE_BENCH_FULL=1 cargo bench -p imcore --bench engine    # full sizes
//! ```
//!
//! Criterion's sampling model does not fit a 1M-row ingest (one sample is
//! the whole run), so every figure here is the median of `reps` repeated
//! runs of a hand-rolled timer; the nanosecond reads are tight
//! `black_box` loops, also reported as medians.
//!
//! Sections (select with `IMCORE_BENCH_ONLY=ingest,filters,reads,clean,open`):
//! 1. ingest: engine `receive` vs a bare rusqlite floor (same schema, same
//!    pragmas, same batches), `Durability::Normal` and `Full`.
//! 2. reads: `total_unread()` and a subscribed filter's total, 100k conversations.
//! 3. clean: `clean_unread(&CleanTarget::All, 0, 0)` over 100k unread conversations.
//! 4. open: `Engine::open` of 100k conversations + messages, cold and warm
//!    OS page cache, in a fresh child process; RSS and heap per conversation.
//! 5. filters: cost per received message with 0, 10 and 100 subscribed filters.
//!
//! Other knobs: `IMCORE_BENCH_REPS`, `IMCORE_BENCH_MSGS`, `IMCORE_BENCH_CONVS`,
//! `IMCORE_BENCH_CACHE_KIB`, `IMCORE_BENCH_AUTOCHECKPOINT`,
//! `IMCORE_BENCH_LAZY_ROWS` (the engine's `lazy_row_messages`),
//! `IMCORE_BENCH_BG_CHECKPOINT=0` (the engine checkpoints inside its
//! commits, as the floor's connection does, instead of on its thread),
//! `IMCORE_BENCH_PAGE_SIZE` (applied to engine and floor alike),
//! `IMCORE_BENCH_FLOOR_MMAP` (floor only), `IMCORE_BENCH_CASE` (ingest
//! cases, e.g. `Normal-1000-engine,Normal-1000-floor`) and
//! `IMCORE_BENCH_EXPERIMENTS=1` (floor variants and SQL variants that split
//! the cost), `IMCORE_BENCH_STORE=<dir>` (keep the big store of sections
//! 2-4 in `<dir>` and reuse it when it is already there; the clean section
//! adds messages to it).
//!
//! Every time is reported as wall time and as "own time": wall time minus
//! the time this process sat runnable in the run queue while other
//! processes held the CPUs (`/proc/self/schedstat`). Own time keeps on-CPU
//! work and real blocking (I/O, fsync), so it is what an otherwise idle
//! machine would show; on a shared 2-core box the wall figures mostly
//! measure the neighbours.

use imcore::{
    CleanTarget, ConvKey, ConvType, ConversationFilter, Durability, Engine, EngineConfig,
    IncomingMessage,
};
use rusqlite::{params, Connection};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// A counting allocator: the Rust heap the engine holds (SQLite's own heap is
// read with `sqlite3_memory_used`).

struct Counting;

static HEAP: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = System.alloc(l);
        if !p.is_null() {
            HEAP.fetch_add(l.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(l);
        if !p.is_null() {
            HEAP.fetch_add(l.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l);
        HEAP.fetch_sub(l.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = System.realloc(p, l, new);
        if !q.is_null() {
            HEAP.fetch_sub(l.size(), Ordering::Relaxed);
            HEAP.fetch_add(new, Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// ---------------------------------------------------------------------------
// Sizes and knobs.

const APP_ID: u64 = 1_400_000_000;
const USER: &str = "bench_user";
const BASE_TIME: u64 = 1_700_000_000;

#[derive(Debug, Clone)]
struct Sizes {
    full: bool,
    /// Messages in the ingest runs (sections 1 and 5).
    msgs: usize,
    /// Conversations in the ingest runs.
    convs: usize,
    /// Conversations of the big store (sections 2, 3, 4).
    big_convs: usize,
    /// Messages of the big store.
    big_msgs: usize,
    reps: usize,
    cache_kib: Option<i64>,
    autocheckpoint: Option<i64>,
    lazy_rows: Option<i64>,
    page_size: Option<i64>,
}

fn env_num(name: &str) -> Option<i64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

impl Sizes {
    fn from_env() -> Self {
        let full = std::env::var("IMCORE_BENCH_FULL").is_ok_and(|v| v != "0" && !v.is_empty());
        let (msgs, big_msgs) = if full {
            (1_000_000, 1_000_000)
        } else {
            (200_000, 300_000)
        };
        Sizes {
            full,
            msgs: env_num("IMCORE_BENCH_MSGS").map_or(msgs, |v| v as usize),
            convs: env_num("IMCORE_BENCH_CONVS").map_or(10_000, |v| v as usize),
            big_convs: env_num("IMCORE_BENCH_BIG_CONVS").map_or(100_000, |v| v as usize),
            big_msgs: env_num("IMCORE_BENCH_BIG_MSGS").map_or(big_msgs, |v| v as usize),
            reps: env_num("IMCORE_BENCH_REPS").map_or(3, |v| v.max(1) as usize),
            cache_kib: env_num("IMCORE_BENCH_CACHE_KIB"),
            autocheckpoint: env_num("IMCORE_BENCH_AUTOCHECKPOINT"),
            lazy_rows: env_num("IMCORE_BENCH_LAZY_ROWS"),
            page_size: env_num("IMCORE_BENCH_PAGE_SIZE"),
        }
    }

    fn config(&self, durability: Durability) -> EngineConfig {
        let d = EngineConfig::default();
        EngineConfig {
            durability,
            cache_kib: self.cache_kib.unwrap_or(d.cache_kib),
            wal_autocheckpoint: self.autocheckpoint.unwrap_or(d.wal_autocheckpoint),
            lazy_row_messages: self.lazy_rows.map_or(d.lazy_row_messages, |v| v as usize),
            checkpoint_in_background: env_num("IMCORE_BENCH_BG_CHECKPOINT")
                .map_or(d.checkpoint_in_background, |v| v != 0),
            ..d
        }
    }
}

/// `IMCORE_BENCH_CASE=Normal-1000-engine,Full-100-floor`: only these
/// ingest cases (`<durability>-<batch>-<writer>`).
fn case_on(spec: &IngestSpec) -> bool {
    match std::env::var("IMCORE_BENCH_CASE") {
        Ok(v) if !v.trim().is_empty() => {
            let me = format!("{:?}-{}-{}", spec.durability, spec.batch, spec.kind.short());
            v.split(',').any(|c| c.trim() == me)
        }
        _ => true,
    }
}

fn section_on(name: &str) -> bool {
    match std::env::var("IMCORE_BENCH_ONLY") {
        Ok(v) if !v.trim().is_empty() => v.split(',').any(|s| s.trim() == name),
        _ => true,
    }
}

// ---------------------------------------------------------------------------
// Deterministic message generator.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "hello", "meeting", "tomorrow", "the", "report", "lunch", "ok", "see", "you", "at", "price",
    "ship", "deploy", "coffee", "thanks", "photo", "call", "later", "great", "idea", "weekend",
    "train", "late", "sorry", "review", "budget", "again", "why", "yes", "no", "maybe", "sure",
    "today", "deadline", "invoice", "party", "music", "game", "server", "restart", "ticket",
];

/// Messages into `convs` C2C conversations: uniform random conversation,
/// `<tinyid>-<time>-<rand>` ids, ~300-byte JSON bodies, server times that
/// never go back (8 messages per second).
struct Gen {
    rng: Rng,
    keys: Vec<ConvKey>,
    tiny: Vec<u64>,
    n: u64,
}

impl Gen {
    fn new(convs: usize, seed: u64) -> Self {
        let mut rng = Rng(seed);
        let keys = (0..convs)
            .map(|c| ConvKey::c2c(format!("user_{c:07}")).unwrap())
            .collect();
        let tiny = (0..convs)
            .map(|_| 144_115_200_000_000_000 + rng.next() % 1_000_000_000_000)
            .collect();
        Gen {
            rng,
            keys,
            tiny,
            n: 0,
        }
    }

    fn body(&mut self) -> String {
        const HEAD: &str = r#"{"elem_list":[{"elem_type":0,"text_elem_content":""#;
        const TAIL: &str = r#""}],"cloud_custom_data":"","priority":2,"is_online":false,"random":"#;
        let mut s = String::with_capacity(320);
        s.push_str(HEAD);
        let room = 300 - HEAD.len() - TAIL.len() - 12;
        let start = s.len();
        while s.len() - start < room {
            s.push_str(WORDS[self.rng.below(WORDS.len())]);
            s.push(' ');
        }
        s.push_str(TAIL);
        s.push_str(&(self.rng.next() as u32).to_string());
        s.push('}');
        s
    }

    /// The next message into conversation `c` (random when `None`).
    fn message(&mut self, c: Option<usize>) -> (usize, IncomingMessage) {
        let c = c.unwrap_or_else(|| self.rng.below(self.keys.len()));
        let time = BASE_TIME + self.n / 8;
        self.n += 1;
        let id = format!("{}-{time}-{}", self.tiny[c], self.rng.next() as u32);
        let key = self.keys[c].clone();
        let sender = key.peer.clone();
        let mut m = IncomingMessage::new(&id, key, &sender, time, 0);
        m.body = self.body();
        (c, m)
    }

    fn batch(&mut self, k: usize) -> Vec<IncomingMessage> {
        (0..k).map(|_| self.message(None).1).collect()
    }
}

// ---------------------------------------------------------------------------
// /proc readers.

fn proc_field(file: &str, key: &str) -> u64 {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.lines()
        .find_map(|l| {
            let rest = l.strip_prefix(key)?.strip_prefix(':')?;
            rest.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0)
}

#[derive(Debug, Clone, Copy)]
struct Io {
    wchar: u64,
    write_bytes: u64,
}

fn io_now() -> Io {
    Io {
        wchar: proc_field("/proc/self/io", "wchar"),
        write_bytes: proc_field("/proc/self/io", "write_bytes"),
    }
}

/// This (single-threaded) process's scheduler clock: time on a CPU and
/// time spent runnable but waiting for a CPU held by another process, in ns
/// (`/proc/self/schedstat`). Wall time minus the run-queue wait is the time
/// the run would have taken on an otherwise idle machine: on-CPU work plus
/// real blocking (I/O, fsync), without the other engineers' builds.
#[derive(Debug, Clone, Copy, Default)]
struct Sched {
    cpu: u64,
    wait: u64,
}

fn sched() -> Sched {
    let t = std::fs::read_to_string("/proc/self/schedstat").unwrap_or_default();
    let mut it = t.split_whitespace().map(|x| x.parse::<u64>().unwrap_or(0));
    Sched {
        cpu: it.next().unwrap_or(0),
        wait: it.next().unwrap_or(0),
    }
}

/// A stopwatch with the scheduler clock beside the wall clock.
struct Watch {
    t: Instant,
    s: Sched,
}

/// What a [`Watch`] measured, in ms.
#[derive(Debug, Clone, Copy, Default)]
struct Lap {
    wall: f64,
    cpu: f64,
    wait: f64,
}

impl Lap {
    fn add(&mut self, o: Lap) {
        self.wall += o.wall;
        self.cpu += o.cpu;
        self.wait += o.wait;
    }
    /// Wall time without the run-queue wait.
    fn own(&self) -> f64 {
        self.wall - self.wait
    }
}

impl Watch {
    fn start() -> Self {
        Watch {
            t: Instant::now(),
            s: sched(),
        }
    }
    fn lap(&self) -> Lap {
        let wall = ms(self.t.elapsed());
        let s = sched();
        Lap {
            wall,
            cpu: (s.cpu - self.s.cpu) as f64 / 1e6,
            wait: (s.wait - self.s.wait) as f64 / 1e6,
        }
    }
}

/// (VmRSS, RssAnon) in bytes.
fn rss_now() -> (u64, u64) {
    (
        proc_field("/proc/self/status", "VmRSS") * 1024,
        proc_field("/proc/self/status", "RssAnon") * 1024,
    )
}

fn sqlite_heap() -> i64 {
    // SAFETY: a plain read of SQLite's global memory statistic.
    unsafe { rusqlite::ffi::sqlite3_memory_used() }
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

fn wal_of(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-wal");
    PathBuf::from(s)
}

extern "C" {
    fn posix_fadvise(fd: i32, offset: i64, len: i64, advice: i32) -> i32;
}

/// Drops one file's pages from the OS page cache (after an fsync, so none
/// is dirty): the next open reads it from the disk. No root needed, and
/// nobody else's cache is touched.
fn evict_from_page_cache(p: &Path) {
    use std::os::fd::AsRawFd;
    if let Ok(f) = std::fs::File::open(p) {
        let _ = f.sync_all();
        // SAFETY: a valid open fd; POSIX_FADV_DONTNEED = 4 on Linux.
        unsafe {
            posix_fadvise(f.as_raw_fd(), 0, 0, 4);
        }
    }
}

// ---------------------------------------------------------------------------
// Statistics and printing.

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn fmt_rate(r: f64) -> String {
    let digits: Vec<char> = (r.round() as u64).to_string().chars().collect();
    let groups: Vec<String> = digits
        .rchunks(3)
        .rev()
        .map(|c| c.iter().collect())
        .collect();
    groups.join(",")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Creates an empty store file with a given page size (WAL mode set, so
/// the size is fixed) before the engine or the floor opens it.
fn preset_page_size(path: &Path, page_size: Option<i64>) {
    if let Some(ps) = page_size {
        let c = Connection::open(path).unwrap();
        c.execute_batch(&format!("PRAGMA page_size = {ps}; VACUUM;"))
            .unwrap();
        let _: String = c
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .unwrap();
    }
}

// ---------------------------------------------------------------------------
// Section 1 and 5: ingest.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Engine,
    Floor,
    /// Floor + the conversation UPDATE the engine writes per touched conversation.
    FloorConvUpdate,
    /// Floor + an UPDATE of only the columns a receive changes.
    FloorConvUpdateNarrow,
    /// Floor without any index on the message id.
    FloorNoMsgIdIndex,
    /// Floor on schema version 4's message table: `msg_id TEXT UNIQUE`
    /// instead of the indexed 64-bit `msg_hash`.
    FloorTextUnique,
}

impl Kind {
    fn short(self) -> &'static str {
        match self {
            Kind::Engine => "engine",
            Kind::Floor => "floor",
            Kind::FloorConvUpdate => "floor+upd",
            Kind::FloorConvUpdateNarrow => "floor+narrow",
            Kind::FloorNoMsgIdIndex => "floor-noidx",
            Kind::FloorTextUnique => "floor-v4",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Kind::Engine => "engine",
            Kind::Floor => "floor (bare rusqlite)",
            Kind::FloorConvUpdate => "floor + conversation UPDATEs (engine's 16 columns)",
            Kind::FloorConvUpdateNarrow => "floor + narrow conversation UPDATEs (8 columns)",
            Kind::FloorNoMsgIdIndex => "floor, message rows only (no message_key rows)",
            Kind::FloorTextUnique => "floor, schema v4 (msg_id TEXT UNIQUE, no hash)",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Ingest {
    /// Messages per second of wall time.
    rate: f64,
    /// Messages per second of wall time minus run-queue wait.
    rate_own: f64,
    /// CPU time (user + system) per message inside the timed region, µs.
    cpu_us: f64,
    wchar_per_msg: f64,
    write_bytes_per_msg: f64,
    file_per_msg: f64,
    batch_p50_ms: f64,
    batch_max_ms: f64,
}

#[derive(Debug, Clone, Copy)]
struct IngestSpec {
    kind: Kind,
    batch: usize,
    durability: Durability,
    filters: usize,
}

fn run_ingest(s: &Sizes, spec: IngestSpec) -> Ingest {
    let dir = tempfile::tempdir().unwrap();
    let path = imcore::store::db_path(dir.path(), APP_ID, USER).unwrap();
    preset_page_size(&path, s.page_size);
    let cfg = s.config(spec.durability);
    let mut gen = Gen::new(s.convs, 42);
    let mut batch_times = Vec::with_capacity(s.msgs / spec.batch + 1);
    let io0;
    let mut total = Lap::default();
    let n_batches = s.msgs / spec.batch;
    match spec.kind {
        Kind::Engine => {
            let mut e = Engine::open(dir.path(), APP_ID, USER, cfg).unwrap();
            for f in filter_set(spec.filters) {
                e.subscribe_filter(&f).unwrap();
            }
            io0 = io_now();
            for _ in 0..n_batches {
                let b = gen.batch(spec.batch);
                let w = Watch::start();
                let r = e.receive(b).unwrap();
                // The host drains (and here drops) the events of every batch.
                let ch = e.drain_changes();
                drop(black_box(ch));
                let lap = w.lap();
                assert_eq!(r.stored, spec.batch);
                total.add(lap);
                batch_times.push(lap.wall);
            }
            // The rows the last receives left pending (up to
            // `lazy_row_messages` messages: their conversation rows and
            // their merged key rows) are written by the next operation or
            // the drop. Time that write and count its bytes here, so the
            // engine pays for every row it owes, as the floor does.
            let w = Watch::start();
            e.flush_rows().unwrap();
            total.add(w.lap());
            assert!(e.conversation_count() <= s.convs);
            let io1 = io_now();
            let files = file_len(&path) + file_len(&wal_of(&path));
            drop(e);
            finish(spec.batch, total, io0, io1, files, &mut batch_times)
        }
        kind => {
            let conn = imcore::store::open(&path, USER, &cfg).unwrap();
            if let Some(m) = env_num("IMCORE_BENCH_FLOOR_MMAP") {
                // Floor only: the engine's connection is private.
                conn.execute_batch(&format!("PRAGMA mmap_size = {m}"))
                    .unwrap();
            }
            match kind {
                // The floors keep the history's order the obvious way, as an
                // index on `message` (what schema 7 had; from 8 on the
                // engine writes `message_pos` lazily instead).
                Kind::FloorNoMsgIdIndex
                | Kind::Floor
                | Kind::FloorConvUpdate
                | Kind::FloorConvUpdateNarrow => conn
                    .execute_batch(
                        "CREATE INDEX message_by_conv_pos ON message (conv, pos, flags);",
                    )
                    .unwrap(),
                Kind::FloorTextUnique => conn
                    .execute_batch(
                        "DROP TABLE message;
                         CREATE TABLE message (
                            id INTEGER PRIMARY KEY,
                            conv INTEGER NOT NULL REFERENCES conversation (id),
                            pos INTEGER NOT NULL, msg_id TEXT NOT NULL UNIQUE,
                            sender TEXT NOT NULL, server_time INTEGER NOT NULL,
                            seq INTEGER NOT NULL, flags INTEGER NOT NULL,
                            status INTEGER NOT NULL DEFAULT 2, body TEXT NOT NULL) STRICT;
                         CREATE INDEX message_by_conv_pos ON message (conv, pos, flags);",
                    )
                    .unwrap(),
                _ => {}
            }
            {
                let tx = conn.unchecked_transaction().unwrap();
                let mut ins = tx
                    .prepare(
                        "INSERT INTO conversation (id, conv_type, peer, visible, active_time,
                                                   order_key, create_time, update_time)
                         VALUES (?1, 1, ?2, 1, ?3, ?3, ?3, ?3)",
                    )
                    .unwrap();
                for (i, k) in gen.keys.iter().enumerate() {
                    ins.execute(params![i as i64 + 1, k.peer, BASE_TIME as i64])
                        .unwrap();
                }
                drop(ins);
                tx.commit().unwrap();
            }
            let sql = if kind == Kind::FloorTextUnique {
                "INSERT INTO message (conv, pos, msg_id, sender, server_time, seq, flags,
                                      status, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 2, ?8)"
            } else {
                "INSERT INTO message (conv, pos, msg_id, sender, server_time, seq, flags,
                                      status, body, msg_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 2, ?8, ?9)"
            };
            let mut ins = conn.prepare(sql).unwrap();
            // The same rows as the engine: every message's key row too, in
            // its batch (the engine merges them later, in key order).
            let mut ins_key = conn
                .prepare("INSERT INTO message_key (msg_hash, id) VALUES (?1, ?2)")
                .unwrap();
            let with_keys = !matches!(kind, Kind::FloorNoMsgIdIndex | Kind::FloorTextUnique);
            let mut upd = conn
                .prepare(
                    "UPDATE conversation SET visible = ?2, group_type = ?3, recv_opt = ?4,
                         unread = ?5, at_flags = ?6, read_pos = ?7, max_pos = ?8, last_msg = ?9,
                         last_pos = ?10, active_time = ?11, order_key = ?12, pinned = ?13,
                         marks = ?14, peer_read_time = ?15, update_time = ?16
                     WHERE id = ?1",
                )
                .unwrap();
            let mut narrow = conn
                .prepare(
                    "UPDATE conversation SET visible = ?2, unread = ?3, max_pos = ?4,
                         last_msg = ?5, last_pos = ?6, active_time = ?7, order_key = ?8,
                         update_time = ?9
                     WHERE id = ?1",
                )
                .unwrap();
            let mut begin = conn.prepare("BEGIN IMMEDIATE").unwrap();
            let mut commit = conn.prepare("COMMIT").unwrap();
            let mut max_pos = vec![0i64; s.convs];
            let mut unread = vec![0i64; s.convs];
            let mut last = vec![0i64; s.convs];
            let mut touched: Vec<usize> = Vec::with_capacity(spec.batch);
            let mut seen = vec![false; s.convs];
            io0 = io_now();
            for _ in 0..n_batches {
                let b: Vec<(usize, IncomingMessage)> =
                    (0..spec.batch).map(|_| gen.message(None)).collect();
                let w = Watch::start();
                begin.execute([]).unwrap();
                for (c, m) in &b {
                    let c = *c;
                    let base = (m.server_time as i64) << 20;
                    let pos = if max_pos[c] >> 20 == m.server_time as i64 {
                        (max_pos[c] + 1).min(base | 0xFFFFF)
                    } else {
                        base
                    };
                    max_pos[c] = max_pos[c].max(pos);
                    if kind != Kind::FloorTextUnique {
                        ins.execute(params![
                            c as i64 + 1,
                            pos,
                            m.msg_id,
                            m.sender,
                            m.server_time as i64,
                            0i64,
                            16i64,
                            m.body,
                            imcore::store::msg_hash(&m.msg_id),
                        ])
                        .unwrap();
                        if with_keys {
                            ins_key
                                .execute(params![
                                    imcore::store::msg_hash(&m.msg_id),
                                    conn.last_insert_rowid()
                                ])
                                .unwrap();
                        }
                    } else {
                        ins.execute(params![
                            c as i64 + 1,
                            pos,
                            m.msg_id,
                            m.sender,
                            m.server_time as i64,
                            0i64,
                            16i64,
                            m.body
                        ])
                        .unwrap();
                    }
                    if matches!(kind, Kind::FloorConvUpdate | Kind::FloorConvUpdateNarrow) {
                        unread[c] += 1;
                        last[c] = conn.last_insert_rowid();
                        if !seen[c] {
                            seen[c] = true;
                            touched.push(c);
                        }
                    }
                }
                for &c in &touched {
                    seen[c] = false;
                    if kind == Kind::FloorConvUpdateNarrow {
                        narrow
                            .execute(params![
                                c as i64 + 1,
                                true,
                                unread[c],
                                max_pos[c],
                                last[c],
                                max_pos[c],
                                max_pos[c] >> 20,
                                (max_pos[c] >> 20) << 20 | (c as i64 + 1),
                                max_pos[c] >> 20
                            ])
                            .unwrap();
                        continue;
                    }
                    upd.execute(params![
                        c as i64 + 1,
                        true,
                        None::<i64>,
                        0i64,
                        unread[c],
                        0i64,
                        0i64,
                        max_pos[c],
                        last[c],
                        max_pos[c],
                        max_pos[c] >> 20,
                        (max_pos[c] >> 20) << 20 | (c as i64 + 1),
                        false,
                        0i64,
                        0i64,
                        max_pos[c] >> 20
                    ])
                    .unwrap();
                }
                touched.clear();
                commit.execute([]).unwrap();
                drop(black_box(b));
                let lap = w.lap();
                total.add(lap);
                batch_times.push(lap.wall);
            }
            let io1 = io_now();
            let files = file_len(&path) + file_len(&wal_of(&path));
            drop((ins, ins_key, upd, narrow, begin, commit));
            drop(conn);
            finish(spec.batch, total, io0, io1, files, &mut batch_times)
        }
    }
}

fn finish(batch: usize, total: Lap, io0: Io, io1: Io, files: u64, bt: &mut [f64]) -> Ingest {
    let msgs = (bt.len() * batch) as f64;
    let max = bt.iter().copied().fold(0.0, f64::max);
    Ingest {
        rate: msgs / (total.wall / 1e3),
        rate_own: msgs / (total.own() / 1e3),
        cpu_us: total.cpu * 1e3 / msgs,
        wchar_per_msg: (io1.wchar - io0.wchar) as f64 / msgs,
        write_bytes_per_msg: (io1.write_bytes - io0.write_bytes) as f64 / msgs,
        file_per_msg: files as f64 / msgs,
        batch_p50_ms: median(bt),
        batch_max_ms: max,
    }
}

/// `n` distinct filters. The first 96 all select every conversation of the
/// ingest (so each one's sum moves with every message: the worst case),
/// the rest select none.
fn filter_set(n: usize) -> Vec<ConversationFilter> {
    let mut v = Vec::new();
    for groups in [None, Some(Vec::new())] {
        for mark in [None, Some(0)] {
            for conv_types in [
                vec![],
                vec![ConvType::C2c],
                vec![ConvType::C2c, ConvType::Group],
            ] {
                for has_unread in [None, Some(true)] {
                    for has_at_info in [None, Some(false)] {
                        for ignore_muted in [false, true] {
                            v.push(ConversationFilter {
                                conv_types: conv_types.clone(),
                                groups: groups.clone(),
                                mark,
                                has_unread,
                                has_at_info,
                                ignore_muted,
                                ..Default::default()
                            });
                        }
                    }
                }
            }
        }
    }
    let mut i = 0u64;
    while v.len() < n {
        i += 1;
        v.push(ConversationFilter {
            mark: Some(i << 32),
            ..Default::default()
        });
    }
    v.truncate(n);
    v
}

/// Every column's median over the runs, and the min and max of `rate_own`.
fn median_ingest(runs: &mut [Ingest]) -> (Ingest, f64, f64) {
    let col = |f: fn(&Ingest) -> f64| median(&mut runs.iter().map(f).collect::<Vec<_>>());
    let lo = runs.iter().map(|r| r.rate_own).fold(f64::MAX, f64::min);
    let hi = runs.iter().map(|r| r.rate_own).fold(0.0, f64::max);
    (
        Ingest {
            rate: col(|r| r.rate),
            rate_own: col(|r| r.rate_own),
            cpu_us: col(|r| r.cpu_us),
            wchar_per_msg: col(|r| r.wchar_per_msg),
            write_bytes_per_msg: col(|r| r.write_bytes_per_msg),
            file_per_msg: col(|r| r.file_per_msg),
            batch_p50_ms: col(|r| r.batch_p50_ms),
            batch_max_ms: col(|r| r.batch_max_ms),
        },
        lo,
        hi,
    )
}

fn ingest_section(s: &Sizes, experiments: bool) -> Vec<(IngestSpec, Ingest)> {
    let mut specs = Vec::new();
    for durability in [Durability::Normal, Durability::Full] {
        for batch in [100, 1000] {
            for kind in [Kind::Engine, Kind::Floor] {
                specs.push(IngestSpec {
                    kind,
                    batch,
                    durability,
                    filters: 0,
                });
            }
        }
    }
    if experiments {
        for kind in [
            Kind::FloorConvUpdate,
            Kind::FloorConvUpdateNarrow,
            Kind::FloorNoMsgIdIndex,
            Kind::FloorTextUnique,
        ] {
            specs.push(IngestSpec {
                kind,
                batch: 1000,
                durability: Durability::Normal,
                filters: 0,
            });
        }
    }
    specs.retain(case_on);
    let results = run_specs(s, &specs);

    println!(
        "\n### 1. Receive {} messages into {} conversations (file-backed, WAL; median of {})\n",
        s.msgs, s.convs, s.reps
    );
    println!("| durability | batch | writer | msgs/s, own time | min..max | msgs/s, wall | engine/floor, own time | engine/floor, CPU | CPU µs/msg | written/msg (wchar) | write_bytes/msg | db+wal/msg | batch p50 ms | batch max ms |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (spec, (r, lo, hi)) in &results {
        let floor = results.iter().find(|(f, _)| {
            f.kind == Kind::Floor && f.batch == spec.batch && f.durability == spec.durability
        });
        let (ratio, ratio_cpu) = match floor {
            Some((_, (fl, _, _))) if spec.kind != Kind::Floor => (
                format!("{:.2}", fl.rate_own / r.rate_own),
                format!("{:.2}", r.cpu_us / fl.cpu_us),
            ),
            _ => (String::new(), String::new()),
        };
        println!(
            "| {:?} | {} | {} | {} | {}..{} | {} | {} | {} | {:.1} | {:.0} B | {:.0} B | {:.0} B | {:.2} | {:.1} |",
            spec.durability,
            spec.batch,
            spec.kind.name(),
            fmt_rate(r.rate_own),
            fmt_rate(*lo),
            fmt_rate(*hi),
            fmt_rate(r.rate),
            ratio,
            ratio_cpu,
            r.cpu_us,
            r.wchar_per_msg,
            r.write_bytes_per_msg,
            r.file_per_msg,
            r.batch_p50_ms,
            r.batch_max_ms
        );
    }
    results.into_iter().map(|(s, (r, _, _))| (s, r)).collect()
}

/// Runs every spec `reps` times, interleaved (spec order inside each
/// round), so a burst of load from elsewhere hits all alike.
fn run_specs(s: &Sizes, specs: &[IngestSpec]) -> Vec<(IngestSpec, (Ingest, f64, f64))> {
    let mut runs: Vec<Vec<Ingest>> = vec![Vec::new(); specs.len()];
    for rep in 0..s.reps {
        for (i, spec) in specs.iter().enumerate() {
            let r = run_ingest(s, *spec);
            eprintln!(
                "  [rep {}/{}] {:?} batch {} {} filters {}: {} msgs/s own time ({} wall), {:.1} µs CPU/msg, {:.0} B/msg written",
                rep + 1,
                s.reps,
                spec.durability,
                spec.batch,
                spec.kind.name(),
                spec.filters,
                fmt_rate(r.rate_own),
                fmt_rate(r.rate),
                r.cpu_us,
                r.wchar_per_msg
            );
            runs[i].push(r);
        }
    }
    specs
        .iter()
        .zip(runs.iter_mut())
        .map(|(spec, r)| (*spec, median_ingest(r)))
        .collect()
}

fn filters_section(s: &Sizes) {
    // Half the ingest size: the filters' cost is per touched conversation,
    // the same at any store size.
    let s = &Sizes {
        msgs: s.msgs / 2,
        ..s.clone()
    };
    let specs: Vec<IngestSpec> = [0, 10, 100]
        .into_iter()
        .map(|filters| IngestSpec {
            kind: Kind::Engine,
            batch: 1000,
            durability: Durability::Normal,
            filters,
        })
        .collect();
    let results = run_specs(s, &specs);
    println!(
        "\n### 5. Receive cost with subscribed filters ({} messages, {} conversations, batch 1000, Normal)\n",
        s.msgs, s.convs
    );
    println!("| subscribed filters | msgs/s, own time | min..max | msgs/s, wall | µs/msg, own time | extra µs/msg vs 0 | CPU µs/msg | extra CPU µs/msg vs 0 |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let base = 1e6 / results[0].1 .0.rate_own;
    let base_cpu = results[0].1 .0.cpu_us;
    for (spec, (r, lo, hi)) in &results {
        let us = 1e6 / r.rate_own;
        println!(
            "| {} | {} | {}..{} | {} | {:.2} | {:+.2} | {:.2} | {:+.2} |",
            spec.filters,
            fmt_rate(r.rate_own),
            fmt_rate(*lo),
            fmt_rate(*hi),
            fmt_rate(r.rate),
            us,
            us - base,
            r.cpu_us,
            r.cpu_us - base_cpu
        );
    }
}

// ---------------------------------------------------------------------------
// Sections 2-4: the big store.

/// Builds a store of `big_convs` conversations (each with one message, so
/// all are unread) and `big_msgs` messages in all, through the engine.
fn build_big_store(s: &Sizes, dir: &Path) -> Duration {
    let t = Instant::now();
    let mut e = Engine::open(dir, APP_ID, USER, s.config(Durability::Normal)).unwrap();
    let mut gen = Gen::new(s.big_convs, 7);
    let mut done = 0;
    while done < s.big_msgs {
        let k = 1000.min(s.big_msgs - done);
        let b: Vec<IncomingMessage> = (done..done + k)
            .map(|i| gen.message((i < s.big_convs).then_some(i)).1)
            .collect();
        e.receive(b).unwrap();
        e.drain_changes();
        done += k;
    }
    assert_eq!(e.conversation_count(), s.big_convs);
    drop(e);
    t.elapsed()
}

/// Adds one unread message to every conversation of the big store, then
/// writes the rows those receives left pending (up to `lazy_row_messages`
/// messages), so that the timed clean does not also pay for the receives'
/// deferred writes. Returns that flush's time.
fn refill_unread(e: &mut Engine, s: &Sizes, seed: u64) -> Lap {
    let mut gen = Gen::new(s.big_convs, seed);
    gen.n = 1_000_000_000; // later than everything stored
    for start in (0..s.big_convs).step_by(1000) {
        let b: Vec<IncomingMessage> = (start..(start + 1000).min(s.big_convs))
            .map(|c| gen.message(Some(c)).1)
            .collect();
        e.receive(b).unwrap();
    }
    e.drain_changes();
    let w = Watch::start();
    e.flush_rows().unwrap();
    w.lap()
}

/// Times `f` over `iters` calls, `rounds` times; median (wall, on-CPU) ns
/// per call.
fn ns_per_call(rounds: usize, iters: u64, mut f: impl FnMut() -> u64) -> (f64, f64) {
    let laps: Vec<Lap> = (0..rounds)
        .map(|_| {
            let w = Watch::start();
            let mut acc = 0u64;
            for _ in 0..iters {
                acc = acc.wrapping_add(black_box(f()));
            }
            black_box(acc);
            w.lap()
        })
        .collect();
    let per = |x: f64| x * 1e6 / iters as f64;
    (
        median(&mut laps.iter().map(|l| per(l.wall)).collect::<Vec<_>>()),
        median(&mut laps.iter().map(|l| per(l.cpu)).collect::<Vec<_>>()),
    )
}

fn reads_and_clean(s: &Sizes, dir: &Path, reads: bool, clean: bool, experiments: bool) {
    let mut e = Engine::open(dir, APP_ID, USER, s.config(Durability::Normal)).unwrap();
    if reads {
        let total = e.total_unread();
        assert!(total >= s.big_convs as u64);
        let rounds = 7;
        let t_total = ns_per_call(rounds, 20_000_000, || black_box(&e).total_unread());
        let f1 = ConversationFilter::of_type(ConvType::C2c);
        e.subscribe_filter(&f1).unwrap();
        let t_f1 = ns_per_call(rounds, 2_000_000, || {
            black_box(&mut e).unread_by_filter(black_box(&f1)).unwrap()
        });
        let many = filter_set(10);
        for f in &many {
            e.subscribe_filter(f).unwrap();
        }
        let last = many.last().unwrap().clone();
        let t_f10 = ns_per_call(rounds, 1_000_000, || {
            black_box(&mut e)
                .unread_by_filter(black_box(&last))
                .unwrap()
        });
        // What the host also sees: the total in the change batch of each
        // operation; reading the filter sum from memory is the sum itself.
        let t_unread_of = {
            let k = ConvKey::c2c(format!("user_{:07}", s.big_convs / 2)).unwrap();
            ns_per_call(rounds, 2_000_000, || {
                black_box(&e).unread_of(black_box(&k)).unwrap()
            })
        };
        for f in many.iter().chain([&f1]) {
            e.unsubscribe_filter(f).unwrap();
        }
        println!(
            "\n### 2. Reads with {} conversations ({} unread in total; median of {rounds} rounds)\n",
            s.big_convs, total
        );
        println!("| read | ns/call, on-CPU | ns/call, wall |");
        println!("|---|---:|---:|");
        for (name, (wall, cpu)) in [
            ("`total_unread()`", t_total),
            ("`unread_by_filter(f)`, f subscribed, 1 subscription", t_f1),
            (
                "`unread_by_filter(f)`, f the last of 11 subscriptions",
                t_f10,
            ),
            ("`unread_of(key)` (for reference)", t_unread_of),
        ] {
            println!("| {name} | {cpu:.1} | {wall:.1} |");
        }
    }
    if clean {
        let mut clean_ms = Vec::new();
        let mut drain_ms = Vec::new();
        let mut outbox_ms = Vec::new();
        let mut wchar = Vec::new();
        let mut flush_ms = Vec::new();
        for rep in 0..2 * s.reps {
            // The second half runs with a transport attached: the clean then
            // also queues one envelope with every moved read position.
            let outbox = rep >= s.reps;
            e.set_outbox_enabled(outbox);
            if rep > 0 {
                flush_ms.push(refill_unread(&mut e, s, 1000 + rep as u64));
            }
            assert!(e.total_unread() >= s.big_convs as u64);
            let io0 = io_now();
            let w = Watch::start();
            e.clean_unread(&CleanTarget::All, 0, 0).unwrap();
            let d1 = w.lap();
            let ch = e.drain_changes();
            assert_eq!(ch.len(), 1);
            assert_eq!(ch[0].changed.len(), s.big_convs);
            drop(ch);
            let d2 = w.lap();
            let io1 = io_now();
            assert_eq!(e.total_unread(), 0);
            eprintln!(
                "  [rep {}/{}] clean all{}: {:.1} ms own time ({:.1} wall, {:.1} CPU)",
                rep % s.reps + 1,
                s.reps,
                if outbox { " (outbox on)" } else { "" },
                d1.own(),
                d1.wall,
                d1.cpu
            );
            if outbox {
                outbox_ms.push(d1);
                continue;
            }
            clean_ms.push(d1);
            drain_ms.push(d2);
            wchar.push((io1.wchar - io0.wchar) as f64 / 1e6);
        }
        let own: Vec<f64> = clean_ms.iter().map(Lap::own).collect();
        let lo = own.iter().copied().fold(f64::MAX, f64::min);
        let hi = own.iter().copied().fold(0.0, f64::max);
        let med = |v: &[Lap], f: fn(&Lap) -> f64| median(&mut v.iter().map(f).collect::<Vec<_>>());
        println!(
            "\n### 3. `clean_unread(&CleanTarget::All, 0, 0)` over {} unread conversations (median of {})\n",
            s.big_convs, s.reps
        );
        println!("| measure | own time ms | min..max | wall ms | on-CPU ms |");
        println!("|---|---:|---:|---:|---:|");
        println!(
            "| clean_unread (commit included) | {:.1} | {lo:.1}..{hi:.1} | {:.1} | {:.1} |",
            med(&clean_ms, Lap::own),
            med(&clean_ms, |l| l.wall),
            med(&clean_ms, |l| l.cpu)
        );
        println!(
            "| clean_unread + drain_changes | {:.1} | | {:.1} | {:.1} |",
            med(&drain_ms, Lap::own),
            med(&drain_ms, |l| l.wall),
            med(&drain_ms, |l| l.cpu)
        );
        println!(
            "| clean_unread with a transport attached (outbox on: one envelope of {} read positions) | {:.1} | | {:.1} | {:.1} |",
            s.big_convs,
            med(&outbox_ms, Lap::own),
            med(&outbox_ms, |l| l.wall),
            med(&outbox_ms, |l| l.cpu)
        );
        println!();
        println!(
            "Bytes written by one clean without the outbox (wchar): {:.1} MB.",
            median(&mut wchar)
        );
        println!(
            "Untimed above, for reference: the flush of the rows the refill's receives left \
             pending (`flush_rows`), median {:.1} ms own time, {:.1} ms on-CPU.",
            med(&flush_ms, Lap::own),
            med(&flush_ms, |l| l.cpu)
        );
        if experiments {
            drop(e);
            clean_sql_experiments(s, dir);
        }
    }
}

/// What the SQL of a clean-all costs by itself, on the big store: the
/// engine's per-row 16-column UPDATE, a per-row UPDATE of the 4 columns a
/// clean changes, and one set-based UPDATE (each one transaction).
fn clean_sql_experiments(s: &Sizes, dir: &Path) {
    let db = imcore::store::db_path(dir, APP_ID, USER).unwrap();
    let cfg = s.config(Durability::Normal);
    let conn = imcore::store::open(&db, USER, &cfg).unwrap();
    let ids: Vec<(i64, i64)> = conn
        .prepare("SELECT id, max_pos FROM conversation WHERE visible = 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut results: Vec<(&str, Vec<f64>)> = vec![
        ("per-row UPDATE, 16 columns (as Work::finish)", vec![]),
        (
            "per-row UPDATE, 4 columns (read_pos, unread, at_flags, update_time)",
            vec![],
        ),
        (
            "one set-based UPDATE ... WHERE unread > 0 OR at_flags != 0",
            vec![],
        ),
    ];
    for rep in 0..s.reps {
        for (i, (_, v)) in results.iter_mut().enumerate() {
            // Make every row unread again, outside the timing.
            conn.execute("UPDATE conversation SET unread = 1, read_pos = 0", [])
                .unwrap();
            let w = Watch::start();
            let tx = conn.unchecked_transaction().unwrap();
            match i {
                0 => {
                    let mut u = tx
                        .prepare(
                            "UPDATE conversation SET visible = ?2, group_type = ?3, recv_opt = ?4,
                                 unread = ?5, at_flags = ?6, read_pos = ?7, max_pos = ?8,
                                 last_msg = ?9, last_pos = ?10, active_time = ?11,
                                 order_key = ?12, pinned = ?13, marks = ?14,
                                 peer_read_time = ?15, update_time = ?16
                             WHERE id = ?1",
                        )
                        .unwrap();
                    for &(id, max_pos) in &ids {
                        u.execute(params![
                            id,
                            true,
                            None::<i64>,
                            0i64,
                            0i64,
                            0i64,
                            max_pos,
                            max_pos,
                            id,
                            max_pos,
                            max_pos >> 20,
                            max_pos,
                            false,
                            0i64,
                            0i64,
                            rep as i64
                        ])
                        .unwrap();
                    }
                }
                1 => {
                    let mut u = tx
                        .prepare(
                            "UPDATE conversation SET read_pos = ?2, unread = 0, at_flags = 0,
                                 update_time = ?3 WHERE id = ?1",
                        )
                        .unwrap();
                    for &(id, max_pos) in &ids {
                        u.execute(params![id, max_pos, rep as i64]).unwrap();
                    }
                }
                _ => {
                    tx.execute(
                        "UPDATE conversation SET read_pos = max_pos, unread = 0, at_flags = 0,
                             update_time = ?1
                         WHERE visible = 1 AND (unread > 0 OR at_flags != 0)",
                        [rep as i64],
                    )
                    .unwrap();
                }
            }
            tx.commit().unwrap();
            v.push(w.lap().own());
        }
    }
    println!(
        "\nThe SQL of a clean-all alone ({} rows, one transaction, median of {}):\n",
        ids.len(),
        s.reps
    );
    println!("| statement | own time ms |");
    println!("|---|---:|");
    for (name, mut v) in results {
        println!("| {name} | {:.1} |", median(&mut v));
    }
}

/// The child side of section 4: opens the store in a fresh process and
/// prints `OPEN <ms> <rss before> <rss after> <anon before> <anon after> <heap> <sqlite heap> <convs>`.
fn child_open(dir: &Path) {
    let cfg = Sizes::from_env().config(Durability::Normal);
    let (rss0, anon0) = rss_now();
    let heap0 = HEAP.load(Ordering::Relaxed);
    let sq0 = sqlite_heap();
    let w = Watch::start();
    let e = Engine::open(dir, APP_ID, USER, cfg).unwrap();
    let d = w.lap();
    let (rss1, anon1) = rss_now();
    let heap1 = HEAP.load(Ordering::Relaxed);
    let sq1 = sqlite_heap();
    let n = e.conversation_count();
    println!(
        "OPEN {} {rss0} {rss1} {anon0} {anon1} {} {} {n} {} {}",
        d.wall,
        heap1 - heap0,
        sq1 - sq0,
        d.own(),
        d.cpu
    );
    drop(black_box(e));
}

/// The child side of the open split: `PRAGMA quick_check` alone, then the
/// engine's conversation load query alone, each timed; prints `SPLIT <ms> <ms>`.
fn child_split(dir: &Path) {
    let db = imcore::store::db_path(dir, APP_ID, USER).unwrap();
    let cold = std::env::var("IMCORE_BENCH_CHILD_COLD").is_ok_and(|v| v == "1");
    let evict_if_cold = || {
        if cold {
            evict_from_page_cache(&db);
        }
    };
    evict_if_cold();
    let c = Connection::open(&db).unwrap();
    let w = Watch::start();
    let q: String = c.query_row("PRAGMA quick_check", [], |r| r.get(0)).unwrap();
    assert_eq!(q, "ok");
    let d_check = w.lap().own();
    evict_if_cold();
    let w = Watch::start();
    for table in ["meta", "conversation", "conv_group", "conv_group_member"] {
        let q: String = c
            .query_row(&format!("PRAGMA quick_check({table})"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(q, "ok");
    }
    let d_scoped = w.lap().own();
    evict_if_cold();
    let w = Watch::start();
    let mut stmt = c
        .prepare(
            "SELECT id, conv_type, peer, visible, group_type, recv_opt, unread, at_flags,
                    read_pos, max_pos, last_msg, last_pos, active_time, order_key, pinned,
                    marks, peer_read_time
             FROM conversation ORDER BY id",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut acc = 0i64;
    while let Some(r) = rows.next().unwrap() {
        let peer: String = r.get(2).unwrap();
        acc = acc.wrapping_add(r.get::<_, i64>(0).unwrap() + peer.len() as i64);
        for i in 9..14 {
            acc = acc.wrapping_add(r.get::<_, Option<i64>>(i).unwrap().unwrap_or(0));
        }
    }
    black_box(acc);
    let d_scan = w.lap().own();
    println!("SPLIT {d_check} {d_scan} {d_scoped}");
}

/// Runs this bench binary as a child with `envs` and returns the numbers
/// of its stdout line that starts with `tag`.
fn child_figures(envs: &[(&str, &std::ffi::OsStr)], tag: &str) -> Vec<f64> {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(tag)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("child failed: {}", String::from_utf8_lossy(&out.stderr)));
    line.split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect()
}

fn spawn_split(dir: &Path, cold: bool) -> (f64, f64, f64) {
    let cold = if cold { "1" } else { "0" };
    let f = child_figures(
        &[
            ("IMCORE_BENCH_CHILD_SPLIT", dir.as_os_str()),
            ("IMCORE_BENCH_CHILD_COLD", cold.as_ref()),
        ],
        "SPLIT",
    );
    (f[0], f[1], f[2])
}

struct OpenRun {
    ms: f64,
    own: f64,
    cpu: f64,
    rss: f64,
    anon: f64,
    heap: f64,
    sqlite: f64,
}

fn spawn_open(dir: &Path) -> OpenRun {
    let f = child_figures(&[("IMCORE_BENCH_CHILD_OPEN", dir.as_os_str())], "OPEN");
    OpenRun {
        ms: f[0],
        own: f[8],
        cpu: f[9],
        rss: f[2] - f[1],
        anon: f[4] - f[3],
        heap: f[5],
        sqlite: f[6],
    }
}

/// Open after a crash: the rows and keys of up to `lazy_row_messages`
/// received messages were never written, so the open replays them. The
/// engine is leaked instead of dropped (a drop would write them), as a
/// killed process leaves it; each timed open is leaked too, so every open
/// sees the same tail.
fn crash_open_section(s: &Sizes) {
    let tail = EngineConfig::default().lazy_row_messages - 1000;
    let flushed = 100_000;
    let mut rows = Vec::new();
    for with_tail in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut gen = Gen::new(s.convs, 7);
        let mut e = Engine::open(dir.path(), APP_ID, USER, s.config(Durability::Normal)).unwrap();
        for _ in 0..flushed / 1000 {
            e.receive(gen.batch(1000)).unwrap();
        }
        e.flush_rows().unwrap();
        if with_tail {
            for _ in 0..tail / 1000 {
                e.receive(gen.batch(1000)).unwrap();
            }
        }
        e.drain_changes();
        let total = e.total_unread();
        std::mem::forget(e);
        let mut own = Vec::new();
        let mut cpu = Vec::new();
        for _ in 0..s.reps.max(3) {
            let w = Watch::start();
            let e = Engine::open(dir.path(), APP_ID, USER, s.config(Durability::Normal)).unwrap();
            let lap = w.lap();
            assert_eq!(e.total_unread(), total);
            std::mem::forget(e);
            own.push(lap.own());
            cpu.push(lap.cpu);
        }
        rows.push((
            if with_tail { tail } else { 0 },
            median(&mut own),
            median(&mut cpu),
        ));
    }
    println!(
        "\n### 4b. Open after a crash: {} conversations, {flushed} messages written, plus a tail of received messages whose rows and keys were not (median of {})\n",
        s.convs,
        s.reps.max(3)
    );
    println!("| tail (messages replayed) | open ms, own time | on-CPU ms |");
    println!("|---:|---:|---:|");
    for (t, o, c) in rows {
        println!("| {t} | {o:.1} | {c:.1} |");
    }
}

fn open_section(s: &Sizes, dir: &Path, build: Duration) {
    let db = imcore::store::db_path(dir, APP_ID, USER).unwrap();
    let size = file_len(&db);
    let n = s.big_convs as f64;
    let mut rows = Vec::new();
    let mut splits = Vec::new();
    for cold in [true, false] {
        let mut runs = Vec::new();
        if !cold {
            spawn_open(dir); // warm the OS page cache
        }
        for rep in 0..s.reps {
            if cold {
                evict_from_page_cache(&db);
                evict_from_page_cache(&wal_of(&db));
            }
            let r = spawn_open(dir);
            eprintln!(
                "  [rep {}/{}] open ({}): {:.1} ms",
                rep + 1,
                s.reps,
                if cold { "cold" } else { "warm" },
                r.ms
            );
            runs.push(r);
        }
        let mut checks = Vec::new();
        let mut scans = Vec::new();
        let mut scoped = Vec::new();
        for _ in 0..s.reps {
            let (c, sc, sco) = spawn_split(dir, cold);
            checks.push(c);
            scans.push(sc);
            scoped.push(sco);
        }
        splits.push((
            cold,
            median(&mut checks),
            median(&mut scans),
            median(&mut scoped),
        ));
        let med = |f: &dyn Fn(&OpenRun) -> f64| median(&mut runs.iter().map(f).collect::<Vec<_>>());
        rows.push((
            cold,
            med(&|r| r.own),
            runs.iter().map(|r| r.own).fold(f64::MAX, f64::min),
            runs.iter().map(|r| r.own).fold(0.0, f64::max),
            med(&|r| r.ms),
            med(&|r| r.cpu),
            med(&|r| r.rss) / n,
            med(&|r| r.anon) / n,
            med(&|r| r.heap) / n,
            med(&|r| r.sqlite) / n,
        ));
    }
    println!(
        "\n### 4. `Engine::open` of {} conversations / {} messages (db file {:.0} MB; built in {:.1} s; fresh process per open, median of {})\n",
        s.big_convs,
        s.big_msgs,
        size as f64 / 1e6,
        build.as_secs_f64(),
        s.reps
    );
    println!("| OS page cache | open ms, own time | min..max | open ms, wall | on-CPU ms | VmRSS Δ B/conv | RssAnon Δ B/conv | Rust heap B/conv | SQLite heap B/conv |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (cold, m, lo, hi, wall, cpu, rss, anon, heap, sq) in rows {
        println!(
            "| {} | {m:.1} | {lo:.1}..{hi:.1} | {wall:.1} | {cpu:.1} | {rss:.0} | {anon:.0} | {heap:.0} | {sq:.0} |",
            if cold { "cold (file evicted)" } else { "warm" }
        );
    }
    println!(
        "\nWhere open's time goes (same store, fresh process each, median of {}):\n",
        s.reps
    );
    println!("| OS page cache | `PRAGMA quick_check` (whole file) ms | `quick_check` of the 4 tables open loads ms | conversation load query alone ms |");
    println!("|---|---:|---:|---:|");
    for (cold, c, sc, sco) in splits {
        println!(
            "| {} | {c:.1} | {sco:.1} | {sc:.1} |",
            if cold { "cold (file evicted)" } else { "warm" }
        );
    }
}

// ---------------------------------------------------------------------------

fn main() {
    if let Ok(dir) = std::env::var("IMCORE_BENCH_CHILD_OPEN") {
        child_open(Path::new(&dir));
        return;
    }
    if let Ok(dir) = std::env::var("IMCORE_BENCH_CHILD_SPLIT") {
        child_split(Path::new(&dir));
        return;
    }
    let s = Sizes::from_env();
    let experiments = std::env::var("IMCORE_BENCH_EXPERIMENTS").is_ok_and(|v| v == "1");
    let started = Instant::now();
    println!(
        "imcore engine bench: {} sizes, {} reps; {}",
        if s.full { "FULL" } else { "default" },
        s.reps,
        machine()
    );
    let d = EngineConfig::default();
    println!("load average at start: {}", loadavg());
    println!(
        "pragmas: cache_kib {}, wal_autocheckpoint {}, page_size {}",
        s.cache_kib.unwrap_or(d.cache_kib),
        s.autocheckpoint.unwrap_or(d.wal_autocheckpoint),
        s.page_size.unwrap_or(4096)
    );
    if section_on("ingest") {
        ingest_section(&s, experiments);
    }
    let (reads, clean, open) = (section_on("reads"), section_on("clean"), section_on("open"));
    if reads || clean || open {
        let tmp = tempfile::tempdir().unwrap();
        let dir =
            std::env::var_os("IMCORE_BENCH_STORE").map_or(tmp.path().to_owned(), PathBuf::from);
        let build = if imcore::store::db_path(&dir, APP_ID, USER).unwrap().exists() {
            eprintln!("reusing the big store in {}", dir.display());
            Duration::ZERO
        } else {
            std::fs::create_dir_all(&dir).unwrap();
            eprintln!(
                "building the big store: {} conversations, {} messages",
                s.big_convs, s.big_msgs
            );
            build_big_store(&s, &dir)
        };
        if open {
            open_section(&s, &dir, build);
            crash_open_section(&s);
        }
        if reads || clean {
            reads_and_clean(&s, &dir, reads, clean, experiments);
        }
    }
    if section_on("filters") {
        filters_section(&s);
    }
    println!(
        "\ndone in {:.1} s; load average at end: {}",
        started.elapsed().as_secs_f64(),
        loadavg()
    );
}

/// The 1, 5 and 15 minute load averages (other work on this machine).
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores, SQLite {}", rusqlite::version())
}
