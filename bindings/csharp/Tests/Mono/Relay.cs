#if !UNITY_5_3_OR_NEWER
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using IMCore.Unity.Enums;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>
    /// Parent side of the peer process (<see cref="PeerMain"/>): starts <c>mono &lt;this exe&gt; --peer</c>,
    /// sends commands, collects replies and events. Reading happens on a background thread; events are
    /// handed over in <see cref="Drain"/> on the test thread.
    /// </summary>
    internal sealed class PeerProcess
    {
        private static readonly JsonSerializerSettings Ascii = new JsonSerializerSettings
        {
            StringEscapeHandling = StringEscapeHandling.EscapeNonAscii,
            Formatting = Formatting.None,
        };

        private readonly Process process;
        private readonly StreamWriter input;
        private readonly Queue<JObject> events = new Queue<JObject>();
        private int nextId;

        internal PeerProcess()
        {
            string exe = typeof(PeerProcess).Assembly.Location;
            var info = new ProcessStartInfo("mono", "--debug \"" + exe + "\" --peer")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            process = Process.Start(info);
            input = new StreamWriter(process.StandardInput.BaseStream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            process.OutputDataReceived += (sender, e) =>
            {
                if (string.IsNullOrEmpty(e.Data))
                {
                    return;
                }
                JObject ev;
                try
                {
                    ev = JObject.Parse(e.Data);
                }
                catch (JsonException)
                {
                    ev = new JObject { { "ev", "garbage" }, { "line", e.Data } };
                }
                lock (events)
                {
                    events.Enqueue(ev);
                }
                Env.Notify();
            };
            process.ErrorDataReceived += (sender, e) =>
            {
                if (!string.IsNullOrEmpty(e.Data))
                {
                    lock (events)
                    {
                        events.Enqueue(new JObject { { "ev", "stderr" }, { "line", e.Data } });
                    }
                    Env.Notify();
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        /// <summary>The user logged in on the peer ("" when none).</summary>
        internal string User = string.Empty;

        /// <summary>Sends a command; returns its id (the reply carries it).</summary>
        internal int Send(string cmd, JObject args = null)
        {
            int id = ++nextId;
            var line = args == null ? new JObject() : (JObject)args.DeepClone();
            line["id"] = id;
            line["cmd"] = cmd;
            input.WriteLine(JsonConvert.SerializeObject(line, Ascii));
            return id;
        }

        /// <summary>Takes the events read so far.</summary>
        internal List<JObject> Drain()
        {
            lock (events)
            {
                var list = events.ToList();
                events.Clear();
                return list;
            }
        }

        /// <summary>Waits for the process to end (after "exit"); kills it when it does not.</summary>
        internal bool WaitForExit(int ms)
        {
            if (process.WaitForExit(ms))
            {
                process.WaitForExit();
                return true;
            }
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
            }
            return false;
        }

        internal int ExitCode
        {
            get { return process.ExitCode; }
        }
    }

    /// <summary>
    /// The test's IM server. It owns the transport of both libraries: the local one (this process,
    /// through <c>IMCoreSetOutboundCallback</c> / <c>IMCoreOutboundAck</c> / <c>IMCoreInboundPush</c>) and
    /// the peer process's. It acks every outbound envelope, stamps messages (server time, sequence),
    /// delivers them to the conversation's other members, turns read receipts and C2C read positions
    /// into "receipt" envelopes for the message's sender, and keeps envelopes for users who are not
    /// logged in until they are. Work runs on the test thread in <see cref="Pump"/>.
    /// </summary>
    internal sealed class RelayServer
    {
        private sealed class Work
        {
            internal string From;
            internal JObject Envelope;
        }

        private readonly Env env;
        private readonly string localUser;
        private readonly Queue<Work> work = new Queue<Work>();
        private readonly Dictionary<string, List<JObject>> inbox = new Dictionary<string, List<JObject>>();
        private readonly Dictionary<string, string> senderOf = new Dictionary<string, string>();
        private readonly Dictionary<string, List<string>> rosters = new Dictionary<string, List<string>>();
        private readonly Dictionary<string, ulong> sequences = new Dictionary<string, ulong>();
        private readonly Dictionary<int, string> expectOk = new Dictionary<int, string>();
        private readonly Dictionary<int, JObject> replies = new Dictionary<int, JObject>();
        private readonly List<string> errors = new List<string>();
        private ulong clock;

        /// <summary>Every envelope each user's library sent, in order.</summary>
        internal readonly Dictionary<string, List<JObject>> Outbound = new Dictionary<string, List<JObject>>();
        /// <summary>Messages each peer user received (its new-message listener), by id.</summary>
        internal readonly Dictionary<string, Dictionary<string, JObject>> PeerReceived = new Dictionary<string, Dictionary<string, JObject>>();
        internal PeerProcess Peer;

        internal RelayServer(Env env, string localUser)
        {
            this.env = env;
            this.localUser = localUser;
            clock = Envelopes.Now();
            env.Server = this;
            TencentIMSDK.IMCoreSetOutboundCallback(json =>
            {
                env.Here("outbound envelope");
                lock (work)
                {
                    work.Enqueue(new Work { From = localUser, Envelope = JObject.Parse(json) });
                }
                Env.Notify();
            });
        }

        /// <summary>Starts the peer process (its own libimcore in its own data folder).</summary>
        internal void StartPeer()
        {
            Peer = new PeerProcess();
            Request("init", new JObject { { "dir", Path.Combine(env.Dir, "peer") } });
        }

        /// <summary>Logs the peer process in as <paramref name="user"/> and delivers what waited for them.</summary>
        internal void PeerLogin(string user)
        {
            Request("login", new JObject { { "user", user } });
            Peer.User = user;
            List<JObject> waiting;
            if (inbox.TryGetValue(user, out waiting) && waiting.Count > 0)
            {
                inbox.Remove(user);
                SendToPeer("push", new JObject { { "envelopes", new JArray(waiting.ToArray()) } }, "push to " + user);
            }
        }

        internal void PeerLogout()
        {
            Request("logout", null);
            Peer.User = string.Empty;
        }

        /// <summary>Sends a command to the peer and waits (pumping) for its reply; the code must be 0.</summary>
        internal JObject Request(string cmd, JObject args)
        {
            int id = Peer.Send(cmd, args);
            env.WaitUntil(() => replies.ContainsKey(id), "the peer's reply to " + cmd);
            JObject reply = replies[id];
            replies.Remove(id);
            Check.Equal(0, (int)reply["code"], "peer " + cmd + " code (desc \"" + reply["desc"] + "\")");
            return reply;
        }

        /// <summary>Sets a group's roster and tells every member's library (now or at its next login).</summary>
        internal void SetRoster(string groupId, TIMGroupType type, params string[] members)
        {
            rosters[groupId] = members.ToList();
            foreach (string member in members)
            {
                Deliver(member, Envelopes.Members(groupId, type, "set", members));
            }
        }

        /// <summary>Whether the peer user has received the message.</summary>
        internal JObject PeerMessage(string user, string msgId)
        {
            Dictionary<string, JObject> got;
            JObject m;
            return PeerReceived.TryGetValue(user, out got) && got.TryGetValue(msgId, out m) ? m : null;
        }

        internal List<JObject> OutboundOf(string user, string kind)
        {
            List<JObject> list;
            return Outbound.TryGetValue(user, out list) ? list.Where(e => (string)e["kind"] == kind).ToList() : new List<JObject>();
        }

        // ------------------------------------------------------------------ pumping

        internal void Pump()
        {
            if (Peer != null)
            {
                foreach (JObject ev in Peer.Drain())
                {
                    OnPeerEvent(ev);
                }
            }
            while (true)
            {
                Work next;
                lock (work)
                {
                    if (work.Count == 0)
                    {
                        break;
                    }
                    next = work.Dequeue();
                }
                OnOutbound(next.From, next.Envelope);
            }
        }

        private void OnPeerEvent(JObject ev)
        {
            switch ((string)ev["ev"])
            {
                case "reply":
                    int id = (int)ev["id"];
                    string what;
                    if (expectOk.TryGetValue(id, out what))
                    {
                        expectOk.Remove(id);
                        if ((int)ev["code"] != 0)
                        {
                            errors.Add(what + " failed on the peer: " + ev["code"] + " " + ev["desc"]);
                        }
                    }
                    else
                    {
                        replies[id] = ev;
                    }
                    break;
                case "outbound":
                    lock (work)
                    {
                        work.Enqueue(new Work { From = (string)ev["user"], Envelope = JObject.Parse((string)ev["envelope"]) });
                    }
                    break;
                case "result":
                    // A peer call that waited for the server's answer completed.
                    if ((int)ev["code"] != 0)
                    {
                        errors.Add(ev["cmd"] + " failed on the peer: " + ev["code"] + " " + ev["desc"]);
                    }
                    break;
                case "recv":
                    string user = (string)ev["user"];
                    Dictionary<string, JObject> got;
                    if (!PeerReceived.TryGetValue(user, out got))
                    {
                        PeerReceived[user] = got = new Dictionary<string, JObject>();
                    }
                    foreach (JObject m in (JArray)ev["messages"])
                    {
                        got[(string)m["message_msg_id"]] = m;
                    }
                    break;
                case "stderr":
                    Console.Error.WriteLine("     [peer " + Peer.User + "] " + ev["line"]);
                    if (((string)ev["line"]).Contains("[imcore.unity]"))
                    {
                        errors.Add("peer binding log: " + ev["line"]);
                    }
                    break;
                default:
                    errors.Add("unexpected line from the peer: " + ev.ToString(Formatting.None));
                    break;
            }
        }

        // ------------------------------------------------------------------ the server's work

        private void OnOutbound(string from, JObject envelope)
        {
            List<JObject> sent;
            if (!Outbound.TryGetValue(from, out sent))
            {
                Outbound[from] = sent = new List<JObject>();
            }
            sent.Add(envelope);
            ulong envelopeId = (ulong)envelope["envelope_id"];
            var ack = new JObject { { "envelope_id", envelopeId }, { "code", 0 }, { "desc", "" } };
            string kind = (string)envelope["kind"];
            var deliveries = new List<KeyValuePair<string, JObject>>();
            switch (kind)
            {
                case "message":
                {
                    var message = (JObject)envelope["message"];
                    string msgId = (string)message["message_msg_id"];
                    string convId = (string)message["message_conv_id"];
                    var type = (TIMConvType)(int)message["message_conv_type"];
                    ulong time = ++clock;
                    ulong seq = NextSeq(type == TIMConvType.kTIMConv_Group ? "group_" + convId : "c2c_" + string.Join("|", new[] { from, convId }.OrderBy(s => s, StringComparer.Ordinal)));
                    ack["message_server_time"] = time;
                    ack["message_seq"] = seq;
                    senderOf[msgId] = from;
                    var copy = (JObject)message.DeepClone();
                    foreach (string local in new[] { "message_status", "message_is_read", "message_is_peer_read", "message_receipt_peer_read",
                        "message_has_sent_receipt", "message_group_receipt_read_count", "message_group_receipt_unread_count" })
                    {
                        copy.Remove(local);
                    }
                    copy["message_sender"] = from;
                    copy["message_server_time"] = time;
                    copy["message_seq"] = seq;
                    copy["message_is_from_self"] = false;
                    if (type == TIMConvType.kTIMConv_C2C)
                    {
                        copy["message_conv_id"] = from;
                        deliveries.Add(Pair(convId, new JObject { { "kind", "message" }, { "message", copy } }));
                    }
                    else
                    {
                        List<string> roster;
                        if (!rosters.TryGetValue(convId, out roster))
                        {
                            errors.Add("message to group " + convId + " without a roster");
                            roster = new List<string>();
                        }
                        foreach (string member in roster.Where(m => m != from))
                        {
                            deliveries.Add(Pair(member, new JObject { { "kind", "message" }, { "message", copy.DeepClone() } }));
                        }
                    }
                    break;
                }
                case "receipt":
                {
                    var type = (TIMConvType)(int)envelope["conv_type"];
                    string convId = (string)envelope["conv_id"];
                    foreach (JToken id in (JArray)envelope["msg_id_array"])
                    {
                        string sender;
                        if (!senderOf.TryGetValue((string)id, out sender))
                        {
                            errors.Add("receipt for unknown message " + id);
                            continue;
                        }
                        deliveries.Add(Pair(sender, new JObject
                        {
                            { "kind", "receipt" },
                            { "receipt", new JObject
                                {
                                    { "msg_receipt_conv_id", type == TIMConvType.kTIMConv_C2C ? from : convId },
                                    { "msg_receipt_conv_type", (int)type },
                                    { "msg_receipt_msg_id", (string)id },
                                    { "msg_receipt_user_id", from },
                                    { "msg_receipt_time_stamp", ++clock },
                                }
                            },
                        }));
                    }
                    break;
                }
                case "read_position":
                {
                    foreach (JObject p in (JArray)envelope["positions"])
                    {
                        if ((int)p["conv_type"] != (int)TIMConvType.kTIMConv_C2C || (ulong)p["timestamp"] == 0)
                        {
                            continue;
                        }
                        // The C2C peer learns that I read the conversation up to that time.
                        deliveries.Add(Pair((string)p["conv_id"], new JObject
                        {
                            { "kind", "receipt" },
                            { "receipt", new JObject
                                {
                                    { "msg_receipt_conv_id", from },
                                    { "msg_receipt_conv_type", (int)TIMConvType.kTIMConv_C2C },
                                    { "msg_receipt_msg_id", "" },
                                    { "msg_receipt_user_id", from },
                                    { "msg_receipt_time_stamp", (ulong)p["timestamp"] },
                                }
                            },
                        }));
                    }
                    break;
                }
            }
            AckTo(from, ack);
            foreach (var d in deliveries)
            {
                Deliver(d.Key, d.Value);
            }
        }

        private static KeyValuePair<string, JObject> Pair(string user, JObject envelope)
        {
            return new KeyValuePair<string, JObject>(user, envelope);
        }

        private ulong NextSeq(string key)
        {
            ulong seq;
            sequences.TryGetValue(key, out seq);
            sequences[key] = ++seq;
            return seq;
        }

        private void AckTo(string user, JObject ack)
        {
            if (user == localUser)
            {
                TIMResult rc = TencentIMSDK.IMCoreOutboundAck(ack.ToString(Formatting.None));
                if (rc != TIMResult.TIM_SUCC)
                {
                    errors.Add("IMCoreOutboundAck(" + ack.ToString(Formatting.None) + ") returned " + rc);
                }
            }
            else if (Peer != null && Peer.User == user)
            {
                SendToPeer("ack", new JObject { { "ack", ack } }, "ack to " + user);
            }
            else
            {
                errors.Add("cannot ack " + user + ": not logged in any more");
            }
        }

        /// <summary>Hands an envelope to a user's library now, or keeps it until they log in.</summary>
        internal void Deliver(string user, JObject envelope)
        {
            if (user == localUser)
            {
                string json = new JArray(envelope).ToString(Formatting.None);
                string what = "push of " + envelope["kind"] + " to " + user;
                TIMResult rc = TencentIMSDK.IMCoreInboundPush(json, (code, desc, user_data) =>
                {
                    env.Here(what);
                    if (code != 0)
                    {
                        lock (errors)
                        {
                            errors.Add(what + " failed: " + code + " " + desc);
                        }
                    }
                });
                if (rc != TIMResult.TIM_SUCC)
                {
                    errors.Add(what + " returned " + rc);
                }
            }
            else if (Peer != null && Peer.User == user)
            {
                SendToPeer("push", new JObject { { "envelopes", new JArray(envelope) } }, "push to " + user);
            }
            else
            {
                List<JObject> waiting;
                if (!inbox.TryGetValue(user, out waiting))
                {
                    inbox[user] = waiting = new List<JObject>();
                }
                waiting.Add(envelope);
            }
        }

        private void SendToPeer(string cmd, JObject args, string what)
        {
            expectOk[Peer.Send(cmd, args)] = what;
        }

        /// <summary>Ends the peer process (it must exit on its own after Uninit) and reports relay errors.</summary>
        internal void Shutdown(bool check)
        {
            if (Peer != null)
            {
                int id = Peer.Send("exit", null);
                var watch = Stopwatch.StartNew();
                try
                {
                    env.WaitUntil(() => replies.ContainsKey(id), "the peer's Uninit", 10000);
                }
                catch (CheckFailed e)
                {
                    errors.Add(e.Message);
                }
                bool exited = Peer.WaitForExit(10000);
                if (!exited)
                {
                    errors.Add("the peer process did not exit within 10 s of Uninit (killed)");
                }
                else if (Peer.ExitCode != 0)
                {
                    errors.Add("the peer process exited with " + Peer.ExitCode);
                }
                else if (watch.ElapsedMilliseconds > 10000)
                {
                    errors.Add("the peer took " + watch.ElapsedMilliseconds + " ms to exit");
                }
                Pump();
                Peer = null;
            }
            if (check && errors.Count > 0)
            {
                throw Check.Fail("relay errors: " + string.Join("; ", errors.Take(8)));
            }
        }
    }
}
#endif
