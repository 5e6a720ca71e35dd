using System.Collections.Generic;
using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>Parameters of <c>TencentIMSDK.MsgGetMsgList</c>. Fields left <c>null</c> are not sent.</summary>
    public class MsgGetMsgListParam : TIMJsonObject
    {
        /// <summary>Start from this message (exclusive); null = from the newest.</summary>
        public Message msg_getmsglist_param_last_msg;
        /// <summary>How many messages to return.</summary>
        public uint? msg_getmsglist_param_count;
        /// <summary>Also fetch roaming messages from the cloud.</summary>
        public bool? msg_getmsglist_param_is_ramble;
        /// <summary>True: messages newer than the start; false: older.</summary>
        public bool? msg_getmsglist_param_is_forward;
        /// <summary>Groups: start from this sequence.</summary>
        public ulong? msg_getmsglist_param_last_msg_seq;
        /// <summary>Start of a time range, UTC seconds.</summary>
        public ulong? msg_getmsglist_param_time_begin;
        /// <summary>Length of the time range, seconds.</summary>
        public ulong? msg_getmsglist_param_time_period;
        /// <summary>Groups: fetch exactly these sequences.</summary>
        public List<ulong> msg_getmsglist_param_message_seq_array;
        /// <summary>Only messages with these element types (local queries only).</summary>
        public List<TIMElemType> msg_getmsglist_param_message_type_array;
    }
}
