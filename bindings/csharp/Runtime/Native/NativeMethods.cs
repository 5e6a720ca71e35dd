using System;
using System.Runtime.InteropServices;

namespace IMCore.Unity.Native
{
    /// <summary>
    /// P/Invoke declarations of the imcore C ABI, with the exact C names. Conventions:
    /// <list type="bullet">
    /// <item><c>const char*</c> inputs are NUL-terminated UTF-8 <c>byte[]</c> made by <see cref="Utf8.ToNative"/>
    /// (<c>null</c> = NULL pointer); <c>char*</c> out-buffers are <c>[In, Out] byte[]</c>.</item>
    /// <item>C <c>bool</c> (1 byte) is <c>[MarshalAs(UnmanagedType.I1)] bool</c>; C enums are <c>int</c>.</item>
    /// <item><c>user_data</c> is an opaque <c>IntPtr</c> key that native code returns untouched.</item>
    /// </list>
    /// </summary>
    internal static class NativeMethods
    {
#if (UNITY_IOS || UNITY_WEBGL) && !UNITY_EDITOR
        /// <summary>Statically linked into the player.</summary>
        internal const string LibName = "__Internal";
#else
        /// <summary>libimcore.so / imcore.dll / libimcore.dylib.</summary>
        internal const string LibName = "imcore";
#endif

        // ------------------------------------------------------------------ init / login
        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMInit(ulong sdk_app_id, byte[] json_sdk_config);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMUninit();

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr TIMGetSDKVersion();

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern ulong TIMGetServerTime();

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMSetConfig(byte[] json_config, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMLogin(byte[] user_id, byte[] user_sig, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMLogout(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMGetLoginUserID([In, Out] byte[] user_id_buffer);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMGetLoginStatus();

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetLogCallback(TIMLogCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int callExperimentalAPI(byte[] json_param, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetNetworkStatusListenerCallback(TIMNetworkStatusListenerCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetKickedOfflineCallback(TIMUserDataCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetUserSigExpiredCallback(TIMUserDataCallback cb, IntPtr user_data);

        // ------------------------------------------------------------------ conversations
        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvGetConvList(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvGetConvInfo(byte[] json_get_conv_list_param, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvGetConversationListByFilter(byte[] filter, ulong next_seq, uint count, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvDelete(byte[] conv_id, int conv_type, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvDeleteConversationList(byte[] conversation_id_array, [MarshalAs(UnmanagedType.I1)] bool clear_message, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvSetDraft(byte[] conv_id, int conv_type, byte[] json_draft_param);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvCancelDraft(byte[] conv_id, int conv_type);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvSetConversationCustomData(byte[] conversation_id_array, byte[] custom_data, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvPinConversation(byte[] conv_id, int conv_type, [MarshalAs(UnmanagedType.I1)] bool is_pinned, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvMarkConversation(byte[] conversation_id_array, ulong mark_type, [MarshalAs(UnmanagedType.I1)] bool enable_mark, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvGetTotalUnreadMessageCount(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvGetUnreadMessageCountByFilter(byte[] filter, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvSubscribeUnreadMessageCountByFilter(byte[] filter);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvUnsubscribeUnreadMessageCountByFilter(byte[] filter);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvCleanConversationUnreadMessageCount(byte[] conversation_id, ulong clean_timestamp, ulong clean_sequence, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvCreateConversationGroup(byte[] group_name, byte[] conversation_id_array, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvGetConversationGroupList(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvDeleteConversationGroup(byte[] group_name, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvRenameConversationGroup(byte[] old_name, byte[] new_name, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvAddConversationsToGroup(byte[] group_name, byte[] conversation_id_array, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvDeleteConversationsFromGroup(byte[] group_name, byte[] conversation_id_array, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvCreate(byte[] conv_id, int conv_type, TIMCommCallback cb, IntPtr user_data);

        // ------------------------------------------------------------------ conversation listeners
        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetConvEventCallback(TIMConvEventCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetConvTotalUnreadMessageCountChangedCallback(TIMConvTotalUnreadMessageCountChangedCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetConvUnreadMessageCountChangedByFilterCallback(TIMConvTotalUnreadMessageCountChangedByFilterCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetConvConversationGroupCreatedCallback(TIMConvConversationGroupConversationsCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetConvConversationGroupDeletedCallback(TIMConvConversationGroupDeletedCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetConvConversationGroupNameChangedCallback(TIMConvConversationGroupNameChangedCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetConvConversationsAddedToGroupCallback(TIMConvConversationGroupConversationsCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetConvConversationsDeletedFromGroupCallback(TIMConvConversationGroupConversationsCallback cb, IntPtr user_data);

        // ------------------------------------------------------------------ message listeners
        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMAddRecvNewMsgCallback(TIMJsonCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMRemoveRecvNewMsgCallback(TIMJsonCallback cb);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetMsgReadedReceiptCallback(TIMJsonCallback cb, IntPtr user_data);

        // ------------------------------------------------------------------ messages
        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgSendMessage(byte[] conv_id, int conv_type, byte[] json_msg_param, [In, Out] byte[] message_id_buffer, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgGetMsgList(byte[] conv_id, int conv_type, byte[] json_get_msg_param, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgFindMessages(byte[] json_message_id_array, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgReportReaded(byte[] conv_id, int conv_type, byte[] json_msg_param, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgMarkAllMessageAsRead(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgSetC2CReceiveMessageOpt(byte[] json_identifier_array, int opt, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgGetC2CReceiveMessageOpt(byte[] json_identifier_array, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgSetGroupReceiveMessageOpt(byte[] group_id, int opt, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgSendMessageReadReceipts(byte[] json_msg_array, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgGetMessageReadReceipts(byte[] json_msg_array, TIMCommCallback cb, IntPtr user_data);

        // ------------------------------------------------------------------ message lifecycle
        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgDelete(byte[] conv_id, int conv_type, byte[] json_msgdel_param, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgListDelete(byte[] conv_id, int conv_type, byte[] json_msg_array, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgClearHistoryMessage(byte[] conv_id, int conv_type, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgFindByMsgLocatorList(byte[] conv_id, int conv_type, byte[] json_msg_locator_array, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgRevoke(byte[] conv_id, int conv_type, byte[] json_msg_param, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgModifyMessage(byte[] json_msg_param, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgSetAllReceiveMessageOpt(int opt, int start_hour, int start_minute, int start_second, uint duration, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgGetAllReceiveMessageOpt(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgDoBackground(uint unread_count, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgDoForeground(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreMsgGetAppState(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreMsgSetPrivateReadReceipts(byte enabled, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreMsgGetPrivateReadReceipts(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetMsgRevokeCallback(TIMJsonCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetMsgUpdateCallback(TIMJsonCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetMsgAllMessageReceiveOptionCallback(TIMJsonCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMMsgGetGroupMessageReadMemberList(byte[] json_msg, int filter, ulong next_seq, uint count, TIMMsgGroupMessageReadMemberListCallback cb, IntPtr user_data);

        // ------------------------------------------------------------------ IMCore extensions
        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreConvGetTotalUnreadMentionCount(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreConvGetUnreadMentionCountByFilter(byte[] filter, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreConvMarkUnreadFrom(byte[] conv_id, int conv_type, byte[] msg_id, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreConvSetCountPref(byte[] conv_id, int conv_type, int pref, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreConvExplainUnread(byte[] conv_id, int conv_type, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreConvGetTotalUnreadSynced(TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreInboundPush(byte[] json_envelope_array, TIMCommCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void IMCoreSetOutboundCallback(TIMJsonCallback cb, IntPtr user_data);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreOutboundAck(byte[] json_ack);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreSetCallbackMode(int mode);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCorePollCallbacks(uint max_batches);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreSetNetworkStatus(int status);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreSetNetworkStatusEx(int status, int code, byte[] desc);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreNotifyKickedOffline();

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreNotifyUserSigExpired();

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCoreGetLastError([In, Out] byte[] buffer, uint buffer_len);

        [DllImport(LibName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void TIMSetExperimentalNotifyCallback(TIMExperimentalNotifyCallback cb, IntPtr user_data);
    }
}
