namespace IMCore.Unity.Enums
{
    /// <summary>
    /// Conversation mark bits (<c>conv_mark_array</c>, <c>ConvMarkConversation</c>). The values are bit
    /// flags that may be OR-ed; application-defined marks are <c>1UL &lt;&lt; n</c> with 32 &lt;= n &lt; 64.
    /// </summary>
    public enum TIMConversationMarkType : ulong
    {
        /// <summary>Starred.</summary>
        kTIMConversationMarkTypeStar = 0x1,
        /// <summary>Marked unread (shows a dot; does not change the unread count).</summary>
        kTIMConversationMarkTypeUnread = 0x2,
        /// <summary>Folded.</summary>
        kTIMConversationMarkTypeFold = 0x4,
        /// <summary>Hidden.</summary>
        kTIMConversationMarkTypeHide = 0x8,
    }
}
