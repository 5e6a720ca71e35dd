#if !UNITY_5_3_OR_NEWER
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>
    /// The child side of the two-user tests (<c>imcore.unity.tests.exe --peer</c>): a second process
    /// with its own libimcore, since the C ABI holds one logged-in user per process. It runs the
    /// package in NativeThread mode and talks JSON lines (non-ASCII escaped) with the parent:
    /// commands on stdin, replies and events (outbound envelopes, new messages, receipts) on stdout.
    /// The parent plays the server and relays envelopes between the two libraries.
    /// </summary>
    internal static class PeerMain
    {
        private static readonly object OutGate = new object();
        private static readonly JsonSerializerSettings Ascii = new JsonSerializerSettings
        {
            StringEscapeHandling = StringEscapeHandling.EscapeNonAscii,
            Formatting = Formatting.None,
        };

        private static TextWriter output;
        private static string user = string.Empty;
        private static readonly Dictionary<string, Message> Received = new Dictionary<string, Message>();

        internal static int Run()
        {
            output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            TencentIMSDK.BindingLogHandler = line => Console.Error.WriteLine(line);
            string text;
            while ((text = input.ReadLine()) != null)
            {
                if (text.Length == 0)
                {
                    continue;
                }
                JObject cmd = JObject.Parse(text);
                var reply = new JObject { { "ev", "reply" }, { "id", cmd["id"] } };
                try
                {
                    Handle(cmd, reply);
                }
                catch (Exception e)
                {
                    reply["code"] = -1000;
                    reply["desc"] = "peer exception: " + e;
                }
                Emit(reply);
                if ((string)cmd["cmd"] == "exit")
                {
                    return 0;
                }
            }
            TencentIMSDK.Uninit();
            return 0;
        }

        private static void Emit(JObject ev)
        {
            string line = JsonConvert.SerializeObject(ev, Ascii);
            lock (OutGate)
            {
                output.WriteLine(line);
            }
        }

        private static void Handle(JObject cmd, JObject reply)
        {
            int code = 0;
            string desc = string.Empty;
            switch ((string)cmd["cmd"])
            {
                case "init":
                    TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.NativeThread);
                    code = (int)TencentIMSDK.Init(Env.AppId, new SdkConfig { sdk_config_config_file_path = (string)cmd["dir"] });
                    TencentIMSDK.IMCoreSetOutboundCallback(envelope =>
                        Emit(new JObject { { "ev", "outbound" }, { "user", user }, { "envelope", envelope } }));
                    TencentIMSDK.AddRecvNewMsgCallback((messages, user_data) =>
                    {
                        lock (Received)
                        {
                            foreach (Message m in messages)
                            {
                                Received[m.message_msg_id] = m;
                            }
                        }
                        Emit(new JObject { { "ev", "recv" }, { "user", user }, { "messages", JArray.Parse(JsonConvert.SerializeObject(messages, new JsonSerializerSettings { NullValueHandling = NullValueHandling.Ignore })) } });
                    });
                    break;
                case "login":
                    user = (string)cmd["user"];
                    Wait(cb => TencentIMSDK.Login(user, "sig", cb), out code, out desc);
                    break;
                case "logout":
                    Wait(cb => TencentIMSDK.Logout(cb), out code, out desc);
                    user = string.Empty;
                    break;
                case "push":
                    string json = ((JArray)cmd["envelopes"]).ToString(Formatting.None);
                    Wait(cb => TencentIMSDK.IMCoreInboundPush(json, cb), out code, out desc);
                    break;
                case "ack":
                    code = (int)TencentIMSDK.IMCoreOutboundAck(((JObject)cmd["ack"]).ToString(Formatting.None));
                    break;
                case "send_receipts":
                    var list = new List<Message>();
                    lock (Received)
                    {
                        foreach (JToken id in (JArray)cmd["msg_ids"])
                        {
                            Message m;
                            if (!Received.TryGetValue((string)id, out m))
                            {
                                throw new InvalidOperationException("the peer never received message " + id);
                            }
                            list.Add(m);
                        }
                    }
                    Start("send_receipts", cb => TencentIMSDK.MsgSendMessageReadReceipts(list, cb), out code, out desc);
                    break;
                case "clean":
                    string conv = (string)cmd["conversation_id"];
                    Start("clean", cb => TencentIMSDK.ConvCleanConversationUnreadMessageCount(conv, 0, 0, cb), out code, out desc);
                    break;
                case "exit":
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    code = (int)TencentIMSDK.Uninit();
                    reply["uninit_ms"] = watch.ElapsedMilliseconds;
                    break;
                default:
                    code = -1001;
                    desc = "unknown command " + cmd["cmd"];
                    break;
            }
            reply["code"] = code;
            reply["desc"] = desc;
        }

        /// <summary>
        /// Starts a call whose change goes to the server: it completes only when the relay acks its
        /// envelope, so the reply reports the acceptance and the callback is emitted later as a
        /// <c>result</c> event.
        /// </summary>
        private static void Start(string what, Func<Callbacks.NullValueCallback, TIMResult> call, out int code, out string desc)
        {
            TIMResult rc = call((cc, dd, ud) =>
                Emit(new JObject { { "ev", "result" }, { "user", user }, { "cmd", what }, { "code", cc }, { "desc", dd } }));
            code = (int)rc;
            desc = rc == TIMResult.TIM_SUCC ? string.Empty : "returned " + rc;
        }

        /// <summary>Runs a call and blocks until its callback (NativeThread mode: it runs on imcore's thread).</summary>
        private static void Wait(Func<Callbacks.NullValueCallback, TIMResult> call, out int code, out string desc)
        {
            var done = new ManualResetEventSlim(false);
            int c = 0;
            string d = string.Empty;
            TIMResult rc = call((cc, dd, ud) =>
            {
                c = cc;
                d = dd;
                done.Set();
            });
            if (rc != TIMResult.TIM_SUCC)
            {
                code = (int)rc;
                desc = "returned " + rc;
                return;
            }
            if (!done.Wait(TimeSpan.FromSeconds(10)))
            {
                code = -1002;
                desc = "no callback within 10 s";
                return;
            }
            code = c;
            desc = d;
        }
    }
}
#endif
