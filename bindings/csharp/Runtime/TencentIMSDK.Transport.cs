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
            return SetListener(() => Listeners.Outbound = callback, () => Listeners.Outbound,
                current => NativeMethods.IMCoreSetOutboundCallback(current == null ? null : NativeThunks.Outbound, UserDataFor(current)));
        }

        /// <summary>
        /// The server's answer to one outbound envelope: <c>{"envelope_id":…,"code":0,"desc":"",…}</c>. A
        /// non-zero code fails the originating call's callback with that code.
        /// </summary>
        public static TIMResult IMCoreOutboundAck(string json_ack)
        {
            return (TIMResult)NativeMethods.IMCoreOutboundAck(Utf8.ToNative(json_ack));
        }

        /// <summary>The connection state changed; fires <see cref="SetNetworkStatusListenerCallback"/> with code 0 and desc "".</summary>
        public static TIMResult IMCoreSetNetworkStatus(TIMNetworkStatus status)
        {
            return (TIMResult)NativeMethods.IMCoreSetNetworkStatus((int)status);
        }

        /// <summary>The connection state changed, with the code and text the network-status listener receives (e.g. 9508).</summary>
        public static TIMResult IMCoreSetNetworkStatus(TIMNetworkStatus status, int code, string desc)
        {
            return (TIMResult)NativeMethods.IMCoreSetNetworkStatusEx((int)status, code, Utf8.ToNative(desc));
        }

        /// <summary>The server kicked this device (the account logged in elsewhere); fires <see cref="SetKickedOfflineCallback"/>.</summary>
        public static TIMResult IMCoreNotifyKickedOffline()
        {
            return (TIMResult)NativeMethods.IMCoreNotifyKickedOffline();
        }

        /// <summary>The server refused the user sig as expired; fires <see cref="SetUserSigExpiredCallback"/>.</summary>
        public static TIMResult IMCoreNotifyUserSigExpired()
        {
            return (TIMResult)NativeMethods.IMCoreNotifyUserSigExpired();
        }

        /// <summary>
        /// Why the last call made on this thread was refused (a <see cref="TIMResult"/> other than
        /// <c>TIM_SUCC</c>): the function and the parameter or JSON key at fault; "" after a call that succeeded.
        /// </summary>
        public static string IMCoreGetLastError()
        {
            byte[] buffer = Utf8.OutBuffer(1024);
            int length = NativeMethods.IMCoreGetLastError(buffer, (uint)buffer.Length);
            if (length >= buffer.Length)
            {
                buffer = Utf8.OutBuffer(length + 1);
                NativeMethods.IMCoreGetLastError(buffer, (uint)buffer.Length);
            }
            return length < 0 ? string.Empty : Utf8.FromBuffer(buffer);
        }
    }
}
