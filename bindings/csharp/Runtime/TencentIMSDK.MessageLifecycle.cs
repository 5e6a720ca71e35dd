using System.Collections.Generic;
using IMCore.Unity.Callbacks;
using IMCore.Unity.Enums;
using IMCore.Unity.Json;
using IMCore.Unity.Native;
using IMCore.Unity.Types;

namespace IMCore.Unity
{
    // The message lifecycle: delete, clear, revoke, modify, the global receive option, the app state
    // for push badges and private read receipts (docs/C-ABI.md, "The message lifecycle").
    public static partial class TencentIMSDK
    {
        /// <summary>
        /// Deletes one message of a conversation (raw id + type); <c>msg_delete_param_is_ramble</c> also deletes
        /// the server's copy. An unread message lowers the unread count.
        /// </summary>
        public static TIMResult MsgDelete(string conv_id, TIMConvType conv_type, MsgDeleteParam message_delete_param, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            byte[] json = Utf8.ToNative(TIMJson.Serialize(message_delete_param));
            return Invoke("MsgDelete", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgDelete(id, (int)conv_type, json, NativeThunks.CommResult, key));
        }

        /// <summary>Deletes messages of a conversation here and on the server; all or nothing (an unknown id fails with 6010).</summary>
        public static TIMResult MsgListDelete(string conv_id, TIMConvType conv_type, List<Message> message_list, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            byte[] json = Utf8.ToNative(TIMJson.Serialize(message_list ?? new List<Message>()));
            return Invoke("MsgListDelete", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgListDelete(id, (int)conv_type, json, NativeThunks.CommResult, key));
        }

        /// <summary>Deletes every message of a conversation, here and on the server; the conversation stays, read.</summary>
        public static TIMResult MsgClearHistoryMessage(string conv_id, TIMConvType conv_type, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            return Invoke("MsgClearHistoryMessage", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgClearHistoryMessage(id, (int)conv_type, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Revokes a message: it stays in history with status <c>kTIMMsg_Revoked</c> and an unread one stops
        /// counting. With a transport the server decides; a refusal restores it.
        /// </summary>
        public static TIMResult MsgRevoke(string conv_id, TIMConvType conv_type, Message message, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            byte[] json = Utf8.ToNative(TIMJson.Serialize(message));
            return Invoke("MsgRevoke", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgRevoke(id, (int)conv_type, json, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Messages of a conversation by locator, e.g. those the revoke listener hands out: each is found by its
        /// <c>message_locator_msg_id</c>, or without one by its <c>message_locator_unique_id</c> (a Message's
        /// <c>message_unique_id</c>). The callback gets the messages found, in the order asked.
        /// </summary>
        public static TIMResult MsgFindByMsgLocatorList(string conv_id, TIMConvType conv_type, List<MessageLocator> locators, ValueCallback<List<Message>> callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            byte[] json = Utf8.ToNative(TIMJson.Serialize(locators));
            return Invoke("MsgFindByMsgLocatorList", Completions.ForValue(callback),
                key => NativeMethods.TIMMsgFindByMsgLocatorList(id, (int)conv_type, json, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Edits a message (the whole Message as it should be, with its id and conversation). The callback gets
        /// the message with the edit applied (with a transport: once the server accepted the edit; a refusal
        /// gets the server's code and changes nothing).
        /// </summary>
        public static TIMResult MsgModifyMessage(Message message, ValueCallback<Message> callback)
        {
            byte[] json = Utf8.ToNative(TIMJson.Serialize(message));
            return Invoke("MsgModifyMessage", Completions.ForValue(callback),
                key => NativeMethods.TIMMsgModifyMessage(json, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Sets the global receive option with a daily quiet period from <paramref name="start_hour"/>:<paramref name="start_minute"/>:<paramref name="start_second"/>
        /// lasting <paramref name="duration"/> seconds (0: for ever). Unread counts do not change.
        /// </summary>
        public static TIMResult MsgSetAllReceiveMessageOpt(TIMReceiveMessageOpt opt, int start_hour, int start_minute, int start_second, uint duration, NullValueCallback callback)
        {
            return Invoke("MsgSetAllReceiveMessageOpt", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgSetAllReceiveMessageOpt((int)opt, start_hour, start_minute, start_second, duration, NativeThunks.CommResult, key));
        }

        /// <summary>The global receive option.</summary>
        public static TIMResult MsgGetAllReceiveMessageOpt(ValueCallback<ReceiveMessageOptInfo> callback)
        {
            return Invoke("MsgGetAllReceiveMessageOpt", Completions.ForValue(callback),
                key => NativeMethods.TIMMsgGetAllReceiveMessageOpt(NativeThunks.CommResult, key));
        }

        /// <summary>The app went to the background; <paramref name="unread_count"/> is the badge the push service shows.</summary>
        public static TIMResult MsgDoBackground(uint unread_count, NullValueCallback callback)
        {
            return Invoke("MsgDoBackground", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgDoBackground(unread_count, NativeThunks.CommResult, key));
        }

        /// <summary>The app came back to the foreground.</summary>
        public static TIMResult MsgDoForeground(NullValueCallback callback)
        {
            return Invoke("MsgDoForeground", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgDoForeground(NativeThunks.CommResult, key));
        }

        /// <summary>imcore: the app state last recorded (for the host's push layer).</summary>
        public static TIMResult IMCoreMsgGetAppState(ValueCallback<AppState> callback)
        {
            return Invoke("IMCoreMsgGetAppState", Completions.ForValue(callback),
                key => NativeMethods.IMCoreMsgGetAppState(NativeThunks.CommResult, key));
        }

        /// <summary>
        /// imcore: private read receipts (persisted per user). Reading still clears counts and syncs to my other
        /// devices, but no receipt reaches others; <see cref="MsgSendMessageReadReceipts"/> then sends nothing.
        /// </summary>
        public static TIMResult IMCoreMsgSetPrivateReadReceipts(bool enabled, NullValueCallback callback)
        {
            return Invoke("IMCoreMsgSetPrivateReadReceipts", Completions.ForNull(callback),
                key => NativeMethods.IMCoreMsgSetPrivateReadReceipts(enabled ? (byte)1 : (byte)0, NativeThunks.CommResult, key));
        }

        /// <summary>imcore: whether read receipts are private.</summary>
        public static TIMResult IMCoreMsgGetPrivateReadReceipts(ValueCallback<PrivateReadReceipts> callback)
        {
            return Invoke("IMCoreMsgGetPrivateReadReceipts", Completions.ForValue(callback),
                key => NativeMethods.IMCoreMsgGetPrivateReadReceipts(NativeThunks.CommResult, key));
        }
    }
}
