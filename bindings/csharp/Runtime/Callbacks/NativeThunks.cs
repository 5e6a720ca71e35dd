using System;
using AOT;
using IMCore.Unity.Dispatch;
using IMCore.Unity.Enums;
using IMCore.Unity.Native;

namespace IMCore.Unity.Callbacks
{
    /// <summary>
    /// The only functions handed to native code: static methods marked <c>[MonoPInvokeCallback]</c>
    /// (IL2CPP-safe), each held by a static readonly delegate so it is never collected. Every thunk
    /// copies the native strings at once (they are valid only during the call), then hands the work to
    /// <see cref="CallbackDispatcher"/>; no exception ever leaves a thunk.
    /// </summary>
    internal static class NativeThunks
    {
        /// <summary><c>user_data</c> passed with every listener; listeners are told apart by their thunk.</summary>
        internal static readonly IntPtr ListenerUserData = new IntPtr(-1);

        internal static readonly TIMCommCallback CommResult = OnCommResult;
        internal static readonly TIMMsgGroupMessageReadMemberListCallback ReadMembersResult = OnReadMembersResult;
        internal static readonly TIMConvEventCallback ConvEvent = OnConvEvent;
        internal static readonly TIMConvTotalUnreadMessageCountChangedCallback TotalUnread = OnTotalUnread;
        internal static readonly TIMConvTotalUnreadMessageCountChangedByFilterCallback UnreadByFilter = OnUnreadByFilter;
        internal static readonly TIMConvConversationGroupConversationsCallback GroupCreated = OnGroupCreated;
        internal static readonly TIMConvConversationGroupDeletedCallback GroupDeleted = OnGroupDeleted;
        internal static readonly TIMConvConversationGroupNameChangedCallback GroupNameChanged = OnGroupNameChanged;
        internal static readonly TIMConvConversationGroupConversationsCallback AddedToGroup = OnAddedToGroup;
        internal static readonly TIMConvConversationGroupConversationsCallback DeletedFromGroup = OnDeletedFromGroup;
        internal static readonly TIMJsonCallback RecvNewMsg = OnRecvNewMsg;
        internal static readonly TIMJsonCallback ReadReceipt = OnReadReceipt;
        internal static readonly TIMJsonCallback MsgRevoke = OnMsgRevoke;
        internal static readonly TIMJsonCallback MsgUpdate = OnMsgUpdate;
        internal static readonly TIMJsonCallback AllRecvOpt = OnAllRecvOpt;
        internal static readonly TIMNetworkStatusListenerCallback NetworkStatus = OnNetworkStatus;
        internal static readonly TIMUserDataCallback KickedOffline = OnKickedOffline;
        internal static readonly TIMUserDataCallback UserSigExpired = OnUserSigExpired;
        internal static readonly TIMLogCallback Log = OnLog;
        internal static readonly TIMJsonCallback Outbound = OnOutbound;
        internal static readonly TIMExperimentalNotifyCallback ExperimentalNotify = OnExperimentalNotify;

        // ------------------------------------------------------------ one-shot results

        [MonoPInvokeCallback(typeof(TIMCommCallback))]
        private static void OnCommResult(int code, IntPtr desc, IntPtr json_params, IntPtr user_data)
        {
            try
            {
                string descText = Utf8.FromNative(desc);
                string json = Utf8.FromNative(json_params);
                string userData;
                object handler;
                if (!PendingCalls.TryTake(user_data, out userData, out handler))
                {
                    BindingLog.Warning("result for unknown or already completed user_data " + user_data + " (code " + code + ") dropped");
                    return;
                }
                var completion = handler as CommCompletion;
                if (completion == null)
                {
                    BindingLog.Error(userData + ": a TIMCommCallback result arrived for a call that expects another callback type");
                    return;
                }
                CallbackDispatcher.Post(() => completion(code, descText, json, userData));
            }
            catch (Exception e)
            {
                BindingLog.Error("TIMCommCallback thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMMsgGroupMessageReadMemberListCallback))]
        private static void OnReadMembersResult(IntPtr json_group_member_array, ulong next_seq, byte is_finished, IntPtr user_data)
        {
            try
            {
                string json = Utf8.FromNative(json_group_member_array);
                bool finished = is_finished != 0;
                string userData;
                object handler;
                if (!PendingCalls.TryTake(user_data, out userData, out handler))
                {
                    BindingLog.Warning("read-member page for unknown or already completed user_data " + user_data + " dropped");
                    return;
                }
                var completion = handler as ReadMembersCompletion;
                if (completion == null)
                {
                    BindingLog.Error(userData + ": a read-member page arrived for a call that expects another callback type");
                    return;
                }
                CallbackDispatcher.Post(() => completion(json, next_seq, finished, userData));
            }
            catch (Exception e)
            {
                BindingLog.Error("read-member-list thunk: " + e);
            }
        }

        // ------------------------------------------------------------ listeners

        [MonoPInvokeCallback(typeof(TIMConvEventCallback))]
        private static void OnConvEvent(int conv_event, IntPtr json_conv_array, IntPtr user_data)
        {
            try
            {
                string json = Utf8.FromNative(json_conv_array);
                CallbackDispatcher.Post(() => Listeners.DeliverConvEvent((TIMConvEvent)conv_event, json));
            }
            catch (Exception e)
            {
                BindingLog.Error("conv-event thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMConvTotalUnreadMessageCountChangedCallback))]
        private static void OnTotalUnread(int total_unread_count, IntPtr user_data)
        {
            try
            {
                CallbackDispatcher.Post(() => Listeners.DeliverTotalUnread(total_unread_count));
            }
            catch (Exception e)
            {
                BindingLog.Error("total-unread thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMConvTotalUnreadMessageCountChangedByFilterCallback))]
        private static void OnUnreadByFilter(IntPtr filter, int total_unread_count, IntPtr user_data)
        {
            try
            {
                string filterJson = Utf8.FromNative(filter);
                CallbackDispatcher.Post(() => Listeners.DeliverUnreadByFilter(filterJson, total_unread_count));
            }
            catch (Exception e)
            {
                BindingLog.Error("unread-by-filter thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMConvConversationGroupConversationsCallback))]
        private static void OnGroupCreated(IntPtr group_name, IntPtr conversation_array, IntPtr user_data)
        {
            try
            {
                string name = Utf8.FromNative(group_name);
                string json = Utf8.FromNative(conversation_array);
                CallbackDispatcher.Post(() => Listeners.DeliverGroupCreated(name, json));
            }
            catch (Exception e)
            {
                BindingLog.Error("group-created thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMConvConversationGroupDeletedCallback))]
        private static void OnGroupDeleted(IntPtr group_name, IntPtr user_data)
        {
            try
            {
                string name = Utf8.FromNative(group_name);
                CallbackDispatcher.Post(() => Listeners.DeliverGroupDeleted(name));
            }
            catch (Exception e)
            {
                BindingLog.Error("group-deleted thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMConvConversationGroupNameChangedCallback))]
        private static void OnGroupNameChanged(IntPtr old_name, IntPtr new_name, IntPtr user_data)
        {
            try
            {
                string oldName = Utf8.FromNative(old_name);
                string newName = Utf8.FromNative(new_name);
                CallbackDispatcher.Post(() => Listeners.DeliverGroupNameChanged(oldName, newName));
            }
            catch (Exception e)
            {
                BindingLog.Error("group-renamed thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMConvConversationGroupConversationsCallback))]
        private static void OnAddedToGroup(IntPtr group_name, IntPtr conversation_array, IntPtr user_data)
        {
            try
            {
                string name = Utf8.FromNative(group_name);
                string json = Utf8.FromNative(conversation_array);
                CallbackDispatcher.Post(() => Listeners.DeliverAddedToGroup(name, json));
            }
            catch (Exception e)
            {
                BindingLog.Error("added-to-group thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMConvConversationGroupConversationsCallback))]
        private static void OnDeletedFromGroup(IntPtr group_name, IntPtr conversation_array, IntPtr user_data)
        {
            try
            {
                string name = Utf8.FromNative(group_name);
                string json = Utf8.FromNative(conversation_array);
                CallbackDispatcher.Post(() => Listeners.DeliverDeletedFromGroup(name, json));
            }
            catch (Exception e)
            {
                BindingLog.Error("deleted-from-group thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMJsonCallback))]
        private static void OnRecvNewMsg(IntPtr json_msg_array, IntPtr user_data)
        {
            try
            {
                string json = Utf8.FromNative(json_msg_array);
                CallbackDispatcher.Post(() => Listeners.DeliverRecvNewMsg(json));
            }
            catch (Exception e)
            {
                BindingLog.Error("new-message thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMJsonCallback))]
        private static void OnReadReceipt(IntPtr json_msg_read_receipt_array, IntPtr user_data)
        {
            try
            {
                string json = Utf8.FromNative(json_msg_read_receipt_array);
                CallbackDispatcher.Post(() => Listeners.DeliverReadReceipt(json));
            }
            catch (Exception e)
            {
                BindingLog.Error("read-receipt thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMJsonCallback))]
        private static void OnMsgRevoke(IntPtr json_msg_locator_array, IntPtr user_data)
        {
            try
            {
                string json = Utf8.FromNative(json_msg_locator_array);
                CallbackDispatcher.Post(() => Listeners.DeliverMsgRevoke(json));
            }
            catch (Exception e)
            {
                BindingLog.Error("revoke thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMJsonCallback))]
        private static void OnMsgUpdate(IntPtr json_msg_array, IntPtr user_data)
        {
            try
            {
                string json = Utf8.FromNative(json_msg_array);
                CallbackDispatcher.Post(() => Listeners.DeliverMsgUpdate(json));
            }
            catch (Exception e)
            {
                BindingLog.Error("message-update thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMJsonCallback))]
        private static void OnAllRecvOpt(IntPtr json_receive_message_opt_info, IntPtr user_data)
        {
            try
            {
                string json = Utf8.FromNative(json_receive_message_opt_info);
                CallbackDispatcher.Post(() => Listeners.DeliverAllRecvOpt(json));
            }
            catch (Exception e)
            {
                BindingLog.Error("receive-option thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMNetworkStatusListenerCallback))]
        private static void OnNetworkStatus(int status, int code, IntPtr desc, IntPtr user_data)
        {
            try
            {
                string descText = Utf8.FromNative(desc);
                CallbackDispatcher.Post(() => Listeners.DeliverNetworkStatus((TIMNetworkStatus)status, code, descText));
            }
            catch (Exception e)
            {
                BindingLog.Error("network-status thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMUserDataCallback))]
        private static void OnKickedOffline(IntPtr user_data)
        {
            try
            {
                CallbackDispatcher.Post(Listeners.DeliverKickedOffline);
            }
            catch (Exception e)
            {
                BindingLog.Error("kicked-offline thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMUserDataCallback))]
        private static void OnUserSigExpired(IntPtr user_data)
        {
            try
            {
                CallbackDispatcher.Post(Listeners.DeliverUserSigExpired);
            }
            catch (Exception e)
            {
                BindingLog.Error("user-sig-expired thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMLogCallback))]
        private static void OnLog(int level, IntPtr log, IntPtr user_data)
        {
            try
            {
                string line = Utf8.FromNative(log);
                CallbackDispatcher.Post(() => Listeners.DeliverLog((TIMLogLevel)level, line));
            }
            catch (Exception e)
            {
                BindingLog.Error("log thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMJsonCallback))]
        private static void OnOutbound(IntPtr json_envelope, IntPtr user_data)
        {
            try
            {
                string envelope = Utf8.FromNative(json_envelope);
                CallbackDispatcher.Post(() => Listeners.DeliverOutbound(envelope));
            }
            catch (Exception e)
            {
                BindingLog.Error("outbound thunk: " + e);
            }
        }

        [MonoPInvokeCallback(typeof(TIMExperimentalNotifyCallback))]
        private static void OnExperimentalNotify(IntPtr key, IntPtr data, IntPtr user_data)
        {
            try
            {
                string keyText = Utf8.FromNative(key);
                string dataText = Utf8.FromNative(data);
                CallbackDispatcher.Post(() => Listeners.DeliverExperimentalNotify(keyText, dataText));
            }
            catch (Exception e)
            {
                BindingLog.Error("experimental-notify thunk: " + e);
            }
        }
    }
}
