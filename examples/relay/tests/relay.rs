//! The relay end to end: the relay binary and device processes (imcore's C
//! ABI with the Rust host-side transport), driven through their stdin and
//! read from their `state` lines. Two devices of one user converge, a device
//! that was offline catches up, a relay killed and restarted loses nothing
//! it acknowledged.

use relay::drive::{unread, Device};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "relay-test-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn dev() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_relay-device"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Relay {
    child: Child,
}

impl Relay {
    fn start(db: &Path, ws: u16, http: u16) -> Relay {
        let mut child = Command::new(env!("CARGO_BIN_EXE_relay"))
            .args(["--db", db.to_str().unwrap()])
            .args([
                "--ws",
                &format!("127.0.0.1:{ws}"),
                "--http",
                &format!("127.0.0.1:{http}"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the relay starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.starts_with("listening"), "relay said {line:?}");
        Relay { child }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}

#[test]
fn two_devices_of_one_user_converge_and_one_read_clears_the_other_badge() {
    let dir = temp("converge");
    let (ws, http) = (free_port(), free_port());
    let _relay = Relay::start(&dir.join("relay.db"), ws, http);
    let mut phone = Device::start(dev(), ws, "alice", "phone", &dir.join("alice-phone"));
    let mut laptop = Device::start(dev(), ws, "alice", "laptop", &dir.join("alice-laptop"));
    let mut bob = Device::start(dev(), ws, "bob", "pc", &dir.join("bob"));

    bob.cmd("send alice lunch?");
    bob.cmd("send alice at noon");
    for d in [&mut phone, &mut laptop] {
        d.wait_state(
            |s| s["total"] == 2 && unread(s, "bob") == 2,
            "2 unread from bob",
        );
    }
    // One device reads: the other's badge clears, bob gets a receipt.
    phone.cmd("read c2c_bob");
    laptop.wait_state(
        |s| s["total"] == 0 && unread(s, "bob") == 0,
        "read on the phone",
    );
    bob.wait_line(
        |l| l.starts_with("receipt") && l.contains("\"msg_receipt_is_peer_read\":true"),
        "a receipt",
    );
    // A reply from the laptop reaches bob and shows on the phone as mine (no unread).
    laptop.cmd("send bob yes");
    bob.wait_state(
        |s| s["total"] == 1 && unread(s, "alice") == 1,
        "alice's reply",
    );
    phone.wait_state(
        |s| {
            s["convs"].as_array().is_some_and(|a| {
                a.iter()
                    .any(|c| c["id"] == "bob" && c["last"] == "yes" && c["unread"] == 0)
            })
        },
        "the laptop's reply as the last message",
    );
    for d in [phone, laptop, bob] {
        d.quit();
    }
}

#[test]
fn a_device_offline_for_a_while_catches_up() {
    let dir = temp("offline");
    let (ws, http) = (free_port(), free_port());
    let _relay = Relay::start(&dir.join("relay.db"), ws, http);
    let mut phone = Device::start(dev(), ws, "alice", "phone", &dir.join("alice-phone"));
    let laptop = Device::start(dev(), ws, "alice", "laptop", &dir.join("alice-laptop"));
    let mut bob = Device::start(dev(), ws, "bob", "pc", &dir.join("bob"));
    laptop.quit();
    for i in 0..5 {
        bob.cmd(&format!("send alice message {i}"));
    }
    phone.wait_state(|s| s["total"] == 5, "5 unread");
    phone.cmd("read c2c_bob");
    // C2C read positions are times in seconds (TIM's): a message of the same
    // second as the read counts as read on the other devices.
    std::thread::sleep(Duration::from_millis(1100));
    bob.cmd("send alice one more");
    // The laptop comes back with its store: it catches up to the same state
    // (the read on the phone included) and does not count anything twice.
    let mut laptop = Device::start(dev(), ws, "alice", "laptop", &dir.join("alice-laptop"));
    let st = laptop.wait_state(
        |s| s["total"] == 1 && unread(s, "bob") == 1,
        "caught up: 1 unread",
    );
    assert_eq!(st["convs"][0]["last"], "one more");
    phone.wait_state(|s| s["total"] == 1, "the phone agrees");
    for d in [phone, laptop, bob] {
        d.quit();
    }
}

#[test]
fn a_relay_restart_loses_nothing_it_acknowledged() {
    let dir = temp("restart");
    let (ws, http) = (free_port(), free_port());
    let db = dir.join("relay.db");
    let mut relay = Relay::start(&db, ws, http);
    let mut phone = Device::start(dev(), ws, "alice", "phone", &dir.join("alice-phone"));
    // Each send returns after the relay's ack.
    phone.cmd("send bob one");
    phone.cmd("send bob two");
    relay.kill();
    let mut relay = Relay::start(&db, ws, http);
    // bob connects only now: both acknowledged messages are there.
    let mut bob = Device::start(dev(), ws, "bob", "pc", &dir.join("bob"));
    bob.wait_state(|s| s["total"] == 2, "both messages after the restart");
    // The phone reconnected by itself and goes on.
    phone.cmd("send bob three");
    bob.wait_state(|s| s["total"] == 3, "a third after the reconnect");
    relay.kill();
    for d in [phone, bob] {
        d.quit();
    }
}

#[test]
fn a_csharp_device_and_a_rust_device_exchange_messages_and_receipts() {
    // Built by scripts/suites/relay.sh (mono, the IMCore.Unity package);
    // without it this test has nothing to run.
    let Some(exe) = std::env::var_os("IMCORE_RELAY_CSHARP_DEVICE") else {
        eprintln!(
            "skipped: IMCORE_RELAY_CSHARP_DEVICE is not set (scripts/suites/relay.sh sets it)"
        );
        return;
    };
    let dir = temp("csharp");
    let (ws, http) = (free_port(), free_port());
    let _relay = Relay::start(&dir.join("relay.db"), ws, http);
    let mut cmd = Command::new("mono");
    cmd.arg(&exe)
        .arg(format!("ws://127.0.0.1:{ws}"))
        .args(["alice", "unity"])
        .arg(dir.join("alice-unity"));
    let mut alice = Device::start_command(cmd, "alice/unity");
    let mut bob = Device::start(dev(), ws, "bob", "pc", &dir.join("bob"));
    bob.cmd("send alice hello from rust");
    alice.wait_state(
        |s| s["total"] == 1 && unread(s, "bob") == 1,
        "1 unread from bob",
    );
    alice.cmd("read c2c_bob");
    bob.wait_line(
        |l| l.starts_with("receipt") && l.contains("\"msg_receipt_is_peer_read\":true"),
        "a receipt",
    );
    alice.cmd("send bob hello from C#");
    bob.wait_state(
        |s| s["total"] == 1 && unread(s, "alice") == 1,
        "alice's message",
    );
    for d in [alice, bob] {
        d.quit();
    }
}
