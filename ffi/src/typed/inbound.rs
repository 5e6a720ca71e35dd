//! What the host's transport hands in besides messages and receipts: read
//! positions from other devices, group rosters, sync phases and synced
//! conversation states.

use super::client::ImClient;
use super::dispatcher::Event;
use super::error::ApiResult;
use super::types::*;
use imcore::engine::RosterOp;

#[uniffi::export]
impl ImClient {
    /// I read up to `timestamp` (C2C, seconds) / `sequence` (group) on
    /// another device. Positions only move forward; a move fires
    /// `onConversationReadTimeUpdated`.
    pub fn receive_read_position(
        &self,
        conversation_id: String,
        timestamp: u64,
        sequence: u64,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.apply_read_position(&key, timestamp, sequence)?))
    }

    /// Updates the roster of group `groupId` (a bare group id, not
    /// `group_…`) that group receipts count against, and optionally its type.
    pub fn set_group_members(
        &self,
        group_id: String,
        group_type: Option<GroupType>,
        op: GroupMemberOp,
        members: Vec<String>,
    ) -> ApiResult<()> {
        let key = imcore::ConvKey::group(group_id)?;
        let op = match op {
            GroupMemberOp::Set => RosterOp::Set,
            GroupMemberOp::Add => RosterOp::Add,
            GroupMemberOp::Remove => RosterOp::Remove,
        };
        self.op(|e| Ok(e.set_group_members(&key, group_type.map(Into::into), op, &members)?))
    }

    /// A group's roster, sorted.
    pub fn get_group_members(&self, group_id: String) -> ApiResult<Vec<String>> {
        let key = imcore::ConvKey::group(group_id)?;
        self.op(|e| Ok(e.group_members(&key)?))
    }

    /// The host's server sync lifecycle: fires `onSyncStarted`,
    /// `onSyncFinished` or `onSyncFailed(reason)` in order with the other
    /// events (`reason` is passed on for `Failed` only).
    pub fn receive_sync_phase(&self, phase: SyncPhase, reason: String) -> ApiResult<()> {
        let mut st = self.lock();
        let engine = st.engine()?;
        engine.sync_phase(match phase {
            SyncPhase::Started => imcore::SyncPhase::Started,
            SyncPhase::Finished => imcore::SyncPhase::Finished,
            SyncPhase::Failed => imcore::SyncPhase::Failed,
        });
        let mut events = st.collect(&self.registry);
        for e in &mut events {
            if let Event::SyncFailed(r) = e {
                r.clone_from(&reason);
            }
        }
        st.send(events);
        Ok(())
    }

    /// Merges conversation states from a server sync in one transaction
    /// (pins, marks, groups, receive options, extensions, read positions;
    /// see `ConversationSyncState`). Read positions that move fire
    /// `onConversationReadTimeUpdated`; changes fire the usual events.
    pub fn receive_conversation_sync(&self, states: Vec<ConversationSyncState>) -> ApiResult<()> {
        let states = states
            .iter()
            .map(ConversationSyncState::to_core)
            .collect::<ApiResult<Vec<_>>>()?;
        self.op(|e| Ok(e.merge_conversations(states)?))
    }
}
