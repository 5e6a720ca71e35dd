//! Clocks, samples and the Markdown tables the bench prints.

use std::sync::OnceLock;
use std::time::Instant;

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Nanoseconds since the first call (one clock for every thread, so a
/// callback's stamp and the caller's can be subtracted).
pub fn now_ns() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// Latency samples in ns.
#[derive(Debug, Default, Clone)]
pub struct Samples(pub Vec<u64>);

impl Samples {
    /// Room for `n` samples.
    pub fn with_capacity(n: usize) -> Self {
        Samples(Vec::with_capacity(n))
    }

    /// Adds one sample.
    pub fn push(&mut self, ns: u64) {
        self.0.push(ns);
    }

    /// The sorted samples' p50 / p99 / max (ns), and the count.
    pub fn summary(&self) -> Summary {
        let mut v = self.0.clone();
        v.sort_unstable();
        let at = |q: f64| {
            if v.is_empty() {
                0
            } else {
                v[((v.len() - 1) as f64 * q).round() as usize]
            }
        };
        Summary {
            n: v.len(),
            p50: at(0.5),
            p99: at(0.99),
            max: v.last().copied().unwrap_or(0),
        }
    }
}

/// Percentiles of a [`Samples`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// Number of samples.
    pub n: usize,
    /// Median, ns.
    pub p50: u64,
    /// 99th percentile, ns.
    pub p99: u64,
    /// Largest, ns.
    pub max: u64,
}

/// ns as µs with a precision that suits the size.
pub fn us(ns: u64) -> String {
    let v = ns as f64 / 1000.0;
    if v < 10.0 {
        format!("{v:.2}")
    } else if v < 1000.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// A ratio to one decimal (two below 10).
pub fn ratio(a: u64, b: u64) -> String {
    if b == 0 {
        return "–".into();
    }
    let r = a as f64 / b as f64;
    if r < 10.0 {
        format!("{r:.2}×")
    } else {
        format!("{r:.0}×")
    }
}

/// The header of a latency table.
pub fn latency_header(title: &str) {
    println!("\n{title}\n");
    println!("| measure | samples | p50 µs | p99 µs | max µs | floor | floor p50 µs | floor p99 µs | p50 / floor p50 |");
    println!("|---|---:|---:|---:|---:|---|---:|---:|---:|");
}

/// One row of a latency table, beside its floor.
pub fn latency_row(what: &str, s: Summary, floor_name: &str, f: Summary) {
    println!(
        "| {what} | {} | {} | {} | {} | {floor_name} | {} | {} | {} |",
        s.n,
        us(s.p50),
        us(s.p99),
        us(s.max),
        us(f.p50),
        us(f.p99),
        ratio(s.p50, f.p50)
    );
}

/// The load average (1, 5, 15 minutes) as printed in the tables.
pub fn loadavg() -> String {
    let t = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    t.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// This thread's scheduler clock (`/proc/thread-self/schedstat`): ns on a
/// CPU and ns runnable but waiting for a CPU held by another process.
pub fn sched() -> (u64, u64) {
    let t = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let mut it = t.split_whitespace().map(|x| x.parse::<u64>().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

/// The whole process's CPU time (user + system, all threads), in ns.
pub fn process_cpu_ns() -> u64 {
    let t = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses).
    let rest = t.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the line: 11 and 12 after ')'.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    ticks * 10_000_000 // USER_HZ = 100 on Linux
}

/// Wall time, own time (wall − this thread's run-queue wait) and CPU (this
/// thread, and the process) of a region, in ns.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lap {
    /// Wall clock.
    pub wall: u64,
    /// Wall minus the calling thread's run-queue wait.
    pub own: u64,
    /// The calling thread's time on a CPU.
    pub cpu: u64,
    /// Every thread of the process, on a CPU (10 ms ticks).
    pub process_cpu: u64,
}

/// A stopwatch with the scheduler clocks beside the wall clock.
pub struct Watch {
    t: u64,
    cpu: u64,
    wait: u64,
    pcpu: u64,
}

impl Watch {
    /// Starts.
    pub fn start() -> Self {
        let (cpu, wait) = sched();
        Watch {
            t: now_ns(),
            cpu,
            wait,
            pcpu: process_cpu_ns(),
        }
    }

    /// What passed since the start.
    pub fn lap(&self) -> Lap {
        let wall = now_ns() - self.t;
        let (cpu, wait) = sched();
        Lap {
            wall,
            own: wall.saturating_sub(wait - self.wait),
            cpu: cpu - self.cpu,
            process_cpu: process_cpu_ns() - self.pcpu,
        }
    }
}
