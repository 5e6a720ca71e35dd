//! One device: imcore (C ABI) with the Rust host-side transport to a relay.
//!
//! `relay-device --relay ws://127.0.0.1:7070 --user alice --device phone --data DIR`
//! (also `relay-demo device …`, so that the demo needs one binary).
//!
//! Commands on stdin, one per line (each answered by `ok …` or `error …`):
//! `send PEER TEXT…` (C2C), `gsend GROUP TEXT…`, `read CONV_V2_ID`,
//! `group GROUP MEMBER,MEMBER…` (sets a roster on the relay), `state`,
//! `quit`. Prints `state {…}` whenever the list or the badge changes,
//! `receipt […]` when a receipt of my messages arrives.

use crate::host;
use std::io::BufRead;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn command(line: &str) -> Result<String, String> {
    let mut parts = line.splitn(3, ' ');
    let cmd = parts.next().unwrap_or("");
    let a = parts.next().unwrap_or("");
    let rest = parts.next().unwrap_or("");
    match cmd {
        "send" => host::send_text(a, 1, rest),
        "gsend" => host::send_text(a, 2, rest),
        "read" => host::read(a).map(|()| a.to_owned()),
        "group" => {
            let members: Vec<&str> = rest.split(',').filter(|m| !m.is_empty()).collect();
            host::frame(serde_json::json!({"type": "group", "group_id": a, "members": members}));
            Ok(a.to_owned())
        }
        "state" => Ok(host::state().to_string()),
        _ => Err(format!("unknown command {cmd:?}")),
    }
}

/// The device program: `args` are its command-line arguments (without the
/// program name). Returns the exit code.
pub fn main_with(args: &[String]) -> i32 {
    let (Some(url), Some(user), Some(device), Some(data)) = (
        arg(args, "--relay"),
        arg(args, "--user"),
        arg(args, "--device"),
        arg(args, "--data"),
    ) else {
        eprintln!("usage: relay-device --relay WS_URL --user USER --device DEVICE --data DIR");
        return 2;
    };
    let data = std::path::PathBuf::from(data);
    let _ = std::fs::create_dir_all(&data);
    let events = match host::start_imcore(&data, &user, &device) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let conn = rt.spawn(host::run(url, user, device, events));
    host::say("ready");
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "quit" {
            break;
        }
        match command(line) {
            Ok(out) => host::say(&format!("ok {line} -> {out}")),
            Err(e) => host::say(&format!("error {line}: {e}")),
        }
    }
    host::stop();
    conn.abort();
    host::say("bye");
    0
}
