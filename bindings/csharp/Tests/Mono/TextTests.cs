#if !UNITY_5_3_OR_NEWER
using System.Collections.Generic;
using System.Linq;
using System.Text;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>Non-ASCII text and ids (Chinese, emoji) through messages, conversation ids and callbacks.</summary>
    internal static class TextTests
    {
        internal static void Register(List<TestCase> tests)
        {
            tests.Add(new TestCase("non-ASCII: Chinese and emoji ids and text round-trip", NonAscii));
        }

        // Characters outside the BMP (surrogate pairs in C#, 4 bytes in UTF-8) on purpose.
        private const string Me = "爱丽丝🌸";
        private const string Peer = "鲍勃😀";
        private const string Group = "群组🎉测试";
        private const string Text = "你好，世界 🌍 — ünïcödé ✓ 𝄞";
        private const string Folder = "收藏⭐";

        private static void NonAscii()
        {
            using (var env = Env.Start("non-ascii", Delivery.Context))
            {
                env.ListenAll();
                env.Login(Me);
                env.Call<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount);

                ulong t = Envelopes.Now();
                string inId = Envelopes.NewMsgId("消息");
                env.Push(Envelopes.C2C(Peer, t, Text, inId), Envelopes.Group(Group, Peer, t, 1, Text + " (群)"));
                env.WaitUntil(() => env.Rec.NewMessages.Count == 2, "two new messages");
                Message got = env.Rec.NewMessages.Single(m => m.message_conv_type == TIMConvType.kTIMConv_C2C);
                Check.Equal(inId, got.message_msg_id, "message id");
                Check.Equal(Peer, got.message_conv_id, "message_conv_id");
                Check.Equal(Peer, got.message_sender, "message_sender");
                Check.Equal(Text, got.message_elem_array[0].text_elem_content, "text of the new message");
                Message inGroup = env.Rec.NewMessages.Single(m => m.message_conv_type == TIMConvType.kTIMConv_Group);
                Check.Equal(Group, inGroup.message_conv_id, "group id of the new message");
                Check.Equal(Text + " (群)", inGroup.message_elem_array[0].text_elem_content, "group text");

                env.WaitUntil(() => env.Rec.LastReported(Peer, TIMConvType.kTIMConv_C2C) != null && env.Rec.LastReported(Group, TIMConvType.kTIMConv_Group) != null,
                    "conv events naming both conversations");
                Check.Equal(Text, env.Rec.LastReported(Peer, TIMConvType.kTIMConv_C2C).conv_last_msg.message_elem_array[0].text_elem_content, "last message in the conv event");
                var list = env.Call<List<ConvInfo>>("ConvGetConvList", TencentIMSDK.ConvGetConvList);
                Check.SameSet(new[] { Peer, Group }, list.Select(c => c.conv_id), "conversation ids in the list");

                // Send with a non-ASCII custom string; the id comes back through the StringBuilder.
                var id = new StringBuilder(128);
                Message sent = env.Call<Message>("MsgSendMessage", cb => TencentIMSDK.MsgSendMessage(Peer, TIMConvType.kTIMConv_C2C, new Message
                {
                    message_elem_array = new List<Elem> { new Elem { elem_type = TIMElemType.kTIMElem_Text, text_elem_content = "回复 " + Text } },
                    message_cloud_custom_str = "云端 ☁️",
                }, id, cb));
                Check.Equal(id.ToString(), sent.message_msg_id, "sent id");
                Check.Equal(Peer, sent.message_conv_id, "sent message_conv_id");
                Check.Equal(Me, sent.message_sender, "sent message_sender");
                Check.Equal("回复 " + Text, sent.message_elem_array[0].text_elem_content, "sent text");
                Check.Equal("云端 ☁️", sent.message_cloud_custom_str, "sent custom string");
                var history = env.Call<List<Message>>("MsgGetMsgList", cb => TencentIMSDK.MsgGetMsgList(Peer, TIMConvType.kTIMConv_C2C,
                    new MsgGetMsgListParam { msg_getmsglist_param_count = 10 }, cb));
                Check.Sequence(new[] { "回复 " + Text, Text }, history.Select(m => m.message_elem_array[0].text_elem_content), "history, newest first");

                // V2 ids built from non-ASCII ids, a non-ASCII conversation group and a filter naming it.
                var created = env.Call<List<ConversationOperationResult>>("ConvCreateConversationGroup",
                    cb => TencentIMSDK.ConvCreateConversationGroup(Folder, new List<string> { "c2c_" + Peer }, cb));
                Check.Equal("c2c_" + Peer, created.Single().conversation_operation_result_conversation_id, "operation result id");
                var groups = env.Call<List<string>>("ConvGetConversationGroupList", TencentIMSDK.ConvGetConversationGroupList);
                Check.Sequence(new[] { Folder }, groups, "conversation groups");
                var inFolder = new ConversationListFilter { conversation_list_filter_conversation_group = Folder };
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.ConvSubscribeUnreadMessageCountByFilter(inFolder), "subscribe the folder filter");
                env.Push(Envelopes.C2C(Peer, t + 1, "再来一条 🙂"));
                env.WaitUntil(() => env.Rec.FilterTotals.Any(f => f.Filter.conversation_list_filter_conversation_group == Folder && f.Total == 2),
                    "the by-filter callback naming " + Folder);

                env.CallNull("ConvCleanConversationUnreadMessageCount", cb => TencentIMSDK.ConvCleanConversationUnreadMessageCount("c2c_" + Peer, 0, 0, cb));
                env.WaitUntil(() => env.Rec.LastReported(Peer, TIMConvType.kTIMConv_C2C).conv_unread_num == 0, "Update event for " + Peer);
                env.CallNull("ConvCleanConversationUnreadMessageCount", cb => TencentIMSDK.ConvCleanConversationUnreadMessageCount("group_" + Group, 0, 0, cb));
                env.WaitUntil(() => env.Rec.Totals.Last() == 0, "the total back at 0");

                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.ConvSetDraft(Group, TIMConvType.kTIMConv_Group, new Draft
                {
                    draft_msg = new Message { message_elem_array = new List<Elem> { new Elem { elem_type = TIMElemType.kTIMElem_Text, text_elem_content = "草稿 ✍️" } } },
                    draft_user_define = "自定义",
                }), "ConvSetDraft");
                ConvInfo g = env.Call<List<ConvInfo>>("ConvGetConvInfo", cb => TencentIMSDK.ConvGetConvInfo(new List<ConvParam>
                {
                    new ConvParam { get_conversation_list_param_conv_id = Group, get_conversation_list_param_conv_type = TIMConvType.kTIMConv_Group },
                }, cb)).Single();
                Check.Equal("草稿 ✍️", g.conv_draft.draft_msg.message_elem_array[0].text_elem_content, "draft text");
                Check.Equal("自定义", g.conv_draft.draft_user_define, "draft user define");
                Check.Equal(Me, TencentIMSDK.GetLoginUserID(), "GetLoginUserID");
            }
        }
    }
}
#endif
