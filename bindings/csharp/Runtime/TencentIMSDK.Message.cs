using System.Collections.Generic;
using System.Text;
using IMCore.Unity.Callbacks;
using IMCore.Unity.Enums;
using IMCore.Unity.Json;
using IMCore.Unity.Native;
using IMCore.Unity.Types;

namespace IMCore.Unity
{
    // Message and read-receipt API.
    public static partial class TencentIMSDK
    {
        /// <summary>Size of the <c>message_id_buffer</c> handed to <c>TIMMsgSendMessage</c> (TIM asks for at least 128).</summary>
        private const int MessageIdBufferSize = 128;

        /// <summary>
        /// Sends <paramref name="message"/> to a conversation (raw id + type). The new message's id is
        /// written into <paramref name="message_id"/> (may be null) before this method returns; the
        /// callback receives the sent message (status "send failed" on failure).
        /// </summary>
        public static TIMResult MsgSendMessage(string conv_id, TIMConvType conv_type, Message message, StringBuilder message_id, ValueCallback<Message> callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            byte[] json = Utf8.ToNative(TIMJson.Serialize(message));
            byte[] idBuffer = message_id == null ? null : Utf8.OutBuffer(MessageIdBufferSize);
            TIMResult rc = Invoke("MsgSendMessage", Completions.ForValue(callback),
                key => NativeMethods.TIMMsgSendMessage(id, (int)conv_type, json, idBuffer, NativeThunks.CommResult, key));
            if (message_id != null)
            {
                message_id.Length = 0;
                message_id.Append(Utf8.FromBuffer(idBuffer));
            }
            return rc;
        }

        /// <summary>Messages of a conversation (raw id + type), paged by <paramref name="get_message_list_param"/>.</summary>
        public static TIMResult MsgGetMsgList(string conv_id, TIMConvType conv_type, MsgGetMsgListParam get_message_list_param, ValueCallback<List<Message>> callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            byte[] json = Utf8.ToNative(TIMJson.Serialize(get_message_list_param ?? new MsgGetMsgListParam()));
            return Invoke("MsgGetMsgList", Completions.ForValue(callback),
                key => NativeMethods.TIMMsgGetMsgList(id, (int)conv_type, json, NativeThunks.CommResult, key));
        }

        /// <summary>Messages with the given ids.</summary>
        public static TIMResult MsgFindMessages(List<string> message_id_array, ValueCallback<List<Message>> callback)
        {
            byte[] ids = Utf8.ToNative(TIMJson.StringArray(message_id_array));
            return Invoke("MsgFindMessages", Completions.ForValue(callback),
                key => NativeMethods.TIMMsgFindMessages(ids, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Marks a conversation (raw id + type) read up to <paramref name="message"/>'s time, or up to now
        /// when <paramref name="message"/> is null (sent as a NULL pointer). Deprecated in TIM in favour of
        /// <see cref="ConvCleanConversationUnreadMessageCount"/>.
        /// </summary>
        public static TIMResult MsgReportReaded(string conv_id, TIMConvType conv_type, Message message, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            byte[] json = Utf8.ToNative(TIMJson.Serialize(message));
            return Invoke("MsgReportReaded", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgReportReaded(id, (int)conv_type, json, NativeThunks.CommResult, key));
        }

        /// <summary>Marks every conversation read.</summary>
        public static TIMResult MsgMarkAllMessageAsRead(NullValueCallback callback)
        {
            return Invoke("MsgMarkAllMessageAsRead", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgMarkAllMessageAsRead(NativeThunks.CommResult, key));
        }

        /// <summary>Sets the receive option for C2C messages from up to 30 users.</summary>
        public static TIMResult MsgSetC2CReceiveMessageOpt(List<string> user_id_list, TIMReceiveMessageOpt opt, NullValueCallback callback)
        {
            byte[] ids = Utf8.ToNative(TIMJson.StringArray(user_id_list));
            return Invoke("MsgSetC2CReceiveMessageOpt", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgSetC2CReceiveMessageOpt(ids, (int)opt, NativeThunks.CommResult, key));
        }

        /// <summary>The receive option for C2C messages from the given users.</summary>
        public static TIMResult MsgGetC2CReceiveMessageOpt(List<string> user_id_list, ValueCallback<List<GetC2CRecvMsgOptResult>> callback)
        {
            byte[] ids = Utf8.ToNative(TIMJson.StringArray(user_id_list));
            return Invoke("MsgGetC2CReceiveMessageOpt", Completions.ForValue(callback),
                key => NativeMethods.TIMMsgGetC2CReceiveMessageOpt(ids, NativeThunks.CommResult, key));
        }

        /// <summary>Sets the receive option of a group.</summary>
        public static TIMResult MsgSetGroupReceiveMessageOpt(string group_id, TIMReceiveMessageOpt opt, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(group_id);
            return Invoke("MsgSetGroupReceiveMessageOpt", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgSetGroupReceiveMessageOpt(id, (int)opt, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Sends read receipts for received messages that asked for one (<c>message_need_read_receipt</c>).
        /// All messages must belong to one conversation. Does not change unread counts.
        /// </summary>
        public static TIMResult MsgSendMessageReadReceipts(List<Message> msg_array, NullValueCallback callback)
        {
            byte[] json = Utf8.ToNative(TIMJson.Serialize(msg_array ?? new List<Message>()));
            return Invoke("MsgSendMessageReadReceipts", Completions.ForNull(callback),
                key => NativeMethods.TIMMsgSendMessageReadReceipts(json, NativeThunks.CommResult, key));
        }

        /// <summary>Read-receipt information of my messages (all from one conversation).</summary>
        public static TIMResult MsgGetMessageReadReceipts(List<Message> msg_array, ValueCallback<List<MessageReceipt>> callback)
        {
            byte[] json = Utf8.ToNative(TIMJson.Serialize(msg_array ?? new List<Message>()));
            return Invoke("MsgGetMessageReadReceipts", Completions.ForValue(callback),
                key => NativeMethods.TIMMsgGetMessageReadReceipts(json, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// One page of the members who have read (or not read) a group message of mine. Start with
        /// <paramref name="next_seq"/> 0 and pass back the callback's <c>next_seq</c> until <c>is_finished</c>;
        /// <paramref name="count"/> at most 100. The callback's list is null when the request failed.
        /// </summary>
        public static TIMResult GetMsgGroupMessageReadMemberList(Message message, TIMGroupMessageReadMembersFilter filter, ulong next_seq, int count, MsgGroupReadMembersCallback callback)
        {
            if (count < 0)
            {
                return TIMResult.TIM_ERR_PARAM;
            }
            byte[] json = Utf8.ToNative(TIMJson.Serialize(message));
            ReadMembersCompletion completion = (members, seq, finished, user_data) =>
            {
                List<GroupMemberInfo> list = null;
                if (!string.IsNullOrEmpty(members))
                {
                    try
                    {
                        list = TIMJson.Parse<List<GroupMemberInfo>>(members);
                    }
                    catch (System.Exception e)
                    {
                        BindingLog.Error(user_data + ": cannot parse " + Completions.Shorten(members) + ": " + e.Message);
                    }
                }
                if (callback != null)
                {
                    callback(list, seq, finished, user_data);
                }
            };
            return Invoke("GetMsgGroupMessageReadMemberList", completion,
                key => NativeMethods.TIMMsgGetGroupMessageReadMemberList(json, (int)filter, next_seq, (uint)count, NativeThunks.ReadMembersResult, key));
        }
    }
}
