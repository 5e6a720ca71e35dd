// The boundary benchmark of the C# package (issue 18): what a Unity app pays for the main
// operations through TencentIMSDK under Mono, deserialisation included, with 100,000
// conversations in the store; each beside floors measured in the same run (the raw P/Invoke of
// the same C function, an empty P/Invoke, Newtonsoft alone on the same JSON, the UTF-8 copy).
// Prints Markdown tables; asserts no time. Short mode by default; IMCORE_BOUNDARY_FULL=1 for
// the full sample counts. Built by bench/build.sh, run by scripts/suites/boundary-bench.sh.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using IMCore.Unity;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using Newtonsoft.Json;

namespace IMCore.Unity.Bench
{
    internal static class Raw
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void Comm(int code, IntPtr desc, IntPtr json, IntPtr user_data);

        [DllImport("imcore", CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMGetLoginStatus();

        [DllImport("imcore", CallingConvention = CallingConvention.Cdecl)]
        internal static extern int IMCorePollCallbacks(uint max_batches);

        [DllImport("imcore", CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvGetTotalUnreadMessageCount(Comm cb, IntPtr user_data);

        [DllImport("imcore", CallingConvention = CallingConvention.Cdecl)]
        internal static extern int TIMConvGetConversationListByFilter(byte[] filter, ulong next_seq, uint count, Comm cb, IntPtr user_data);
    }

    internal static class Program
    {
        private const int Convs = 100000;
        private static bool full;

        // What the callbacks record: the stamp when the app's code got control, and a count.
        private static long resultAt, newMsgAt, totalAt;
        private static int results, newMsgs, totals;
        private static string rawJson;

        private static readonly Raw.Comm RawResult = OnRawResult;

        private static unsafe void OnRawResult(int code, IntPtr desc, IntPtr json, IntPtr user_data)
        {
            Volatile.Write(ref resultAt, Stopwatch.GetTimestamp());
            // The same copy the package makes, with a fast length scan.
            byte* p = (byte*)json;
            int n = 0;
            while (p[n] != 0)
            {
                n++;
            }
            rawJson = Encoding.UTF8.GetString(p, n);
            Interlocked.Increment(ref results);
        }

        private static double Us(long ticks)
        {
            return ticks * 1e6 / Stopwatch.Frequency;
        }

        private static long[] Summary(List<long> samples)
        {
            var v = samples.ToArray();
            Array.Sort(v);
            return new[] { v[(int)Math.Round((v.Length - 1) * 0.5)], v[(int)Math.Round((v.Length - 1) * 0.99)], v[v.Length - 1], v.Length };
        }

        private static string F(double us)
        {
            return us < 10 ? us.ToString("0.00") : us < 1000 ? us.ToString("0.0") : us.ToString("0");
        }

        private static void Header(string title)
        {
            Console.WriteLine();
            Console.WriteLine(title);
            Console.WriteLine();
            Console.WriteLine("| measure | samples | p50 µs | p99 µs | max µs | floor | floor p50 µs | floor p99 µs | p50 / floor p50 |");
            Console.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|---:|");
        }

        private static void Row(string what, List<long> s, string floorName, List<long> f)
        {
            var a = Summary(s);
            var b = Summary(f);
            Console.WriteLine("| " + what + " | " + a[3] + " | " + F(Us(a[0])) + " | " + F(Us(a[1])) + " | " + F(Us(a[2])) + " | " + floorName
                + " | " + F(Us(b[0])) + " | " + F(Us(b[1])) + " | " + (b[0] > 0 ? ((double)a[0] / b[0]).ToString("0.00") + "×" : "–") + " |");
        }

        /// <summary>Waits until <paramref name="counter"/> reaches <paramref name="target"/>, pumping in pumped mode.</summary>
        private static void Wait(ref int counter, int target, bool pumped)
        {
            var sw = Stopwatch.StartNew();
            int spins = 0;
            while (Volatile.Read(ref counter) < target)
            {
                if (pumped)
                {
                    TencentIMSDK.DispatchCallbacks();
                }
                else if (++spins > 2000)
                {
                    Thread.Yield();
                }
                if (sw.ElapsedMilliseconds > 120000)
                {
                    throw new Exception("a callback did not arrive within 120 s");
                }
            }
        }

        private static void Check(TIMResult r, string what)
        {
            if (r != TIMResult.TIM_SUCC)
            {
                throw new Exception(what + " returned " + r + ": " + TencentIMSDK.IMCoreGetLastError());
            }
        }

        private static string MessageJson(int conv, long time, int n)
        {
            string peer = "user_" + conv.ToString("D7");
            return "{\"message_msg_id\":\"144115200" + conv.ToString("D9") + "-" + time + "-" + n + "\",\"message_conv_id\":\"" + peer
                + "\",\"message_conv_type\":1,\"message_sender\":\"" + peer + "\",\"message_server_time\":" + time
                + ",\"message_seq\":0,\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"hello meeting tomorrow the report lunch ok see you at price ship deploy coffee thanks photo call later great idea weekend train\"}],"
                + "\"message_cloud_custom_data\":\"\",\"message_priority\":2,\"message_random\":" + n + "}";
        }

        private static string Push(IEnumerable<string> messages)
        {
            var sb = new StringBuilder("[");
            foreach (var m in messages)
            {
                if (sb.Length > 1)
                {
                    sb.Append(',');
                }
                sb.Append("{\"kind\":\"message\",\"message\":").Append(m).Append('}');
            }
            return sb.Append(']').ToString();
        }

        private static int Main()
        {
            full = Environment.GetEnvironmentVariable("IMCORE_BOUNDARY_FULL") == "1";
            int small = full ? 10000 : 1000, pages = full ? 1000 : 200, live = full ? 2000 : 300;
            // A store made by `boundary_bench --store-only` (fast), else built here through pushes.
            string store = Environment.GetEnvironmentVariable("IMCORE_BOUNDARY_STORE");
            string dir = string.IsNullOrEmpty(store) ? Path.Combine(Path.GetTempPath(), "imcore-boundary-cs-" + Process.GetCurrentProcess().Id) : store;
            Console.WriteLine("C# (Mono " + Type.GetType("Mono.Runtime").GetMethod("GetDisplayName", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static).Invoke(null, null)
                + "): " + (full ? "full" : "short") + " mode, " + Convs + " conversations, load average " + LoadAverage());

            TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.NativeThread);
            Check(TencentIMSDK.Init(1400000000, new SdkConfig { sdk_config_config_file_path = dir }), "Init");
            TencentIMSDK.AddRecvNewMsgCallback((msgs, ud) =>
            {
                Volatile.Write(ref newMsgAt, Stopwatch.GetTimestamp());
                Interlocked.Increment(ref newMsgs);
            });
            TencentIMSDK.SetConvTotalUnreadMessageCountChangedCallback((total, ud) =>
            {
                Volatile.Write(ref totalAt, Stopwatch.GetTimestamp());
                Interlocked.Increment(ref totals);
            });
            int target = results + 1;
            Check(TencentIMSDK.Login("bench_user", "", (c, d, u) => Interlocked.Increment(ref results)), "Login");
            Wait(ref results, target, false);

            // The store: one message in each of 100,000 conversations, pushed 1,000 at a time.
            var sw = Stopwatch.StartNew();
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            long baseTime = now - 3 * 86400;
            for (int c = 0; string.IsNullOrEmpty(store) && c < Convs; c += 1000)
            {
                var batch = new List<string>();
                for (int i = c; i < c + 1000; i++)
                {
                    batch.Add(MessageJson(i, baseTime + i / 8, i));
                }
                target = results + 1;
                Check(TencentIMSDK.IMCoreInboundPush(Push(batch), (code, d, u) => Interlocked.Increment(ref results)), "IMCoreInboundPush");
                Wait(ref results, target, false);
            }
            Console.WriteLine(string.IsNullOrEmpty(store) ? "store built through IMCoreInboundPush in " + sw.Elapsed.TotalSeconds.ToString("0.0") + " s" : "store: " + store);

            // ---- floors
            var emptyCall = new List<long>();
            for (int i = 0; i < small; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Raw.TIMGetLoginStatus();
                emptyCall.Add(Stopwatch.GetTimestamp() - t0);
            }

            // ---- total, NativeThread mode (callbacks on imcore's thread)
            var pkgTotal = new List<long>();
            var rawTotal = new List<long>();
            for (int i = 0; i < small + 200; i++)
            {
                target = results + 1;
                long t0 = Stopwatch.GetTimestamp();
                Check(TencentIMSDK.ConvGetTotalUnreadMessageCount((c, d, data, u) =>
                {
                    Volatile.Write(ref resultAt, Stopwatch.GetTimestamp());
                    Interlocked.Increment(ref results);
                }), "ConvGetTotalUnreadMessageCount");
                Wait(ref results, target, false);
                if (i >= 200)
                {
                    pkgTotal.Add(resultAt - t0);
                }
                target = results + 1;
                t0 = Stopwatch.GetTimestamp();
                Raw.TIMConvGetTotalUnreadMessageCount(RawResult, IntPtr.Zero);
                Wait(ref results, target, false);
                if (i >= 200)
                {
                    rawTotal.Add(resultAt - t0);
                }
            }

            // ---- a page of 100, NativeThread mode
            var pkgPage = new List<long>();
            var rawPage = new List<long>();
            var deser = new List<long>();
            var copySlow = new List<long>();
            ulong seq = 0;
            int convsSeen = 0;
            var settings = new JsonSerializerSettings
            {
                NullValueHandling = NullValueHandling.Ignore,
                MissingMemberHandling = MissingMemberHandling.Ignore,
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
            };
            for (int i = 0; i < pages; i++)
            {
                ConversationListResult page = null;
                target = results + 1;
                long t0 = Stopwatch.GetTimestamp();
                Check(TencentIMSDK.ConvGetConversationListByFilter(null, seq, 100, (c, d, data, u) =>
                {
                    Volatile.Write(ref resultAt, Stopwatch.GetTimestamp());
                    page = data;
                    Interlocked.Increment(ref results);
                }), "ConvGetConversationListByFilter");
                Wait(ref results, target, false);
                pkgPage.Add(resultAt - t0);
                convsSeen += page.conversation_list_result_conv_list.Count;

                target = results + 1;
                t0 = Stopwatch.GetTimestamp();
                Raw.TIMConvGetConversationListByFilter(null, seq, 100, RawResult, IntPtr.Zero);
                Wait(ref results, target, false);
                rawPage.Add(resultAt - t0);

                t0 = Stopwatch.GetTimestamp();
                var parsed = JsonConvert.DeserializeObject<ConversationListResult>(rawJson, settings);
                deser.Add(Stopwatch.GetTimestamp() - t0);
                GC.KeepAlive(parsed);

                // The package's copy of a native string: Marshal.ReadByte per byte to find its end.
                byte[] utf8 = Encoding.UTF8.GetBytes(rawJson + "\0");
                IntPtr native = Marshal.AllocHGlobal(utf8.Length);
                Marshal.Copy(utf8, 0, native, utf8.Length);
                t0 = Stopwatch.GetTimestamp();
                int len = 0;
                while (Marshal.ReadByte(native, len) != 0)
                {
                    len++;
                }
                var bytes = new byte[len];
                Marshal.Copy(native, bytes, 0, len);
                string copy = Encoding.UTF8.GetString(bytes);
                copySlow.Add(Stopwatch.GetTimestamp() - t0);
                Marshal.FreeHGlobal(native);
                GC.KeepAlive(copy);

                seq = page.conversation_list_result_next_seq;
                if (page.conversation_list_result_is_finished)
                {
                    seq = 0;
                }
            }
            int pageBytes = Encoding.UTF8.GetByteCount(rawJson);

            // ---- one live message, NativeThread mode
            int n = 0;
            var rng = new Random(5);
            Func<string> nextLive = () =>
            {
                n++;
                return Push(new[] { MessageJson(RandomC2c(rng), now - 86400 + n / 8, 1000000 + n) });
            };
            var liveThread = LiveSamples(live, nextLive, false);
            var liveDeser = new List<long>();
            for (int i = 0; i < live; i++)
            {
                string arr = "[" + MessageJson(RandomC2c(rng), now, i) + "]";
                long t0 = Stopwatch.GetTimestamp();
                var msgs = JsonConvert.DeserializeObject<List<Message>>(arr, settings);
                liveDeser.Add(Stopwatch.GetTimestamp() - t0);
                GC.KeepAlive(msgs);
            }

            // ---- pumped mode: total and live
            Check(TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.Pumped), "SetCallbackDispatchMode");
            var pumpedTotal = new List<long>();
            for (int i = 0; i < small + 200; i++)
            {
                target = results + 1;
                long t0 = Stopwatch.GetTimestamp();
                Check(TencentIMSDK.ConvGetTotalUnreadMessageCount((c, d, data, u) =>
                {
                    Volatile.Write(ref resultAt, Stopwatch.GetTimestamp());
                    Interlocked.Increment(ref results);
                }), "ConvGetTotalUnreadMessageCount");
                Wait(ref results, target, true);
                if (i >= 200)
                {
                    pumpedTotal.Add(resultAt - t0);
                }
            }
            // The same C call raw in pumped mode: the call, then IMCorePollCallbacks(0).
            var rawPumpedTotal = new List<long>();
            for (int i = 0; i < small + 200; i++)
            {
                target = results + 1;
                long t0 = Stopwatch.GetTimestamp();
                Raw.TIMConvGetTotalUnreadMessageCount(RawResult, IntPtr.Zero);
                while (Volatile.Read(ref results) < target)
                {
                    Raw.IMCorePollCallbacks(0);
                }
                if (i >= 200)
                {
                    rawPumpedTotal.Add(resultAt - t0);
                }
            }
            var livePumped = LiveSamples(live, nextLive, true);
            Check(TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.NativeThread), "SetCallbackDispatchMode");

            Header("#### C# package (Mono), " + Convs + " conversations: call → the app's callback, deserialised");
            Row("total: `ConvGetTotalUnreadMessageCount` (NativeThread mode)", pkgTotal, "raw P/Invoke of the C call", rawTotal);
            Row("  floor: raw P/Invoke of the C call (thread mode, UTF-8 copy)", rawTotal, "empty P/Invoke (`TIMGetLoginStatus`)", emptyCall);
            Row("total, pumped (`DispatchCallbacks()` after the call)", pumpedTotal, "raw P/Invoke, pumped", rawPumpedTotal);
            Row("  floor: raw P/Invoke of the C call, then `IMCorePollCallbacks(0)`", rawPumpedTotal, "empty P/Invoke (`TIMGetLoginStatus`)", emptyCall);
            Row("page of 100: `ConvGetConversationListByFilter` → `ConversationListResult` (" + pageBytes + " B)", pkgPage, "raw P/Invoke of the C call", rawPage);
            Row("  part: Newtonsoft deserialises the page alone", deser, "raw P/Invoke of the C call", rawPage);
            Row("  part: the package's UTF-8 copy of the page (`Marshal.ReadByte` scan)", copySlow, "raw P/Invoke of the C call", rawPage);
            Row("live message → `RecvNewMsg` (List<Message>) and total listeners (NativeThread)", liveThread, "Newtonsoft deserialises the message alone", liveDeser);
            Row("live message, pumped", livePumped, "Newtonsoft deserialises the message alone", liveDeser);
            Console.WriteLine();
            Console.WriteLine("(" + convsSeen + " conversations deserialised through the package; load average " + LoadAverage() + " at the end)");

            TencentIMSDK.Uninit();
            if (string.IsNullOrEmpty(store))
            {
                try
                {
                    Directory.Delete(dir, true);
                }
                catch (IOException)
                {
                }
            }
            Console.WriteLine("csharp-bench: 1 passed, 0 failed");
            return 0;
        }

        private static string LoadAverage()
        {
            var f = File.ReadAllText("/proc/loadavg").Split(' ');
            return f[0] + " " + f[1] + " " + f[2];
        }

        /// <summary>A random C2C conversation of the store (every tenth of the Rust bench's store is a group).</summary>
        private static int RandomC2c(Random rng)
        {
            int c = rng.Next(Convs);
            return c % 10 == 9 ? c - 1 : c;
        }

        private static List<long> LiveSamples(int count, Func<string> next, bool pumped)
        {
            var s = new List<long>();
            for (int i = 0; i < count + 50; i++)
            {
                string text = next();
                int nm = newMsgs + 1, tt = totals + 1, rs = results + 1;
                long t0 = Stopwatch.GetTimestamp();
                Check(TencentIMSDK.IMCoreInboundPush(text, (c, d, u) => Interlocked.Increment(ref results)), "IMCoreInboundPush");
                Wait(ref newMsgs, nm, pumped);
                Wait(ref totals, tt, pumped);
                long at = Math.Max(Volatile.Read(ref newMsgAt), Volatile.Read(ref totalAt));
                Wait(ref results, rs, pumped);
                if (i >= 50)
                {
                    s.Add(at - t0);
                }
            }
            return s;
        }
    }
}
