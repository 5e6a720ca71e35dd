using System.Collections.Generic;
using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>
    /// A message (TIM <c>Message</c> JSON). To send, set at least <see cref="message_elem_array"/>;
    /// fields left <c>null</c> are not sent. Fields marked read-only are filled by the library.
    /// </summary>
    public class Message : TIMJsonObject
    {
        /// <summary>Elements of the message (required).</summary>
        public List<Elem> message_elem_array;
        /// <summary>Conversation id: the peer's user id for C2C (also on my own messages), the group id for groups.</summary>
        public string message_conv_id;
        /// <summary>Conversation type.</summary>
        public TIMConvType? message_conv_type;
        /// <summary>Sender's user id.</summary>
        public string message_sender;
        /// <summary>Priority.</summary>
        public TIMMsgPriority? message_priority;
        /// <summary>Client time, UTC seconds.</summary>
        public ulong? message_client_time;
        /// <summary>Server time, UTC seconds.</summary>
        public ulong? message_server_time;
        /// <summary>True when I sent the message (possibly from another device).</summary>
        public bool? message_is_from_self;
        /// <summary>Platform the message was sent from.</summary>
        public TIMPlatform? message_platform;
        /// <summary>True when I have read the message.</summary>
        public bool? message_is_read;
        /// <summary>Online-only message: not stored and not counted as unread.</summary>
        public bool? message_is_online_msg;
        /// <summary>Read-only: the C2C peer has read the conversation up to (at least) this message.</summary>
        public bool? message_is_peer_read;
        /// <summary>Read-only: the peer sent a read receipt for this message.</summary>
        public bool? message_receipt_peer_read;
        /// <summary>Ask receivers to send a read receipt for this message.</summary>
        public bool? message_need_read_receipt;
        /// <summary>Read-only: I already sent a read receipt for this (group) message.</summary>
        public bool? message_has_sent_receipt;
        /// <summary>Read-only: how many group members have read the message.</summary>
        public int? message_group_receipt_read_count;
        /// <summary>Read-only: how many group members have not read the message.</summary>
        public int? message_group_receipt_unread_count;
        /// <summary>Status of the message.</summary>
        public TIMMsgStatus? message_status;
        /// <summary>Read-only: who revoked it (status <c>kTIMMsg_Revoked</c>).</summary>
        public string message_revoker_user_id;
        /// <summary>Read-only: why it was revoked; on <c>MsgRevoke</c>, the reason to give.</summary>
        public string message_revoke_reason;
        /// <summary>Numeric unique id (prefer <see cref="message_msg_id"/>).</summary>
        public ulong? message_unique_id;
        /// <summary>Message id (unique).</summary>
        public string message_msg_id;
        /// <summary>Random number of the message.</summary>
        public ulong? message_rand;
        /// <summary>Sequence number (group sequence; may be 0 for C2C).</summary>
        public ulong? message_seq;
        /// <summary>Local-only custom integer.</summary>
        public int? message_custom_int;
        /// <summary>Local-only custom string.</summary>
        public string message_custom_str;
        /// <summary>Custom string synchronised through the cloud.</summary>
        public string message_cloud_custom_str;
        /// <summary>True: the message is not counted as unread.</summary>
        public bool? message_is_excluded_from_unread_count;
        /// <summary>True: the message does not become the conversation's last message.</summary>
        public bool? message_excluded_from_last_message;
        /// <summary>User ids @-mentioned in a group message; <c>"__kImSDK_MessageAtALL__"</c> means everyone.</summary>
        public List<string> message_group_at_user_array;
        /// <summary>Targeted group message: only these members receive it (not counted as unread).</summary>
        public List<string> message_target_group_member_array;
        /// <summary>Read-only: sender's profile.</summary>
        public UserProfile message_sender_profile;
        /// <summary>Read-only: sender's group member information.</summary>
        public GroupMemberInfo message_sender_group_member_info;
        /// <summary>Write-only: the message is forwarded.</summary>
        public bool? message_is_forward_message;
        /// <summary>The message supports message extensions.</summary>
        public bool? message_support_message_extension;
    }
}
