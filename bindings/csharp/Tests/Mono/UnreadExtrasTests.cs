#if !UNITY_5_3_OR_NEWER
using System.Collections.Generic;
using System.Linq;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>imcore's unread extensions through the C# layer: mentions, mark-unread, count preferences, the explanation.</summary>
    internal static class UnreadExtrasTests
    {
        internal static void Register(List<TestCase> tests)
        {
            tests.Add(new TestCase("unread extensions: mention counts, mark unread, count preference, explanation, synced total", MentionsMarkUnreadPrefsExplain));
            tests.Add(new TestCase("unread extensions: imcore_count_marked_unread_as_one counts a marked conversation as 1", MarkedUnreadCountsAsOne));
        }

        private static int Total(Env env)
        {
            return env.Call<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount)
                .conv_get_total_unread_message_count_result_unread_count;
        }

        private static void MarkedUnreadCountsAsOne()
        {
            using (var env = Env.Start("unread-marked-as-one", Delivery.Context, c => c.imcore_count_marked_unread_as_one = true))
            {
                env.Login("alice");
                ulong now = Envelopes.Now();
                env.Push(Envelopes.C2C("bob", now - 1, "hi", "k1"));
                env.CallNull("ConvCleanConversationUnreadMessageCount",
                    cb => TencentIMSDK.ConvCleanConversationUnreadMessageCount("c2c_bob", 0, 0, cb));
                Check.Equal(0, Total(env), "read");
                env.Call<List<ConversationOperationResult>>("ConvMarkConversation",
                    cb => TencentIMSDK.ConvMarkConversation(new List<string> { "c2c_bob" }, (ulong)TIMConversationMarkType.kTIMConversationMarkTypeUnread, true, cb));
                var bob = env.Call<List<ConvInfo>>("ConvGetConvList", TencentIMSDK.ConvGetConvList).Single(c => c.conv_id == "bob");
                Check.Equal(0UL, bob.conv_unread_num, "no unread message");
                Check.Equal(1UL, bob.conv_badge_num, "the mark shows as 1");
                Check.Equal(1, Total(env), "and counts 1 in the total");
            }
        }

        private static ConvInfo Team(Env env)
        {
            var list = env.Call<List<ConvInfo>>("ConvGetConvList", TencentIMSDK.ConvGetConvList);
            return list.Single(c => c.conv_id == "team");
        }

        private static void MentionsMarkUnreadPrefsExplain()
        {
            using (var env = Env.Start("unread-extras", Delivery.Direct))
            {
                env.ListenAll();
                env.Login("alice");
                ulong t = Envelopes.Now();
                var atMe = Envelopes.Text("t2", "team", TIMConvType.kTIMConv_Group, "bob", t, 2, "@alice");
                atMe.message_group_at_user_array = new List<string> { "alice" };
                env.Push(Envelopes.Group("team", "bob", t, 1, "one", "t1"), Envelopes.MessageEnvelope(atMe),
                    Envelopes.Group("team", "carol", t, 3, "three", "t3"));

                var team = Team(env);
                Check.Equal(3UL, team.conv_unread_num, "unread");
                Check.Equal(1UL, team.conv_unread_mention_num, "unread mentions in ConvInfo");
                Check.Equal(3UL, team.conv_badge_num, "badge");
                var mentions = env.Call<UnreadMentionCountResult>("ConvGetTotalUnreadMentionCount", TencentIMSDK.ConvGetTotalUnreadMentionCount);
                Check.Equal(1UL, mentions.conv_unread_mention_count, "mention total");
                var byFilter = env.Call<UnreadMentionCountResult>("ConvGetUnreadMentionCountByFilter",
                    cb => TencentIMSDK.ConvGetUnreadMentionCountByFilter(new ConversationListFilter { conversation_list_filter_has_unread_mention = true }, cb));
                Check.Equal(1UL, byFilter.conv_unread_mention_count, "mention total by filter");

                env.CallNull("ConvCleanConversationUnreadMessageCount",
                    cb => TencentIMSDK.ConvCleanConversationUnreadMessageCount("group_team", 0, 0, cb));
                var marked = env.Call<MarkUnreadResult>("ConvMarkUnreadFrom",
                    cb => TencentIMSDK.ConvMarkUnreadFrom("team", TIMConvType.kTIMConv_Group, "t2", cb));
                Check.Equal(2UL, marked.conv_unread_num, "unread after mark-unread from t2");
                Check.True(Team(env).conv_read_version > 0, "the read position's version was raised");

                env.CallNull("ConvSetCountPref",
                    cb => TencentIMSDK.ConvSetCountPref("team", TIMConvType.kTIMConv_Group, IMCoreCountPref.kIMCoreCountPref_MentionsOnly, cb));
                team = Team(env);
                Check.Equal(IMCoreCountPref.kIMCoreCountPref_MentionsOnly, team.conv_count_pref, "count preference");
                Check.Equal(1UL, team.conv_badge_num, "the badge is the mention count");
                var total = env.Call<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount);
                Check.Equal(1, total.conv_get_total_unread_message_count_result_unread_count, "only mentions in the total");

                var x = env.Call<UnreadExplanation>("ConvExplainUnread",
                    cb => TencentIMSDK.ConvExplainUnread("team", TIMConvType.kTIMConv_Group, cb));
                Check.Sequence(new[] { "t2", "t3" }, x.explain_counted.Select(m => m.message_msg_id), "counted messages");
                Check.True(x.explain_counted[0].explain_mention, "t2 is a mention");
                Check.Equal("mark_unread", x.explain_last_move.read_move_source, "the last move");
                Check.True(x.explain_last_move.read_move_backward, "it went back");
                Check.Equal("before_read_position",
                    x.explain_not_counted.Single(m => m.message_msg_id == "t1").explain_reason, "t1 is read");
                Check.Equal("mentions_only", x.explain_total_reason, "in the total with its mentions");
                Check.Equal(1UL, x.explain_total_contribution, "its part of the total");

                // Loopback (no outbound callback): nothing to sync, the total is final.
                var synced = env.Call<TotalUnreadSyncedResult>("ConvGetTotalUnreadSynced", TencentIMSDK.ConvGetTotalUnreadSynced);
                Check.True(synced.conv_total_unread_synced, "the total is final without a transport");

                // Bad input is refused before anything runs.
                Check.Equal(TIMResult.TIM_ERR_PARAM, TencentIMSDK.ConvSetCountPref("team", TIMConvType.kTIMConv_Group, (IMCoreCountPref)7, null), "a preference out of range");
            }
        }
    }
}
#endif
