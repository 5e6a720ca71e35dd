#if !UNITY_5_3_OR_NEWER
using System.Collections.Generic;
using System.Linq;
using System.Text;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using Newtonsoft.Json.Linq;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>
    /// shared/seeds/003: read receipts between two users, each with their own libimcore. The C ABI
    /// holds one logged-in user per process (no multi-instance extension), so alice runs here and
    /// the other users in a child process (<see cref="PeerMain"/>); the test's <see cref="RelayServer"/>
    /// moves envelopes between the two libraries' transport extensions.
    /// </summary>
    internal static class Seed003Tests
    {
        internal static void Register(List<TestCase> tests)
        {
            tests.Add(new TestCase("seed003: C2C send with receipt, peer sends receipts, receipt callback and pulled receipts", C2CReceipts));
            tests.Add(new TestCase("seed003: group read/unread member list paging as 4 members read one by one", GroupReadMembers));
        }

        private static void C2CReceipts()
        {
            using (var env = Env.Start("seed003-c2c", Delivery.Context))
            {
                env.ListenAll();
                var server = new RelayServer(env, "alice");
                env.Login("alice");
                server.StartPeer();
                server.PeerLogin("bob");

                // 发送端设置消息需要已读回执 (the seed's code, with a C2C conversation).
                string conv_id = "bob";
                var message = new Message
                {
                    message_conv_id = conv_id,
                    message_conv_type = TIMConvType.kTIMConv_C2C,
                    message_cloud_custom_str = "unity local custom data",
                    message_elem_array = new List<Elem> { new Elem { elem_type = TIMElemType.kTIMElem_Text, text_elem_content = "please read" } },
                    message_need_read_receipt = true,
                };
                StringBuilder messageId = new StringBuilder(128);
                Outcome<Message> sent = env.Begin<Message>("MsgSendMessage",
                    cb => TencentIMSDK.MsgSendMessage(conv_id, TIMConvType.kTIMConv_C2C, message, messageId, cb));
                string msgId = messageId.ToString();
                Check.True(msgId.Length > 0, "the message id is written into the StringBuilder before MsgSendMessage returns");

                // The send completes when the server acks the "message" envelope.
                Message data = env.Finish("MsgSendMessage", sent);
                Check.Equal(msgId, data.message_msg_id, "callback message id = StringBuilder id");
                Check.Equal(TIMMsgStatus.kTIMMsg_SendSucc, data.message_status, "sent message status");
                Check.Equal(true, data.message_need_read_receipt, "sent message asks for a receipt");
                Check.Equal("unity local custom data", data.message_cloud_custom_str, "message_cloud_custom_str kept");
                Check.True(data.message_server_time > 0, "stamped with the server time");
                var outbound = server.OutboundOf("alice", "message");
                Check.Equal(1, outbound.Count, "one message envelope from alice");
                Check.Equal(msgId, (string)outbound[0]["message"]["message_msg_id"], "the envelope carries the message");

                // bob's library receives it and sends the receipt (接收端发送消息已读回执).
                env.WaitUntil(() => server.PeerMessage("bob", msgId) != null, "bob receives the message");
                JObject atBob = server.PeerMessage("bob", msgId);
                Check.Equal("alice", (string)atBob["message_conv_id"], "bob's conversation is alice");
                Check.Equal(true, (bool)atBob["message_need_read_receipt"], "bob sees message_need_read_receipt");
                Check.Equal("please read", (string)atBob["message_elem_array"][0]["text_elem_content"], "bob's text");
                server.Request("send_receipts", new JObject { { "msg_ids", new JArray(msgId) } });

                // 发送端监听消息已读回执通知
                env.WaitUntil(() => env.Rec.Receipts.Any(r => r.msg_receipt_msg_id == msgId), "alice's read-receipt callback");
                Check.Equal(1, server.OutboundOf("bob", "receipt").Count, "bob's library sent one receipt envelope");
                MessageReceipt receipt = env.Rec.Receipts.First(r => r.msg_receipt_msg_id == msgId);
                Check.Equal("bob", receipt.msg_receipt_conv_id, "receipt conversation");
                Check.Equal(TIMConvType.kTIMConv_C2C, receipt.msg_receipt_conv_type, "receipt conversation type");
                Check.Equal(true, receipt.msg_receipt_is_peer_read, "receipt is_peer_read");

                // 发送端主动拉取消息已读回执信息
                var pulled = env.Call<List<MessageReceipt>>("MsgGetMessageReadReceipts",
                    cb => TencentIMSDK.MsgGetMessageReadReceipts(new List<Message> { data }, cb));
                Check.Equal(1, pulled.Count, "pulled receipts");
                Check.Equal(msgId, pulled[0].msg_receipt_msg_id, "pulled receipt message id");
                Check.Equal(true, pulled[0].msg_receipt_is_peer_read, "pulled receipt shows the message read");
                var found = env.Call<List<Message>>("MsgFindMessages", cb => TencentIMSDK.MsgFindMessages(new List<string> { msgId }, cb));
                Check.Equal(true, found.Single().message_receipt_peer_read, "message_receipt_peer_read after the receipt");

                // bob opens the conversation: his read position reaches alice as a conversation-level receipt.
                int before = env.Rec.Receipts.Count;
                server.Request("clean", new JObject { { "conversation_id", "c2c_alice" } });
                env.WaitUntil(() => env.Rec.Receipts.Count > before, "alice's conversation-level receipt");
                MessageReceipt whole = env.Rec.Receipts.Last();
                Check.Equal(string.Empty, whole.msg_receipt_msg_id ?? string.Empty, "conversation-level receipt has no message id");
                Check.Equal("bob", whole.msg_receipt_conv_id, "conversation-level receipt conversation");
                Check.True(whole.msg_receipt_time_stamp > 0, "conversation-level receipt time stamp");
                found = env.Call<List<Message>>("MsgFindMessages", cb => TencentIMSDK.MsgFindMessages(new List<string> { msgId }, cb));
                Check.Equal(true, found.Single().message_is_peer_read, "message_is_peer_read after bob read the conversation");
            }
        }

        private static readonly string[] Readers = { "bob", "carol", "dave", "erin" };

        private static void GroupReadMembers()
        {
            using (var env = Env.Start("seed003-group", Delivery.Context))
            {
                env.ListenAll();
                var server = new RelayServer(env, "alice");
                env.Login("alice");
                server.StartPeer();
                // A work group of 5: alice and the 4 readers.
                server.SetRoster("proj", TIMGroupType.kTIMGroup_Private, new[] { "alice" }.Concat(Readers).ToArray());
                server.Pump();

                var message = new Message
                {
                    message_conv_id = "proj",
                    message_conv_type = TIMConvType.kTIMConv_Group,
                    message_elem_array = new List<Elem> { new Elem { elem_type = TIMElemType.kTIMElem_Text, text_elem_content = "status?" } },
                    message_need_read_receipt = true,
                };
                var messageId = new StringBuilder(128);
                Message sent = env.Call<Message>("MsgSendMessage",
                    cb => TencentIMSDK.MsgSendMessage("proj", TIMConvType.kTIMConv_Group, message, messageId, cb));
                string msgId = messageId.ToString();
                Check.Equal(msgId, sent.message_msg_id, "sent message id");

                CheckMembers(env, sent, new string[0]);
                var readSoFar = new List<string>();
                foreach (string reader in Readers)
                {
                    // Each member logs in on the peer process, gets the message, reads it, logs out.
                    server.PeerLogin(reader);
                    env.WaitUntil(() => server.PeerMessage(reader, msgId) != null, reader + " receives the group message");
                    int before = env.Rec.Receipts.Count;
                    server.Request("send_receipts", new JObject { { "msg_ids", new JArray(msgId) } });
                    readSoFar.Add(reader);
                    int read = readSoFar.Count;
                    env.WaitUntil(() => env.Rec.Receipts.Skip(before).Any(r => r.msg_receipt_msg_id == msgId && r.msg_receipt_read_count == read),
                        "alice's receipt callback with read count " + read);
                    MessageReceipt r0 = env.Rec.Receipts.Last(r => r.msg_receipt_msg_id == msgId);
                    Check.Equal("proj", r0.msg_receipt_conv_id, "receipt group");
                    Check.Equal(TIMConvType.kTIMConv_Group, r0.msg_receipt_conv_type, "receipt conversation type");
                    Check.Equal(Readers.Length - read, r0.msg_receipt_unread_count, "receipt unread count");

                    var pulled = env.Call<List<MessageReceipt>>("MsgGetMessageReadReceipts",
                        cb => TencentIMSDK.MsgGetMessageReadReceipts(new List<Message> { sent }, cb));
                    Check.Equal(read, pulled.Single().msg_receipt_read_count, "pulled read count");
                    Check.Equal(Readers.Length - read, pulled.Single().msg_receipt_unread_count, "pulled unread count");

                    var stored = env.Call<List<Message>>("MsgFindMessages", cb => TencentIMSDK.MsgFindMessages(new List<string> { msgId }, cb)).Single();
                    Check.Equal(read, stored.message_group_receipt_read_count, "message_group_receipt_read_count");
                    Check.Equal(Readers.Length - read, stored.message_group_receipt_unread_count, "message_group_receipt_unread_count");

                    CheckMembers(env, sent, readSoFar);
                    server.PeerLogout();
                }
            }
        }

        /// <summary>Pages through the read (1 per page) and unread (3 per page) member lists.</summary>
        private static void CheckMembers(Env env, Message sent, ICollection<string> read)
        {
            Check.Sequence(read.OrderBy(s => s, System.StringComparer.Ordinal), Page(env, sent, TIMGroupMessageReadMembersFilter.TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ, 1),
                "read members");
            Check.Sequence(Readers.Except(read).OrderBy(s => s, System.StringComparer.Ordinal), Page(env, sent, TIMGroupMessageReadMembersFilter.TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_UNREAD, 3),
                "unread members");
        }

        private static List<string> Page(Env env, Message sent, TIMGroupMessageReadMembersFilter filter, int count)
        {
            var all = new List<string>();
            ulong next_seq = 0;
            for (int page = 0; page < 10; page++)
            {
                List<GroupMemberInfo> members = null;
                ulong next = 0;
                bool finished = false;
                int calls = 0;
                string userData = null;
                TIMResult res = TencentIMSDK.GetMsgGroupMessageReadMemberList(sent, filter, next_seq, count,
                    (List<GroupMemberInfo> json_group_member_array, ulong seq, bool is_finished, string user_data) =>
                    {
                        env.Here("GetMsgGroupMessageReadMemberList");
                        members = json_group_member_array;
                        next = seq;
                        finished = is_finished;
                        userData = user_data;
                        calls++;
                        Env.Notify();
                    });
                Check.Equal(TIMResult.TIM_SUCC, res, "GetMsgGroupMessageReadMemberList returned");
                env.WaitUntil(() => calls > 0, "a read-member page");
                Check.True(members != null, "a member page (null means the request failed)");
                Check.True(members.Count <= count, "page size within count");
                Check.True(members.All(m => m.group_member_info_group_id == "proj"), "members carry the group id");
                Check.True(userData.StartsWith("GetMsgGroupMessageReadMemberList_", System.StringComparison.Ordinal), "user_data names the call");
                all.AddRange(members.Select(m => m.group_member_info_identifier));
                if (finished)
                {
                    return all;
                }
                Check.True(next != next_seq, "next_seq moves on");
                next_seq = next;
            }
            throw Check.Fail("member list paging never finished");
        }
    }
}
#endif
