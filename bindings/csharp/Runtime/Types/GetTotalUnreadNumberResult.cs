namespace IMCore.Unity.Types
{
    /// <summary>Result of <c>ConvGetTotalUnreadMessageCount</c> and <c>ConvGetUnreadMessageCountByFilter</c>.</summary>
    public class GetTotalUnreadNumberResult : TIMJsonObject
    {
        /// <summary>Total unread messages (muted conversations excluded).</summary>
        public int conv_get_total_unread_message_count_result_unread_count;
    }
}
