using System.Collections.Generic;
using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>Result of <c>ConvGetTotalUnreadMentionCount</c> and <c>ConvGetUnreadMentionCountByFilter</c>.</summary>
    public class UnreadMentionCountResult : TIMJsonObject
    {
        /// <summary>Unread messages that @-mention me or everyone (counted like unread).</summary>
        public ulong conv_unread_mention_count;
    }

    /// <summary>Result of <c>ConvMarkUnreadFrom</c>.</summary>
    public class MarkUnreadResult : TIMJsonObject
    {
        /// <summary>The conversation's unread count after the move.</summary>
        public ulong conv_unread_num;
    }

    /// <summary>Result of <c>ConvGetTotalUnreadSynced</c>.</summary>
    public class TotalUnreadSyncedResult : TIMJsonObject
    {
        /// <summary>False until the first sync of the login finished (with a transport): the total is provisional.</summary>
        public bool conv_total_unread_synced;
        /// <summary>The total unread count now.</summary>
        public ulong conv_get_total_unread_message_count_result_unread_count;
    }

    /// <summary>One move of a read position (<c>explain_history</c>).</summary>
    public class ReadMoveInfo : TIMJsonObject
    {
        /// <summary>When (seconds).</summary>
        public ulong read_move_time;
        /// <summary><c>local_clean</c>, <c>other_device</c>, <c>server_sync</c>, <c>mark_unread</c> or <c>delete</c>.</summary>
        public string read_move_source;
        /// <summary>Read time (C2C, seconds) or sequence (group) before.</summary>
        public ulong read_move_from;
        /// <summary>Read time or sequence after.</summary>
        public ulong read_move_to;
        /// <summary>The read position's version after the move.</summary>
        public ulong read_move_version;
        /// <summary>The move went back (a mark-unread).</summary>
        public bool read_move_backward;
    }

    /// <summary>One message of an explanation.</summary>
    public class ExplainedMessage : TIMJsonObject
    {
        /// <summary>The message id.</summary>
        public string message_msg_id;
        /// <summary>Its sender.</summary>
        public string message_sender;
        /// <summary>Server time (seconds).</summary>
        public ulong message_server_time;
        /// <summary>Group sequence.</summary>
        public ulong message_seq;
        /// <summary>It @-mentions me or everyone.</summary>
        public bool explain_mention;
        /// <summary><c>counted</c>, or why not: <c>from_me</c>, <c>excluded_from_unread</c>, <c>online_only</c>, <c>duplicate_id</c>, <c>before_read_position</c>, <c>revoked</c>, <c>group_type_never_counts</c>.</summary>
        public string explain_reason;
    }

    /// <summary>"Why is this badge N?" (<c>ConvExplainUnread</c>; keys in docs/C-ABI.md).</summary>
    public class UnreadExplanation : TIMJsonObject
    {
        /// <summary>Conversation id (raw).</summary>
        public string conv_id;
        /// <summary>Conversation type.</summary>
        public TIMConvType conv_type;
        /// <summary>Read time (C2C, seconds) or sequence (group).</summary>
        public ulong explain_read_mark;
        /// <summary>The read position's version (raised by every mark-unread).</summary>
        public ulong explain_read_version;
        /// <summary>The last move of the read position (null when none was kept).</summary>
        public ReadMoveInfo explain_last_move;
        /// <summary>The kept moves, oldest first (at most 16).</summary>
        public List<ReadMoveInfo> explain_history;
        /// <summary>The unread count.</summary>
        public ulong conv_unread_num;
        /// <summary>The unread mentions.</summary>
        public ulong conv_unread_mention_num;
        /// <summary>The badge.</summary>
        public ulong conv_badge_num;
        /// <summary>The counting messages after the read position, oldest first (at most 100).</summary>
        public List<ExplainedMessage> explain_counted;
        /// <summary>Counting messages not listed.</summary>
        public ulong explain_counted_more;
        /// <summary>The messages that do not count, each with its reason.</summary>
        public List<ExplainedMessage> explain_not_counted;
        /// <summary>Non-counting messages after the read position not listed.</summary>
        public ulong explain_not_counted_more;
        /// <summary>Receive option.</summary>
        public TIMReceiveMessageOpt conv_recv_opt;
        /// <summary>Count preference.</summary>
        public IMCoreCountPref conv_count_pref;
        /// <summary>Carries the "unread" mark bit.</summary>
        public bool explain_marked_unread;
        /// <summary>Its part of the total unread count.</summary>
        public ulong explain_total_contribution;
        /// <summary><c>counted</c>, <c>mentions_only</c>, <c>marked_unread_as_one</c>, <c>muted</c>, <c>count_pref_none</c> or <c>hidden</c>.</summary>
        public string explain_total_reason;
    }
}
