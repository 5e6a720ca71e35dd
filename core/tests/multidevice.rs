//! A seeded multi-device simulator: two or three devices of one user, each
//! an engine with its outbox on, behind a model server that follows the
//! protocol of docs/TRANSPORT.md ("Several devices"): it acks, refuses some
//! changes, relays every accepted change to every device (the originator
//! included), delays, reorders and duplicates what it sends, takes devices
//! offline and syncs them when they come back. When every queue has drained,
//! every device must equal the server and each other: visibility, unread,
//! total, pin, marks, receive option, count preference, custom data,
//! extension, the read position's version and the read state of my
//! messages. The server merges read positions by (version, position), so a
//! mark-unread on one device moves every device back (scenario `MarkUnread`).
//!
//! `cargo test -p imcore --test multidevice -- --nocapture` prints the
//! divergence table; `IMCORE_SIM_SEEDS=2000` runs more seeds per cell (the
//! default keeps the whole table to a few seconds).

mod common;
use common::*;
use imcore::engine::{ConversationSync, InboundReceipt, Outbound, OutboundEnvelope, RosterOp};
use imcore::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

// ------------------------------------------------------------------ rng --

/// xorshift64*: small, seeded, the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

// ------------------------------------------------------------ scenarios --

/// What a run exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    /// Peer messages and cleans (one, all, mark-all); 10% of read positions
    /// refused (transiently).
    Reads,
    /// Pin, marks, receive option, custom data, extension; 20% refused.
    Settings,
    /// Reads and settings while devices go offline and sync back.
    Offline,
    /// My sends (10% refused) and the peers' receipts of them.
    Receipts,
    /// Deletes (with and without the messages) while messages arrive.
    Deletes,
    /// Device clocks up to 60 s off the server's, with sends and cleans.
    Skew,
    /// Mark-unread from random messages racing reads on every device; 10%
    /// of read positions refused (transiently); devices go offline.
    MarkUnread,
}

const SCENARIOS: [Scenario; 7] = [
    Scenario::Reads,
    Scenario::Settings,
    Scenario::Offline,
    Scenario::Receipts,
    Scenario::Deletes,
    Scenario::Skew,
    Scenario::MarkUnread,
];

/// The link between the server and the devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Delays, reorders and duplicates (10%).
    Disorder,
    /// Delivers in order, once.
    InOrder,
}

// --------------------------------------------------------------- server --

const ME: &str = "me";
const MEMBERS: [&str; 3] = ["u0", "u1", "u2"];

#[derive(Debug, Clone)]
struct SMsg {
    id: String,
    time: u64,
    seq: u64,
    from_me: bool,
    readers: BTreeSet<String>,
}

/// The server's state of one conversation.
#[derive(Debug, Clone)]
struct SConv {
    key: ConvKey,
    msgs: Vec<SMsg>,
    read_ts: u64,
    read_seq: u64,
    /// The read position's version: positions merge by (version, position).
    read_version: u64,
    pinned: bool,
    marks: u64,
    opt: ReceiveOpt,
    pref: CountPref,
    custom: String,
    ext: String,
    /// The server's version of the settings (its update time).
    version: u64,
    deleted: bool,
    next_seq: u64,
    peer_read_ts: u64,
}

impl SConv {
    fn new(key: ConvKey) -> Self {
        SConv {
            key,
            msgs: Vec::new(),
            read_ts: 0,
            read_seq: 0,
            read_version: 0,
            pinned: false,
            marks: 0,
            opt: ReceiveOpt::Receive,
            pref: CountPref::All,
            custom: String::new(),
            ext: String::new(),
            version: 0,
            deleted: false,
            next_seq: 1,
            peer_read_ts: 0,
        }
    }
    fn is_read(&self, m: &SMsg) -> bool {
        match self.key.conv_type {
            ConvType::C2c => m.time <= self.read_ts,
            ConvType::Group => m.seq <= self.read_seq,
        }
    }
    fn visible(&self) -> bool {
        !self.deleted && !self.msgs.is_empty()
    }
    fn unread(&self) -> u64 {
        self.msgs
            .iter()
            .filter(|m| !m.from_me && !self.is_read(m))
            .count() as u64
    }
    fn snapshot(&self) -> ConversationSync {
        ConversationSync {
            key: Some(self.key.clone()),
            update_time: self.version,
            // A C2C conversation's read position is a time, a group's a
            // sequence; the other is never sent (it would be refused).
            read_timestamp: if self.key.conv_type == ConvType::C2c {
                self.read_ts
            } else {
                0
            },
            read_sequence: if self.key.conv_type == ConvType::Group {
                self.read_seq
            } else {
                0
            },
            read_version: Some(self.read_version),
            pinned: self.pinned,
            marks: self.marks,
            recv_opt: self.opt,
            count_pref: self.pref,
            custom_data: self.custom.clone(),
            server_ext: self.ext.clone(),
            deleted: self.deleted,
            ..Default::default()
        }
    }
    fn incoming(&self, m: &SMsg) -> IncomingMessage {
        let sender = if m.from_me {
            ME.to_owned()
        } else if self.key.conv_type == ConvType::C2c {
            self.key.peer.clone()
        } else {
            MEMBERS[m.id.len() % MEMBERS.len()].to_owned()
        };
        let mut im = IncomingMessage::new(&m.id, self.key.clone(), &sender, m.time, m.seq);
        im.from_self = m.from_me;
        im.need_read_receipt = true;
        im
    }
}

/// What the server sends a device.
#[derive(Debug, Clone)]
enum Down {
    Msg(IncomingMessage),
    ReadPos(ConvKey, u64, u64, u64),
    Snap(ConversationSync),
    Receipt(InboundReceipt),
    Ack(Ack),
}

/// The server's answer to one envelope.
#[derive(Debug, Clone, Copy)]
struct Ack {
    envelope_id: u64,
    code: i32,
    server_time: u64,
    seq: u64,
    update_time: u64,
}

struct Server {
    now: u64,
    version: u64,
    convs: Vec<SConv>,
    /// Every message id ever stored (a repeat is a repeat).
    ids: HashSet<String>,
    /// Answers given, by (device, envelope id): a repeated envelope gets the
    /// same answer and is not applied again.
    answered: HashMap<(usize, u64), Ack>,
    /// My messages the server refused (they must never read as peer-read).
    refused_sends: Vec<String>,
    msg_counter: u64,
}

impl Server {
    fn conv(&mut self, key: &ConvKey) -> usize {
        match self.convs.iter().position(|c| &c.key == key) {
            Some(i) => i,
            None => {
                self.convs.push(SConv::new(key.clone()));
                self.convs.len() - 1
            }
        }
    }
    fn bump(&mut self, i: usize) -> u64 {
        self.version += 1;
        self.convs[i].version = self.version;
        self.version
    }
    /// Stores a message; one after the read position brings a deleted
    /// conversation back.
    fn store(&mut self, i: usize, mut m: SMsg) -> SMsg {
        let c = &mut self.convs[i];
        if c.key.conv_type == ConvType::Group {
            m.seq = c.next_seq;
            c.next_seq += 1;
        }
        if c.deleted && !c.is_read(&m) {
            c.deleted = false;
        }
        self.ids.insert(m.id.clone());
        c.msgs.push(m.clone());
        m
    }
}

// ---------------------------------------------------------------- world --

struct Device {
    e: TestEngine,
    skew: i64,
    online: bool,
    /// Messages this device sent.
    sent: Vec<String>,
}

struct World {
    rng: Rng,
    scenario: Scenario,
    link: Link,
    server: Server,
    devs: Vec<Device>,
    down: Vec<Vec<Down>>,
    up: Vec<Vec<OutboundEnvelope>>,
    keys: Vec<ConvKey>,
    /// Mark-unreads that moved a read position back.
    moved_back: usize,
}

fn refuse_percent(s: Scenario, item: &Outbound) -> u64 {
    match item {
        Outbound::ReadPositions { .. } => match s {
            Scenario::Reads | Scenario::Offline | Scenario::MarkUnread => 10,
            _ => 0,
        },
        Outbound::Message { .. } => match s {
            Scenario::Receipts | Scenario::Skew => 10,
            _ => 0,
        },
        _ => match s {
            Scenario::Settings => 20,
            Scenario::Offline | Scenario::Deletes => 10,
            _ => 0,
        },
    }
}

impl World {
    fn new(scenario: Scenario, link: Link, seed: u64) -> World {
        let mut rng = Rng::new(seed);
        let n_dev = 2 + rng.below(2);
        let n_conv = 5 + rng.below(8);
        let keys: Vec<ConvKey> = (0..n_conv)
            .map(|i| {
                if i % 3 == 2 {
                    group(&format!("g{i}"))
                } else {
                    c2c(&format!("p{i}"))
                }
            })
            .collect();
        let mut devs = Vec::new();
        for _ in 0..n_dev {
            let mut e = sim_engine();
            e.set_outbox_enabled(true);
            let roster: Vec<String> = MEMBERS
                .iter()
                .map(|s| s.to_string())
                .chain([ME.into()])
                .collect();
            for k in keys.iter().filter(|k| k.conv_type == ConvType::Group) {
                e.set_group_members(k, Some(GroupType::Work), RosterOp::Set, &roster)
                    .unwrap();
            }
            let skew = if scenario == Scenario::Skew {
                rng.below(121) as i64 - 60
            } else {
                0
            };
            devs.push(Device {
                e,
                skew,
                online: true,
                sent: Vec::new(),
            });
        }
        let server = Server {
            now: 1_700_000_000,
            version: 0,
            convs: keys.iter().cloned().map(SConv::new).collect(),
            ids: HashSet::new(),
            answered: HashMap::new(),
            refused_sends: Vec::new(),
            msg_counter: 0,
        };
        World {
            rng,
            scenario,
            link,
            server,
            down: vec![Vec::new(); n_dev],
            up: vec![Vec::new(); n_dev],
            devs,
            keys,
            moved_back: 0,
        }
    }

    fn set_clocks(&self) {
        for d in &self.devs {
            d.e.set_now((self.server.now as i64 + d.skew) as u64);
        }
    }

    /// Sends `item` to every online device.
    fn relay(&mut self, item: Down) {
        for (i, d) in self.devs.iter().enumerate() {
            if d.online {
                self.down[i].push(item.clone());
            }
        }
    }

    /// Takes the events of device `d`'s last operation; its new envelopes
    /// go up while it is online (offline, they wait in its outbox).
    fn collect(&mut self, d: usize) {
        for c in self.devs[d].e.drain_changes() {
            if self.devs[d].online {
                self.up[d].extend(c.outbound);
            }
        }
    }

    // ------------------------------------------------------ server side --

    fn peer_message(&mut self) {
        let i = self.rng.below(self.keys.len());
        self.server.msg_counter += 1;
        let id = format!(
            "s{}-{}",
            self.server.msg_counter,
            "x".repeat(self.rng.below(3))
        );
        let m = SMsg {
            id,
            time: self.server.now,
            seq: 0,
            from_me: false,
            readers: BTreeSet::new(),
        };
        let m = self.server.store(i, m);
        let im = self.server.convs[i].incoming(&m);
        self.relay(Down::Msg(im));
    }

    fn peer_receipt(&mut self) {
        let i = self.rng.below(self.keys.len());
        let now = self.server.now;
        let c = &mut self.server.convs[i];
        match c.key.conv_type {
            ConvType::C2c => {
                if c.msgs.iter().any(|m| m.from_me) {
                    c.peer_read_ts = c.peer_read_ts.max(now);
                    let r = InboundReceipt {
                        conv: c.key.clone(),
                        msg_id: String::new(),
                        reader: c.key.peer.clone(),
                        timestamp: now,
                    };
                    self.relay(Down::Receipt(r));
                }
            }
            ConvType::Group => {
                let mine: Vec<usize> = (0..c.msgs.len()).filter(|&j| c.msgs[j].from_me).collect();
                if mine.is_empty() {
                    return;
                }
                let j = mine[self.rng.below(mine.len())];
                let reader = MEMBERS[self.rng.below(MEMBERS.len())].to_owned();
                c.msgs[j].readers.insert(reader.clone());
                let r = InboundReceipt {
                    conv: c.key.clone(),
                    msg_id: c.msgs[j].id.clone(),
                    reader,
                    timestamp: now,
                };
                self.relay(Down::Receipt(r));
            }
        }
    }

    /// The server takes one envelope from device `d`'s uplink.
    fn serve(&mut self, d: usize, env: OutboundEnvelope) {
        if let Some(ack) = self.server.answered.get(&(d, env.envelope_id)) {
            let ack = *ack;
            self.down[d].push(Down::Ack(ack));
            return;
        }
        let refused = self.rng.chance(refuse_percent(self.scenario, &env.item));
        let mut ack = Ack {
            envelope_id: env.envelope_id,
            code: if refused { 10007 } else { 0 },
            server_time: 0,
            seq: 0,
            update_time: 0,
        };
        if refused {
            if let Outbound::Message { message } = &env.item {
                self.server.refused_sends.push(message.msg_id.clone());
            }
        } else {
            self.apply(d, &env.item, &mut ack);
        }
        self.server.answered.insert((d, env.envelope_id), ack);
        if self.devs[d].online {
            self.down[d].push(Down::Ack(ack));
        }
    }

    fn apply(&mut self, d: usize, item: &Outbound, ack: &mut Ack) {
        let mut touched = Vec::new();
        match item {
            Outbound::Message { message } => {
                let i = self.server.conv(&message.conv);
                let m = SMsg {
                    id: message.msg_id.clone(),
                    time: self.server.now,
                    seq: 0,
                    from_me: true,
                    readers: BTreeSet::new(),
                };
                let m = self.server.store(i, m);
                ack.server_time = m.time;
                ack.seq = m.seq;
                let im = self.server.convs[i].incoming(&m);
                for (j, dev) in self.devs.iter().enumerate() {
                    if j != d && dev.online {
                        self.down[j].push(Down::Msg(im.clone()));
                    }
                }
                return;
            }
            Outbound::ReadPositions { positions } => {
                for p in positions {
                    let i = self.server.conv(&p.conv);
                    let c = &mut self.server.convs[i];
                    // The greater (version, position) wins.
                    if p.version > c.read_version {
                        c.read_version = p.version;
                        c.read_ts = p.timestamp;
                        c.read_seq = p.sequence;
                    } else if p.version == c.read_version {
                        c.read_ts = c.read_ts.max(p.timestamp);
                        c.read_seq = c.read_seq.max(p.sequence);
                    }
                    // A position of the conversation's kind (a delete sets both).
                    let (ts, seq, v) = match c.key.conv_type {
                        ConvType::C2c => (c.read_ts, 0, c.read_version),
                        ConvType::Group => (0, c.read_seq, c.read_version),
                    };
                    self.relay(Down::ReadPos(p.conv.clone(), ts, seq, v));
                }
                return;
            }
            Outbound::Receipts { .. } | Outbound::Group { .. } => return,
            // The message lifecycle has its own tests (core/tests/lifecycle.rs);
            // these scenarios make none of it.
            Outbound::PrivateReadPositions { .. }
            | Outbound::MessageDelete { .. }
            | Outbound::ClearHistory { .. }
            | Outbound::Revoke { .. }
            | Outbound::ModifyMessage { .. }
            | Outbound::AllReceiveOpt { .. }
            | Outbound::AppState { .. } => return,
            Outbound::Pin { conv, pinned } => {
                let i = self.server.conv(conv);
                self.server.convs[i].pinned = *pinned;
                touched.push(i);
            }
            Outbound::Marks {
                convs,
                mark,
                enable,
            } => {
                for k in convs {
                    let i = self.server.conv(k);
                    let c = &mut self.server.convs[i];
                    if *enable {
                        c.marks |= mark;
                    } else {
                        c.marks &= !mark;
                    }
                    touched.push(i);
                }
            }
            Outbound::ReceiveOpt { conv, opt } => {
                let i = self.server.conv(conv);
                self.server.convs[i].opt = *opt;
                touched.push(i);
            }
            Outbound::CountPref { conv, pref } => {
                let i = self.server.conv(conv);
                self.server.convs[i].pref = *pref;
                touched.push(i);
            }
            Outbound::CustomData { convs, data } => {
                for k in convs {
                    let i = self.server.conv(k);
                    self.server.convs[i].custom = data.clone();
                    touched.push(i);
                }
            }
            Outbound::ServerExtension { conv, ext } => {
                let i = self.server.conv(conv);
                self.server.convs[i].ext = ext.clone();
                touched.push(i);
            }
            Outbound::Delete {
                convs,
                clear_messages,
            } => {
                for k in convs {
                    let i = self.server.conv(k);
                    let c = &mut self.server.convs[i];
                    // A delete reads everything the server holds.
                    if let Some(last) = c.msgs.last() {
                        c.read_ts = c.read_ts.max(c.msgs.iter().map(|m| m.time).max().unwrap());
                        c.read_seq = c.read_seq.max(last.seq);
                    }
                    c.deleted = true;
                    c.pinned = false;
                    c.marks = 0;
                    c.custom.clear();
                    c.ext.clear();
                    if *clear_messages {
                        c.msgs.clear();
                    }
                    touched.push(i);
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for i in touched {
            ack.update_time = self.server.bump(i);
            let snap = self.server.convs[i].snapshot();
            self.relay(Down::Snap(snap));
        }
    }

    /// Everything the server holds, for a device that comes back.
    fn sync(&mut self, d: usize) {
        let mut items = Vec::new();
        for c in &self.server.convs {
            for m in &c.msgs {
                items.push(Down::Msg(c.incoming(m)));
            }
            if c.version > 0 || c.deleted || c.read_ts > 0 || c.read_seq > 0 || c.read_version > 0 {
                items.push(Down::Snap(c.snapshot()));
            }
            if c.peer_read_ts > 0 {
                items.push(Down::Receipt(InboundReceipt {
                    conv: c.key.clone(),
                    msg_id: String::new(),
                    reader: c.key.peer.clone(),
                    timestamp: c.peer_read_ts,
                }));
            }
            for m in &c.msgs {
                for r in &m.readers {
                    items.push(Down::Receipt(InboundReceipt {
                        conv: c.key.clone(),
                        msg_id: m.id.clone(),
                        reader: r.clone(),
                        timestamp: 1,
                    }));
                }
            }
        }
        self.down[d].extend(items);
    }

    /// Device `d` reconnects: it passes its outbox again, then the server
    /// syncs it.
    fn reconnect(&mut self, d: usize) {
        self.devs[d].online = true;
        let pending = self.devs[d].e.outbox().unwrap();
        self.up[d].extend(pending);
        self.sync(d);
    }

    // ------------------------------------------------------ device side --

    fn pick<T>(&mut self, q: usize, down: bool) -> Option<T>
    where
        T: Clone,
        World: QueueOf<T>,
    {
        let len = self.queue(q, down).len();
        if len == 0 {
            return None;
        }
        let (at, dup) = match self.link {
            Link::InOrder => (0, false),
            Link::Disorder => (self.rng.below(len), self.rng.chance(10)),
        };
        let item = if dup {
            self.queue(q, down)[at].clone()
        } else {
            self.queue(q, down).remove(at)
        };
        Some(item)
    }

    fn deliver(&mut self, d: usize, item: Down) {
        self.set_clocks();
        let e = &mut self.devs[d].e;
        match item {
            Down::Msg(m) => {
                e.receive(vec![m]).unwrap();
            }
            Down::ReadPos(k, t, s, v) => {
                e.apply_read_position_versioned(&k, t, s, Some(v)).unwrap();
            }
            Down::Snap(s) => e.merge_conversations(vec![s]).unwrap(),
            Down::Receipt(r) => {
                e.apply_receipts(vec![r]).unwrap();
            }
            Down::Ack(a) => {
                // A repeated ack answers an envelope answered already: the
                // host's transport ignores the parameter error.
                let _ = ack(e, a);
            }
        }
        self.collect(d);
    }

    fn local_op(&mut self, d: usize) {
        self.set_clocks();
        let k = self.keys[self.rng.below(self.keys.len())].clone();
        let s = self.scenario;
        let roll = self.rng.below(100);
        let r2 = self.rng.below(1000);
        let n_sent = self.devs[d].sent.len();
        // A message of the conversation the server holds (this device may
        // not have it yet: then the mark-unread is refused, as for an app).
        let ci = self.server.conv(&k);
        let server_msgs = &self.server.convs[ci].msgs;
        let some_msg = match server_msgs.len() {
            0 => String::new(),
            n => server_msgs[r2 % n].id.clone(),
        };
        let dev = &mut self.devs[d];
        let e = &mut dev.e;
        let _ = match (s, roll) {
            // Reads, in every scenario.
            (_, 0..=14) => e.clean_unread(&CleanTarget::Conversation(k.clone()), 0, 0),
            (_, 15..=19) => e.clean_unread(&CleanTarget::All, 0, 0),
            (_, 20..=22) => e.mark_all_read(),
            (_, 23..=27) => e.mark_conversation_read(&k).map(|_| ()),
            (Scenario::Reads, _) => Ok(()),
            // Mark-unread racing the reads above.
            (Scenario::MarkUnread, 28..=69) if !some_msg.is_empty() => {
                let version = |e: &TestEngine| e.conversation(&k).map_or(0, |c| c.read_version);
                let before = version(e);
                let r = e.mark_unread_from(&k, &some_msg).map(|_| ());
                if version(e) > before {
                    self.moved_back += 1;
                }
                r
            }
            (Scenario::MarkUnread, _) => Ok(()),
            // Sends.
            (Scenario::Receipts | Scenario::Skew, 28..=59) => {
                let id = format!("d{d}-{}", r2 + 1000 * n_sent);
                let out = OutgoingMessage {
                    conv: k.clone(),
                    need_read_receipt: true,
                    excluded_from_unread: false,
                    excluded_from_last_message: false,
                    at_users: Vec::new(),
                    body: "{}".into(),
                };
                let r = e.send_message(&id, out, MsgStatus::Sending).map(|_| ());
                if r.is_ok() {
                    dev.sent.push(id);
                }
                r
            }
            (Scenario::Receipts | Scenario::Skew, _) => Ok(()),
            // Deletes.
            (Scenario::Deletes, 28..=45) => e.delete_conversation(&k, r2.is_multiple_of(2)),
            // Settings.
            (_, 28..=39) => e.pin_conversation(&k, r2.is_multiple_of(2)),
            (_, 40..=51) => e
                .mark_conversations(
                    std::slice::from_ref(&k),
                    marks::STAR << (r2 % 2),
                    !r2.is_multiple_of(3),
                )
                .map(|_| ()),
            (_, 52..=67) => e.set_receive_opt(&k, ReceiveOpt::from_i64((r2 % 3) as i64).unwrap()),
            (_, 68..=75) => e
                .set_custom_data(std::slice::from_ref(&k), &format!("c{}", r2 % 3))
                .map(|_| ()),
            (_, 76..=83) => e.set_count_pref(&k, CountPref::from_i64((r2 % 3) as i64).unwrap()),
            (_, _) => e.set_server_extension(&k, &format!("x{}", r2 % 3)),
        };
        self.collect(d);
    }

    fn step(&mut self) {
        // The server's clock: several messages share a second.
        if self.rng.chance(40) {
            self.server.now += 1;
        }
        let roll = self.rng.below(100);
        let n = self.devs.len();
        match roll {
            0..=24 => self.peer_message(),
            25..=29 if matches!(self.scenario, Scenario::Receipts | Scenario::Skew) => {
                self.peer_receipt()
            }
            25..=44 => {
                let d = self.rng.below(n);
                self.local_op(d);
            }
            45..=47 if matches!(self.scenario, Scenario::Offline | Scenario::MarkUnread) => {
                let d = self.rng.below(n);
                if self.devs[d].online {
                    self.devs[d].online = false;
                    self.down[d].clear();
                    self.up[d].clear();
                } else {
                    self.reconnect(d);
                }
            }
            _ => {
                // Move one item: up to the server or down to a device.
                let d = self.rng.below(n);
                if self.rng.chance(50) {
                    if let Some(env) = self.pick::<OutboundEnvelope>(d, false) {
                        self.serve(d, env);
                    }
                } else if let Some(item) = self.pick::<Down>(d, true) {
                    self.deliver(d, item);
                }
            }
        }
    }

    /// Every device comes back and everything is delivered, until no
    /// outbox holds anything.
    fn drain(&mut self) {
        for _round in 0..40 {
            for d in 0..self.devs.len() {
                self.reconnect(d);
            }
            loop {
                let busy: Vec<(usize, bool)> = (0..self.devs.len())
                    .flat_map(|d| [(d, false), (d, true)])
                    .filter(|&(d, down)| {
                        if down {
                            !self.down[d].is_empty()
                        } else {
                            !self.up[d].is_empty()
                        }
                    })
                    .collect();
                if busy.is_empty() {
                    break;
                }
                let (d, down) = busy[self.rng.below(busy.len())];
                // No duplicates while draining, so it ends.
                let at = match self.link {
                    Link::InOrder => 0,
                    Link::Disorder => self.rng.below(if down {
                        self.down[d].len()
                    } else {
                        self.up[d].len()
                    }),
                };
                if down {
                    let item = self.down[d].remove(at);
                    self.deliver(d, item);
                } else {
                    let env = self.up[d].remove(at);
                    self.serve(d, env);
                }
            }
            if self.devs.iter().all(|d| d.e.outbox().unwrap().is_empty()) {
                return;
            }
        }
    }

    // ---------------------------------------------------------- compare --

    /// What must hold on every device, from the server.
    fn expected(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut total = 0;
        for c in &self.server.convs {
            out.insert(c.key.to_string(), describe_server(c));
            // The simulator's messages mention no one: "mentions only"
            // shows 0, like "none".
            if c.visible() && !c.opt.is_muted() && c.pref == CountPref::All {
                total += c.unread();
            }
            for m in c.msgs.iter().filter(|m| m.from_me) {
                let read = match c.key.conv_type {
                    ConvType::C2c => (m.time <= c.peer_read_ts, 0),
                    ConvType::Group => (false, m.readers.len() as u64),
                };
                out.insert(format!("msg {}", m.id), format!("{read:?}"));
            }
        }
        for id in &self.server.refused_sends {
            out.insert(format!("msg {id}"), "refused".into());
        }
        out.insert("total".into(), total.to_string());
        out
    }

    fn observed(&self, d: usize) -> BTreeMap<String, String> {
        let e = &self.devs[d].e;
        let mut out = BTreeMap::new();
        for c in &self.server.convs {
            let text = match e.conversation(&c.key) {
                // A send the server refused stays here ("send failed", for
                // the user to retry) and shows its conversation on this
                // device only.
                Ok(v)
                    if !c.visible()
                        && v.last_message.as_ref().map(|m| m.status)
                            == Some(MsgStatus::SendFail) =>
                {
                    describe_server(c)
                }
                Ok(v) => format!(
                    "visible unread={} pinned={} marks={} opt={:?} pref={:?} custom={:?} ext={:?} read={}/{} v{}",
                    v.unread,
                    v.pinned,
                    v.marks,
                    v.recv_opt,
                    v.count_pref,
                    v.custom_data,
                    v.server_ext,
                    v.read_time,
                    v.read_seq,
                    v.read_version
                ),
                Err(_) => format!("hidden opt={:?}", e.receive_opt(&c.key)),
            };
            out.insert(c.key.to_string(), text);
        }
        let expected = self.expected();
        for key in expected.keys().filter(|k| k.starts_with("msg ")) {
            let id = &key[4..];
            let text = match e.message_by_id(id).unwrap() {
                None => "missing".to_owned(),
                Some(m) if m.status == MsgStatus::SendFail => {
                    if m.is_peer_read || m.read_count > 0 {
                        "refused but peer-read".to_owned()
                    } else {
                        "refused".to_owned()
                    }
                }
                Some(m) if expected[key] == "refused" => {
                    format!("refused on the server, {:?} here", m.status)
                }
                Some(m) => format!("{:?}", (m.is_peer_read, m.read_count)),
            };
            out.insert(key.clone(), text);
        }
        // Messages this device never heard of but the server refused
        // (another device's sends) are not its business.
        for key in expected.keys().filter(|k| expected[*k] == "refused") {
            if out.get(key).map(String::as_str) == Some("missing") {
                out.insert(key.clone(), "refused".into());
            }
        }
        out.insert("total".into(), e.total_unread().to_string());
        out
    }
}

fn describe_server(c: &SConv) -> String {
    if c.visible() {
        format!(
            "visible unread={} pinned={} marks={} opt={:?} pref={:?} custom={:?} ext={:?} read={}/{} v{}",
            c.unread(),
            c.pinned,
            c.marks,
            c.opt,
            c.pref,
            c.custom,
            c.ext,
            // A delete sets both; a group's position is its sequence.
            if c.key.conv_type == ConvType::C2c {
                c.read_ts
            } else {
                0
            },
            c.read_seq,
            c.read_version
        )
    } else {
        format!("hidden opt={:?}", c.opt)
    }
}

/// An engine on a store in memory-backed storage when there is some (the
/// simulator opens thousands of stores; the disk's syncs would dominate).
fn sim_engine() -> TestEngine {
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let clock = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(1_700_000_000));
    let engine = Engine::open(dir.path(), 1400000000, ME, config(&clock)).unwrap();
    TestEngine { engine, dir, clock }
}

/// Answers one envelope on a device, as the host's transport does with the
/// server's ack.
fn ack(e: &mut TestEngine, a: Ack) -> imcore::Result<()> {
    e.ack_outbound_at(a.envelope_id, a.code, a.server_time, a.seq, a.update_time)
        .map(|_| ())
}

/// Queues by direction (`down`: server to device).
trait QueueOf<T> {
    fn queue(&mut self, d: usize, down: bool) -> &mut Vec<T>;
}
impl QueueOf<Down> for World {
    fn queue(&mut self, d: usize, _down: bool) -> &mut Vec<Down> {
        &mut self.down[d]
    }
}
impl QueueOf<OutboundEnvelope> for World {
    fn queue(&mut self, d: usize, _down: bool) -> &mut Vec<OutboundEnvelope> {
        &mut self.up[d]
    }
}

/// Runs one seed; returns the first difference found, if any, and the
/// number of mark-unreads that moved a position back.
fn run(scenario: Scenario, link: Link, seed: u64) -> (Option<String>, usize) {
    let mut w = World::new(scenario, link, seed);
    let steps = 60 + w.rng.below(140);
    for _ in 0..steps {
        w.step();
    }
    w.drain();
    let expected = w.expected();
    for d in 0..w.devs.len() {
        w.devs[d].e.verify().unwrap();
        let got = w.observed(d);
        for (k, v) in &expected {
            let g = got.get(k).map(String::as_str).unwrap_or("absent");
            if g != v {
                let f =
                    format!("{scenario:?}/{link:?} seed {seed}: device {d} {k}: {g}, server {v}");
                return (Some(f), w.moved_back);
            }
        }
    }
    (None, w.moved_back)
}

fn seeds() -> u64 {
    std::env::var("IMCORE_SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
}

/// The divergence table: for each scenario and link, how many seeds end
/// with a device that differs from the server.
#[test]
fn devices_converge_with_the_server() {
    let n = seeds();
    let mut table = String::from(
        "| scenario | disordered link (reorder, 10% duplicates) | in-order link |\n|---|---|---|\n",
    );
    let mut failures = Vec::new();
    let mut moved_back = 0;
    for s in SCENARIOS {
        let mut row = format!("| {s:?} ");
        for link in [Link::Disorder, Link::InOrder] {
            let mut bad = 0;
            for seed in 0..n {
                let (failed, moved) = run(s, link, seed);
                moved_back += moved;
                if let Some(f) = failed {
                    bad += 1;
                    if failures.len() < 12 {
                        failures.push(f);
                    }
                }
            }
            row += &format!("| {bad} of {n} ");
        }
        table += &row;
        table += "|\n";
    }
    println!("{table}");
    println!("mark-unreads that moved a read position back: {moved_back}");
    // The scenario moves positions back (or it would prove nothing).
    assert!(moved_back >= n as usize, "{moved_back} moves back");
    for f in &failures {
        println!("{f}");
    }
    assert!(failures.is_empty(), "devices diverge:\n{table}");
}

// ------------------------------------------------- regression tests --

/// A device with conversation bob shown (one message) and a transport.
fn device() -> TestEngine {
    let mut e = sim_engine();
    e.set_outbox_enabled(true);
    e.receive(vec![from_peer("m1", "bob", 1_700_000_000)])
        .unwrap();
    e.drain_changes();
    e
}

fn snap(update_time: u64, f: impl FnOnce(&mut ConversationSync)) -> ConversationSync {
    let mut s = ConversationSync {
        key: Some(c2c("bob")),
        update_time,
        ..Default::default()
    };
    f(&mut s);
    s
}

fn last_envelope(e: &TestEngine) -> u64 {
    e.outbox().unwrap().last().unwrap().envelope_id
}

/// Issue 13.2: the ack carries the server's update time of the change, so
/// a snapshot made before it (delivered late, or before the ack) does not
/// replace the accepted value, while the server's snapshot of that very
/// version and later ones do.
#[test]
fn an_accepted_change_is_ordered_against_snapshots_by_its_update_time() {
    let mut a = device();
    a.set_custom_data(&[c2c("bob")], "mine").unwrap();
    let env = last_envelope(&a);
    // Another device's change, version 5, arrives before the ack (it was
    // made before mine): it replaces the custom data for now.
    let other = snap(5, |s| s.server_ext = "x".into());
    a.merge_conversations(vec![other.clone()]).unwrap();
    // The server took mine as version 6.
    a.ack_outbound_at(env, 0, 0, 0, 6).unwrap();
    let c = a.conversation(&c2c("bob")).unwrap();
    assert_eq!(
        (c.custom_data.as_str(), c.server_ext.as_str()),
        ("mine", "x")
    );
    // Version 5 again (a duplicate): older than what is here.
    a.merge_conversations(vec![other]).unwrap();
    assert_eq!(a.conversation(&c2c("bob")).unwrap().custom_data, "mine");
    // The server's own snapshot of version 6, then a newer one, apply.
    a.merge_conversations(vec![snap(6, |s| {
        s.custom_data = "mine".into();
        s.server_ext = "x".into();
    })])
    .unwrap();
    a.merge_conversations(vec![snap(7, |s| s.custom_data = "later".into())])
        .unwrap();
    assert_eq!(a.conversation(&c2c("bob")).unwrap().custom_data, "later");
    // My extension, taken as version 8; version 9 (another device cleared
    // it) arrives before the ack, which then changes nothing.
    a.set_server_extension(&c2c("bob"), "y").unwrap();
    let env = last_envelope(&a);
    a.merge_conversations(vec![snap(9, |s| s.custom_data = "later".into())])
        .unwrap();
    a.ack_outbound_at(env, 0, 0, 0, 8).unwrap();
    let c = a.conversation(&c2c("bob")).unwrap();
    assert_eq!(
        (c.custom_data.as_str(), c.server_ext.as_str()),
        ("later", "")
    );
    a.verify().unwrap();
}

/// Issue 13.3: device A's receive option is accepted and its snapshot
/// reaches device B, which had set the same option and is refused: B keeps
/// the server's value (it does not go back to its old one), and the totals
/// agree.
#[test]
fn a_refusal_after_a_snapshot_of_the_same_value_keeps_the_servers_value() {
    let mut b = device();
    assert_eq!(b.total_unread(), 1);
    b.set_receive_opt(&c2c("bob"), ReceiveOpt::NotNotify)
        .unwrap();
    let env = last_envelope(&b);
    b.merge_conversations(vec![snap(1, |s| s.recv_opt = ReceiveOpt::NotNotify)])
        .unwrap();
    b.ack_outbound_at(env, 10007, 0, 0, 0).unwrap();
    assert_eq!(b.receive_opt(&c2c("bob")), ReceiveOpt::NotNotify);
    assert_eq!(b.total_unread(), 0);
    // The same with the refusal first: back to the server's (default) value,
    // and then the snapshot.
    let mut c = device();
    c.set_receive_opt(&c2c("bob"), ReceiveOpt::NotNotify)
        .unwrap();
    let env = last_envelope(&c);
    c.ack_outbound_at(env, 10007, 0, 0, 0).unwrap();
    assert_eq!(c.receive_opt(&c2c("bob")), ReceiveOpt::Receive);
    c.merge_conversations(vec![snap(1, |s| s.recv_opt = ReceiveOpt::NotNotify)])
        .unwrap();
    assert_eq!(c.receive_opt(&c2c("bob")), ReceiveOpt::NotNotify);
    assert_eq!(c.total_unread(), 0);
    b.verify().unwrap();
    c.verify().unwrap();
}

/// Issue 12.9: two refused changes end on the value the server holds
/// (pin/unpin, star on/off, mute 2 then 0, custom data "a" then "b").
#[test]
fn two_refused_changes_end_on_the_servers_value() {
    let mut e = device();
    e.pin_conversation(&c2c("bob"), true).unwrap();
    e.pin_conversation(&c2c("bob"), false).unwrap();
    e.mark_conversations(&[c2c("bob")], marks::STAR, true)
        .unwrap();
    e.mark_conversations(&[c2c("bob")], marks::STAR, false)
        .unwrap();
    e.set_receive_opt(&c2c("bob"), ReceiveOpt::NotNotify)
        .unwrap();
    e.set_receive_opt(&c2c("bob"), ReceiveOpt::Receive).unwrap();
    e.set_custom_data(&[c2c("bob")], "a").unwrap();
    e.set_custom_data(&[c2c("bob")], "b").unwrap();
    for env in e.outbox().unwrap() {
        e.ack_outbound_at(env.envelope_id, 10007, 0, 0, 0).unwrap();
    }
    let c = e.conversation(&c2c("bob")).unwrap();
    assert!(!c.pinned);
    assert_eq!(c.marks, 0);
    assert_eq!(c.recv_opt, ReceiveOpt::Receive);
    assert_eq!(c.custom_data, "");
    assert_eq!(e.total_unread(), 1);
    e.verify().unwrap();
}

mod undo_property {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Change {
        Pin(bool),
        Star(bool),
        Opt(u8),
        Custom(u8),
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            any::<bool>().prop_map(Change::Pin),
            any::<bool>().prop_map(Change::Star),
            (0u8..3).prop_map(Change::Opt),
            (0u8..3).prop_map(Change::Custom),
        ]
    }

    #[derive(Debug, Default, Clone, PartialEq)]
    struct Settings {
        pinned: bool,
        star: bool,
        opt: i64,
        custom: String,
    }

    fn settings(e: &TestEngine) -> Settings {
        let c = e.conversation(&c2c("bob")).unwrap();
        Settings {
            pinned: c.pinned,
            star: c.marks & marks::STAR != 0,
            opt: c.recv_opt.as_i64(),
            custom: c.custom_data,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Issue 12.9: whatever the changes, the server's accept / refuse
        /// decisions and the order the acks come back in (each carrying
        /// the server's update time), the device ends on the server's
        /// values. With acks in the server's order, the update time is not
        /// even needed.
        #[test]
        fn undo_ends_on_the_servers_value(
            changes in proptest::collection::vec((change(), any::<bool>()), 1..12),
            order in any::<proptest::sample::Index>(),
            in_order in any::<bool>(),
        ) {
            let mut e = device();
            for (c, _) in &changes {
                match c {
                    Change::Pin(p) => e.pin_conversation(&c2c("bob"), *p),
                    Change::Star(on) => e.mark_conversations(&[c2c("bob")], marks::STAR, *on).map(|_| ()),
                    Change::Opt(o) => e.set_receive_opt(&c2c("bob"), ReceiveOpt::from_i64(i64::from(*o)).unwrap()),
                    Change::Custom(d) => e.set_custom_data(&[c2c("bob")], &format!("d{d}")).map(|_| ()),
                }
                .unwrap();
            }
            // The envelopes actually queued (a change to the current value
            // queues none), with the server's decisions in its order.
            let envs = e.outbox().unwrap();
            let mut server = Settings::default();
            let mut acks = Vec::new();
            for (i, env) in envs.iter().enumerate() {
                let accept = changes[i % changes.len()].1;
                let mut version = 0;
                if accept {
                    version = i as u64 + 1;
                    match &env.item {
                        Outbound::Pin { pinned, .. } => server.pinned = *pinned,
                        Outbound::Marks { enable, .. } => server.star = *enable,
                        Outbound::ReceiveOpt { opt, .. } => server.opt = opt.as_i64(),
                        Outbound::CustomData { data, .. } => server.custom = data.clone(),
                        other => panic!("{other:?}"),
                    }
                }
                acks.push((env.envelope_id, if accept { 0 } else { 10007 }, version));
            }
            if !in_order {
                let mut x = order.index(usize::MAX / 2) as u64 | 1;
                for i in (1..acks.len()).rev() {
                    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                    acks.swap(i, (x % (i as u64 + 1)) as usize);
                }
            }
            for (id, code, version) in acks {
                let version = if in_order { 0 } else { version };
                e.ack_outbound_at(id, code, 0, 0, version).unwrap();
            }
            prop_assert_eq!(settings(&e), server);
            e.verify().unwrap();
        }
    }
}

/// Issue 13.4: a receive option set on a conversation without messages
/// shows it nowhere: not on the device that set it, not on another device
/// that gets the server's snapshot.
#[test]
fn a_receive_option_alone_shows_no_conversation() {
    let mut a = device();
    a.set_receive_opt(&c2c("carol"), ReceiveOpt::NotNotify)
        .unwrap();
    assert!(a.conversation(&c2c("carol")).is_err());
    let mut b = device();
    b.merge_conversations(vec![ConversationSync {
        key: Some(c2c("carol")),
        update_time: 1,
        recv_opt: ReceiveOpt::NotNotify,
        ..Default::default()
    }])
    .unwrap();
    assert!(b.conversation(&c2c("carol")).is_err());
    assert_eq!(b.receive_opt(&c2c("carol")), ReceiveOpt::NotNotify);
    // A pin (set on a shown conversation elsewhere) does show it.
    b.merge_conversations(vec![snap(2, |s| {
        s.key = Some(c2c("dave"));
        s.pinned = true;
    })])
    .unwrap();
    assert!(b.conversation(&c2c("dave")).unwrap().pinned);
    b.verify().unwrap();
}

/// Issue 13.5 and 13.6: a deleted snapshot reads up to its own read
/// position, not to this device's newest message: one that arrived after
/// the delete on the server stays unread and keeps the conversation shown;
/// an older message delivered late does not bring a deleted conversation
/// back.
#[test]
fn a_deleted_snapshot_reads_up_to_its_position_only() {
    let mut b = device(); // m1 at 1_700_000_000
    b.receive(vec![from_peer("m2", "bob", 1_700_000_005)])
        .unwrap();
    // The server deleted bob after m1 (read up to m1); m2 came after.
    b.merge_conversations(vec![snap(3, |s| {
        s.deleted = true;
        s.read_timestamp = 1_700_000_000;
    })])
    .unwrap();
    assert_eq!(b.conversation(&c2c("bob")).unwrap().unread, 1);
    assert_eq!(b.total_unread(), 1);
    // Another device: the deleted snapshot first, then m0, older than the
    // delete, delivered late: it stays deleted and read.
    let mut c = device();
    c.merge_conversations(vec![snap(3, |s| {
        s.deleted = true;
        s.read_timestamp = 1_700_000_000;
    })])
    .unwrap();
    assert!(c.conversation(&c2c("bob")).is_err());
    c.receive(vec![from_peer("m0", "bob", 1_699_999_990)])
        .unwrap();
    assert!(c.conversation(&c2c("bob")).is_err());
    assert_eq!(c.total_unread(), 0);
    // A message after the delete brings it back.
    c.receive(vec![from_peer("m2", "bob", 1_700_000_005)])
        .unwrap();
    assert_eq!(c.conversation(&c2c("bob")).unwrap().unread, 1);
    b.verify().unwrap();
    c.verify().unwrap();
}

/// Issue 13.7: after a delete with the messages, a re-delivered message of
/// the deleted ones is still a repeat: not stored again, nothing comes back.
#[test]
fn a_message_once_seen_stays_a_repeat_after_delete_with_messages() {
    let mut e = device();
    e.delete_conversation(&c2c("bob"), true).unwrap();
    let r = e
        .receive(vec![from_peer("m1", "bob", 1_700_000_000)])
        .unwrap();
    assert_eq!((r.stored, r.duplicates), (0, 1));
    assert!(e.conversation(&c2c("bob")).is_err());
    assert_eq!(e.total_unread(), 0);
    assert!(e.message_by_id("m1").unwrap().is_none());
    e.verify().unwrap();
    let e = e.reopen();
    e.verify().unwrap();
}

/// Issue 13.11: drafts are per device (docs/TRANSPORT.md): no envelope
/// carries them and a snapshot leaves them alone.
#[test]
fn drafts_stay_on_their_device() {
    let mut a = device();
    a.set_draft(&c2c("bob"), Some(("typing", 0))).unwrap();
    assert!(a.drain_changes().iter().all(|c| c.outbound.is_empty()));
    assert!(a.outbox().unwrap().is_empty());
    a.merge_conversations(vec![snap(5, |s| s.custom_data = "x".into())])
        .unwrap();
    let c = a.conversation(&c2c("bob")).unwrap();
    assert_eq!(c.draft.unwrap().content, "typing");
    assert_eq!(c.custom_data, "x");
}
