using System;
using System.Collections.Generic;
using IMCore.Unity.Enums;
using IMCore.Unity.Json;
using IMCore.Unity.Types;

namespace IMCore.Unity.Callbacks
{
    /// <summary>
    /// The user's listener delegates, one slot per native setter (a new <c>Set…</c> replaces the old
    /// listener), plus the list of new-message listeners. Deliveries run on the dispatch thread and
    /// read the slot at that moment, so nothing reaches a listener after it was removed there.
    /// </summary>
    internal static class Listeners
    {
        internal static volatile ConvEventCallback ConvEvent;
        internal static volatile ConvTotalUnreadMessageCountChangedCallback TotalUnread;
        internal static volatile ConvTotalUnreadMessageCountChangedByFilterCallback UnreadByFilter;
        internal static volatile ConvConversationGroupCreatedCallback GroupCreated;
        internal static volatile ConvConversationGroupDeletedCallback GroupDeleted;
        internal static volatile ConvConversationGroupNameChangedCallback GroupNameChanged;
        internal static volatile ConvConversationsAddedToGroupCallback AddedToGroup;
        internal static volatile ConvConversationsDeletedFromGroupCallback DeletedFromGroup;
        internal static volatile MsgReadedReceiptCallback ReadReceipt;
        internal static volatile NetworkStatusListenerCallback NetworkStatus;
        internal static volatile KickedOfflineCallback KickedOffline;
        internal static volatile UserSigExpiredCallback UserSigExpired;
        internal static volatile LogCallback Log;
        internal static volatile Action<string> Outbound;
        internal static volatile ExperimentalNotifyCallback ExperimentalNotify;
        internal static volatile MsgRevokeCallback MsgRevoke;
        internal static volatile MsgUpdateCallback MsgUpdate;
        internal static volatile MsgAllMessageReceiveOptionCallback AllRecvOpt;

        private static readonly object RecvGate = new object();
        private static volatile RecvNewMsgCallback[] recvNewMsg = new RecvNewMsgCallback[0];

        /// <summary>The current list of new-message listeners (a new array after every change).</summary>
        internal static object RecvNewMsgList()
        {
            return recvNewMsg;
        }

        /// <summary>Adds a new-message listener (once); returns true when it is the first one.</summary>
        internal static bool AddRecvNewMsg(RecvNewMsgCallback callback)
        {
            lock (RecvGate)
            {
                var current = new List<RecvNewMsgCallback>(recvNewMsg);
                if (current.Contains(callback))
                {
                    return false;
                }
                current.Add(callback);
                recvNewMsg = current.ToArray();
                return current.Count == 1;
            }
        }

        /// <summary>Removes one listener, or all when <paramref name="callback"/> is null; returns true when none remain.</summary>
        internal static bool RemoveRecvNewMsg(RecvNewMsgCallback callback)
        {
            lock (RecvGate)
            {
                var current = new List<RecvNewMsgCallback>(recvNewMsg);
                if (callback == null)
                {
                    current.Clear();
                }
                else
                {
                    current.Remove(callback);
                }
                recvNewMsg = current.ToArray();
                return current.Count == 0;
            }
        }

        /// <summary>Forgets every listener (called by <c>Uninit</c> after the native side was told).</summary>
        internal static void Clear()
        {
            ConvEvent = null;
            TotalUnread = null;
            UnreadByFilter = null;
            GroupCreated = null;
            GroupDeleted = null;
            GroupNameChanged = null;
            AddedToGroup = null;
            DeletedFromGroup = null;
            ReadReceipt = null;
            NetworkStatus = null;
            KickedOffline = null;
            UserSigExpired = null;
            Log = null;
            Outbound = null;
            ExperimentalNotify = null;
            MsgRevoke = null;
            MsgUpdate = null;
            AllRecvOpt = null;
            RemoveRecvNewMsg(null);
        }

        // ---------------------------------------------------------------- deliveries

        internal static void DeliverConvEvent(TIMConvEvent conv_event, string json)
        {
            ConvEventCallback callback = ConvEvent;
            List<ConvInfo> list;
            if (callback != null && TryParse(ListenerNames.ConvEvent, json, TIMJson.ParseConvInfoList, out list))
            {
                callback(conv_event, list, ListenerNames.ConvEvent);
            }
        }

        internal static void DeliverTotalUnread(int total)
        {
            ConvTotalUnreadMessageCountChangedCallback callback = TotalUnread;
            if (callback != null)
            {
                callback(total, ListenerNames.TotalUnread);
            }
        }

        internal static void DeliverUnreadByFilter(string filterJson, int total)
        {
            ConvTotalUnreadMessageCountChangedByFilterCallback callback = UnreadByFilter;
            ConversationListFilter filter;
            if (callback != null && TryParse(ListenerNames.UnreadByFilter, filterJson, TIMJson.Parse<ConversationListFilter>, out filter))
            {
                callback(filter ?? new ConversationListFilter(), total, ListenerNames.UnreadByFilter);
            }
        }

        internal static void DeliverGroupCreated(string groupName, string json)
        {
            ConvConversationGroupCreatedCallback callback = GroupCreated;
            List<string> ids;
            if (callback != null && TryParse(ListenerNames.GroupCreated, json, TIMJson.ParseConversationIdList, out ids))
            {
                callback(groupName, ids, ListenerNames.GroupCreated);
            }
        }

        internal static void DeliverGroupDeleted(string groupName)
        {
            ConvConversationGroupDeletedCallback callback = GroupDeleted;
            if (callback != null)
            {
                callback(groupName, ListenerNames.GroupDeleted);
            }
        }

        internal static void DeliverGroupNameChanged(string oldName, string newName)
        {
            ConvConversationGroupNameChangedCallback callback = GroupNameChanged;
            if (callback != null)
            {
                callback(oldName, newName, ListenerNames.GroupNameChanged);
            }
        }

        internal static void DeliverAddedToGroup(string groupName, string json)
        {
            ConvConversationsAddedToGroupCallback callback = AddedToGroup;
            List<string> ids;
            if (callback != null && TryParse(ListenerNames.AddedToGroup, json, TIMJson.ParseConversationIdList, out ids))
            {
                callback(groupName, ids, ListenerNames.AddedToGroup);
            }
        }

        internal static void DeliverDeletedFromGroup(string groupName, string json)
        {
            ConvConversationsDeletedFromGroupCallback callback = DeletedFromGroup;
            List<string> ids;
            if (callback != null && TryParse(ListenerNames.DeletedFromGroup, json, TIMJson.ParseConversationIdList, out ids))
            {
                callback(groupName, ids, ListenerNames.DeletedFromGroup);
            }
        }

        internal static void DeliverRecvNewMsg(string json)
        {
            RecvNewMsgCallback[] callbacks = recvNewMsg;
            List<Message> messages;
            if (callbacks.Length == 0 || !TryParse(ListenerNames.RecvNewMsg, json, ParseList<Message>, out messages))
            {
                return;
            }
            foreach (RecvNewMsgCallback callback in callbacks)
            {
                try
                {
                    callback(messages, ListenerNames.RecvNewMsg);
                }
                catch (Exception e)
                {
                    BindingLog.Error("a new-message listener threw: " + e);
                }
            }
        }

        internal static void DeliverReadReceipt(string json)
        {
            MsgReadedReceiptCallback callback = ReadReceipt;
            List<MessageReceipt> receipts;
            if (callback != null && TryParse(ListenerNames.ReadReceipt, json, ParseList<MessageReceipt>, out receipts))
            {
                callback(receipts, ListenerNames.ReadReceipt);
            }
        }

        internal static void DeliverMsgRevoke(string json)
        {
            MsgRevokeCallback callback = MsgRevoke;
            List<MessageLocator> locators;
            if (callback != null && TryParse(ListenerNames.MsgRevoke, json, ParseList<MessageLocator>, out locators))
            {
                callback(locators, ListenerNames.MsgRevoke);
            }
        }

        internal static void DeliverMsgUpdate(string json)
        {
            MsgUpdateCallback callback = MsgUpdate;
            List<Message> messages;
            if (callback != null && TryParse(ListenerNames.MsgUpdate, json, ParseList<Message>, out messages))
            {
                callback(messages, ListenerNames.MsgUpdate);
            }
        }

        internal static void DeliverAllRecvOpt(string json)
        {
            MsgAllMessageReceiveOptionCallback callback = AllRecvOpt;
            ReceiveMessageOptInfo info;
            if (callback != null && TryParse(ListenerNames.AllRecvOpt, json, TIMJson.Parse<ReceiveMessageOptInfo>, out info))
            {
                callback(info, ListenerNames.AllRecvOpt);
            }
        }

        internal static void DeliverNetworkStatus(TIMNetworkStatus status, int code, string desc)
        {
            NetworkStatusListenerCallback callback = NetworkStatus;
            if (callback != null)
            {
                callback(status, code, desc, ListenerNames.NetworkStatus);
            }
        }

        internal static void DeliverKickedOffline()
        {
            KickedOfflineCallback callback = KickedOffline;
            if (callback != null)
            {
                callback(ListenerNames.KickedOffline);
            }
        }

        internal static void DeliverUserSigExpired()
        {
            UserSigExpiredCallback callback = UserSigExpired;
            if (callback != null)
            {
                callback(ListenerNames.UserSigExpired);
            }
        }

        internal static void DeliverLog(TIMLogLevel level, string line)
        {
            LogCallback callback = Log;
            if (callback != null)
            {
                callback(level, line, ListenerNames.Log);
            }
        }

        internal static void DeliverOutbound(string envelope)
        {
            Action<string> callback = Outbound;
            if (callback != null)
            {
                callback(envelope);
            }
        }

        internal static void DeliverExperimentalNotify(string key, string data)
        {
            ExperimentalNotifyCallback callback = ExperimentalNotify;
            if (callback != null)
            {
                callback(key, data, ListenerNames.ExperimentalNotify);
            }
        }

        private static List<T> ParseList<T>(string json)
        {
            return TIMJson.Parse<List<T>>(json) ?? new List<T>();
        }

        private static bool TryParse<T>(string listener, string json, Func<string, T> parse, out T value)
        {
            try
            {
                value = parse(json);
                return true;
            }
            catch (Exception e)
            {
                BindingLog.Error(listener + ": cannot parse " + Completions.Shorten(json) + ": " + e.Message);
                value = default(T);
                return false;
            }
        }
    }

    /// <summary>The <c>user_data</c> text each listener receives: the name of the call that registered it.</summary>
    internal static class ListenerNames
    {
        internal const string ConvEvent = "SetConvEventCallback";
        internal const string TotalUnread = "SetConvTotalUnreadMessageCountChangedCallback";
        internal const string UnreadByFilter = "SetConvUnreadMessageCountChangedByFilterCallback";
        internal const string GroupCreated = "SetConvConversationGroupCreatedCallback";
        internal const string GroupDeleted = "SetConvConversationGroupDeletedCallback";
        internal const string GroupNameChanged = "SetConvConversationGroupNameChangedCallback";
        internal const string AddedToGroup = "SetConvConversationsAddedToGroupCallback";
        internal const string DeletedFromGroup = "SetConvConversationsDeletedFromGroupCallback";
        internal const string RecvNewMsg = "AddRecvNewMsgCallback";
        internal const string ReadReceipt = "SetMsgReadedReceiptCallback";
        internal const string NetworkStatus = "SetNetworkStatusListenerCallback";
        internal const string KickedOffline = "SetKickedOfflineCallback";
        internal const string UserSigExpired = "SetUserSigExpiredCallback";
        internal const string Log = "SetLogCallback";
        internal const string Outbound = "IMCoreSetOutboundCallback";
        internal const string ExperimentalNotify = "SetExperimentalNotifyCallback";
        internal const string MsgRevoke = "SetMsgRevokeCallback";
        internal const string MsgUpdate = "SetMsgUpdateCallback";
        internal const string AllRecvOpt = "SetMsgAllMessageReceiveOptionCallback";
    }
}
