//! The relay server: WebSocket connections of devices (and of the demo
//! page), each device reading its user's stream from its cursor.
//!
//! Frames (JSON text), device → relay:
//! - `{"type":"hello","user":U,"device":D}` first; the relay answers with a
//!   `push` of everything after the device's cursor between
//!   `{"kind":"sync","phase":"start"}` and `…"finish"`, then live pushes;
//! - `{"type":"envelope","envelope":{…}}`: an outbound envelope
//!   (docs/TRANSPORT.md); answered by `{"type":"ack","ack":{…}}`;
//! - `{"type":"cursor","pos":N}`: the device applied everything up to `N`
//!   (its push callback reported 0), so the relay moves its cursor;
//! - `{"type":"group","group_id":G,"members":[…]}`: sets a roster (demo);
//! - `{"type":"state","state":{…}}`: the device's list and badge, shown on
//!   the demo page.
//!
//! relay → device: `{"type":"push","pos":N,"envelopes":[…]}` and acks.
//! A page connects with `{"type":"ui"}` and receives
//! `{"type":"states","devices":[…]}` whenever a device's state changes.
//!
//! The store is used under a mutex from the async tasks (each use is one
//! short SQLite transaction): fine for an example, not for a busy server.

use crate::protocol;
use crate::store::Store;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

/// How many stream entries one push carries at most.
const PUSH_BATCH: usize = 500;

/// The demo page (served on the HTTP address).
const PAGE: &str = include_str!("../static/index.html");

/// Shared state of a running relay.
pub struct Relay {
    store: Mutex<Store>,
    /// Per user: a counter bumped when the user's stream grows.
    wake: Mutex<HashMap<String, watch::Sender<u64>>>,
    /// Each device's last reported state (for the page).
    states: Mutex<BTreeMap<String, Value>>,
    ui: watch::Sender<String>,
}

/// Where a started relay listens.
#[derive(Debug, Clone, Copy)]
pub struct Addrs {
    /// WebSocket address of devices and the page.
    pub ws: SocketAddr,
    /// HTTP address of the demo page.
    pub http: SocketAddr,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Relay {
    fn waker(&self, user: &str) -> watch::Receiver<u64> {
        lock(&self.wake)
            .entry(user.to_owned())
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }

    fn wake(&self, users: &[String]) {
        let mut w = lock(&self.wake);
        for u in users {
            w.entry(u.clone())
                .or_insert_with(|| watch::channel(0).0)
                .send_modify(|n| *n += 1);
        }
    }

    fn set_state(&self, key: String, state: Value) {
        let all = {
            let mut s = lock(&self.states);
            s.insert(key, state);
            json!({"type": "states", "devices": s.values().collect::<Vec<_>>()}).to_string()
        };
        // send_replace: kept even while no page is connected.
        self.ui.send_replace(all);
    }
}

/// Starts a relay on `ws` and `http` (port 0: any free port) with its
/// database at `db`; runs until the returned handle is aborted.
pub async fn start(
    db: PathBuf,
    ws: &str,
    http: &str,
) -> std::io::Result<(Addrs, tokio::task::JoinHandle<()>)> {
    let store = Store::open(&db).map_err(std::io::Error::other)?;
    let relay = Arc::new(Relay {
        store: Mutex::new(store),
        wake: Mutex::new(HashMap::new()),
        states: Mutex::new(BTreeMap::new()),
        ui: watch::channel(json!({"type": "states", "devices": []}).to_string()).0,
    });
    let ws_listener = TcpListener::bind(ws).await?;
    let http_listener = TcpListener::bind(http).await?;
    let addrs = Addrs {
        ws: ws_listener.local_addr()?,
        http: http_listener.local_addr()?,
    };
    let page = PAGE.replace("__WS_URL__", &format!("ws://{}", addrs.ws));
    let r = relay.clone();
    let task = tokio::spawn(async move {
        let serve_http = async {
            while let Ok((stream, _)) = http_listener.accept().await {
                let page = page.clone();
                tokio::spawn(async move {
                    let _ = serve_page(stream, &page).await;
                });
            }
        };
        let serve_ws = async {
            while let Ok((stream, _)) = ws_listener.accept().await {
                let r = r.clone();
                tokio::spawn(async move {
                    if let Err(e) = connection(r, stream).await {
                        eprintln!("relay: connection ended: {e}");
                    }
                });
            }
        };
        tokio::join!(serve_http, serve_ws);
    });
    Ok((addrs, task))
}

/// Answers any HTTP request with the page (GET /) or 404.
async fn serve_page(mut stream: TcpStream, page: &str) -> std::io::Result<()> {
    let mut buf = vec![0u8; 4096];
    let n = stream.read(&mut buf).await?;
    let head = String::from_utf8_lossy(&buf[..n]);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let (status, body) = if path == "/" || path.starts_with("/?") {
        ("200 OK", page)
    } else {
        ("404 Not Found", "not found")
    };
    let resp = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(resp.as_bytes()).await?;
    stream.shutdown().await
}

type Ws = tokio_tungstenite::WebSocketStream<TcpStream>;

fn text(v: &Value) -> Message {
    Message::text(v.to_string())
}

async fn connection(
    relay: Arc<Relay>,
    stream: TcpStream,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut ws = tokio_tungstenite::accept_async(stream).await?;
    let first = match ws.next().await {
        Some(Ok(Message::Text(t))) => serde_json::from_str::<Value>(&t)?,
        _ => return Ok(()),
    };
    match first.get("type").and_then(Value::as_str) {
        Some("ui") => ui(relay, ws).await,
        Some("hello") => {
            let user = first["user"].as_str().unwrap_or("").to_owned();
            let device = first["device"].as_str().unwrap_or("").to_owned();
            if user.is_empty() || device.is_empty() {
                ws.send(text(
                    &json!({"type": "error", "desc": "hello needs user and device"}),
                ))
                .await?;
                return Ok(());
            }
            device_loop(relay, ws, user, device).await
        }
        _ => Ok(()),
    }
}

async fn ui(relay: Arc<Relay>, mut ws: Ws) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut rx = relay.ui.subscribe();
    loop {
        let states = rx.borrow_and_update().clone();
        ws.send(Message::text(states)).await?;
        tokio::select! {
            changed = rx.changed() => if changed.is_err() { return Ok(()) },
            msg = ws.next() => if !matches!(msg, Some(Ok(_))) { return Ok(()) },
        }
    }
}

async fn device_loop(
    relay: Arc<Relay>,
    mut ws: Ws,
    user: String,
    device: String,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let key = format!("{user}/{device}");
    let mut wake = relay.waker(&user);
    // What was sent on this connection so far (the cursor moves when the
    // device confirms, so a push lost with the connection is sent again).
    let mut sent = lock(&relay.store).cursor(&user, &device)?;
    let mut first = true;
    let result = loop {
        // Everything after `sent`, in batches; the first round is the sync.
        loop {
            let entries = lock(&relay.store).read(&user, sent, PUSH_BATCH)?;
            let more = entries.len() == PUSH_BATCH;
            if entries.is_empty() && !first {
                break;
            }
            let mut envelopes: Vec<Value> = Vec::new();
            if first {
                envelopes.push(json!({"kind": "sync", "phase": "start"}));
            }
            for e in &entries {
                envelopes.push(serde_json::from_str(&e.envelope)?);
                sent = e.pos;
            }
            if first && !more {
                envelopes.push(json!({"kind": "sync", "phase": "finish"}));
                first = false;
            }
            ws.send(text(
                &json!({"type": "push", "pos": sent, "envelopes": envelopes}),
            ))
            .await?;
            if !more {
                break;
            }
        }
        tokio::select! {
            changed = wake.changed() => if changed.is_err() { break Ok(()) },
            msg = ws.next() => {
                let frame = match msg {
                    Some(Ok(Message::Text(t))) => serde_json::from_str::<Value>(&t)?,
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    _ => break Ok(()),
                };
                match frame.get("type").and_then(Value::as_str) {
                    Some("envelope") => {
                        let out = protocol::handle(&mut lock(&relay.store), &user, &device, &frame["envelope"], now())?;
                        relay.wake(&out.woken);
                        ws.send(text(&json!({"type": "ack", "ack": out.ack}))).await?;
                    }
                    Some("cursor") => {
                        if let Some(pos) = frame["pos"].as_i64() {
                            lock(&relay.store).set_cursor(&user, &device, pos)?;
                        }
                    }
                    Some("group") => {
                        let members: Vec<String> = frame["members"].as_array().map(|a| {
                            a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect()
                        }).unwrap_or_default();
                        let group = frame["group_id"].as_str().unwrap_or("");
                        if !group.is_empty() {
                            let told = protocol::set_group(&mut lock(&relay.store), group, &members)?;
                            relay.wake(&told);
                        }
                    }
                    Some("state") => {
                        let mut st = frame["state"].clone();
                        st["online"] = json!(true);
                        relay.set_state(key.clone(), st);
                    }
                    _ => {}
                }
            }
        }
    };
    let last = lock(&relay.states).get(&key).cloned();
    if let Some(mut st) = last {
        st["online"] = json!(false);
        relay.set_state(key, st);
    }
    result
}
