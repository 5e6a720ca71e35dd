#if !UNITY_5_3_OR_NEWER
using System.Collections.Generic;
using System.Linq;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>
    /// shared/seeds/000: the unread badge. Total unread, its change callback after messages arrive,
    /// MsgMarkAllMessageAsRead, and the conversation event (Update with the new counts).
    /// </summary>
    internal static class Seed000Tests
    {
        internal static void Register(List<TestCase> tests)
        {
            tests.Add(new TestCase("seed000: total unread, change callback, mark all read, conv event", UnreadBadge));
        }

        private static void UnreadBadge()
        {
            using (var env = Env.Start("seed000", Delivery.Context))
            {
                // Listeners before login, as the seed and TIM ask.
                env.ListenAll();
                env.Login("alice");

                // TIM fires the total-unread listener only once the app asked for the total.
                ulong t0 = Envelopes.Now() - 100;
                env.Push(Envelopes.C2C("zoe", t0, "before anyone asked"));
                env.WaitUntil(() => env.Rec.NewMessages.Count == 1, "the first new message");
                env.Settle(50);
                Check.Equal(0, env.Rec.Totals.Count, "no total-unread callback before the first ConvGetTotalUnreadMessageCount");
                env.CallNull("ConvCleanConversationUnreadMessageCount", cb => TencentIMSDK.ConvCleanConversationUnreadMessageCount("c2c_zoe", 0, 0, cb));
                env.Settle(50);
                Check.Equal(0, env.Rec.Totals.Count, "still none after cleaning");

                // 获取全部未读数
                GetTotalUnreadNumberResult unread = env.Call<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount);
                Check.Equal(0, unread.conv_get_total_unread_message_count_result_unread_count, "total before any message");

                // Messages arrive from the server: 3 from bob (C2C), 2 in group team.
                ulong t = Envelopes.Now();
                env.Push(Envelopes.C2C("bob", t, "hi 1"), Envelopes.C2C("bob", t + 1, "hi 2"));
                env.WaitUntil(() => env.Rec.Totals.Contains(2), "the total-unread callback with 2");
                env.Push(Envelopes.C2C("bob", t + 2, "hi 3"));
                env.Push(Envelopes.Group("team", "carol", t + 3, 1, "g1"), Envelopes.Group("team", "dave", t + 4, 2, "g2"));
                env.WaitUntil(() => env.Rec.Totals.LastOrDefault() == 5, "the total-unread callback with 5");
                Check.Sequence(new[] { 2, 3, 5 }, env.Rec.Totals, "total-unread callbacks after each push");
                Check.Equal(6, env.Rec.NewMessages.Count, "messages delivered to the new-message listener");

                // The conversations appeared (Add) and changed (Update) with their counts.
                var events = env.Rec.ConvEvents;
                Check.True(events.Any(e => e.Event == TIMConvEvent.kTIMConvEvent_Add && e.Convs.Any(c => c.conv_id == "bob" && c.conv_type == TIMConvType.kTIMConv_C2C)),
                    "an Add event for c2c bob");
                Check.True(events.Any(e => e.Event == TIMConvEvent.kTIMConvEvent_Add && e.Convs.Any(c => c.conv_id == "team" && c.conv_type == TIMConvType.kTIMConv_Group)),
                    "an Add event for group team");
                Check.Equal(3UL, env.Rec.LastReported("bob", TIMConvType.kTIMConv_C2C).conv_unread_num, "bob's unread in the last conv event");
                Check.Equal(2UL, env.Rec.LastReported("team", TIMConvType.kTIMConv_Group).conv_unread_num, "team's unread in the last conv event");
                Check.True(events.All(e => e.UserData == "SetConvEventCallback"), "listener user_data names the registration");

                unread = env.Call<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount);
                Check.Equal(5, unread.conv_get_total_unread_message_count_result_unread_count, "total after the pushes");

                List<ConvInfo> list = env.Call<List<ConvInfo>>("ConvGetConvList", TencentIMSDK.ConvGetConvList);
                Check.Equal(3, list.Count, "conversations");
                Check.Equal(5UL, (ulong)list.Sum(c => (long)c.conv_unread_num), "sum of conv_unread_num");
                ConvInfo bob = list.Single(c => c.conv_id == "bob");
                Check.Equal("hi 3", bob.conv_last_msg.message_elem_array[0].text_elem_content, "bob's last message");
                Check.Equal(true, bob.conv_is_has_lastmsg, "conv_is_has_lastmsg");

                // 清空全部会话未读
                int eventsBefore = env.Rec.ConvEvents.Count;
                int totalsBefore = env.Rec.Totals.Count;
                env.CallNull("MsgMarkAllMessageAsRead", TencentIMSDK.MsgMarkAllMessageAsRead);
                env.WaitUntil(() => env.Rec.Totals.Count > totalsBefore && env.Rec.Totals.Last() == 0, "the total-unread callback with 0");
                env.WaitUntil(() => env.Rec.ConvEvents.Count > eventsBefore, "a conv event after MsgMarkAllMessageAsRead");
                var updates = env.Rec.ConvEvents.Skip(eventsBefore).ToList();
                Check.True(updates.All(e => e.Event == TIMConvEvent.kTIMConvEvent_Update), "only Update events after marking read");
                var updated = updates.SelectMany(e => e.Convs).ToList();
                Check.True(new[] { "bob", "team" }.All(updated.Select(c => c.conv_id).Contains), "bob and team updated");
                Check.True(updated.All(c => c.conv_unread_num == 0), "Update events carry conv_unread_num 0");

                unread = env.Call<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount);
                Check.Equal(0, unread.conv_get_total_unread_message_count_result_unread_count, "total after marking all read");
                list = env.Call<List<ConvInfo>>("ConvGetConvList", TencentIMSDK.ConvGetConvList);
                Check.True(list.All(c => c.conv_unread_num == 0), "every conversation read");

                // A new message counts again.
                env.Push(Envelopes.C2C("bob", t + 10, "again"));
                env.WaitUntil(() => env.Rec.Totals.Last() == 1, "the total-unread callback with 1");
            }
        }
    }
}
#endif
