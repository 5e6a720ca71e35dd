using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>
    /// Conversation filter for <c>ConvGetConversationListByFilter</c>, <c>ConvGetUnreadMessageCountByFilter</c>
    /// and the unread-count subscriptions. A field left <c>null</c> does not filter; note that
    /// <c>""</c> and <c>0</c> are real filters (see each field).
    /// </summary>
    public class ConversationListFilter : TIMJsonObject
    {
        /// <summary>Only conversations of this type.</summary>
        public TIMConvType? conversation_list_filter_conv_type;
        /// <summary>Only conversations in this conversation group; <c>""</c> = only conversations in no group.</summary>
        public string conversation_list_filter_conversation_group;
        /// <summary>Only conversations with all these mark bits; <c>0</c> = only unmarked conversations.</summary>
        public ulong? conversation_list_filter_mark_type;
        /// <summary>Only conversations with (true) or without (false) unread messages.</summary>
        public bool? conversation_list_filter_has_unread_count;
        /// <summary>Only conversations with (true) or without (false) unread @-mentions.</summary>
        public bool? conversation_list_filter_has_group_at_info;
        /// <summary>imcore: only conversations with (true) or without (false) unread mentions.</summary>
        public bool? conversation_list_filter_has_unread_mention;
        /// <summary>imcore: only conversations with this count preference.</summary>
        public IMCoreCountPref? conversation_list_filter_count_pref;
    }
}
