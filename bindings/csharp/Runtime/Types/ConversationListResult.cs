using System.Collections.Generic;

namespace IMCore.Unity.Types
{
    /// <summary>One page of <c>ConvGetConversationListByFilter</c>.</summary>
    public class ConversationListResult : TIMJsonObject
    {
        /// <summary>Conversations of this page.</summary>
        public List<ConvInfo> conversation_list_result_conv_list;
        /// <summary>Pass this as <c>next_seq</c> to get the next page.</summary>
        public ulong conversation_list_result_next_seq;
        /// <summary>True when there is no further page.</summary>
        public bool conversation_list_result_is_finished;
    }
}
