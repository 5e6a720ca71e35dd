#if !UNITY_5_3_OR_NEWER
using System.Collections.Generic;
using System.Linq;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using Newtonsoft.Json.Linq;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>The transport extension's notifications and IMCoreGetLastError.</summary>
    internal static class ExtensionTests
    {
        internal static void Register(List<TestCase> tests)
        {
            tests.Add(new TestCase("transport: network status, kicked offline, sig expired reach their listeners", Notifications));
            tests.Add(new TestCase("transport: a refused pin envelope is reported to the experimental listener and undone", RefusedPin));
            tests.Add(new TestCase("IMCoreGetLastError names the refused call and the bad parameter", LastError));
        }

        private static void Notifications()
        {
            using (var env = Env.Start("notifications", Delivery.Context))
            {
                var statuses = new List<string>();
                int kicked = 0, expired = 0;
                TencentIMSDK.SetNetworkStatusListenerCallback((status, code, desc, user_data) =>
                {
                    env.Here("network status");
                    statuses.Add(status + "/" + code + "/" + desc + "/" + user_data);
                });
                TencentIMSDK.SetKickedOfflineCallback(user_data => { env.Here("kicked"); kicked++; });
                TencentIMSDK.SetUserSigExpiredCallback(user_data => { env.Here("sig expired"); expired++; });

                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.IMCoreSetNetworkStatus(TIMNetworkStatus.kTIMConnecting), "IMCoreSetNetworkStatus");
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.IMCoreSetNetworkStatus(TIMNetworkStatus.kTIMDisconnected, 9508, "网络断开 📡"), "IMCoreSetNetworkStatus with code");
                Check.Equal(TIMResult.TIM_ERR_PARAM, TencentIMSDK.IMCoreSetNetworkStatus((TIMNetworkStatus)7), "a status out of range");
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.IMCoreNotifyKickedOffline(), "IMCoreNotifyKickedOffline");
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.IMCoreNotifyUserSigExpired(), "IMCoreNotifyUserSigExpired");
                env.WaitUntil(() => statuses.Count == 2 && kicked == 1 && expired == 1, "the three listeners");
                Check.Sequence(new[]
                {
                    "kTIMConnecting/0//SetNetworkStatusListenerCallback",
                    "kTIMDisconnected/9508/网络断开 📡/SetNetworkStatusListenerCallback",
                }, statuses, "network status callbacks");

                TencentIMSDK.SetNetworkStatusListenerCallback(null);
                TencentIMSDK.IMCoreSetNetworkStatus(TIMNetworkStatus.kTIMConnected);
                env.Settle(50);
                Check.Equal(2, statuses.Count, "no callback after the listener was removed");
            }
        }

        private static void RefusedPin()
        {
            using (var env = Env.Start("refused-pin", Delivery.Context))
            {
                env.ListenAll();
                var envelopes = new List<JObject>();
                var notes = new List<string>();
                TencentIMSDK.IMCoreSetOutboundCallback(json =>
                {
                    env.Here("outbound");
                    envelopes.Add(JObject.Parse(json));
                });
                TencentIMSDK.SetExperimentalNotifyCallback((key, data, user_data) =>
                {
                    env.Here("experimental notify");
                    notes.Add(key + " " + data);
                });
                env.Login("alice");
                env.Push(Envelopes.C2C("bob", Envelopes.Now(), "hi"));
                // With a transport the pin completes when the server answers its envelope.
                var pinCall = env.BeginNull("ConvPinConversation", cb => TencentIMSDK.ConvPinConversation("bob", TIMConvType.kTIMConv_C2C, true, cb));
                env.WaitUntil(() => envelopes.Any(e => (string)e["kind"] == "pin"), "the pin envelope");
                env.Settle(50);
                Check.Equal(false, pinCall.Done, "the pin call waits for the server's answer");
                JObject pin = envelopes.Single(e => (string)e["kind"] == "pin");
                Check.Equal("bob", (string)pin["conv_id"], "pin envelope conv_id");
                Check.Equal(true, (bool)pin["is_pinned"], "pin envelope is_pinned");
                Check.Equal(true, env.Rec.LastReported("bob", TIMConvType.kTIMConv_C2C).conv_is_pinned, "pinned locally at once");

                var ack = new JObject { { "envelope_id", pin["envelope_id"] }, { "code", 10007 }, { "desc", "no permission" } };
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.IMCoreOutboundAck(ack.ToString()), "IMCoreOutboundAck");
                env.Wait("ConvPinConversation", pinCall);
                Check.Equal(10007, pinCall.Code, "the refused pin fails the call with the ack's code");
                Check.Equal("no permission", pinCall.Desc, "and its desc");
                env.WaitUntil(() => notes.Count > 0, "the experimental notification");
                Check.True(notes[0].StartsWith("imcore_outbound_failed ", System.StringComparison.Ordinal), "key imcore_outbound_failed (got \"" + notes[0] + "\")");
                JObject reported = JObject.Parse(notes[0].Substring("imcore_outbound_failed ".Length));
                Check.Equal(10007, (int)reported["code"], "the ack's code in the data");
                env.WaitUntil(() => env.Rec.LastReported("bob", TIMConvType.kTIMConv_C2C).conv_is_pinned == false, "an Update event unpinning bob");
                var info = env.Call<List<ConvInfo>>("ConvGetConvList", TencentIMSDK.ConvGetConvList).Single();
                Check.Equal(false, info.conv_is_pinned, "the refused pin is undone");
            }
        }

        private static void LastError()
        {
            using (var env = Env.Start("last-error", Delivery.Direct))
            {
                env.Login("alice");
                Check.Equal(TIMResult.TIM_ERR_CONV, TencentIMSDK.ConvCleanConversationUnreadMessageCount("bogus_x", 0, 0, null), "a malformed id");
                string error = TencentIMSDK.IMCoreGetLastError();
                Check.True(error.Contains("TIMConvCleanConversationUnreadMessageCount") && error.Contains("conversation_id"),
                    "the error names the function and the parameter (got \"" + error + "\")");
                Check.Equal(TIMResult.TIM_ERR_JSON, TencentIMSDK.IMCoreInboundPush("[{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"m\",\"message_conv_id\":\"群\",\"message_conv_type\":1,\"message_sender\":7}}]", null),
                    "an envelope with a number for message_sender");
                error = TencentIMSDK.IMCoreGetLastError();
                Check.True(error.Contains("message_sender"), "the error names the key (got \"" + error + "\")");
                env.Call<List<ConvInfo>>("ConvGetConvList", TencentIMSDK.ConvGetConvList);
                Check.Equal(TIMResult.TIM_SUCC, TencentIMSDK.ConvGetConvList(null), "an accepted call");
                Check.Equal(string.Empty, TencentIMSDK.IMCoreGetLastError(), "no error after an accepted call");
            }
        }
    }
}
#endif
