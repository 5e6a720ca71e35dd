using System.Collections.Generic;
using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>A group member (TIM <c>GroupMemberInfo</c> JSON).</summary>
    public class GroupMemberInfo : TIMJsonObject
    {
        /// <summary>User id of the member.</summary>
        public string group_member_info_identifier;
        /// <summary>Group id.</summary>
        public string group_member_info_group_id;
        /// <summary>Join time, UTC seconds.</summary>
        public ulong? group_member_info_join_time;
        /// <summary>Role in the group.</summary>
        public TIMGroupMemberRole? group_member_info_member_role;
        /// <summary>Message flag.</summary>
        public uint? group_member_info_msg_flag;
        /// <summary>Message sequence.</summary>
        public ulong? group_member_info_msg_seq;
        /// <summary>Muted until (UTC seconds).</summary>
        public ulong? group_member_info_shutup_time;
        /// <summary>Name card in the group.</summary>
        public string group_member_info_name_card;
        /// <summary>Nickname.</summary>
        public string group_member_info_nick_name;
        /// <summary>Friend remark (key used by the Unity layer).</summary>
        public string group_member_info_remark;
        /// <summary>Friend remark (key used by the native headers).</summary>
        public string group_member_info_friend_remark;
        /// <summary>Avatar URL.</summary>
        public string group_member_info_face_url;
        /// <summary>Whether the member is online.</summary>
        public bool? group_member_info_is_online;
        /// <summary>Platforms the member is online on.</summary>
        public List<string> group_member_info_online_devices;
    }
}
