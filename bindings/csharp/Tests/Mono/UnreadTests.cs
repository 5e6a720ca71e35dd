#if !UNITY_5_3_OR_NEWER
using System.Collections.Generic;
using System.Linq;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>Unread by filter with two subscriptions, and cleaning by each selector.</summary>
    internal static class UnreadTests
    {
        internal static void Register(List<TestCase> tests)
        {
            tests.Add(new TestCase("unread by filter: two subscriptions told apart by their filter fields", TwoSubscriptions));
            tests.Add(new TestCase("clean unread: c2c_x + timestamp, group_x + sequence, \"c2c\", \"group\", \"\" and null", CleanEachSelector));
        }

        private static readonly ConversationListFilter C2COnly = new ConversationListFilter { conversation_list_filter_conv_type = TIMConvType.kTIMConv_C2C };
        private static readonly ConversationListFilter Starred = new ConversationListFilter { conversation_list_filter_mark_type = (ulong)TIMConversationMarkType.kTIMConversationMarkTypeStar };

        private static bool IsC2COnly(ConversationListFilter f)
        {
            return f.conversation_list_filter_conv_type == TIMConvType.kTIMConv_C2C && f.conversation_list_filter_mark_type == null;
        }

        private static bool IsStarred(ConversationListFilter f)
        {
            return f.conversation_list_filter_mark_type == 1UL && f.conversation_list_filter_conv_type == null;
        }

        private static int ByFilter(Env env, ConversationListFilter filter)
        {
            return env.Call<GetTotalUnreadNumberResult>("ConvGetUnreadMessageCountByFilter",
                cb => TencentIMSDK.ConvGetUnreadMessageCountByFilter(filter, cb)).conv_get_total_unread_message_count_result_unread_count;
        }

        private static void TwoSubscriptions()
        {
            using (var env = Env.Start("filters", Delivery.Direct))
            {
                env.ListenAll();
                env.Login("alice");
                ulong t = Envelopes.Now();
                env.Push(Envelopes.C2C("bob", t, "b1"), Envelopes.Group("team", "carol", t, 1, "g1"));
                var marked = env.Call<List<ConversationOperationResult>>("ConvMarkConversation",
                    cb => TencentIMSDK.ConvMarkConversation(new List<string> { "group_team" }, (ulong)TIMConversationMarkType.kTIMConversationMarkTypeStar, true, cb));
                Check.Equal("group_team", marked.Single().conversation_operation_result_conversation_id, "mark result id");
                Check.Equal(0, marked.Single().conversation_operation_result_result_code, "mark result code");

                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.ConvSubscribeUnreadMessageCountByFilter(C2COnly), "subscribe C2C filter");
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.ConvSubscribeUnreadMessageCountByFilter(Starred), "subscribe starred filter");
                Check.Equal(1, ByFilter(env, C2COnly), "C2C unread");
                Check.Equal(1, ByFilter(env, Starred), "starred unread");
                Check.Equal(0, env.Rec.FilterTotals.Count, "no filter callback before a change");

                // bob writes twice: only the C2C filter changes.
                env.Push(Envelopes.C2C("bob", t + 1, "b2"), Envelopes.C2C("bob", t + 2, "b3"));
                env.WaitUntil(() => env.Rec.FilterTotals.Any(f => IsC2COnly(f.Filter) && f.Total == 3), "the C2C filter callback with 3");
                // the starred group gets one: only the starred filter changes.
                env.Push(Envelopes.Group("team", "dave", t + 3, 2, "g2"));
                env.WaitUntil(() => env.Rec.FilterTotals.Any(f => IsStarred(f.Filter) && f.Total == 2), "the starred filter callback with 2");
                // starring bob moves his 3 into the starred total (5); the C2C total stays.
                env.Call<List<ConversationOperationResult>>("ConvMarkConversation",
                    cb => TencentIMSDK.ConvMarkConversation(new List<string> { "c2c_bob" }, (ulong)TIMConversationMarkType.kTIMConversationMarkTypeStar, true, cb));
                env.WaitUntil(() => env.Rec.FilterTotals.Any(f => IsStarred(f.Filter) && f.Total == 5), "the starred filter callback with 5");
                env.Settle(50);
                var seen = env.Rec.FilterTotals;
                Check.True(seen.All(f => IsC2COnly(f.Filter) || IsStarred(f.Filter)), "every callback names one of the two subscribed filters");
                Check.Sequence(new[] { 3 }, seen.Where(f => IsC2COnly(f.Filter)).Select(f => f.Total), "C2C filter totals");
                Check.Sequence(new[] { 2, 5 }, seen.Where(f => IsStarred(f.Filter)).Select(f => f.Total), "starred filter totals");
                Check.Equal(3, ByFilter(env, C2COnly), "C2C unread pulled");
                Check.Equal(5, ByFilter(env, Starred), "starred unread pulled");

                // Unsubscribed, the C2C filter stays quiet.
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.ConvUnsubscribeUnreadMessageCountByFilter(C2COnly), "unsubscribe C2C filter");
                int before = seen.Count;
                env.Push(Envelopes.C2C("bob", t + 4, "b4"));
                env.WaitUntil(() => env.Rec.FilterTotals.Any(f => IsStarred(f.Filter) && f.Total == 6), "the starred filter callback with 6");
                env.Settle(50);
                Check.Equal(1, env.Rec.FilterTotals.Count - before, "only the starred filter fired after unsubscribing the other");
                Check.Equal(4, ByFilter(env, C2COnly), "C2C unread still answers by pull");
            }
        }

        private static ConvInfo Info(Env env, string id, TIMConvType type)
        {
            var list = env.Call<List<ConvInfo>>("ConvGetConvInfo", cb => TencentIMSDK.ConvGetConvInfo(
                new List<ConvParam> { new ConvParam { get_conversation_list_param_conv_id = id, get_conversation_list_param_conv_type = type } }, cb));
            return list.Single();
        }

        private static void Expect(Env env, int bob, int carol, int g1, int g2, string when)
        {
            var list = env.Call<List<ConvInfo>>("ConvGetConvList", TencentIMSDK.ConvGetConvList);
            var counts = new Dictionary<string, ulong>();
            foreach (ConvInfo c in list)
            {
                counts[(c.conv_type == TIMConvType.kTIMConv_C2C ? "c2c_" : "group_") + c.conv_id] = c.conv_unread_num;
            }
            Check.Equal((ulong)bob, counts["c2c_bob"], "bob's unread " + when);
            Check.Equal((ulong)carol, counts["c2c_carol"], "carol's unread " + when);
            Check.Equal((ulong)g1, counts["group_g1"], "g1's unread " + when);
            Check.Equal((ulong)g2, counts["group_g2"], "g2's unread " + when);
            int total = env.Call<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount)
                .conv_get_total_unread_message_count_result_unread_count;
            Check.Equal(bob + carol + g1 + g2, total, "total " + when);
        }

        /// <summary>Cleans, waits for its callback and for the Update events of <paramref name="changed"/> (V2 ids).</summary>
        private static void Clean(Env env, string selector, ulong timestamp, ulong sequence, params string[] changed)
        {
            int before = env.Rec.ConvEvents.Count;
            env.CallNull("ConvCleanConversationUnreadMessageCount",
                cb => TencentIMSDK.ConvCleanConversationUnreadMessageCount(selector, timestamp, sequence, cb));
            env.WaitUntil(() =>
            {
                var updated = env.Rec.ConvEvents.Skip(before).Where(e => e.Event == TIMConvEvent.kTIMConvEvent_Update)
                    .SelectMany(e => e.Convs).Select(c => (c.conv_type == TIMConvType.kTIMConv_C2C ? "c2c_" : "group_") + c.conv_id);
                return changed.All(updated.Contains);
            }, "Update events for " + string.Join(", ", changed) + " after cleaning \"" + selector + "\"");
        }

        private static void PushAll(Env env, ulong t, ref ulong g1, ref ulong g2)
        {
            env.Push(Envelopes.C2C("bob", t, "b"), Envelopes.C2C("carol", t, "c"),
                Envelopes.Group("g1", "dave", t, ++g1, "x"), Envelopes.Group("g2", "erin", t, ++g2, "y"));
        }

        private static void CleanEachSelector()
        {
            using (var env = Env.Start("clean", Delivery.Pumped))
            {
                env.ListenAll();
                env.Login("alice");
                ulong t = Envelopes.Now() - 1000;
                env.Push(Envelopes.C2C("bob", t + 1, "b1"), Envelopes.C2C("bob", t + 2, "b2"), Envelopes.C2C("bob", t + 3, "b3"),
                    Envelopes.C2C("carol", t + 4, "c1"), Envelopes.C2C("carol", t + 5, "c2"),
                    Envelopes.Group("g1", "dave", t + 1, 1, "g1-1"), Envelopes.Group("g1", "dave", t + 2, 2, "g1-2"), Envelopes.Group("g1", "erin", t + 3, 3, "g1-3"),
                    Envelopes.Group("g2", "dave", t + 1, 1, "g2-1"), Envelopes.Group("g2", "erin", t + 2, 2, "g2-2"));
                Expect(env, 3, 2, 3, 2, "after the pushes");

                Clean(env, "c2c_bob", t + 2, 0, "c2c_bob");
                Check.Equal(1UL, env.Rec.LastReported("bob", TIMConvType.kTIMConv_C2C).conv_unread_num, "bob's Update event count");
                Expect(env, 1, 2, 3, 2, "after cleaning c2c_bob up to its 2nd message's time");

                Clean(env, "group_g1", 0, 2, "group_g1");
                Check.Equal(1UL, env.Rec.LastReported("g1", TIMConvType.kTIMConv_Group).conv_unread_num, "g1's Update event count");
                Check.Equal(2UL, Info(env, "g1", TIMConvType.kTIMConv_Group).conv_group_read_sequence, "g1's conv_group_read_sequence");
                Expect(env, 1, 2, 1, 2, "after cleaning group_g1 up to sequence 2");

                Clean(env, "c2c", 0, 0, "c2c_bob", "c2c_carol");
                Expect(env, 0, 0, 1, 2, "after cleaning \"c2c\"");

                Clean(env, "group", 0, 0, "group_g1", "group_g2");
                Expect(env, 0, 0, 0, 0, "after cleaning \"group\"");

                ulong s1 = 3, s2 = 2;
                PushAll(env, t + 10, ref s1, ref s2);
                Expect(env, 1, 1, 1, 1, "after one more each");
                Clean(env, "", 0, 0, "c2c_bob", "c2c_carol", "group_g1", "group_g2");
                Expect(env, 0, 0, 0, 0, "after cleaning \"\"");

                PushAll(env, t + 11, ref s1, ref s2);
                Clean(env, null, 0, 0, "c2c_bob", "c2c_carol", "group_g1", "group_g2");
                Expect(env, 0, 0, 0, 0, "after cleaning null (every conversation)");
                Check.True(env.Rec.Totals.Count > 0 && env.Rec.Totals.Last() == 0, "the total-unread callback ended at 0");
            }
        }
    }
}
#endif
