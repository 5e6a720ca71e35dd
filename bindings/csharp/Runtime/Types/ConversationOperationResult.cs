namespace IMCore.Unity.Types
{
    /// <summary>Per-conversation outcome of a batch conversation operation.</summary>
    public class ConversationOperationResult : TIMJsonObject
    {
        /// <summary>Conversation id (<c>c2c_…</c> / <c>group_…</c>).</summary>
        public string conversation_operation_result_conversation_id;
        /// <summary>0 on success, else an error code.</summary>
        public int conversation_operation_result_result_code;
        /// <summary>Error text.</summary>
        public string conversation_operation_result_result_info;
    }
}
