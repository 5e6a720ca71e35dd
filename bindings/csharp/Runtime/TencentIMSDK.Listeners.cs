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
            return SetListener(() =>
            {
                Listeners.ConvEvent = callback;
                NativeMethods.TIMSetConvEventCallback(callback == null ? null : NativeThunks.ConvEvent, UserDataFor(callback));
            });
        }

        /// <summary>Changes of the total unread count (reported after the first <see cref="ConvGetTotalUnreadMessageCount"/>).</summary>
        public static TIMResult SetConvTotalUnreadMessageCountChangedCallback(ConvTotalUnreadMessageCountChangedCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.TotalUnread = callback;
                NativeMethods.TIMSetConvTotalUnreadMessageCountChangedCallback(callback == null ? null : NativeThunks.TotalUnread, UserDataFor(callback));
            });
        }

        /// <summary>Changes of the unread count of each filter subscribed with <see cref="ConvSubscribeUnreadMessageCountByFilter"/>.</summary>
        public static TIMResult SetConvUnreadMessageCountChangedByFilterCallback(ConvTotalUnreadMessageCountChangedByFilterCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.UnreadByFilter = callback;
                NativeMethods.TIMSetConvUnreadMessageCountChangedByFilterCallback(callback == null ? null : NativeThunks.UnreadByFilter, UserDataFor(callback));
            });
        }

        /// <summary>A conversation group was created.</summary>
        public static TIMResult SetConvConversationGroupCreatedCallback(ConvConversationGroupCreatedCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.GroupCreated = callback;
                NativeMethods.TIMSetConvConversationGroupCreatedCallback(callback == null ? null : NativeThunks.GroupCreated, UserDataFor(callback));
            });
        }

        /// <summary>A conversation group was deleted.</summary>
        public static TIMResult SetConvConversationGroupDeletedCallback(ConvConversationGroupDeletedCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.GroupDeleted = callback;
                NativeMethods.TIMSetConvConversationGroupDeletedCallback(callback == null ? null : NativeThunks.GroupDeleted, UserDataFor(callback));
            });
        }

        /// <summary>A conversation group was renamed.</summary>
        public static TIMResult SetConvConversationGroupNameChangedCallback(ConvConversationGroupNameChangedCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.GroupNameChanged = callback;
                NativeMethods.TIMSetConvConversationGroupNameChangedCallback(callback == null ? null : NativeThunks.GroupNameChanged, UserDataFor(callback));
            });
        }

        /// <summary>Conversations were added to a conversation group.</summary>
        public static TIMResult SetConvConversationsAddedToGroupCallback(ConvConversationsAddedToGroupCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.AddedToGroup = callback;
                NativeMethods.TIMSetConvConversationsAddedToGroupCallback(callback == null ? null : NativeThunks.AddedToGroup, UserDataFor(callback));
            });
        }

        /// <summary>Conversations were removed from a conversation group.</summary>
        public static TIMResult SetConvConversationsDeletedFromGroupCallback(ConvConversationsDeletedFromGroupCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.DeletedFromGroup = callback;
                NativeMethods.TIMSetConvConversationsDeletedFromGroupCallback(callback == null ? null : NativeThunks.DeletedFromGroup, UserDataFor(callback));
            });
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
            return SetListener(() =>
            {
                if (Listeners.AddRecvNewMsg(callback))
                {
                    NativeMethods.TIMAddRecvNewMsgCallback(NativeThunks.RecvNewMsg, NativeThunks.ListenerUserData);
                }
            });
        }

        /// <summary>Removes a new-message listener; null removes them all.</summary>
        public static TIMResult RemoveRecvNewMsgCallback(RecvNewMsgCallback callback = null)
        {
            return SetListener(() =>
            {
                if (Listeners.RemoveRecvNewMsg(callback))
                {
                    NativeMethods.TIMRemoveRecvNewMsgCallback(NativeThunks.RecvNewMsg);
                }
            });
        }

        /// <summary>Read receipts for my messages (C2C and group).</summary>
        public static TIMResult SetMsgReadedReceiptCallback(MsgReadedReceiptCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.ReadReceipt = callback;
                NativeMethods.TIMSetMsgReadedReceiptCallback(callback == null ? null : NativeThunks.ReadReceipt, UserDataFor(callback));
            });
        }

        /// <summary>
        /// Same as <see cref="SetMsgReadedReceiptCallback(MsgReadedReceiptCallback)"/>; accepts the message list
        /// that Tencent's documentation sample passes. The list is not used: the callback receives every receipt.
        /// </summary>
        public static TIMResult SetMsgReadedReceiptCallback(List<Message> msg_array, MsgReadedReceiptCallback callback)
        {
            return SetMsgReadedReceiptCallback(callback);
        }

        /// <summary>Connection state changes.</summary>
        public static TIMResult SetNetworkStatusListenerCallback(NetworkStatusListenerCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.NetworkStatus = callback;
                NativeMethods.TIMSetNetworkStatusListenerCallback(callback == null ? null : NativeThunks.NetworkStatus, UserDataFor(callback));
            });
        }

        /// <summary>This device was logged out by a login elsewhere.</summary>
        public static TIMResult SetKickedOfflineCallback(KickedOfflineCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.KickedOffline = callback;
                NativeMethods.TIMSetKickedOfflineCallback(callback == null ? null : NativeThunks.KickedOffline, UserDataFor(callback));
            });
        }

        /// <summary>The user signature expired.</summary>
        public static TIMResult SetUserSigExpiredCallback(UserSigExpiredCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.UserSigExpired = callback;
                NativeMethods.TIMSetUserSigExpiredCallback(callback == null ? null : NativeThunks.UserSigExpired, UserDataFor(callback));
            });
        }

        /// <summary>Log lines of the native library.</summary>
        public static TIMResult SetLogCallback(LogCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.Log = callback;
                NativeMethods.TIMSetLogCallback(callback == null ? null : NativeThunks.Log, UserDataFor(callback));
            });
        }

        /// <summary>Experimental notifications (<c>TIMSetExperimentalNotifyCallback</c>); see <see cref="ExperimentalNotifyCallback"/>.</summary>
        public static TIMResult SetExperimentalNotifyCallback(ExperimentalNotifyCallback callback)
        {
            return SetListener(() =>
            {
                Listeners.ExperimentalNotify = callback;
                NativeMethods.TIMSetExperimentalNotifyCallback(callback == null ? null : NativeThunks.ExperimentalNotify, UserDataFor(callback));
            });
        }

        /// <summary>
        /// Tells native code to drop every listener this class may have set, then forgets them. Native
        /// setters are called even for slots that were never set, so a stale registration from an earlier
        /// session (e.g. before an editor domain reload) is cleared too.
        /// </summary>
        private static void UnregisterAllListeners()
        {
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
            NativeMethods.TIMSetNetworkStatusListenerCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetKickedOfflineCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetUserSigExpiredCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetLogCallback(null, IntPtr.Zero);
            NativeMethods.IMCoreSetOutboundCallback(null, IntPtr.Zero);
            NativeMethods.TIMSetExperimentalNotifyCallback(null, IntPtr.Zero);
            Listeners.Clear();
        }

        private static TIMResult SetListener(Action change)
        {
            lock (Gate)
            {
                change();
                return TIMResult.TIM_SUCC;
            }
        }

        private static IntPtr UserDataFor(Delegate callback)
        {
            return callback == null ? IntPtr.Zero : NativeThunks.ListenerUserData;
        }
    }
}
