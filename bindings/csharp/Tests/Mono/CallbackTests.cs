#if !UNITY_5_3_OR_NEWER
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using IMCore.Unity.Callbacks;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using Newtonsoft.Json.Linq;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>Where callbacks run, callbacks that call back in, 10,000 calls under forced GC, errors, Uninit.</summary>
    internal static class CallbackTests
    {
        internal static void Register(List<TestCase> tests)
        {
            foreach (Delivery mode in new[] { Delivery.Context, Delivery.Pumped, Delivery.Direct })
            {
                Delivery m = mode;
                tests.Add(new TestCase("dispatch " + m + ": results and listeners arrive where the mode says", () => DispatchMode(m)));
            }
            tests.Add(new TestCase("dispatch Auto without a SynchronizationContext: imcore's thread", AutoWithoutContext));
            tests.Add(new TestCase("dispatch mode switched at runtime (native thread -> pumped -> native thread)", SwitchAtRuntime));
            foreach (Delivery mode in new[] { Delivery.Context, Delivery.Pumped, Delivery.Direct })
            {
                Delivery m = mode;
                tests.Add(new TestCase("reentrancy " + m + ": the total-unread callback calls ConvGetConvList, which calls back in again", () => Reentrant(m)));
            }
            tests.Add(new TestCase("10,000 calls with GC.Collect()/WaitForPendingFinalizers() between them (native thread)", () => TenThousand(Delivery.Direct, 10000)));
            tests.Add(new TestCase("2,000 calls with forced GC, pumped", () => TenThousand(Delivery.Pumped, 2000)));
            tests.Add(new TestCase("errors: refused calls never call back, failures carry code and desc", Errors));
            tests.Add(new TestCase("a failed send ack fails MsgSendMessage's callback with the ack's code", FailedSendAck));
            tests.Add(new TestCase("a throwing callback is logged and does not stop later callbacks", ThrowingCallback));
            tests.Add(new TestCase("listener changes from a native-thread callback while Uninit runs (no deadlock)", ListenerChangeDuringUninit));
            tests.Add(new TestCase("a listener that changes listeners while another thread removes it (no deadlock, not called after)", ListenerChangeDuringRemoval));
            foreach (string mode in new[] { "NativeThread", "Pumped", "Auto" })
            {
                string m = mode;
                tests.Add(new TestCase("a process that exits without Uninit ends (" + m + ")", () => ExitWithoutUninit(m)));
            }
            foreach (Delivery mode in new[] { Delivery.Context, Delivery.Pumped, Delivery.Direct })
            {
                Delivery m = mode;
                tests.Add(new TestCase("uninit " + m + ": calls in flight still call back once, Uninit returns", () => InFlightAtUninit(m)));
            }
            foreach (Delivery mode in new[] { Delivery.Pumped, Delivery.Direct })
            {
                Delivery m = mode;
                tests.Add(new TestCase("uninit " + m + " from inside a callback: returns, the rest is delivered, nothing after", () => UninitFromCallback(m)));
            }
        }

        // ------------------------------------------------------------------ dispatch modes

        private static void DispatchMode(Delivery mode)
        {
            using (var env = Env.Start("dispatch-" + mode, mode))
            {
                env.ListenAll();
                env.Login("alice");
                Outcome<GetTotalUnreadNumberResult> o = env.Begin<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount);
                if (mode == Delivery.Direct)
                {
                    // Nobody pumps: imcore's own thread delivers.
                    var watch = Stopwatch.StartNew();
                    while (!o.Done && watch.ElapsedMilliseconds < 5000)
                    {
                        Thread.Sleep(1);
                    }
                    Check.True(o.Done, "the callback arrived without pumping");
                }
                else
                {
                    if (mode == Delivery.Context)
                    {
                        // imcore's thread posts the result; it waits there until the main thread runs the context.
                        SpinUntil(() => env.Context.Queued > 0, "the result posted to the SynchronizationContext");
                    }
                    Thread.Sleep(100);
                    Check.True(!o.Done, "no callback before the main thread pumps");
                }
                env.Finish("ConvGetTotalUnreadMessageCount", o);
                env.Push(Envelopes.C2C("bob", Envelopes.Now(), "hi"));
                env.WaitUntil(() => env.Rec.Totals.Contains(1) && env.Rec.NewMessages.Count == 1, "listeners after a push");
                if (mode == Delivery.Context)
                {
                    Check.True(env.Context.Posted >= 4, "callbacks went through the SynchronizationContext");
                }
            }
        }

        private static void AutoWithoutContext()
        {
            SynchronizationContext.SetSynchronizationContext(null);
            TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.Auto);
            int main = Thread.CurrentThread.ManagedThreadId;
            Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Init(Env.AppId, new SdkConfig { sdk_config_config_file_path = System.IO.Path.Combine(Env.BaseDir, "auto-no-context") }), "Init");
            try
            {
                var done = new ManualResetEventSlim(false);
                int thread = 0;
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Login("alice", "", (code, desc, user_data) =>
                {
                    thread = Thread.CurrentThread.ManagedThreadId;
                    done.Set();
                }), "Login");
                Check.True(done.Wait(5000), "Login called back without any pumping");
                Check.True(thread != main, "the callback ran on imcore's thread");
            }
            finally
            {
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Uninit(), "Uninit");
            }
        }

        private static void SwitchAtRuntime()
        {
            SynchronizationContext.SetSynchronizationContext(null);
            TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.NativeThread);
            int main = Thread.CurrentThread.ManagedThreadId;
            Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Init(Env.AppId, new SdkConfig { sdk_config_config_file_path = System.IO.Path.Combine(Env.BaseDir, "switch") }), "Init");
            try
            {
                int thread = 0, calls = 0;
                NullValueCallback record = (code, desc, user_data) =>
                {
                    thread = Thread.CurrentThread.ManagedThreadId;
                    Interlocked.Increment(ref calls);
                };
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Login("alice", "", record), "Login");
                SpinUntil(() => Volatile.Read(ref calls) == 1, "Login's callback on imcore's thread");
                Check.True(thread != main, "native-thread delivery");

                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.Pumped), "switch to pumped");
                Check.Equal(CallbackDispatchMode.Pumped, TencentIMSDK.GetCallbackDispatchMode(), "GetCallbackDispatchMode");
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.MsgMarkAllMessageAsRead(record), "MsgMarkAllMessageAsRead");
                Thread.Sleep(100);
                Check.Equal(1, Volatile.Read(ref calls), "nothing delivered before DispatchCallbacks");
                SpinUntil(() => { TencentIMSDK.DispatchCallbacks(); return Volatile.Read(ref calls) == 2; }, "the pumped callback");
                Check.Equal(main, thread, "pumped delivery on the pumping thread");

                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.NativeThread), "switch back");
                Check.Equal(0, TencentIMSDK.DispatchCallbacks(), "DispatchCallbacks does nothing outside pumped mode");
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.MsgMarkAllMessageAsRead(record), "MsgMarkAllMessageAsRead");
                SpinUntil(() => Volatile.Read(ref calls) == 3, "the callback on imcore's thread again");
                Check.True(thread != main, "native-thread delivery again");
            }
            finally
            {
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Uninit(), "Uninit");
                TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.Auto);
            }
        }

        private static void SpinUntil(Func<bool> condition, string what)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.ElapsedMilliseconds > 5000)
                {
                    throw Check.Fail("timed out waiting for " + what);
                }
                Thread.Sleep(1);
            }
        }

        // ------------------------------------------------------------------ reentrancy

        private static void Reentrant(Delivery mode)
        {
            using (var env = Env.Start("reentrant-" + mode, mode))
            {
                env.Login("alice");
                int started = 0;
                TIMResult listRc = (TIMResult)99, innerRc = (TIMResult)99;
                List<ConvInfo> listed = null;
                int inner = -1;
                int nestedPump = -1;
                TencentIMSDK.SetConvTotalUnreadMessageCountChangedCallback((int total, string user_data) =>
                {
                    env.Here("total unread");
                    if (total != 2 || Interlocked.Exchange(ref started, 1) == 1)
                    {
                        return;
                    }
                    listRc = TencentIMSDK.ConvGetConvList((code, desc, list, ud) =>
                    {
                        env.Here("nested ConvGetConvList");
                        listed = list;
                        nestedPump = TencentIMSDK.DispatchCallbacks();
                        innerRc = TencentIMSDK.ConvGetTotalUnreadMessageCount((c, d, r, u) =>
                        {
                            env.Here("nested ConvGetTotalUnreadMessageCount");
                            inner = r.conv_get_total_unread_message_count_result_unread_count;
                            Env.Notify();
                        });
                        Env.Notify();
                    });
                    Env.Notify();
                });
                env.Call<GetTotalUnreadNumberResult>("ConvGetTotalUnreadMessageCount", TencentIMSDK.ConvGetTotalUnreadMessageCount);
                ulong t = Envelopes.Now();
                env.Push(Envelopes.C2C("bob", t, "1"), Envelopes.C2C("bob", t + 1, "2"));
                env.WaitUntil(() => Volatile.Read(ref inner) == 2, "the innermost callback");
                Check.Equal(TIMResult.TIM_SUCC, listRc, "ConvGetConvList from the listener");
                Check.Equal(TIMResult.TIM_SUCC, innerRc, "ConvGetTotalUnreadMessageCount from the nested callback");
                Check.Equal(2UL, listed.Single().conv_unread_num, "the nested list sees the new messages");
                Check.Equal(0, nestedPump, "DispatchCallbacks inside a callback does nothing");
            }
        }

        // ------------------------------------------------------------------ 10,000 calls

        private static void TenThousand(Delivery mode, int n)
        {
            using (var env = Env.Start("many-" + mode, mode))
            {
                env.Login("alice");
                ulong t = Envelopes.Now();
                env.Push(Envelopes.C2C("bob", t, "1"), Envelopes.C2C("bob", t + 1, "2"), Envelopes.C2C("bob", t + 2, "3"));
                var hits = new int[n];
                var wrong = new List<string>();
                int delivered = 0;
                var filter = new ConversationListFilter { conversation_list_filter_conv_type = TIMConvType.kTIMConv_C2C };
                var param = new MsgGetMsgListParam { msg_getmsglist_param_count = 2 };
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < n; i++)
                {
                    int k = i;
                    Action<bool, string> hit = (ok, what) =>
                    {
                        env.Here(what);
                        if (Interlocked.Increment(ref hits[k]) != 1 || !ok)
                        {
                            lock (wrong)
                            {
                                wrong.Add(what + " #" + k + (ok ? " delivered again" : " had the wrong result"));
                            }
                        }
                        Interlocked.Increment(ref delivered);
                        if (k == n - 1)
                        {
                            Env.Notify();
                        }
                    };
                    TIMResult rc;
                    switch (i % 4)
                    {
                        case 0:
                            rc = TencentIMSDK.ConvGetTotalUnreadMessageCount((c, d, r, u) => hit(c == 0 && r.conv_get_total_unread_message_count_result_unread_count == 3, "total"));
                            break;
                        case 1:
                            rc = TencentIMSDK.ConvGetConvList((c, d, l, u) => hit(c == 0 && l.Count == 1 && l[0].conv_unread_num == 3, "list"));
                            break;
                        case 2:
                            rc = TencentIMSDK.MsgGetMsgList("bob", TIMConvType.kTIMConv_C2C, param, (c, d, l, u) => hit(c == 0 && l.Count == 2 && l[0].message_elem_array[0].text_elem_content == "3", "history"));
                            break;
                        default:
                            rc = TencentIMSDK.ConvGetUnreadMessageCountByFilter(filter, (c, d, r, u) => hit(c == 0 && r.conv_get_total_unread_message_count_result_unread_count == 3, "by filter"));
                            break;
                    }
                    if (rc != TIMResult.TIM_SUCC)
                    {
                        throw Check.Fail("call #" + i + " returned " + rc);
                    }
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    if (mode == Delivery.Pumped && i % 50 == 0)
                    {
                        env.Pump();
                    }
                }
                env.WaitUntil(() => Volatile.Read(ref delivered) >= n, n + " callbacks", 60000);
                long elapsed = watch.ElapsedMilliseconds;
                env.Settle(100);
                Check.Equal(n, Volatile.Read(ref delivered), "callbacks delivered");
                int missing = hits.Count(h => h == 0), twice = hits.Count(h => h > 1);
                Check.True(missing == 0 && twice == 0, missing + " callbacks missing, " + twice + " delivered more than once");
                lock (wrong)
                {
                    Check.True(wrong.Count == 0, "every result right: " + string.Join("; ", wrong.Take(5)));
                }
                Console.WriteLine("     " + n + " calls with forced GC in " + elapsed + " ms");
            }
        }

        // ------------------------------------------------------------------ errors

        private static void Errors()
        {
            // Before Init: refused, no callback ever.
            int late = 0;
            Check.Equal(TIMResult.TIM_ERR_SDKUNINIT, TencentIMSDK.ConvGetConvList((c, d, l, u) => Interlocked.Increment(ref late)), "ConvGetConvList before Init");
            using (var env = Env.Start("errors", Delivery.Context))
            {
                Check.Equal(TIMResult.TIM_ERR_NOTLOGIN, TencentIMSDK.ConvGetConvList((c, d, l, u) => Interlocked.Increment(ref late)), "ConvGetConvList before Login");
                env.Login("alice");
                Check.Equal(TIMResult.TIM_ERR_CONV, TencentIMSDK.ConvCleanConversationUnreadMessageCount("bogus_x", 0, 0, (c, d, u) => Interlocked.Increment(ref late)),
                    "cleaning a malformed conversation id");
                Check.Equal(TIMResult.TIM_ERR_JSON, TencentIMSDK.IMCoreInboundPush("[{\"kind\":\"message\"}]", (c, d, u) => Interlocked.Increment(ref late)), "a malformed envelope");
                Check.Equal(TIMResult.TIM_ERR_PARAM, TencentIMSDK.IMCoreOutboundAck("{\"envelope_id\":424242,\"code\":0}"), "an ack for an unknown envelope");

                var deleted = env.Wait("ConvDelete", env.BeginNull("ConvDelete", cb => TencentIMSDK.ConvDelete("nobody", TIMConvType.kTIMConv_C2C, cb)));
                Check.Equal(6004, deleted.Code, "ConvDelete of an unknown conversation");
                Check.True(!string.IsNullOrEmpty(deleted.Desc), "the failure has a description");

                var other = env.Wait("Login", env.BeginNull("Login", cb => TencentIMSDK.Login("mallory", "", cb)));
                Check.Equal(6017, other.Code, "Login as another user while logged in");

                var receipts = env.Wait("MsgGetMessageReadReceipts", env.Begin<List<MessageReceipt>>("MsgGetMessageReadReceipts",
                    cb => TencentIMSDK.MsgGetMessageReadReceipts(new List<Message> { new Message { message_msg_id = "no-such-message" } }, cb)));
                Check.True(receipts.Code != 0, "receipts of an unknown message fail in the callback (code " + receipts.Code + ")");

                List<GroupMemberInfo> members = new List<GroupMemberInfo>();
                bool finished = false;
                int pages = 0;
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.GetMsgGroupMessageReadMemberList(new Message { message_msg_id = "no-such-message" },
                    TIMGroupMessageReadMembersFilter.TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ, 0, 10, (list, seq, fin, ud) =>
                    {
                        env.Here("read members");
                        members = list;
                        finished = fin;
                        pages++;
                    }), "GetMsgGroupMessageReadMemberList of an unknown message");
                env.WaitUntil(() => pages > 0, "the failed read-member page");
                Check.True(members == null && finished, "a failed member list is null and finished");
                Check.Equal(TIMResult.TIM_ERR_PARAM, TencentIMSDK.GetMsgGroupMessageReadMemberList(new Message { message_msg_id = "x" },
                    TIMGroupMessageReadMembersFilter.TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ, 0, -1, null), "a negative count");

                env.Settle(100);
                Check.Equal(0, Volatile.Read(ref late), "refused calls never called back");
            }
        }

        private static void FailedSendAck()
        {
            using (var env = Env.Start("failed-ack", Delivery.Context))
            {
                var envelopes = new List<JObject>();
                TencentIMSDK.IMCoreSetOutboundCallback(json =>
                {
                    env.Here("outbound");
                    envelopes.Add(JObject.Parse(json));
                    Env.Notify();
                });
                env.Login("alice");
                var id = new System.Text.StringBuilder(128);
                Outcome<Message> sent = env.Begin<Message>("MsgSendMessage", cb => TencentIMSDK.MsgSendMessage("bob", TIMConvType.kTIMConv_C2C, new Message
                {
                    message_elem_array = new List<Elem> { new Elem { elem_type = TIMElemType.kTIMElem_Text, text_elem_content = "blocked?" } },
                }, id, cb));
                env.WaitUntil(() => envelopes.Count == 1, "the message envelope");
                Check.Equal("message", (string)envelopes[0]["kind"], "envelope kind");
                env.Settle(50);
                Check.True(!sent.Done, "the send waits for the server's ack");
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.IMCoreOutboundAck(new JObject
                {
                    { "envelope_id", envelopes[0]["envelope_id"] }, { "code", 20007 }, { "desc", "in peer blacklist" },
                }.ToString()), "IMCoreOutboundAck");
                env.Wait("MsgSendMessage", sent);
                Check.Equal(20007, sent.Code, "send callback code");
                Check.Equal("in peer blacklist", sent.Desc, "send callback desc");
                Check.True(sent.Data != null, "the failed send still carries its message");
                Check.Equal(TIMMsgStatus.kTIMMsg_SendFail, sent.Data.message_status, "status send failed");
                Check.Equal(id.ToString(), sent.Data.message_msg_id, "the failed message's id");
            }
        }

        private static void ThrowingCallback()
        {
            using (var env = Env.Start("throwing", Delivery.Direct))
            {
                env.AllowBindingErrors = true;
                env.Login("alice");
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.ConvGetConvList((c, d, l, u) => { throw new InvalidOperationException("boom from a callback"); }), "ConvGetConvList");
                env.WaitUntil(() => env.BindingLog().Any(line => line.Contains("boom from a callback")), "the binding to log the exception");
                env.Call<List<ConvInfo>>("ConvGetConvList", TencentIMSDK.ConvGetConvList);
            }
        }

        private static void ListenerChangeDuringUninit()
        {
            SynchronizationContext.SetSynchronizationContext(null);
            TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.NativeThread);
            Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Init(Env.AppId, new SdkConfig { sdk_config_config_file_path = System.IO.Path.Combine(Env.BaseDir, "uninit-race") }), "Init");
            var inCallback = new ManualResetEventSlim(false);
            bool changed = false;
            TIMResult uninit = (TIMResult)99;
            try
            {
                var logged = new ManualResetEventSlim(false);
                TencentIMSDK.Login("alice", "", (c, d, u) => logged.Set());
                Check.True(logged.Wait(5000), "Login");
                TencentIMSDK.SetConvTotalUnreadMessageCountChangedCallback((total, ud) => { });
                TencentIMSDK.ConvGetConvList((c, d, l, u) =>
                {
                    inCallback.Set();
                    Thread.Sleep(300);
                    // Unity code often swaps listeners from callbacks; Uninit is running on the main thread now.
                    TencentIMSDK.SetConvTotalUnreadMessageCountChangedCallback(null);
                    changed = true;
                });
                Check.True(inCallback.Wait(5000), "the callback started");
            }
            finally
            {
                var watch = Stopwatch.StartNew();
                var thread = new Thread(() => uninit = TencentIMSDK.Uninit()) { IsBackground = true };
                thread.Start();
                if (!thread.Join(5000))
                {
                    Console.WriteLine("FAIL: Uninit deadlocked against a callback changing a listener; the process cannot continue");
                    Runner.Abort(3);
                }
                TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.Auto);
                Check.Equal(TIMResult.TIM_SUCC, uninit, "Uninit");
                Check.True(changed, "the callback finished its listener change");
                Check.True(watch.ElapsedMilliseconds < 5000, "Uninit returned");
            }
        }

        // A listener (not a result callback) running on imcore's thread changes another listener while the
        // main thread removes it, and while Uninit unregisters everything: imcore's setter waits for the
        // running listener, so the package must not hold its own lock around it.
        private static void ListenerChangeDuringRemoval()
        {
            SynchronizationContext.SetSynchronizationContext(null);
            TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.NativeThread);
            Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Init(Env.AppId, new SdkConfig { sdk_config_config_file_path = System.IO.Path.Combine(Env.BaseDir, "removal-race") }), "Init");
            TIMResult uninit = (TIMResult)99;
            try
            {
                var logged = new ManualResetEventSlim(false);
                TencentIMSDK.Login("alice", "", (c, d, u) => logged.Set());
                Check.True(logged.Wait(5000), "Login");
                for (int round = 0; round < 2; round++)
                {
                    var inListener = new ManualResetEventSlim(false);
                    int calls = 0, late = 0;
                    bool removed = false, changed = false;
                    TencentIMSDK.SetConvEventCallback((ev, list, ud) =>
                    {
                        Interlocked.Increment(ref calls);
                        if (Volatile.Read(ref removed)) Interlocked.Increment(ref late);
                        if (inListener.IsSet) return;
                        inListener.Set();
                        Thread.Sleep(200);
                        TencentIMSDK.SetConvTotalUnreadMessageCountChangedCallback(round == 0 ? null : (ConvTotalUnreadMessageCountChangedCallback)((total, u) => { }));
                        changed = true;
                    });
                    string envelope = "[{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"rr-" + round + "\",\"message_conv_id\":\"rita\",\"message_conv_type\":1,\"message_sender\":\"rita\",\"message_server_time\":1700000000,\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"hi\"}]}}]";
                    Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.IMCoreInboundPush(envelope, (c, d, u) => { }), "IMCoreInboundPush");
                    Check.True(inListener.Wait(5000), "the listener started");
                    if (round == 0)
                    {
                        var thread = new Thread(() => TencentIMSDK.SetConvEventCallback(null)) { IsBackground = true };
                        thread.Start();
                        if (!thread.Join(5000))
                        {
                            Console.WriteLine("FAIL: SetConvEventCallback(null) deadlocked against its running listener changing a listener");
                            Runner.Abort(3);
                        }
                        Volatile.Write(ref removed, true);
                        Check.True(changed, "the listener finished before its removal returned");
                    }
                    else
                    {
                        var thread = new Thread(() => uninit = TencentIMSDK.Uninit()) { IsBackground = true };
                        thread.Start();
                        if (!thread.Join(5000))
                        {
                            Console.WriteLine("FAIL: Uninit deadlocked against a running listener changing a listener");
                            Runner.Abort(3);
                        }
                        Check.Equal(TIMResult.TIM_SUCC, uninit, "Uninit");
                        Check.True(changed, "the listener finished before Uninit returned");
                    }
                    Check.Equal(0, Volatile.Read(ref late), "calls after the removal returned");
                }
            }
            finally
            {
                if (uninit != TIMResult.TIM_SUCC) TencentIMSDK.Uninit();
                TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.Auto);
            }
        }

        // Mono waits at exit for every native thread that called into managed code: a host that never
        // calls Uninit must still exit (imcore's dispatcher thread ends when idle).
        private static void ExitWithoutUninit(string mode)
        {
            string exe = typeof(CallbackTests).Assembly.Location;
            string dir = System.IO.Path.Combine(Env.BaseDir, "exit-without-uninit-" + mode);
            var info = new System.Diagnostics.ProcessStartInfo("mono", "--debug \"" + exe + "\" --exit-without-uninit \"" + dir + "\" " + mode)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var watch = Stopwatch.StartNew();
            using (var child = System.Diagnostics.Process.Start(info))
            {
                var reading = child.StandardOutput.ReadToEndAsync();
                bool exited = child.WaitForExit(15000);
                if (!exited)
                {
                    child.Kill();
                    child.WaitForExit();
                }
                string output = reading.Wait(5000) ? reading.Result : "(unread)";
                Check.True(exited, "the child exited within 15 s (it took " + watch.ElapsedMilliseconds + " ms; output: " + output.Trim() + ")");
                if (exited)
                {
                    Check.Equal(0, child.ExitCode, "the child's exit code (output: " + output.Trim() + ")");
                    Check.True(output.Contains("returning from Main"), "the child ran to the end of Main");
                }
            }
        }

        /// <summary>The child of <see cref="ExitWithoutUninit"/>: callbacks run, then Main returns without Uninit.</summary>
        internal static int ExitWithoutUninitChild(string dir, string mode)
        {
            SynchronizationContext.SetSynchronizationContext(null);
            var m = (CallbackDispatchMode)Enum.Parse(typeof(CallbackDispatchMode), mode);
            TencentIMSDK.SetCallbackDispatchMode(m);
            if (TencentIMSDK.Init(Env.AppId, new SdkConfig { sdk_config_config_file_path = dir }) != TIMResult.TIM_SUCC)
            {
                return 2;
            }
            var logged = new ManualResetEventSlim(false);
            var events = new ManualResetEventSlim(false);
            TencentIMSDK.SetConvEventCallback((ev, list, ud) => events.Set());
            TencentIMSDK.Login("alice", "", (c, d, u) => logged.Set());
            string envelope = "[{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"exit-1\",\"message_conv_id\":\"rita\",\"message_conv_type\":1,\"message_sender\":\"rita\",\"message_server_time\":1700000000,\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"hi\"}]}}]";
            var watch = Stopwatch.StartNew();
            while (!logged.IsSet && watch.ElapsedMilliseconds < 10000)
            {
                TencentIMSDK.DispatchCallbacks();
                Thread.Sleep(1);
            }
            TencentIMSDK.IMCoreInboundPush(envelope, (c, d, u) => { });
            while (!events.IsSet && watch.ElapsedMilliseconds < 10000)
            {
                TencentIMSDK.DispatchCallbacks();
                Thread.Sleep(1);
            }
            Console.WriteLine("logged in: " + logged.IsSet + ", events: " + events.IsSet + "; returning from Main without Uninit");
            return logged.IsSet && events.IsSet ? 0 : 4;
        }

        // ------------------------------------------------------------------ Uninit

        private static void UninitFromCallback(Delivery mode)
        {
            SynchronizationContext.SetSynchronizationContext(null);
            TencentIMSDK.SetCallbackDispatchMode(mode == Delivery.Pumped ? CallbackDispatchMode.Pumped : CallbackDispatchMode.NativeThread);
            Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Init(Env.AppId, new SdkConfig { sdk_config_config_file_path = System.IO.Path.Combine(Env.BaseDir, "uninit-in-callback-" + mode) }), "Init");
            int logins = 0, after = 0, late = 0;
            TIMResult inner = (TIMResult)99;
            var done = new ManualResetEventSlim(false);
            var issued = new ManualResetEventSlim(false);
            try
            {
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.Login("alice", "", (c, d, u) => Interlocked.Increment(ref logins)), "Login");
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.ConvGetConvList((c, d, l, u) =>
                {
                    issued.Wait(5000);
                    inner = TencentIMSDK.Uninit();
                    done.Set();
                }), "ConvGetConvList");
                // Accepted before the Uninit above runs: still owed a callback.
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.MsgMarkAllMessageAsRead((c, d, u) => Interlocked.Increment(ref after)), "MsgMarkAllMessageAsRead");
                issued.Set();
                SpinUntil(() =>
                {
                    if (mode == Delivery.Pumped)
                    {
                        TencentIMSDK.DispatchCallbacks();
                    }
                    return done.IsSet;
                }, "the callback that calls Uninit");
                Check.Equal(TIMResult.TIM_SUCC, inner, "Uninit from a callback");
                SpinUntil(() => Volatile.Read(ref after) == 1, "the result accepted before Uninit");
                Check.Equal(1, logins, "Login's callback");
                Check.Equal(TIMResult.TIM_ERR_SDKUNINIT, TencentIMSDK.ConvGetConvList((c, d, l, u) => Interlocked.Increment(ref late)), "calls after Uninit");
                Thread.Sleep(50);
                Check.Equal(0, TencentIMSDK.DispatchCallbacks(), "nothing to pump after Uninit");
                Check.Equal(0, late, "no callback after Uninit");
            }
            finally
            {
                if (!done.IsSet)
                {
                    TencentIMSDK.Uninit();
                }
                TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.Auto);
            }
        }

        private static void InFlightAtUninit(Delivery mode)
        {
            var env = Env.Start("in-flight-" + mode, mode);
            const int n = 200;
            var hits = new int[n];
            int onMain = 0;
            try
            {
                env.Login("alice");
                env.Push(Envelopes.C2C("bob", Envelopes.Now(), "x"));
                int main = Thread.CurrentThread.ManagedThreadId;
                for (int i = 0; i < n; i++)
                {
                    int k = i;
                    Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.ConvGetConvList((c, d, l, u) =>
                    {
                        Interlocked.Increment(ref hits[k]);
                        if (Thread.CurrentThread.ManagedThreadId == main)
                        {
                            Interlocked.Increment(ref onMain);
                        }
                    }), "call #" + i);
                }
            }
            finally
            {
                env.Dispose();
            }
            // TIMUninit delivers what it accepted before returning (posted to the context in Auto mode,
            // which Dispose ran once more).
            int missing = hits.Count(h => h == 0), twice = hits.Count(h => h > 1);
            Check.True(missing == 0 && twice == 0, missing + " callbacks missing, " + twice + " more than once after Uninit");
            Check.Equal(TIMResult.TIM_ERR_SDKUNINIT, TencentIMSDK.ConvGetConvList((c, d, l, u) => { }), "calls after Uninit are refused");
            if (mode == Delivery.Direct)
            {
                Console.WriteLine("     " + onMain + " of " + n + " results ran on the thread that called Uninit (TIMUninit delivers what imcore's thread had not taken yet there)");
            }
        }
    }
}
#endif
