using System;
using IMCore.Unity.Callbacks;
using IMCore.Unity.Enums;
using IMCore.Unity.Native;

namespace IMCore.Unity
{
    // imcore's transport extension: imcore opens no socket; the host moves envelopes between imcore and
    // its server (see the repository's TRANSPORT documentation for the envelope shapes).
    public static partial class TencentIMSDK
    {
        /// <summary>
        /// Hands envelopes that arrived from the server to imcore: a JSON array of objects with a
        /// <c>"kind"</c> (<c>message</c>, <c>receipt</c>, <c>read_position</c>, <c>group_members</c>,
        /// <c>sync</c>, <c>conversation</c>), applied in order.
        /// </summary>
        public static TIMResult IMCoreInboundPush(string json_envelope_array, NullValueCallback callback)
        {
            byte[] json = Utf8.ToNative(json_envelope_array);
            return Invoke("IMCoreInboundPush", Completions.ForNull(callback),
                key => NativeMethods.IMCoreInboundPush(json, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Receives every envelope imcore needs sent to the server, one JSON object per call, on the
        /// dispatch thread. Null removes the callback (imcore then works in loopback mode: sends succeed locally).
        /// </summary>
        public static TIMResult IMCoreSetOutboundCallback(Action<string> callback)
        {
            return SetListener(() =>
            {
                Listeners.Outbound = callback;
                NativeMethods.IMCoreSetOutboundCallback(callback == null ? null : NativeThunks.Outbound, UserDataFor(callback));
            });
        }

        /// <summary>
        /// The server's answer to one outbound envelope: <c>{"envelope_id":…,"code":0,"desc":"",…}</c>. A
        /// non-zero code fails the originating call's callback with that code.
        /// </summary>
        public static TIMResult IMCoreOutboundAck(string json_ack)
        {
            return (TIMResult)NativeMethods.IMCoreOutboundAck(Utf8.ToNative(json_ack));
        }
    }
}
