#if !UNITY_5_3_OR_NEWER
using System.Collections.Generic;
using System.Linq;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using Newtonsoft.Json.Linq;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>
    /// The message lifecycle through the C# layer: deletes and clears lower the counts, the server's revoke
    /// (before its message, repeated) reaches the revoke listener once and stops the count, a refused revoke
    /// restores it, edits reach the update listener, the global receive option and its listener, the app
    /// state, and private read receipts.
    /// </summary>
    internal static class LifecycleTests
    {
        internal static void Register(List<TestCase> tests)
        {
            tests.Add(new TestCase("lifecycle: delete, list delete and clear history lower the counts", DeleteAndClear));
            tests.Add(new TestCase("lifecycle: the server's revokes in any order reach the revoke listener once; a refused revoke restores", Revokes));
            tests.Add(new TestCase("lifecycle: modify, global receive option, app state and private receipts", EditsAndOptions));
            tests.Add(new TestCase("lifecycle: the server's deletes and clears lower the counts", ServerDeletesAndClears));
            tests.Add(new TestCase("lifecycle: a locator names the Message the host holds and finds it again", Locators));
            tests.Add(new TestCase("lifecycle: an edit with a transport reports the edited message once the server accepts", EditWithTransport));
            tests.Add(new TestCase("lifecycle: imcore_revoked_messages_count keeps a revoked unread message counted", RevokedKeepsCounting));
            tests.Add(new TestCase("lifecycle: a C2C message receipt carries the peer's read time", ReceiptReadTime));
        }

        private static int Total(Env env)
        {
            var r = env.Call<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount);
            return r.conv_get_total_unread_message_count_result_unread_count;
        }

        private static Message Id(string id)
        {
            return new Message { message_msg_id = id };
        }

        private static void DeleteAndClear()
        {
            using (var env = Env.Start("lifecycle-delete", Delivery.Context))
            {
                env.Login("alice");
                ulong now = Envelopes.Now();
                env.Push(Envelopes.C2C("bob", now - 3, "a", "d1"), Envelopes.C2C("bob", now - 2, "b", "d2"), Envelopes.C2C("bob", now - 1, "c", "d3"));
                Check.Equal(3, Total(env), "three unread");
                env.CallNull("MsgDelete", cb => TencentIMSDK.MsgDelete("bob", TIMConvType.kTIMConv_C2C,
                    new MsgDeleteParam { msg_delete_param_msg = Id("d3") }, cb));
                Check.Equal(2, Total(env), "deleting an unread message lowers the total");
                var refused = env.Wait("MsgListDelete", env.BeginNull("MsgListDelete", cb => TencentIMSDK.MsgListDelete("bob", TIMConvType.kTIMConv_C2C,
                    new List<Message> { Id("d1"), Id("nope") }, cb)));
                Check.Equal(6010, refused.Code, "an unknown id fails the whole list delete");
                Check.Equal(2, Total(env), "and deletes nothing");
                env.CallNull("MsgListDelete", cb => TencentIMSDK.MsgListDelete("bob", TIMConvType.kTIMConv_C2C, new List<Message> { Id("d1") }, cb));
                Check.Equal(1, Total(env), "list delete");
                env.CallNull("MsgClearHistoryMessage", cb => TencentIMSDK.MsgClearHistoryMessage("bob", TIMConvType.kTIMConv_C2C, cb));
                Check.Equal(0, Total(env), "clear history reads everything");
                var history = env.Call<List<Message>>("MsgGetMsgList", cb => TencentIMSDK.MsgGetMsgList("bob", TIMConvType.kTIMConv_C2C,
                    new MsgGetMsgListParam { msg_getmsglist_param_count = 20 }, cb));
                Check.Equal(0, history.Count, "no message left");
            }
        }

        private static void Revokes()
        {
            using (var env = Env.Start("lifecycle-revoke", Delivery.Context))
            {
                var revoked = new List<MessageLocator>();
                TencentIMSDK.SetMsgRevokeCallback((locators, user_data) =>
                {
                    env.Here("revoke");
                    lock (revoked) revoked.AddRange(locators);
                });
                env.Login("alice");
                ulong now = Envelopes.Now();
                var early = new JObject
                {
                    { "kind", "revoke" }, { "conv_id", "bob" }, { "conv_type", 1 }, { "msg_id", "r1" }, { "revoker", "bob" },
                };
                env.Push(early);
                env.Push(Envelopes.C2C("bob", now - 2, "oops", "r1"), Envelopes.C2C("bob", now - 1, "hi", "r2"));
                Check.Equal(1, Total(env), "a message revoked before it arrived does not count");
                var late = new JObject
                {
                    { "kind", "revoke" }, { "conv_id", "bob" }, { "conv_type", 1 }, { "msg_id", "r2" }, { "revoker", "bob" }, { "reason", "typo" },
                };
                env.Push(late);
                env.Push(late);
                Check.Equal(0, Total(env), "a revoked unread message stops counting");
                env.WaitUntil(() => { lock (revoked) return revoked.Count >= 1; }, "the revoke listener");
                env.Settle(50);
                lock (revoked)
                {
                    Check.Equal(1, revoked.Count, "once, whatever the repeats");
                    Check.Equal("bob", revoked[0].message_locator_conv_id, "locator conv id");
                    Check.Equal(TIMConvType.kTIMConv_C2C, revoked[0].message_locator_conv_type, "locator conv type");
                    Check.Equal(true, revoked[0].message_locator_is_revoked, "locator is_revoked");
                    Check.Equal(now - 1, revoked[0].message_locator_time, "locator time");
                    Check.Equal("typo", revoked[0].message_revoke_reason, "revoke reason");
                }
                var found = env.Call<List<Message>>("MsgFindMessages", cb => TencentIMSDK.MsgFindMessages(new List<string> { "r2" }, cb));
                Check.Equal(TIMMsgStatus.kTIMMsg_Revoked, found.Single().message_status, "status 6");
                Check.Equal("bob", found.Single().message_revoker_user_id, "who revoked it");
                Check.Equal("typo", found.Single().message_revoke_reason, "why");

                // My revoke with a transport: refused, the message counts again.
                var envelopes = new List<JObject>();
                TencentIMSDK.IMCoreSetOutboundCallback(json => { lock (envelopes) envelopes.Add(JObject.Parse(json)); });
                env.Push(Envelopes.C2C("bob", now, "spam", "r3"));
                Check.Equal(1, Total(env), "r3 unread");
                var call = env.BeginNull("MsgRevoke", cb => TencentIMSDK.MsgRevoke("bob", TIMConvType.kTIMConv_C2C, Id("r3"), cb));
                env.WaitUntil(() => { lock (envelopes) return envelopes.Any(e => (string)e["kind"] == "revoke"); }, "the revoke envelope");
                JObject rv;
                lock (envelopes) rv = envelopes.Single(e => (string)e["kind"] == "revoke");
                Check.Equal("r3", (string)rv["msg_id"], "revoke envelope msg_id");
                Check.Equal(0, Total(env), "revoked here at once");
                var ack = new JObject { { "envelope_id", rv["envelope_id"] }, { "code", 10031 }, { "desc", "too late" } };
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.IMCoreOutboundAck(ack.ToString()), "IMCoreOutboundAck");
                env.Wait("MsgRevoke", call);
                Check.Equal(10031, call.Code, "the refusal fails the call");
                Check.Equal(1, Total(env), "and the message counts again");
                TencentIMSDK.IMCoreSetOutboundCallback(null);
                TencentIMSDK.SetMsgRevokeCallback(null);
            }
        }

        private static void ServerDeletesAndClears()
        {
            using (var env = Env.Start("lifecycle-server-delete", Delivery.Context))
            {
                env.Login("alice");
                ulong now = Envelopes.Now();
                env.Push(Envelopes.C2C("bob", now - 3, "a", "s1"), Envelopes.C2C("bob", now - 2, "b", "s2"), Envelopes.C2C("bob", now - 1, "c", "s3"));
                Check.Equal(3, Total(env), "three unread");
                env.Push(new JObject
                {
                    { "kind", "message_delete" }, { "conv_id", "bob" }, { "conv_type", 1 }, { "msg_id_array", new JArray("s3", "unknown") },
                });
                Check.Equal(2, Total(env), "the server's delete of an unread message lowers the total");
                env.Push(new JObject { { "kind", "clear_history" }, { "conv_id", "bob" }, { "conv_type", 1 }, { "timestamp", now - 2 } });
                Check.Equal(0, Total(env), "the server's clear reads and drops everything up to its time");
                env.Push(Envelopes.C2C("bob", now - 2, "again", "s2"));
                Check.Equal(0, Total(env), "a cleared message delivered again is a repeat");
                env.Push(Envelopes.C2C("bob", now, "new", "s4"));
                Check.Equal(1, Total(env), "a newer one counts");
            }
        }

        private static void Locators()
        {
            using (var env = Env.Start("lifecycle-locator", Delivery.Context))
            {
                var revoked = new List<MessageLocator>();
                TencentIMSDK.SetMsgRevokeCallback((locators, user_data) =>
                {
                    env.Here("revoke");
                    lock (revoked) revoked.AddRange(locators);
                });
                env.Login("alice");
                ulong now = Envelopes.Now();
                // A message id of TIM's shape: its rand is the random part.
                env.Push(Envelopes.C2C("bob", now - 1, "hi", "144115233874815003-1620877708-1038050731"));
                var held = env.Call<List<Message>>("MsgFindMessages", cb => TencentIMSDK.MsgFindMessages(
                    new List<string> { "144115233874815003-1620877708-1038050731" }, cb)).Single();
                Check.Equal(1038050731UL, held.message_rand.GetValueOrDefault(), "message_rand");
                Check.True(held.message_unique_id.GetValueOrDefault() != 0, "message_unique_id is set");
                env.Push(new JObject
                {
                    { "kind", "revoke" }, { "conv_id", "bob" }, { "conv_type", 1 },
                    { "msg_id", held.message_msg_id }, { "revoker", "bob" },
                });
                env.WaitUntil(() => { lock (revoked) return revoked.Count >= 1; }, "the revoke listener");
                MessageLocator loc;
                lock (revoked) loc = revoked.Single();
                Check.Equal(held.message_unique_id.GetValueOrDefault(), loc.message_locator_unique_id, "the locator's unique id is the Message's");
                Check.Equal(held.message_rand.GetValueOrDefault(), loc.message_locator_rand, "the locator's rand is the Message's");
                var history = env.Call<List<Message>>("MsgGetMsgList", cb => TencentIMSDK.MsgGetMsgList("bob", TIMConvType.kTIMConv_C2C,
                    new MsgGetMsgListParam { msg_getmsglist_param_count = 20 }, cb));
                Check.Equal(held.message_unique_id, history.Single().message_unique_id, "history carries the same unique id");
                Check.Equal(TIMMsgStatus.kTIMMsg_Revoked, history.Single().message_status, "status 6 in history");

                // The locator back in, as a Unity host holds it: by unique id (no msg id) and as received.
                var byUid = new MessageLocator { message_locator_unique_id = loc.message_locator_unique_id };
                var found = env.Call<List<Message>>("MsgFindByMsgLocatorList", cb => TencentIMSDK.MsgFindByMsgLocatorList("bob", TIMConvType.kTIMConv_C2C,
                    new List<MessageLocator> { byUid, loc }, cb));
                Check.Equal(2, found.Count, "both locators find it");
                Check.Equal(held.message_msg_id, found[0].message_msg_id, "by unique id");
                Check.Equal("bob", found[0].message_revoker_user_id, "with who revoked it");
                var elsewhere = env.Call<List<Message>>("MsgFindByMsgLocatorList", cb => TencentIMSDK.MsgFindByMsgLocatorList("carol", TIMConvType.kTIMConv_C2C,
                    new List<MessageLocator> { byUid }, cb));
                Check.Equal(0, elsewhere.Count, "not in another conversation");
                Check.Equal(TIMResult.TIM_ERR_PARAM, TencentIMSDK.MsgFindByMsgLocatorList("bob", TIMConvType.kTIMConv_C2C,
                    new List<MessageLocator> { new MessageLocator() }, null), "a locator that names nothing");
                TencentIMSDK.SetMsgRevokeCallback(null);
            }
        }

        private static void EditWithTransport()
        {
            using (var env = Env.Start("lifecycle-edit-transport", Delivery.Context))
            {
                var updates = new List<Message>();
                TencentIMSDK.SetMsgUpdateCallback((messages, user_data) => { env.Here("update"); lock (updates) updates.AddRange(messages); });
                env.Login("alice");
                env.Push(Envelopes.C2C("bob", Envelopes.Now(), "v1", "t1"));
                var envelopes = new List<JObject>();
                TencentIMSDK.IMCoreSetOutboundCallback(json => { lock (envelopes) envelopes.Add(JObject.Parse(json)); });
                var edit = Envelopes.Text("t1", "bob", TIMConvType.kTIMConv_C2C, "bob", Envelopes.Now(), 0, "v2");
                var call = env.Begin<Message>("MsgModifyMessage", cb => TencentIMSDK.MsgModifyMessage(edit, cb));
                env.WaitUntil(() => { lock (envelopes) return envelopes.Any(e => (string)e["kind"] == "modify_message"); }, "the modify envelope");
                JObject mod;
                lock (envelopes) mod = envelopes.Single(e => (string)e["kind"] == "modify_message");
                env.Settle(20);
                Check.Equal(false, call.Done, "the callback waits for the server");
                var stored = env.Call<List<Message>>("MsgFindMessages", cb => TencentIMSDK.MsgFindMessages(new List<string> { "t1" }, cb)).Single();
                Check.Equal("v1", stored.message_elem_array[0].text_elem_content, "not stored before the server accepts");
                var ack = new JObject { { "envelope_id", mod["envelope_id"] }, { "code", 0 } };
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.IMCoreOutboundAck(ack.ToString()), "IMCoreOutboundAck");
                Message edited = env.Finish("MsgModifyMessage", call);
                Check.Equal("v2", edited.message_elem_array[0].text_elem_content, "the callback reports the edited message");
                env.WaitUntil(() => { lock (updates) return updates.Count == 1; }, "the update listener");
                lock (updates) Check.Equal("v2", updates[0].message_elem_array[0].text_elem_content, "the update listener's message");
                TencentIMSDK.IMCoreSetOutboundCallback(null);
                TencentIMSDK.SetMsgUpdateCallback(null);
            }
        }

        private static void RevokedKeepsCounting()
        {
            using (var env = Env.Start("lifecycle-revoked-counts", Delivery.Context, c => c.imcore_revoked_messages_count = true))
            {
                env.Login("alice");
                ulong now = Envelopes.Now();
                env.Push(Envelopes.C2C("bob", now - 1, "hi", "k1"));
                env.Push(new JObject { { "kind", "revoke" }, { "conv_id", "bob" }, { "conv_type", 1 }, { "msg_id", "k1" }, { "revoker", "bob" } });
                var found = env.Call<List<Message>>("MsgFindMessages", cb => TencentIMSDK.MsgFindMessages(new List<string> { "k1" }, cb)).Single();
                Check.Equal(TIMMsgStatus.kTIMMsg_Revoked, found.message_status, "revoked");
                Check.Equal(1, Total(env), "still counted");
            }
        }

        private static void ReceiptReadTime()
        {
            using (var env = Env.Start("lifecycle-receipt-time", Delivery.Context))
            {
                var receipts = new List<MessageReceipt>();
                TencentIMSDK.SetMsgReadedReceiptCallback((list, user_data) => { env.Here("receipt"); lock (receipts) receipts.AddRange(list); });
                env.Login("alice");
                var id = new System.Text.StringBuilder(128);
                env.Call<Message>("MsgSendMessage", cb => TencentIMSDK.MsgSendMessage("bob", TIMConvType.kTIMConv_C2C, new Message
                {
                    message_elem_array = new List<Elem> { new Elem { elem_type = TIMElemType.kTIMElem_Text, text_elem_content = "read me" } },
                    message_need_read_receipt = true,
                }, id, cb));
                env.Push(new JObject
                {
                    { "kind", "receipt" },
                    { "receipt", new JObject
                        {
                            { "msg_receipt_conv_id", "bob" }, { "msg_receipt_conv_type", 1 }, { "msg_receipt_msg_id", id.ToString() },
                            { "msg_receipt_time_stamp", 1700001234 }, { "msg_receipt_user_id", "bob" },
                        }
                    },
                });
                env.WaitUntil(() => { lock (receipts) return receipts.Count >= 1; }, "the receipt listener");
                lock (receipts)
                {
                    Check.Equal(id.ToString(), receipts[0].msg_receipt_msg_id, "receipt message id");
                    Check.Equal(1700001234UL, receipts[0].msg_receipt_time_stamp, "the peer's read time");
                }
                TencentIMSDK.SetMsgReadedReceiptCallback(null);
            }
        }

        private static void EditsAndOptions()
        {
            using (var env = Env.Start("lifecycle-edits", Delivery.Context))
            {
                var updates = new List<Message>();
                var options = new List<ReceiveMessageOptInfo>();
                TencentIMSDK.SetMsgUpdateCallback((messages, user_data) => { env.Here("update"); lock (updates) updates.AddRange(messages); });
                TencentIMSDK.SetMsgAllMessageReceiveOptionCallback((info, user_data) => { env.Here("receive option"); lock (options) options.Add(info); });
                env.Login("alice");
                env.Push(Envelopes.C2C("bob", Envelopes.Now(), "v1", "e1"));
                var edit = Envelopes.Text("e1", "bob", TIMConvType.kTIMConv_C2C, "bob", Envelopes.Now(), 0, "v2");
                Message edited = env.Call<Message>("MsgModifyMessage", cb => TencentIMSDK.MsgModifyMessage(edit, cb));
                Check.Equal("v2", edited.message_elem_array[0].text_elem_content, "the edited message");
                env.WaitUntil(() => { lock (updates) return updates.Count == 1; }, "the update listener");

                env.CallNull("MsgSetAllReceiveMessageOpt", cb => TencentIMSDK.MsgSetAllReceiveMessageOpt(TIMReceiveMessageOpt.kTIMRecvMsgOpt_Not_Notify, 22, 0, 0, 28800, cb));
                var opt = env.Call<ReceiveMessageOptInfo>("MsgGetAllReceiveMessageOpt", TencentIMSDK.MsgGetAllReceiveMessageOpt);
                Check.Equal(TIMReceiveMessageOpt.kTIMRecvMsgOpt_Not_Notify, opt.msg_all_recv_msg_opt_level, "the option");
                Check.Equal(22, opt.msg_all_recv_msg_opt_start_hour, "start hour");
                Check.Equal(28800u, opt.msg_all_recv_msg_duration, "duration");
                env.WaitUntil(() => { lock (options) return options.Count == 1; }, "the receive-option listener");
                Check.Equal(TIMResult.TIM_ERR_PARAM, TencentIMSDK.MsgSetAllReceiveMessageOpt(TIMReceiveMessageOpt.kTIMRecvMsgOpt_Receive, 25, 0, 0, 0, null), "hour 25");

                env.CallNull("MsgDoBackground", cb => TencentIMSDK.MsgDoBackground(5, cb));
                var state = env.Call<AppState>("IMCoreMsgGetAppState", TencentIMSDK.IMCoreMsgGetAppState);
                Check.Equal("background", state.state, "background");
                Check.Equal(5u, state.unread_count, "badge");
                env.CallNull("MsgDoForeground", TencentIMSDK.MsgDoForeground);
                Check.Equal("foreground", env.Call<AppState>("IMCoreMsgGetAppState", TencentIMSDK.IMCoreMsgGetAppState).state, "foreground");

                env.CallNull("IMCoreMsgSetPrivateReadReceipts", cb => TencentIMSDK.IMCoreMsgSetPrivateReadReceipts(true, cb));
                Check.Equal(true, env.Call<PrivateReadReceipts>("IMCoreMsgGetPrivateReadReceipts", TencentIMSDK.IMCoreMsgGetPrivateReadReceipts).private_read_receipts, "private receipts on");
                TencentIMSDK.SetMsgUpdateCallback(null);
                TencentIMSDK.SetMsgAllMessageReceiveOptionCallback(null);
            }
        }
    }
}
#endif
