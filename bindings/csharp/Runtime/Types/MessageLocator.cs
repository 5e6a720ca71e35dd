using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>Where a revoked message is (<c>TIMSetMsgRevokeCallback</c>'s MessageLocator).</summary>
    public class MessageLocator : TIMJsonObject
    {
        /// <summary>Conversation id (raw user id or group id).</summary>
        public string message_locator_conv_id;
        /// <summary>Conversation type.</summary>
        public TIMConvType message_locator_conv_type;
        /// <summary>Always true here: the message is revoked.</summary>
        public bool message_locator_is_revoked;
        /// <summary>The message's server time (UTC seconds).</summary>
        public ulong message_locator_time;
        /// <summary>Its group sequence (0 for C2C).</summary>
        public ulong message_locator_seq;
        /// <summary>Sent by me.</summary>
        public bool message_locator_is_self;
        /// <summary>Random number of the message: the same as its <c>message_rand</c>.</summary>
        public ulong message_locator_rand;
        /// <summary>Unique id of the message: the same as its <c>message_unique_id</c>.</summary>
        public ulong message_locator_unique_id;
        /// <summary>imcore: the message id.</summary>
        public string message_locator_msg_id;
        /// <summary>Who revoked it.</summary>
        public string message_revoker_user_id;
        /// <summary>Why (may be empty).</summary>
        public string message_revoke_reason;
    }
}
