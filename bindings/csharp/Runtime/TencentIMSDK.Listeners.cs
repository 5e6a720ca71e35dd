using System;
using System.Collections.Generic;
using IMCore.Unity.Callbacks;
using IMCore.Unity.Enums;
using IMCore.Unity.Native;
using IMCore.Unity.Types;

namespace IMCore.Unity
{
    // Listener registration. Each Set…Callback holds one listener: a new one replaces the previous one
    // and null removes it (the native setter is then called with NULL). New-message listeners are a list.
    public static partial class TencentIMSDK
    {
        /// <summary>Conversation events (add, delete, update, sync start/finish).</summary>
        public static TIMResult SetConvEventCallback(ConvEventCallback callback)
        {
            return SetListener(() => Listeners.ConvEvent = callback, () => Listeners.ConvEvent,
                current => NativeMethods.TIMSetConvEventCallback(current == null ? null : NativeThunks.ConvEvent, UserDataFor(current)));
        }

        /// <summary>Changes of the total unread count (reported after the first <see cref="ConvGetTotalUnreadMessageCount"/>).</summary>
        public static TIMResult SetConvTotalUnreadMessageCountChangedCallback(ConvTotalUnreadMessageCountChangedCallback callback)
        {
            return SetListener(() => Listeners.TotalUnread = callback, () => Listeners.TotalUnread,
                current => NativeMethods.TIMSetConvTotalUnreadMessageCountChangedCallback(current == null ? null : NativeThunks.TotalUnread, UserDataFor(current)));
        }

        /// <summary>Changes of the unread count of each filter subscribed with <see cref="ConvSubscribeUnreadMessageCountByFilter"/>.</summary>
        public static TIMResult SetConvUnreadMessageCountChangedByFilterCallback(ConvTotalUnreadMessageCountChangedByFilterCallback callback)
        {
            return SetListener(() => Listeners.UnreadByFilter = callback, () => Listeners.UnreadByFilter,
                current => NativeMethods.TIMSetConvUnreadMessageCountChangedByFilterCallback(current == null ? null : NativeThunks.UnreadByFilter, UserDataFor(current)));
        }

        /// <summary>A conversation group was created.</summary>
        public static TIMResult SetConvConversationGroupCreatedCallback(ConvConversationGroupCreatedCallback callback)
        {
            return SetListener(() => Listeners.GroupCreated = callback, () => Listeners.GroupCreated,
                current => NativeMethods.TIMSetConvConversationGroupCreatedCallback(current == null ? null : NativeThunks.GroupCreated, UserDataFor(current)));
        }

        /// <summary>A conversation group was deleted.</summary>
        public static TIMResult SetConvConversationGroupDeletedCallback(ConvConversationGroupDeletedCallback callback)
        {
            return SetListener(() => Listeners.GroupDeleted = callback, () => Listeners.GroupDeleted,
                current => NativeMethods.TIMSetConvConversationGroupDeletedCallback(current == null ? null : NativeThunks.GroupDeleted, UserDataFor(current)));
        }

        /// <summary>A conversation group was renamed.</summary>
        public static TIMResult SetConvConversationGroupNameChangedCallback(ConvConversationGroupNameChangedCallback callback)
        {
            return SetListener(() => Listeners.GroupNameChanged = callback, () => Listeners.GroupNameChanged,
                current => NativeMethods.TIMSetConvConversationGroupNameChangedCallback(current == null ? null : NativeThunks.GroupNameChanged, UserDataFor(current)));
        }

        /// <summary>Conversations were added to a conversation group.</summary>
        public static TIMResult SetConvConversationsAddedToGroupCallback(ConvConversationsAddedToGroupCallback callback)
        {
            return SetListener(() => Listeners.AddedToGroup = callback, () => Listeners.AddedToGroup,
                current => NativeMethods.TIMSetConvConversationsAddedToGroupCallback(current == null ? null : NativeThunks.AddedToGroup, UserDataFor(current)));
        }

        /// <summary>Conversations were removed from a conversation group.</summary>
        public static TIMResult SetConvConversationsDeletedFromGroupCallback(ConvConversationsDeletedFromGroupCallback callback)
        {
            return SetListener(() => Listeners.DeletedFromGroup = callback, () => Listeners.DeletedFromGroup,
                current => NativeMethods.TIMSetConvConversationsDeletedFromGroupCallback(current == null ? null : NativeThunks.DeletedFromGroup, UserDataFor(current)));
        }

        /// <summary>
        /// Adds a new-message listener (adding the same delegate twice has no effect). Register before
        /// <see cref="Login"/>: offline messages are delivered right after it.
        /// </summary>
        public static TIMResult AddRecvNewMsgCallback(RecvNewMsgCallback callback)
        {
            if (callback == null)
            {
                return TIMResult.TIM_ERR_PARAM;
            }
            return SetListener(() => Listeners.AddRecvNewMsg(callback), Listeners.RecvNewMsgList, RegisterRecvNewMsg);
        }

        /// <summary>Removes a new-message listener; null removes them all.</summary>
        public static TIMResult RemoveRecvNewMsgCallback(RecvNewMsgCallback callback = null)
        {
            return SetListener(() => Listeners.RemoveRecvNewMsg(callback), Listeners.RecvNewMsgList, RegisterRecvNewMsg);
        }

        /// <summary>Read receipts for my messages (C2C and group).</summary>
        public static TIMResult SetMsgReadedReceiptCallback(MsgReadedReceiptCallback callback)
        {
            return SetListener(() => Listeners.ReadReceipt = callback, () => Listeners.ReadReceipt,
                current => NativeMethods.TIMSetMsgReadedReceiptCallback(current == null ? null : NativeThunks.ReadReceipt, UserDataFor(current)));
        }

        /// <summary>
        /// Same as <see cref="SetMsgReadedReceiptCallback(MsgReadedReceiptCallback)"/>; accepts the message list
        /// that Tencent's documentation sample passes. The list is not used: the callback receives every receipt.
        /// </summary>
        public static TIMResult SetMsgReadedReceiptCallback(List<Message> msg_array, MsgReadedReceiptCallback callback)
        {
            return SetMsgReadedReceiptCallback(callback);
        }

        /// <summary>
        /// Messages revoked by the server's word (the sender, an admin, another of my devices), once each, as
        /// MessageLocator objects. A revoke from this device reports through its own callback.
        /// </summary>
        public static TIMResult SetMsgRevokeCallback(MsgRevokeCallback callback)
        {
            return SetListener(() => Listeners.MsgRevoke = callback, () => Listeners.MsgRevoke,
                current => NativeMethods.TIMSetMsgRevokeCallback(current == null ? null : NativeThunks.MsgRevoke, UserDataFor(current)));
        }

        /// <summary>Messages whose content was edited (<see cref="MsgModifyMessage"/> once applied, or another device's edit).</summary>
        public static TIMResult SetMsgUpdateCallback(MsgUpdateCallback callback)
        {
            return SetListener(() => Listeners.MsgUpdate = callback, () => Listeners.MsgUpdate,
                current => NativeMethods.TIMSetMsgUpdateCallback(current == null ? null : NativeThunks.MsgUpdate, UserDataFor(current)));
        }

        /// <summary>The global receive option changed (set here and applied, or set on another device).</summary>
        public static TIMResult SetMsgAllMessageReceiveOptionCallback(MsgAllMessageReceiveOptionCallback callback)
        {
            return SetListener(() => Listeners.AllRecvOpt = callback, () => Listeners.AllRecvOpt,
                current => NativeMethods.TIMSetMsgAllMessageReceiveOptionCallback(current == null ? null : NativeThunks.AllRecvOpt, UserDataFor(current)));
        }

        /// <summary>Connection state changes.</summary>
        public static TIMResult SetNetworkStatusListenerCallback(NetworkStatusListenerCallback callback)
        {
            return SetListener(() => Listeners.NetworkStatus = callback, () => Listeners.NetworkStatus,
                current => NativeMethods.TIMSetNetworkStatusListenerCallback(current == null ? null : NativeThunks.NetworkStatus, UserDataFor(current)));
        }

        /// <summary>This device was logged out by a login elsewhere.</summary>
        public static TIMResult SetKickedOfflineCallback(KickedOfflineCallback callback)
        {
            return SetListener(() => Listeners.KickedOffline = callback, () => Listeners.KickedOffline,
                current => NativeMethods.TIMSetKickedOfflineCallback(current == null ? null : NativeThunks.KickedOffline, UserDataFor(current)));
        }

        /// <summary>The user signature expired.</summary>
        public static TIMResult SetUserSigExpiredCallback(UserSigExpiredCallback callback)
        {
            return SetListener(() => Listeners.UserSigExpired = callback, () => Listeners.UserSigExpired,
                current => NativeMethods.TIMSetUserSigExpiredCallback(current == null ? null : NativeThunks.UserSigExpired, UserDataFor(current)));
        }

        /// <summary>Log lines of the native library.</summary>
        public static TIMResult SetLogCallback(LogCallback callback)
        {
            return SetListener(() => Listeners.Log = callback, () => Listeners.Log,
                current => NativeMethods.TIMSetLogCallback(current == null ? null : NativeThunks.Log, UserDataFor(current)));
        }

        /// <summary>Experimental notifications (<c>TIMSetExperimentalNotifyCallback</c>); see <see cref="ExperimentalNotifyCallback"/>.</summary>
        public static TIMResult SetExperimentalNotifyCallback(ExperimentalNotifyCallback callback)
        {
            return SetListener(() => Listeners.ExperimentalNotify = callback, () => Listeners.ExperimentalNotify,
                current => NativeMethods.TIMSetExperimentalNotifyCallback(current == null ? null : NativeThunks.ExperimentalNotify, UserDataFor(current)));
        }

        /// <summary>
        /// Tells native code to drop every listener this class may have set, then forgets them. Native
        /// setters are called even for slots that were never set, so a stale registration from an earlier
        /// session (e.g. before an editor domain reload) is cleared too.
        /// </summary>
        private static void UnregisterAllListeners()
        {
            // Forgotten first (under Gate), then the native setters, without Gate: they may wait for a
            // running listener, which may need Gate.
            lock (Gate)
            {
                Listeners.Clear();
            }
            NativeMethods.TIMSetConvEventCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetConvTotalUnreadMessageCountChangedCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetConvUnreadMessageCountChangedByFilterCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetConvConversationGroupCreatedCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetConvConversationGroupDeletedCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetConvConversationGroupNameChangedCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetConvConversationsAddedToGroupCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetConvConversationsDeletedFromGroupCallback(null, IntPtr.Zero);
            NativeMethods.TIMRemoveRecvNewMsgCallback(NativeThunks.RecvNewMsg);
            NativeMethods.TIMSetMsgReadedReceiptCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetMsgRevokeCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetMsgUpdateCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetMsgAllMessageReceiveOptionCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetNetworkStatusListenerCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetKickedOfflineCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetUserSigExpiredCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetLogCallback(null, IntPtr.Zero);
            NativeMethods.IMCoreSetOutboundCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetExperimentalNotifyCallback(null, IntPtr.Zero);
        }

        // Changes one listener slot under Gate, then makes the native registration match the slot
        // *without* Gate: imcore's setter waits for a running call of the listener it removes, and that
        // call (a listener on imcore's thread) may itself need Gate to change a listener. The native
        // registration is re-applied until the slot did not change meanwhile, so setters racing on
        // several threads end with the registration that matches the last slot value.
        private static TIMResult SetListener(Action change, Func<object> current, Action<object> register)
        {
            lock (Gate)
            {
                change();
            }
            while (true)
            {
                object seen = current();
                register(seen);
                if (ReferenceEquals(current(), seen))
                {
                    return TIMResult.TIM_SUCC;
                }
            }
        }

        private static void RegisterRecvNewMsg(object list)
        {
            if (((Array)list).Length > 0)
            {
                NativeMethods.TIMAddRecvNewMsgCallback(NativeThunks.RecvNewMsg, NativeThunks.ListenerUserData);
            }
            else
            {
                NativeMethods.TIMRemoveRecvNewMsgCallback(NativeThunks.RecvNewMsg);
            }
        }

        private static IntPtr UserDataFor(object callback)
        {
            return callback == null ? IntPtr.Zero : NativeThunks.ListenerUserData;
        }
    }
}
