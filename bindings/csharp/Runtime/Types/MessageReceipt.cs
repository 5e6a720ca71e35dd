using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>Read receipt information of a message or a C2C conversation.</summary>
    public class MessageReceipt : TIMJsonObject
    {
        /// <summary>Conversation id (raw user id or group id).</summary>
        public string msg_receipt_conv_id;
        /// <summary>Conversation type.</summary>
        public TIMConvType msg_receipt_conv_type;
        /// <summary>Message id; empty for a C2C "read everything up to the time stamp" receipt.</summary>
        public string msg_receipt_msg_id;
        /// <summary>C2C: time (UTC seconds) the peer read up to, or sent the receipt.</summary>
        public ulong msg_receipt_time_stamp;
        /// <summary>C2C: the peer has read.</summary>
        public bool msg_receipt_is_peer_read;
        /// <summary>Group: members who have read the message.</summary>
        public int msg_receipt_read_count;
        /// <summary>Group: members who have not read the message.</summary>
        public int msg_receipt_unread_count;
    }
}
