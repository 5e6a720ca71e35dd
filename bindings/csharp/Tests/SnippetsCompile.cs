// The C# samples of Tencent's Unity documentation that this package must accept as they are:
// shared/seeds/000 (unread counts) and shared/seeds/003 (read receipts). Only `using` lines differ
// from the originals, and the member-list sample calls GetMsgGroupMessageReadMemberList (the
// document names MsgGetMessageReadReceipts there by mistake). The methods are compiled, never run.
using System.Collections.Generic;
using System.Text;
using IMCore.Unity;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;

namespace IMCore.Unity.Tests
{
    /// <summary>Stand-in for the UI input field the read-receipt sample reads (<c>Input.text</c>).</summary>
    internal sealed class SampleInputField
    {
        public string text = "hello";
    }

    internal sealed class SnippetsCompile
    {
        // Variables the samples use without declaring them.
        private readonly SampleInputField Input = new SampleInputField();
        private readonly string conv_id = "peer";
        private readonly List<Message> msg_array = new List<Message>();
        private readonly Message message = new Message();
        private readonly ulong next_seq = 0;

        // ---------------------------------------------------------------- seed 000: unread counts

        internal void Seed000_GetTotalUnread()
        {
// 获取全部未读数
TIMResult res = TencentIMSDK.ConvGetTotalUnreadMessageCount((int code, string desc, GetTotalUnreadNumberResult unread, string user_data)=>{
 // 处理异步逻辑
});
        }

        internal void Seed000_TotalUnreadChanged()
        {
TencentIMSDK.SetConvTotalUnreadMessageCountChangedCallback((int total_unread_count, string user_data)=>{
 // 处理回调逻辑
});
        }

        internal void Seed000_MarkAllRead()
        {
TIMResult res = TencentIMSDK.MsgMarkAllMessageAsRead((int code, string desc, string user_data)=>{
 // 处理异步逻辑
});
        }

        internal void Seed000_ConvEvent()
        {
TencentIMSDK.SetConvEventCallback((TIMConvEvent conv_event, List<ConvInfo> conv_list, string user_data)=>{
 // 处理回调逻辑
});
        }

        // ---------------------------------------------------------------- seed 003: read receipts

        internal void Seed003_SendWithReceipt()
        {
var message = new Message
{
  message_conv_id = conv_id,
  message_conv_type = TIMConvType.kTIMConv_Group,
  message_cloud_custom_str = "unity local custom data",
  message_elem_array = new List<Elem>{new Elem
  {
    elem_type = TIMElemType.kTIMElem_Text,
    text_elem_content = Input.text
  }},
  message_need_read_receipt = true,
};
StringBuilder messageId = new StringBuilder(128);
  TIMResult res = TencentIMSDK.MsgSendMessage(conv_id, TIMConvType.kTIMConv_C2C, message, messageId, (int code, string desc, Message data, string user_data) => {
  // 处理回调逻辑
});
        }

        internal void Seed003_SendReceipts()
        {
TIMResult res = TencentIMSDK.MsgSendMessageReadReceipts(msg_array, (int code, string desc, string user_data) => {
  // 处理回调逻辑
});
        }

        internal void Seed003_ReceiptListener()
        {
TIMResult res = TencentIMSDK.SetMsgReadedReceiptCallback(msg_array, (List<MessageReceipt> message_receipt, string user_data) => {
  // 处理回调逻辑
});
        }

        internal void Seed003_GetReceipts()
        {
TIMResult res = TencentIMSDK.MsgGetMessageReadReceipts(msg_array, (int code, string desc, List<MessageReceipt> message_receipt, string user_data) => {
  // 处理回调逻辑
});
        }

        internal void Seed003_ReadMembers()
        {
TIMResult res = TencentIMSDK.GetMsgGroupMessageReadMemberList(message, TIMGroupMessageReadMembersFilter.TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ, next_seq, 20, (List<GroupMemberInfo> json_group_member_array, ulong next_seq, bool is_finished, string user_data) => {
  // 处理回调逻辑
});
        }
    }
}
