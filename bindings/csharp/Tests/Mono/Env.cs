#if !UNITY_5_3_OR_NEWER
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using IMCore.Unity.Callbacks;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>Where a test wants its callbacks.</summary>
    internal enum Delivery
    {
        /// <summary>Auto mode with a <see cref="SingleThreadContext"/> installed at Init (Unity's default).</summary>
        Context,
        /// <summary>Pumped mode: <c>DispatchCallbacks()</c> on the test thread.</summary>
        Pumped,
        /// <summary>NativeThread mode: straight on imcore's dispatcher thread.</summary>
        Direct,
    }

    /// <summary>The result of one asynchronous call, filled by its callback.</summary>
    internal sealed class Outcome<T>
    {
        internal int Code;
        internal string Desc;
        internal T Data;
        internal string UserData;
        internal int Deliveries;

        internal bool Done
        {
            get { lock (this) { return Deliveries > 0; } }
        }
    }

    /// <summary>
    /// One test's SDK session: Init in a fresh data folder with the chosen delivery, helpers that
    /// wait for callbacks while pumping whatever the delivery needs, checks that every callback ran
    /// on the right thread and exactly once, and Uninit at the end.
    /// </summary>
    internal sealed class Env : IDisposable
    {
        internal const long AppId = 1400000001;

        private static readonly object Signal = new object();
        private static int signals;
        private static Env current;
        private static string baseDir;

        internal readonly string Name;
        internal readonly Delivery Mode;
        internal readonly string Dir;
        internal readonly int MainThread;
        internal readonly SingleThreadContext Context;
        internal readonly Recorder Rec = new Recorder();
        internal RelayServer Server;
        /// <summary>Set by a test that provokes binding errors on purpose.</summary>
        internal bool AllowBindingErrors;

        private readonly SynchronizationContext previousContext;
        private readonly List<string> problems = new List<string>();
        private readonly List<string> bindingLog = new List<string>();
        private bool pumping;
        private bool closed;
        private volatile bool uninitializing;

        private Env(string name, Delivery mode)
        {
            Name = name;
            Mode = mode;
            MainThread = Thread.CurrentThread.ManagedThreadId;
            Dir = Path.Combine(BaseDir, Sanitize(name) + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            previousContext = SynchronizationContext.Current;
            if (mode == Delivery.Context)
            {
                Context = new SingleThreadContext();
            }
        }

        /// <summary>Root of every test's data folder (removed by the runner at the end).</summary>
        internal static string BaseDir
        {
            get
            {
                if (baseDir == null)
                {
                    baseDir = Path.Combine(Path.GetTempPath(), "imcore-cs-tests-" + Process.GetCurrentProcess().Id);
                }
                return baseDir;
            }
        }

        /// <summary>Wakes a waiting test thread (called by every recording callback).</summary>
        internal static void Notify()
        {
            lock (Signal)
            {
                signals++;
                Monitor.PulseAll(Signal);
            }
        }

        /// <summary>Init with <paramref name="mode"/> in a fresh folder (<paramref name="tweak"/>: changes to the SdkConfig).</summary>
        internal static Env Start(string name, Delivery mode, Action<SdkConfig> tweak = null)
        {
            if (current != null)
            {
                throw Check.Fail("a previous test left its Env open");
            }
            var env = new Env(name, mode);
            current = env;
            TencentIMSDK.BindingLogHandler = env.OnBindingLog;
            if (env.Context != null)
            {
                SynchronizationContext.SetSynchronizationContext(env.Context);
            }
            else
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }
            CallbackDispatchMode dispatch = mode == Delivery.Pumped ? CallbackDispatchMode.Pumped
                : mode == Delivery.Direct ? CallbackDispatchMode.NativeThread : CallbackDispatchMode.Auto;
            Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.SetCallbackDispatchMode(dispatch), "SetCallbackDispatchMode");
            var config = new SdkConfig
            {
                sdk_config_config_file_path = env.Dir,
                sdk_config_log_file_path = Path.Combine(env.Dir, "log"),
            };
            if (tweak != null)
            {
                tweak(config);
            }
            var rc = TencentIMSDK.Init(AppId, config);
            Check.Equal(TIMResult.TIM_SUCC, rc, "Init");
            return env;
        }

        /// <summary>Called by the runner after each test: a test that threw leaves the SDK clean for the next.</summary>
        internal static void AbandonCurrent()
        {
            Env env = current;
            if (env != null && !env.closed)
            {
                try
                {
                    env.Close(false);
                }
                catch (Exception e)
                {
                    Console.WriteLine("     (cleanup after the failure: " + e.Message + ")");
                }
            }
            current = null;
        }

        // ------------------------------------------------------------------ threads and pumping

        /// <summary>
        /// Every test callback calls this first: checks the thread the callback runs on against the
        /// delivery mode.
        /// </summary>
        internal void Here(string what)
        {
            int thread = Thread.CurrentThread.ManagedThreadId;
            switch (Mode)
            {
                case Delivery.Context:
                    if (thread != MainThread || SynchronizationContext.Current != Context)
                    {
                        Problem(what + " ran on thread " + thread + ", not in the main thread's SynchronizationContext");
                    }
                    break;
                case Delivery.Pumped:
                    if (thread != MainThread || !pumping)
                    {
                        Problem(what + " ran on thread " + thread + " outside DispatchCallbacks()");
                    }
                    break;
                case Delivery.Direct:
                    // TIMUninit delivers what its thread had not taken yet on the calling thread.
                    if (thread == MainThread && !uninitializing)
                    {
                        Problem(what + " ran on the test thread, expected imcore's callback thread");
                    }
                    break;
            }
        }

        /// <summary>Records a problem found on a callback thread (reported when the test closes).</summary>
        internal void Problem(string text)
        {
            lock (problems)
            {
                problems.Add(text);
            }
        }

        /// <summary>Delivers what is due: the SynchronizationContext's queue, pumped callbacks, the relay server's work.</summary>
        internal void Pump()
        {
            if (Mode == Delivery.Pumped)
            {
                pumping = true;
                try
                {
                    int n = TencentIMSDK.DispatchCallbacks();
                    if (n < 0)
                    {
                        Problem("DispatchCallbacks returned " + n);
                    }
                }
                finally
                {
                    pumping = false;
                }
            }
            if (Context != null)
            {
                Context.RunPending();
            }
            if (Server != null)
            {
                Server.Pump();
            }
        }

        /// <summary>Pumps until <paramref name="condition"/> holds; fails after <paramref name="timeoutMs"/>.</summary>
        internal void WaitUntil(Func<bool> condition, string what, int timeoutMs = 10000)
        {
            var watch = Stopwatch.StartNew();
            while (true)
            {
                int seen;
                lock (Signal)
                {
                    seen = signals;
                }
                Pump();
                if (condition())
                {
                    return;
                }
                if (watch.ElapsedMilliseconds > timeoutMs)
                {
                    throw Check.Fail("timed out after " + timeoutMs + " ms waiting for " + what + ProblemSuffix());
                }
                lock (Signal)
                {
                    if (signals == seen)
                    {
                        Monitor.Wait(Signal, Mode == Delivery.Pumped || Server != null ? 2 : 20);
                    }
                }
            }
        }

        /// <summary>Keeps pumping for <paramref name="ms"/> milliseconds (lets stray or duplicate callbacks show up).</summary>
        internal void Settle(int ms)
        {
            var watch = Stopwatch.StartNew();
            while (watch.ElapsedMilliseconds < ms)
            {
                Pump();
                Thread.Sleep(2);
            }
            Pump();
        }

        // ------------------------------------------------------------------ calls

        /// <summary>Starts a call whose callback carries data; checks it was accepted.</summary>
        internal Outcome<T> Begin<T>(string what, Func<ValueCallback<T>, TIMResult> call)
        {
            var outcome = new Outcome<T>();
            TIMResult rc = call((code, desc, data, user_data) =>
            {
                Here(what);
                Record(outcome, what, code, desc, data, user_data);
            });
            Check.Equal(TIMResult.TIM_SUCC, rc, what + " returned");
            return outcome;
        }

        /// <summary>Starts a call whose callback carries no data; checks it was accepted.</summary>
        internal Outcome<object> BeginNull(string what, Func<NullValueCallback, TIMResult> call)
        {
            var outcome = new Outcome<object>();
            TIMResult rc = call((code, desc, user_data) =>
            {
                Here(what);
                Record(outcome, what, code, desc, null, user_data);
            });
            Check.Equal(TIMResult.TIM_SUCC, rc, what + " returned");
            return outcome;
        }

        /// <summary>Runs a call to its callback and returns the data; the callback's code must be 0.</summary>
        internal T Call<T>(string what, Func<ValueCallback<T>, TIMResult> call)
        {
            return Finish(what, Begin(what, call));
        }

        /// <summary>Runs a call without result data to its callback; the code must be 0.</summary>
        internal void CallNull(string what, Func<NullValueCallback, TIMResult> call)
        {
            Finish(what, BeginNull(what, call));
        }

        /// <summary>Waits for an outcome; its code must be 0.</summary>
        internal T Finish<T>(string what, Outcome<T> outcome)
        {
            WaitUntil(() => outcome.Done, what + "'s callback");
            Check.Equal(0, outcome.Code, what + " callback code (desc \"" + outcome.Desc + "\")");
            Check.True(outcome.UserData != null && outcome.UserData.StartsWith(UserDataPrefix(what), StringComparison.Ordinal),
                what + " user_data \"" + outcome.UserData + "\" names the call");
            return outcome.Data;
        }

        /// <summary>Waits for an outcome, whatever its code.</summary>
        internal Outcome<T> Wait<T>(string what, Outcome<T> outcome)
        {
            WaitUntil(() => outcome.Done, what + "'s callback");
            return outcome;
        }

        private static string UserDataPrefix(string what)
        {
            int space = what.IndexOf(' ');
            return (space < 0 ? what : what.Substring(0, space)) + "_";
        }

        private void Record<T>(Outcome<T> outcome, string what, int code, string desc, T data, string user_data)
        {
            lock (outcome)
            {
                outcome.Deliveries++;
                if (outcome.Deliveries > 1)
                {
                    Problem(what + "'s callback ran " + outcome.Deliveries + " times");
                }
                outcome.Code = code;
                outcome.Desc = desc;
                outcome.Data = data;
                outcome.UserData = user_data;
            }
            Notify();
        }

        // ------------------------------------------------------------------ common steps

        /// <summary>Logs <paramref name="user"/> in.</summary>
        internal void Login(string user)
        {
            CallNull("Login " + user, cb => TencentIMSDK.Login(user, "sig-" + user, cb));
            Check.Equal(user, TencentIMSDK.GetLoginUserID(), "GetLoginUserID");
            Check.Equal(TIMLoginStatus.kTIMLoginStatus_Logined, TencentIMSDK.GetLoginStatus(), "GetLoginStatus");
        }

        /// <summary>Hands envelopes to imcore (IMCoreInboundPush) and waits for its result.</summary>
        internal void Push(params JObject[] envelopes)
        {
            string json = new JArray(envelopes).ToString(Formatting.None);
            CallNull("IMCoreInboundPush", cb => TencentIMSDK.IMCoreInboundPush(json, cb));
        }

        /// <summary>Registers the <see cref="Recorder"/> as every listener this test may look at.</summary>
        internal void ListenAll()
        {
            Rec.Attach(this);
        }

        // ------------------------------------------------------------------ binding log

        private void OnBindingLog(string line)
        {
            lock (bindingLog)
            {
                bindingLog.Add(line);
            }
            // Expected errors (a test provoking them) are shown without their stack trace.
            Console.Error.WriteLine("     [" + Name + "] " + (AllowBindingErrors ? line.Split('\n')[0] : line));
        }

        /// <summary>Lines the binding logged so far.</summary>
        internal List<string> BindingLog()
        {
            lock (bindingLog)
            {
                return new List<string>(bindingLog);
            }
        }

        // ------------------------------------------------------------------ end

        /// <summary>Uninit (must return promptly), then the checks of the whole test.</summary>
        public void Dispose()
        {
            Close(true);
        }

        private void Close(bool check)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            current = null;
            try
            {
                if (Server != null)
                {
                    Server.Shutdown(check);
                }
            }
            finally
            {
                var watch = Stopwatch.StartNew();
                uninitializing = true;
                TIMResult rc = TencentIMSDK.Uninit();
                long uninitMs = watch.ElapsedMilliseconds;
                if (Context != null)
                {
                    Context.RunPending();
                }
                SynchronizationContext.SetSynchronizationContext(previousContext);
                TencentIMSDK.BindingLogHandler = null;
                TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.Auto);
                if (check)
                {
                    Check.Equal(TIMResult.TIM_SUCC, rc, "Uninit");
                    Check.True(uninitMs < 5000, "Uninit returns promptly (took " + uninitMs + " ms)");
                    lock (problems)
                    {
                        if (problems.Count > 0)
                        {
                            throw Check.Fail("callback problems: " + string.Join("; ", problems.Distinct().Take(10)));
                        }
                    }
                    if (!AllowBindingErrors)
                    {
                        var lines = BindingLog();
                        if (lines.Count > 0)
                        {
                            throw Check.Fail("the binding logged: " + string.Join(" | ", lines.Take(5)));
                        }
                    }
                }
            }
        }

        private string ProblemSuffix()
        {
            lock (problems)
            {
                return problems.Count == 0 ? string.Empty : " (callback problems so far: " + string.Join("; ", problems.Take(5)) + ")";
            }
        }

        private static string Sanitize(string name)
        {
            var chars = name.Select(c => char.IsLetterOrDigit(c) && c < 128 ? c : '-').ToArray();
            return new string(chars);
        }
    }

    /// <summary>Everything the listeners reported, in order.</summary>
    internal sealed class Recorder
    {
        internal sealed class ConvEvent
        {
            internal TIMConvEvent Event;
            internal List<ConvInfo> Convs;
            internal string UserData;
        }

        internal sealed class FilterTotal
        {
            internal ConversationListFilter Filter;
            internal int Total;
        }

        private readonly object gate = new object();
        private readonly List<int> totals = new List<int>();
        private readonly List<ConvEvent> convEvents = new List<ConvEvent>();
        private readonly List<FilterTotal> filterTotals = new List<FilterTotal>();
        private readonly List<MessageReceipt> receipts = new List<MessageReceipt>();
        private readonly List<Message> newMessages = new List<Message>();
        private readonly List<string> order = new List<string>();

        internal void Attach(Env env)
        {
            TencentIMSDK.SetConvEventCallback((TIMConvEvent conv_event, List<ConvInfo> conv_list, string user_data) =>
            {
                env.Here("conv event");
                Add(convEvents, new ConvEvent { Event = conv_event, Convs = conv_list, UserData = user_data }, "conv:" + conv_event);
            });
            TencentIMSDK.SetConvTotalUnreadMessageCountChangedCallback((int total, string user_data) =>
            {
                env.Here("total unread");
                Add(totals, total, "total:" + total);
            });
            TencentIMSDK.SetConvUnreadMessageCountChangedByFilterCallback((ConversationListFilter filter, int total, string user_data) =>
            {
                env.Here("unread by filter");
                Add(filterTotals, new FilterTotal { Filter = filter, Total = total }, "filter:" + total);
            });
            TencentIMSDK.AddRecvNewMsgCallback((List<Message> messages, string user_data) =>
            {
                env.Here("new messages");
                lock (gate)
                {
                    newMessages.AddRange(messages);
                    order.Add("new:" + messages.Count);
                }
                Env.Notify();
            });
            TencentIMSDK.SetMsgReadedReceiptCallback((List<MessageReceipt> list, string user_data) =>
            {
                env.Here("read receipts");
                lock (gate)
                {
                    receipts.AddRange(list);
                    order.Add("receipts:" + list.Count);
                }
                Env.Notify();
            });
        }

        private void Add<T>(List<T> list, T item, string tag)
        {
            lock (gate)
            {
                list.Add(item);
                order.Add(tag);
            }
            Env.Notify();
        }

        internal List<int> Totals { get { lock (gate) { return new List<int>(totals); } } }
        internal List<ConvEvent> ConvEvents { get { lock (gate) { return new List<ConvEvent>(convEvents); } } }
        internal List<FilterTotal> FilterTotals { get { lock (gate) { return new List<FilterTotal>(filterTotals); } } }
        internal List<MessageReceipt> Receipts { get { lock (gate) { return new List<MessageReceipt>(receipts); } } }
        internal List<Message> NewMessages { get { lock (gate) { return new List<Message>(newMessages); } } }
        internal List<string> Order { get { lock (gate) { return new List<string>(order); } } }

        /// <summary>The last <c>Update</c> (or <c>Add</c>) state reported for a conversation, or null.</summary>
        internal ConvInfo LastReported(string convId, TIMConvType type)
        {
            lock (gate)
            {
                for (int i = convEvents.Count - 1; i >= 0; i--)
                {
                    var e = convEvents[i];
                    if (e.Event != TIMConvEvent.kTIMConvEvent_Add && e.Event != TIMConvEvent.kTIMConvEvent_Update)
                    {
                        continue;
                    }
                    var hit = e.Convs.FirstOrDefault(c => c.conv_id == convId && c.conv_type == type);
                    if (hit != null)
                    {
                        return hit;
                    }
                }
                return null;
            }
        }
    }

    /// <summary>Inbound envelopes (docs/TRANSPORT.md) built from the package's own types.</summary>
    internal static class Envelopes
    {
        private static int lastId;

        /// <summary>A fresh server-side message id.</summary>
        internal static string NewMsgId(string prefix)
        {
            return prefix + "-" + Interlocked.Increment(ref lastId);
        }

        internal static Message Text(string msgId, string convId, TIMConvType type, string sender, ulong serverTime, ulong seq, string text, bool needReceipt = false)
        {
            return new Message
            {
                message_msg_id = msgId,
                message_conv_id = convId,
                message_conv_type = type,
                message_sender = sender,
                message_server_time = serverTime,
                message_client_time = serverTime,
                message_seq = seq,
                message_need_read_receipt = needReceipt ? true : (bool?)null,
                message_elem_array = new List<Elem> { new Elem { elem_type = TIMElemType.kTIMElem_Text, text_elem_content = text } },
            };
        }

        /// <summary><c>{"kind":"message","message":…}</c>.</summary>
        internal static JObject MessageEnvelope(Message message)
        {
            return new JObject { { "kind", "message" }, { "message", JObject.Parse(message.ToString()) } };
        }

        /// <summary>A text message from <paramref name="sender"/> in a C2C conversation (conv id = the sender).</summary>
        internal static JObject C2C(string sender, ulong time, string text, string msgId = null)
        {
            return MessageEnvelope(Text(msgId ?? NewMsgId("c2c"), sender, TIMConvType.kTIMConv_C2C, sender, time, 0, text));
        }

        /// <summary>A text message in a group.</summary>
        internal static JObject Group(string groupId, string sender, ulong time, ulong seq, string text, string msgId = null)
        {
            return MessageEnvelope(Text(msgId ?? NewMsgId("grp"), groupId, TIMConvType.kTIMConv_Group, sender, time, seq, text));
        }

        /// <summary><c>{"kind":"group_members",…}</c>.</summary>
        internal static JObject Members(string groupId, TIMGroupType type, string op, IEnumerable<string> members)
        {
            return new JObject
            {
                { "kind", "group_members" },
                { "group_id", groupId },
                { "group_type", (int)type },
                { "op", op },
                { "members", new JArray(members.ToArray()) },
            };
        }

        /// <summary>Seconds since the epoch.</summary>
        internal static ulong Now()
        {
            return (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        }
    }
}
#endif
