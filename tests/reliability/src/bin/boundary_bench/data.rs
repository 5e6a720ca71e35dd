//! The messages of the bench, as the transport would push them (an
//! `IMCoreInboundPush` envelope array) and as the engine takes them (for the
//! in-run engine floor of the ingest). The shape follows
//! core/benches/engine.rs: conversations picked uniformly at random,
//! `<tinyid>-<time>-<rand>` ids (~40 B), ~300-byte message JSON, server
//! times that only go forward (8 messages per second).

use imcore::{ConvKey, IncomingMessage};
use std::fmt::Write;

/// SplitMix64.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "hello", "meeting", "tomorrow", "the", "report", "lunch", "ok", "see", "you", "at", "price",
    "ship", "deploy", "coffee", "thanks", "photo", "call", "later", "great", "idea", "weekend",
    "train", "late", "sorry", "review", "budget", "again", "why", "yes", "no", "maybe", "sure",
];

/// One generated message: its JSON object and the engine's view of it.
pub struct Msg {
    /// The `message` object of an inbound envelope.
    pub json: String,
    /// The same message for `Engine::receive` (its body is `json`).
    pub incoming: IncomingMessage,
}

/// Messages into `convs` conversations; every `group_every`-th is a group
/// (0: none).
pub struct Gen {
    rng: Rng,
    tiny: Vec<u64>,
    seqs: Vec<u64>,
    group_every: usize,
    base: u64,
    n: u64,
}

impl Gen {
    /// A generator whose first server time is `base` (seconds).
    pub fn new(convs: usize, group_every: usize, seed: u64, base: u64) -> Self {
        let mut rng = Rng(seed);
        let tiny = (0..convs)
            .map(|_| 144_115_200_000_000_000 + rng.next() % 1_000_000_000_000)
            .collect();
        Gen {
            rng,
            tiny,
            seqs: vec![0; convs],
            group_every,
            base,
            n: 0,
        }
    }

    /// Number of conversations.
    pub fn convs(&self) -> usize {
        self.tiny.len()
    }

    /// Whether conversation `c` is a group.
    pub fn is_group(&self, c: usize) -> bool {
        self.group_every > 0 && c % self.group_every == self.group_every - 1
    }

    /// The conversation id of `c` (raw: peer or group id).
    pub fn conv_id(&self, c: usize) -> String {
        if self.is_group(c) {
            format!("grp_{c:07}")
        } else {
            format!("user_{c:07}")
        }
    }

    /// The next message into conversation `c` (a random one when `None`).
    pub fn message(&mut self, c: Option<usize>) -> Msg {
        let c = c.unwrap_or_else(|| self.rng.below(self.tiny.len()));
        let time = self.base + self.n / 8;
        self.n += 1;
        let id = format!("{}-{time}-{}", self.tiny[c], self.rng.next() as u32);
        let conv = self.conv_id(c);
        let group = self.is_group(c);
        let (key, sender, seq) = if group {
            self.seqs[c] += 1;
            let sender = format!("user_{:07}", self.rng.below(self.tiny.len()));
            (ConvKey::group(conv.clone()), sender, self.seqs[c])
        } else {
            (ConvKey::c2c(conv.clone()), conv.clone(), 0)
        };
        let key = key.expect("generated ids are valid");
        let mut text = String::with_capacity(160);
        while text.len() < 120 {
            text.push_str(WORDS[self.rng.below(WORDS.len())]);
            text.push(' ');
        }
        let mut json = String::with_capacity(400);
        let _ = write!(
            json,
            r#"{{"message_msg_id":"{id}","message_conv_id":"{conv}","message_conv_type":{},"message_sender":"{sender}","message_server_time":{time},"message_seq":{seq},"message_elem_array":[{{"elem_type":0,"text_elem_content":"{text}"}}],"message_cloud_custom_data":"","message_priority":2,"message_random":{}}}"#,
            if group { 2 } else { 1 },
            self.rng.next() as u32
        );
        let mut incoming = IncomingMessage::new(&id, key, &sender, time, seq);
        incoming.body = json.clone();
        Msg { json, incoming }
    }

    /// `k` messages into random conversations.
    pub fn batch(&mut self, k: usize) -> Vec<Msg> {
        (0..k).map(|_| self.message(None)).collect()
    }
}

/// The `IMCoreInboundPush` array of these messages.
pub fn push_json(msgs: &[Msg]) -> String {
    let mut s = String::with_capacity(msgs.len() * 430 + 2);
    s.push('[');
    for (i, m) in msgs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(r#"{"kind":"message","message":"#);
        s.push_str(&m.json);
        s.push('}');
    }
    s.push(']');
    s
}
