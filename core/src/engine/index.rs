//! Conversation lookup by key. The table holds only indexes into the
//! engine's conversation vector and hashes and compares the keys stored
//! there, so each peer id is held once: 5 bytes per slot instead of a second
//! `ConvKey` (40 bytes plus the peer string) per conversation.

use super::state::ConvState;
use crate::types::ConvKey;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

/// Key → index in the conversation vector.
#[derive(Default)]
pub(crate) struct ConvIndex {
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl ConvIndex {
    fn hash(&self, key: &ConvKey) -> u64 {
        self.hasher.hash_one(key)
    }

    /// Room for `additional` more conversations without rehashing.
    pub fn reserve(&mut self, convs: &[ConvState], additional: usize) {
        let hasher = &self.hasher;
        self.table
            .reserve(additional, |&i| hasher.hash_one(&convs[i as usize].key));
    }

    /// The index of the conversation with `key`, if known.
    pub fn get(&self, convs: &[ConvState], key: &ConvKey) -> Option<u32> {
        self.table
            .find(self.hash(key), |&i| convs[i as usize].key == *key)
            .copied()
    }

    /// Adds `convs[idx]`, whose key must not be in the table yet.
    pub fn insert(&mut self, convs: &[ConvState], idx: u32) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(&convs[idx as usize].key);
        self.table
            .insert_unique(hash, idx, |&i| hasher.hash_one(&convs[i as usize].key));
    }
}
