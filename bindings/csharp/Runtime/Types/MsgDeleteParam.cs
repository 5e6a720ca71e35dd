namespace IMCore.Unity.Types
{
    /// <summary>The parameter of <c>MsgDelete</c>.</summary>
    public class MsgDeleteParam : TIMJsonObject
    {
        /// <summary>The message to delete (its <c>message_msg_id</c> is what counts).</summary>
        public Message msg_delete_param_msg;
        /// <summary>Also delete the server's copy (relayed to my other devices); default false: this device only.</summary>
        public bool? msg_delete_param_is_ramble;
    }
}
