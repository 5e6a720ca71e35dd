// The host-side transport in C#: imcore (through the IMCore.Unity package's TencentIMSDK) connected to
// the reference relay over WebSocket (System.Net.WebSockets.ClientWebSocket), following
// docs/INTEGRATION.md. RelayTransport is the transport; RelayDevice is a small program around it that
// takes the same stdin commands as the Rust relay-device (send PEER TEXT, read CONV, state, quit) and
// prints the same lines (ready, ok …, state {…}, receipt […]), so the relay's tests drive either.
//
//   mono RelayDevice.exe ws://127.0.0.1:7070 alice phone <data dir>
//
// An example, not production code: no TLS, no authentication.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using IMCore.Unity;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IMCore.Relay
{
    /// <summary>
    /// Carries envelopes between imcore and the relay: outbound envelopes (set before login) become
    /// <c>{"type":"envelope"}</c> frames, the relay's acks go to <c>IMCoreOutboundAck</c>, its pushes to
    /// <c>IMCoreInboundPush</c> (confirmed with <c>{"type":"cursor"}</c> when the push's callback reports 0).
    /// Reconnects with backoff; after a reconnect the outbound callback is set again, which hands over
    /// every envelope still unanswered.
    /// </summary>
    public sealed class RelayTransport
    {
        private readonly Uri uri;
        private readonly string user, device;
        private readonly BlockingCollection<string> outgoing = new BlockingCollection<string>();
        private volatile bool stopped;

        public RelayTransport(string url, string user, string device)
        {
            uri = new Uri(url);
            this.user = user;
            this.device = device;
        }

        /// <summary>Called before Login: every envelope imcore hands over is queued for the relay.</summary>
        public void Attach()
        {
            TencentIMSDK.IMCoreSetOutboundCallback(OnOutbound);
        }

        private void OnOutbound(string envelope)
        {
            Send(new JObject { { "type", "envelope" }, { "envelope", JObject.Parse(envelope) } });
        }

        /// <summary>Queues a frame for the relay (dropped while disconnected: envelopes are handed over again).</summary>
        public void Send(JObject frame)
        {
            outgoing.Add(frame.ToString(Formatting.None));
        }

        /// <summary>Runs the connection on a thread of its own until <see cref="Stop"/>.</summary>
        public void Start()
        {
            new Thread(Run) { IsBackground = true, Name = "relay" }.Start();
        }

        public void Stop()
        {
            stopped = true;
        }

        private void Run()
        {
            int backoff = 200;
            while (!stopped)
            {
                try
                {
                    using (var ws = new ClientWebSocket())
                    {
                        ws.ConnectAsync(uri, CancellationToken.None).Wait();
                        backoff = 200;
                        string stale;
                        while (outgoing.TryTake(out stale)) { }
                        SendNow(ws, new JObject { { "type", "hello" }, { "user", user }, { "device", device } }.ToString(Formatting.None));
                        TencentIMSDK.IMCoreSetOutboundCallback(OnOutbound); // hands over every unanswered envelope
                        var sender = new Thread(() => SendLoop(ws)) { IsBackground = true };
                        sender.Start();
                        ReceiveLoop(ws);
                    }
                }
                catch (Exception e)
                {
                    if (!stopped) Console.Error.WriteLine("relay transport: " + e.GetBaseException().Message);
                }
                Thread.Sleep(backoff);
                backoff = Math.Min(backoff * 2, 5000);
            }
        }

        private static readonly object SendGate = new object();

        private static void SendNow(ClientWebSocket ws, string text)
        {
            lock (SendGate)
            {
                var bytes = new ArraySegment<byte>(Encoding.UTF8.GetBytes(text));
                ws.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None).Wait();
            }
        }

        private void SendLoop(ClientWebSocket ws)
        {
            try
            {
                while (ws.State == WebSocketState.Open && !stopped)
                {
                    string frame;
                    if (outgoing.TryTake(out frame, 100))
                    {
                        SendNow(ws, frame);
                    }
                }
            }
            catch (Exception e)
            {
                if (!stopped) Console.Error.WriteLine("relay transport (send): " + e.GetBaseException().Message);
            }
        }

        private void ReceiveLoop(ClientWebSocket ws)
        {
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            while (ws.State == WebSocketState.Open && !stopped)
            {
                WebSocketReceiveResult r = ws.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).Result;
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage)
                {
                    continue;
                }
                JObject frame = JObject.Parse(Encoding.UTF8.GetString(message.ToArray()));
                message.SetLength(0);
                switch ((string)frame["type"])
                {
                    case "push":
                        long pos = (long)frame["pos"];
                        TencentIMSDK.IMCoreInboundPush(frame["envelopes"].ToString(Formatting.None), (code, desc, ud) =>
                        {
                            if (code == 0) Send(new JObject { { "type", "cursor" }, { "pos", pos } });
                            else Console.Error.WriteLine("push refused: " + code + " " + desc);
                        });
                        break;
                    case "ack":
                        // A second ack of the same envelope is refused (TIM_ERR_PARAM): dropped.
                        TencentIMSDK.IMCoreOutboundAck(frame["ack"].ToString(Formatting.None));
                        break;
                }
            }
        }
    }

    public static class RelayDevice
    {
        private static readonly object Out = new object();
        private static RelayTransport transport;
        private static string user, device;
        private static int dirty = 1;

        private static void Say(string line)
        {
            lock (Out) Console.WriteLine(line);
        }

        private static T Await<T>(Func<Action<int, string, T>, TIMResult> start, out int code)
        {
            var done = new ManualResetEventSlim();
            int c = int.MinValue;
            T value = default(T);
            TIMResult r = start((cc, d, v) => { c = cc; value = v; done.Set(); });
            if (r != TIMResult.TIM_SUCC) throw new Exception("refused: " + r + " " + TencentIMSDK.IMCoreGetLastError());
            if (!done.Wait(10000)) throw new Exception("no callback within 10 s");
            code = c;
            return value;
        }

        private static JObject State()
        {
            int code;
            var total = Await<GetTotalUnreadNumberResult>(cb => TencentIMSDK.ConvGetTotalUnreadMessageCount((c, d, v, u) => cb(c, d, v)), out code);
            var list = Await<List<ConvInfo>>(cb => TencentIMSDK.ConvGetConvList((c, d, v, u) => cb(c, d, v)), out code);
            var convs = new JArray();
            foreach (var c in list ?? new List<ConvInfo>())
            {
                var last = c.conv_last_msg;
                string text = last != null && last.message_elem_array != null && last.message_elem_array.Count > 0
                    ? last.message_elem_array[0].text_elem_content : null;
                convs.Add(new JObject { { "id", c.conv_id }, { "type", (int)c.conv_type }, { "unread", c.conv_unread_num },
                                        { "last", text }, { "from", last != null ? last.message_sender : null } });
            }
            return new JObject { { "user", user }, { "device", device },
                                 { "total", total != null ? total.conv_get_total_unread_message_count_result_unread_count : -1 },
                                 { "convs", convs } };
        }

        private static string Command(string line)
        {
            string[] parts = line.Split(new[] { ' ' }, 3);
            string arg = parts.Length > 1 ? parts[1] : "";
            string rest = parts.Length > 2 ? parts[2] : "";
            int code;
            switch (parts[0])
            {
                case "send":
                    var id = new StringBuilder(128);
                    var msg = new Message { message_elem_array = new List<Elem> { new Elem { elem_type = TIMElemType.kTIMElem_Text, text_elem_content = rest } } };
                    Await<Message>(cb => TencentIMSDK.MsgSendMessage(arg, TIMConvType.kTIMConv_C2C, msg, id, (c, d, v, u) => cb(c, d, v)), out code);
                    if (code != 0) throw new Exception("send: " + code);
                    return id.ToString();
                case "read":
                    Await<object>(cb => TencentIMSDK.ConvCleanConversationUnreadMessageCount(arg, 0, 0, (c, d, u) => cb(c, d, null)), out code);
                    if (code != 0) throw new Exception("read: " + code);
                    return arg;
                case "state":
                    return State().ToString(Formatting.None);
                default:
                    throw new Exception("unknown command " + parts[0]);
            }
        }

        public static int Main(string[] args)
        {
            if (args.Length < 4)
            {
                Console.Error.WriteLine("usage: RelayDevice.exe WS_URL USER DEVICE DATA_DIR");
                return 2;
            }
            user = args[1];
            device = args[2];
            Directory.CreateDirectory(args[3]);
            transport = new RelayTransport(args[0], user, device);
            TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.NativeThread);
            TencentIMSDK.SetConvTotalUnreadMessageCountChangedCallback((total, ud) => Interlocked.Exchange(ref dirty, 1));
            TencentIMSDK.SetConvEventCallback((ev, convs, ud) => Interlocked.Exchange(ref dirty, 1));
            TencentIMSDK.SetMsgReadedReceiptCallback((receipts, ud) => Say("receipt " + JsonConvert.SerializeObject(receipts)));
            TencentIMSDK.SetLogCallback((level, text, ud) => { if (level >= TIMLogLevel.kTIMLog_Warn) Console.Error.WriteLine("imcore: " + text); });
            transport.Attach(); // before login
            var config = new SdkConfig { sdk_config_config_file_path = args[3], sdk_config_log_file_path = Path.Combine(args[3], "logs") };
            if (TencentIMSDK.Init(1400000001, config) != TIMResult.TIM_SUCC) return 1;
            int code;
            Await<object>(cb => TencentIMSDK.Login(user, "sig", (c, d, u) => cb(c, d, null)), out code);
            if (code != 0) return 1;
            transport.Start();
            // Reports the state for the page after changes (the first report also reads the total once,
            // which starts the total listener).
            new Thread(() =>
            {
                while (true)
                {
                    Thread.Sleep(100);
                    if (Interlocked.Exchange(ref dirty, 0) == 1)
                    {
                        try
                        {
                            JObject st = State();
                            Say("state " + st.ToString(Formatting.None));
                            transport.Send(new JObject { { "type", "state" }, { "state", st } });
                        }
                        catch (Exception e) { Console.Error.WriteLine("state: " + e.Message); }
                    }
                }
            }) { IsBackground = true }.Start();
            Say("ready");
            string line;
            while ((line = Console.ReadLine()) != null)
            {
                line = line.Trim();
                if (line.Length == 0) continue;
                if (line == "quit") break;
                try { Say("ok " + line + " -> " + Command(line)); }
                catch (Exception e) { Say("error " + line + ": " + e.GetBaseException().Message); }
            }
            transport.Stop();
            Await<object>(cb => TencentIMSDK.Logout((c, d, u) => cb(c, d, null)), out code);
            TencentIMSDK.Uninit();
            Say("bye");
            return 0;
        }
    }
}
