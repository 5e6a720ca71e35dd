//! The demo, one command: a relay, two devices of alice (phone, laptop) and
//! bob's pc, each its own process with its own imcore store; a script of
//! messages, a group, reads and receipts, printing every device's badge
//! after each step; then the live page stays up until Ctrl-C.
//!
//! `cargo run --manifest-path examples/relay/Cargo.toml --bin relay-demo [-- --once] [--http ADDR] [--ws ADDR]`
//! (default page: http://127.0.0.1:7071/; `--once` exits after the script).

use relay::drive::{unread, Device};
use std::time::Duration;

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

fn badges(devices: &mut [&mut Device]) {
    let line: Vec<String> = devices
        .iter_mut()
        .map(|d| {
            let total = d.state()["total"].clone();
            format!("{}: {total}", d.name)
        })
        .collect();
    println!("   badges  {}", line.join("   "));
}

fn step(what: &str) {
    println!("\n== {what}");
    std::thread::sleep(Duration::from_millis(700));
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    // `relay-demo device …`: this binary is also the device program, so the
    // demo needs nothing but itself (`cargo run --bin relay-demo` builds one binary).
    if args.get(1).map(String::as_str) == Some("device") {
        std::process::exit(relay::device::main_with(&args[2..]));
    }
    tokio::runtime::Runtime::new()?.block_on(demo(args))
}

async fn demo(args: Vec<String>) -> std::io::Result<()> {
    let once = args.iter().any(|a| a == "--once");
    let dir = std::path::PathBuf::from(arg(&args, "--dir", "relay-demo-data"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let (addrs, server) = relay::server::start(
        dir.join("relay.db"),
        &arg(&args, "--ws", "127.0.0.1:7070"),
        &arg(&args, "--http", "127.0.0.1:7071"),
    )
    .await?;
    println!(
        "relay: devices on ws://{}, the live page on http://{}/",
        addrs.ws, addrs.http
    );
    let exe = std::env::current_exe()?;
    let ws = addrs.ws.port();
    let data = dir.clone();
    let start = move |user: &str, device: &str| {
        let mut cmd = std::process::Command::new(&exe);
        cmd.arg("device")
            .args(["--relay", &format!("ws://127.0.0.1:{ws}")])
            .args(["--user", user, "--device", device])
            .arg("--data")
            .arg(data.join(format!("{user}-{device}")));
        Device::start_command(cmd, &format!("{user}/{device}"))
    };
    let script = tokio::task::spawn_blocking(move || {
        let mut phone = start("alice", "phone");
        let mut laptop = start("alice", "laptop");
        let mut bob = start("bob", "pc");

        step("bob makes a group 'team' (alice, bob, carol) and writes to alice");
        bob.cmd("group team alice,bob,carol");
        bob.cmd("send alice lunch today?");
        bob.cmd("send alice the new place on 5th");
        bob.cmd("gsend team standup moved to 10:30");
        for d in [&mut phone, &mut laptop] {
            d.wait_state(|s| s["total"] == 3, "3 unread");
        }
        badges(&mut [&mut phone, &mut laptop, &mut bob]);

        step("alice opens bob's chat on her phone: the laptop's badge drops, bob gets a receipt");
        phone.cmd("read c2c_bob");
        laptop.wait_state(|s| unread(s, "bob") == 0, "bob read");
        let r = bob.wait_line(|l| l.starts_with("receipt"), "a receipt");
        println!("   bob's receipt: {r}");
        badges(&mut [&mut phone, &mut laptop, &mut bob]);

        step("alice answers from the laptop; the phone shows it as hers");
        laptop.cmd("send bob yes, 12:30");
        bob.wait_state(|s| s["total"] == 1, "alice's answer");
        badges(&mut [&mut phone, &mut laptop, &mut bob]);

        step("alice reads the group on the laptop: every badge of alice is 0");
        laptop.cmd("read group_team");
        phone.wait_state(|s| s["total"] == 0, "all read");
        badges(&mut [&mut phone, &mut laptop, &mut bob]);

        step("bob writes once more: both of alice's devices show 1");
        bob.cmd("send alice see you there");
        for d in [&mut phone, &mut laptop] {
            d.wait_state(|s| s["total"] == 1, "1 unread");
        }
        badges(&mut [&mut phone, &mut laptop, &mut bob]);
        (phone, laptop, bob)
    });
    let (phone, laptop, bob) = script.await.map_err(std::io::Error::other)?;
    if once {
        for d in [phone, laptop, bob] {
            d.quit();
        }
        server.abort();
        println!("\ndemo done");
        return Ok(());
    }
    println!("\nthe page: http://{}/  (Ctrl-C to stop)", addrs.http);
    // The devices stay up (their stdin is kept open) until the process ends.
    let _keep = (phone, laptop, bob);
    let _ = server.await;
    Ok(())
}
