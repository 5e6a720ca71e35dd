using System.Collections.Generic;
using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>A conversation as reported by the library (TIM <c>ConvInfo</c> JSON).</summary>
    public class ConvInfo : TIMJsonObject
    {
        /// <summary>Conversation id: peer user id (C2C) or group id (group), without <c>c2c_</c>/<c>group_</c> prefix.</summary>
        public string conv_id;
        /// <summary>Conversation type.</summary>
        public TIMConvType conv_type;
        /// <summary>Avatar URL of the peer or group.</summary>
        public string conv_face_url;
        /// <summary>Unread message count.</summary>
        public ulong conv_unread_num;
        /// <summary>imcore: unread messages that @-mention me or everyone (counted like unread).</summary>
        public ulong? conv_unread_mention_num;
        /// <summary>imcore: the badge (unread count, mention count or 0 after the count preference).</summary>
        public ulong? conv_badge_num;
        /// <summary>imcore: count preference.</summary>
        public IMCoreCountPref? conv_count_pref;
        /// <summary>imcore: the read position's version (raised by every mark-unread).</summary>
        public ulong? conv_read_version;
        /// <summary>Ordering key: larger is more recent (pinned conversations sort first).</summary>
        public ulong? conv_active_time;
        /// <summary>True when <see cref="conv_last_msg"/> is present.</summary>
        public bool? conv_is_has_lastmsg;
        /// <summary>Last message of the conversation.</summary>
        public Message conv_last_msg;
        /// <summary>True when <see cref="conv_draft"/> is present.</summary>
        public bool? conv_is_has_draft;
        /// <summary>Draft of the conversation.</summary>
        public Draft conv_draft;
        /// <summary>Receive option (muting).</summary>
        public TIMReceiveMessageOpt? conv_recv_opt;
        /// <summary>Group type (group conversations only).</summary>
        public TIMGroupType? conv_group_type;
        /// <summary>Unread @-mentions (group conversations only).</summary>
        public List<GroupAtInfo> conv_group_at_info_array;
        /// <summary>True when the conversation is pinned.</summary>
        public bool? conv_is_pinned;
        /// <summary>Display name: group name or ID; C2C: remark, nickname or user id.</summary>
        public string conv_show_name;
        /// <summary>Marks set on the conversation (<see cref="TIMConversationMarkType"/> bits).</summary>
        public List<ulong> conv_mark_array;
        /// <summary>Application-defined data (at most 256 bytes).</summary>
        public string conv_custom_data;
        /// <summary>Names of the conversation groups the conversation belongs to.</summary>
        public List<string> conv_conversation_group_array;
        /// <summary>C2C: time (UTC seconds) up to which the peer has read my messages.</summary>
        public ulong? conv_c2c_read_timestamp;
        /// <summary>Group: sequence up to which I have read.</summary>
        public ulong? conv_group_read_sequence;
        /// <summary>Deprecated owner field.</summary>
        public string conv_owner;
    }
}
