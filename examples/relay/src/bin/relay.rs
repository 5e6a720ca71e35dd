//! The relay server: `relay [--ws ADDR] [--http ADDR] [--db FILE]`
//! (defaults 127.0.0.1:7070, 127.0.0.1:7071, ./relay.db). Prints
//! `listening ws=… http=…` and runs until killed.

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let db = std::path::PathBuf::from(arg(&args, "--db", "relay.db"));
    let (addrs, task) = relay::server::start(
        db,
        &arg(&args, "--ws", "127.0.0.1:7070"),
        &arg(&args, "--http", "127.0.0.1:7071"),
    )
    .await?;
    println!("listening ws={} http={}", addrs.ws, addrs.http);
    let _ = task.await;
    Ok(())
}
