//! Driving device processes (`relay-device`) from the demo and the tests.

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a device gets for anything.
pub const WAIT: Duration = Duration::from_secs(20);

/// A device process driven through its stdin, its stdout lines collected.
pub struct Device {
    /// `user/device`.
    pub name: String,
    child: Child,
    stdin: ChildStdin,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Device {
    /// Starts `bin` (the relay-device program) for `user`'s `device`.
    pub fn start(bin: &Path, ws: u16, user: &str, device: &str, data: &Path) -> Device {
        let mut cmd = Command::new(bin);
        cmd.args(["--relay", &format!("ws://127.0.0.1:{ws}")])
            .args([
                "--user",
                user,
                "--device",
                device,
                "--data",
                data.to_str().unwrap_or("."),
            ]);
        Device::start_command(cmd, &format!("{user}/{device}"))
    }

    /// Starts any program that speaks the device line protocol (the C#
    /// device, say) and waits for its `ready`.
    pub fn start_command(mut cmd: Command, name: &str) -> Device {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("a device starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().expect("piped stdout");
        let l = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                l.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            }
        });
        let stdin = child.stdin.take().expect("piped stdin");
        let d = Device {
            name: name.to_owned(),
            child,
            stdin,
            lines,
        };
        d.wait_line(|l| l == "ready", "ready");
        d
    }

    /// Waits for (and returns) the newest line that satisfies `pred`.
    pub fn wait_line(&self, pred: impl Fn(&str) -> bool, what: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(l) = self.lines.lock().unwrap().iter().rev().find(|l| pred(l)) {
                return l.clone();
            }
            assert!(
                start.elapsed() < WAIT,
                "{}: no line {what}; lines: {:#?}",
                self.name,
                self.lines.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs a command and waits for its `ok` line.
    pub fn cmd(&mut self, c: &str) -> String {
        let before = self.lines.lock().unwrap().len();
        writeln!(self.stdin, "{c}").unwrap();
        self.stdin.flush().unwrap();
        let start = Instant::now();
        loop {
            let found = self.lines.lock().unwrap()[before..]
                .iter()
                .find(|l| l.starts_with(&format!("ok {c}")) || l.starts_with(&format!("error {c}")))
                .cloned();
            if let Some(l) = found {
                assert!(l.starts_with("ok"), "{}: {l}", self.name);
                return l;
            }
            assert!(start.elapsed() < WAIT, "{}: no answer to {c}", self.name);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The device's current state (asked now).
    pub fn state(&mut self) -> Value {
        let l = self.cmd("state");
        serde_json::from_str(l.split_once(" -> ").unwrap().1).unwrap()
    }

    /// Waits until the device's state satisfies `pred`.
    pub fn wait_state(&mut self, pred: impl Fn(&Value) -> bool, what: &str) -> Value {
        let start = Instant::now();
        loop {
            let st = self.state();
            if pred(&st) {
                return st;
            }
            assert!(
                start.elapsed() < WAIT,
                "{}: state never {what}; last {st}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Quits (logout, uninit) and waits for the process to end.
    pub fn quit(mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.stdin.flush();
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("{} did not quit", self.name);
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A conversation's unread count in a device state (-1 if absent).
pub fn unread(st: &Value, conv: &str) -> i64 {
    st["convs"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == conv))
        .and_then(|c| c["unread"].as_i64())
        .unwrap_or(-1)
}
