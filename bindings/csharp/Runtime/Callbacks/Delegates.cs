using System.Collections.Generic;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;

namespace IMCore.Unity.Callbacks
{
    /// <summary>Result of a call that returns data. <paramref name="data"/> is <c>null</c>/default when the call failed.</summary>
    /// <param name="code">0 on success, else an error code (e.g. 6013 not initialised, 6017 invalid parameter).</param>
    /// <param name="desc">Error text; empty on success.</param>
    /// <param name="data">The typed result.</param>
    /// <param name="user_data">Name of the call and a sequence number, for logging.</param>
    public delegate void ValueCallback<T>(int code, string desc, T data, string user_data);

    /// <summary>Result of a call that returns no data.</summary>
    /// <param name="code">0 on success, else an error code.</param>
    /// <param name="desc">Error text; empty on success.</param>
    /// <param name="user_data">Name of the call and a sequence number, for logging.</param>
    public delegate void NullValueCallback(int code, string desc, string user_data);

    /// <summary>Conversations were added, deleted or updated, or server sync started/finished (empty list).</summary>
    public delegate void ConvEventCallback(TIMConvEvent conv_event, List<ConvInfo> conv_list, string user_data);

    /// <summary>The total unread count (muted conversations excluded) changed.</summary>
    public delegate void ConvTotalUnreadMessageCountChangedCallback(int total_unread_count, string user_data);

    /// <summary>The unread count of a subscribed filter changed; <paramref name="filter"/> tells which subscription.</summary>
    public delegate void ConvTotalUnreadMessageCountChangedByFilterCallback(ConversationListFilter filter, int total_unread_count, string user_data);

    /// <summary>A conversation group was created with the given conversations (<c>c2c_…</c>/<c>group_…</c> ids).</summary>
    public delegate void ConvConversationGroupCreatedCallback(string group_name, List<string> conversation_array, string user_data);

    /// <summary>A conversation group was deleted.</summary>
    public delegate void ConvConversationGroupDeletedCallback(string group_name, string user_data);

    /// <summary>A conversation group was renamed.</summary>
    public delegate void ConvConversationGroupNameChangedCallback(string old_name, string new_name, string user_data);

    /// <summary>Conversations (<c>c2c_…</c>/<c>group_…</c> ids) were added to a conversation group.</summary>
    public delegate void ConvConversationsAddedToGroupCallback(string group_name, List<string> conversation_array, string user_data);

    /// <summary>Conversations (<c>c2c_…</c>/<c>group_…</c> ids) were removed from a conversation group.</summary>
    public delegate void ConvConversationsDeletedFromGroupCallback(string group_name, List<string> conversation_array, string user_data);

    /// <summary>New messages arrived (messages not stored before, not necessarily unread).</summary>
    public delegate void RecvNewMsgCallback(List<Message> message, string user_data);

    /// <summary>Peers read my messages (C2C conversation-level or message-level receipts, group receipt counts).</summary>
    public delegate void MsgReadedReceiptCallback(List<MessageReceipt> message_receipt, string user_data);

    /// <summary>Messages were revoked by the server's word (the sender, an admin, another of my devices).</summary>
    public delegate void MsgRevokeCallback(List<MessageLocator> msg_locator, string user_data);

    /// <summary>Messages were edited (their content as it is now).</summary>
    public delegate void MsgUpdateCallback(List<Message> message_list, string user_data);

    /// <summary>The global receive option changed.</summary>
    public delegate void MsgAllMessageReceiveOptionCallback(ReceiveMessageOptInfo info, string user_data);

    /// <summary>The connection state changed.</summary>
    public delegate void NetworkStatusListenerCallback(TIMNetworkStatus status, int code, string desc, string user_data);

    /// <summary>This device was logged out because the same user logged in elsewhere.</summary>
    public delegate void KickedOfflineCallback(string user_data);

    /// <summary>The user signature expired; log in again with a fresh one.</summary>
    public delegate void UserSigExpiredCallback(string user_data);

    /// <summary>A log line of the native library.</summary>
    public delegate void LogCallback(TIMLogLevel level, string log, string user_data);

    /// <summary>
    /// An experimental notification: a key and its data. imcore sends <c>imcore_outbound_failed</c> (data:
    /// the server's ack JSON) when the server refused an envelope other than a message, and
    /// <c>imcore_sync_failed</c> when the host reported a failed server sync.
    /// </summary>
    public delegate void ExperimentalNotifyCallback(string key, string data, string user_data);

    /// <summary>
    /// One page of the members who have (not) read a group message. <paramref name="json_group_member_array"/>
    /// is <c>null</c> when the request failed (the native callback carries no error code).
    /// </summary>
    public delegate void MsgGroupReadMembersCallback(List<GroupMemberInfo> json_group_member_array, ulong next_seq, bool is_finished, string user_data);
}
