namespace IMCore.Unity.Types
{
    /// <summary>Configuration passed to <c>TencentIMSDK.Init</c> (JSON of <c>TIMInit</c>).</summary>
    public class SdkConfig : TIMJsonObject
    {
        /// <summary>Folder where the library keeps its data (local database). UTF-8 path.</summary>
        public string sdk_config_config_file_path;

        /// <summary>Folder where the library writes its log files. UTF-8 path.</summary>
        public string sdk_config_log_file_path;

        /// <summary>
        /// imcore: a revoked message that was unread still counts (default false: revoking it lowers the
        /// count, as Matrix does; NetEase's <c>shouldConsiderRevokedMessageUnreadCount</c>).
        /// </summary>
        public bool? imcore_revoked_messages_count;

        /// <summary>
        /// imcore: a conversation marked unread (<c>kTIMConversationMarkTypeUnread</c>) whose unread count is 0
        /// shows a badge of 1 and adds 1 to the totals (default false: the mark is a dot without a count), as
        /// Telegram counts a chat marked unread.
        /// </summary>
        public bool? imcore_count_marked_unread_as_one;
    }
}
