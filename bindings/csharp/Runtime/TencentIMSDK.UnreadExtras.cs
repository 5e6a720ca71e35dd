using IMCore.Unity.Callbacks;
using IMCore.Unity.Enums;
using IMCore.Unity.Native;
using IMCore.Unity.Types;

namespace IMCore.Unity
{
    // imcore's unread extensions (IMCore* exports; TIM has no such calls): unread mentions, mark unread
    // from a message, count preferences, the unread explanation and whether the total is synced.
    // Rules and keys: docs/C-ABI.md, "Unread extensions".
    public static partial class TencentIMSDK
    {
        /// <summary>Unread @-mentions (me or everyone) over the unmuted conversations whose count preference is not none.</summary>
        public static TIMResult ConvGetTotalUnreadMentionCount(ValueCallback<UnreadMentionCountResult> callback)
        {
            return Invoke("ConvGetTotalUnreadMentionCount", Completions.ForValue(callback),
                key => NativeMethods.IMCoreConvGetTotalUnreadMentionCount(NativeThunks.CommResult, key));
        }

        /// <summary>Unread @-mentions of the conversations matching <paramref name="filter"/> (null = all; muted left out).</summary>
        public static TIMResult ConvGetUnreadMentionCountByFilter(ConversationListFilter filter, ValueCallback<UnreadMentionCountResult> callback)
        {
            byte[] json = FilterJson(filter);
            return Invoke("ConvGetUnreadMentionCountByFilter", Completions.ForValue(callback),
                key => NativeMethods.IMCoreConvGetUnreadMentionCountByFilter(json, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Marks a conversation unread from message <paramref name="msg_id"/> on: the read position moves back to
        /// just before it (synced to the user's other devices); the "unread" mark bit is not touched.
        /// </summary>
        public static TIMResult ConvMarkUnreadFrom(string conv_id, TIMConvType conv_type, string msg_id, ValueCallback<MarkUnreadResult> callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            byte[] msg = Utf8.ToNative(msg_id);
            return Invoke("ConvMarkUnreadFrom", Completions.ForValue(callback),
                key => NativeMethods.IMCoreConvMarkUnreadFrom(id, (int)conv_type, msg, NativeThunks.CommResult, key));
        }

        /// <summary>Sets a conversation's count preference (synced like the receive option).</summary>
        public static TIMResult ConvSetCountPref(string conv_id, TIMConvType conv_type, IMCoreCountPref pref, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            return Invoke("ConvSetCountPref", Completions.ForNull(callback),
                key => NativeMethods.IMCoreConvSetCountPref(id, (int)conv_type, (int)pref, NativeThunks.CommResult, key));
        }

        /// <summary>"Why is this badge N?": the read position and its history, each message with its verdict, the part of the total.</summary>
        public static TIMResult ConvExplainUnread(string conv_id, TIMConvType conv_type, ValueCallback<UnreadExplanation> callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            return Invoke("ConvExplainUnread", Completions.ForValue(callback),
                key => NativeMethods.IMCoreConvExplainUnread(id, (int)conv_type, NativeThunks.CommResult, key));
        }

        /// <summary>Whether the total is final: false until the first sync of the login finished (with a transport).</summary>
        public static TIMResult ConvGetTotalUnreadSynced(ValueCallback<TotalUnreadSyncedResult> callback)
        {
            return Invoke("ConvGetTotalUnreadSynced", Completions.ForValue(callback),
                key => NativeMethods.IMCoreConvGetTotalUnreadSynced(NativeThunks.CommResult, key));
        }
    }
}
