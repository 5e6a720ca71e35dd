using System;
using System.Runtime.InteropServices;
using System.Text;

namespace IMCore.Unity.Native
{
    /// <summary>
    /// Explicit UTF-8 conversion for every string that crosses the C ABI. The default P/Invoke string
    /// marshalling is "ANSI", which is not UTF-8 on Windows, so it is never used.
    /// </summary>
    internal static class Utf8
    {
        private static readonly UTF8Encoding Encoding = new UTF8Encoding(false, false);

        /// <summary>
        /// A NUL-terminated UTF-8 copy of <paramref name="value"/> for a <c>const char*</c> parameter,
        /// or <c>null</c> (a NULL pointer) when <paramref name="value"/> is <c>null</c>. The array is
        /// pinned only for the duration of the call: native code must copy what it keeps.
        /// </summary>
        internal static byte[] ToNative(string value)
        {
            if (value == null)
            {
                return null;
            }
            int length = Encoding.GetByteCount(value);
            var bytes = new byte[length + 1];
            Encoding.GetBytes(value, 0, value.Length, bytes, 0);
            return bytes;
        }

        /// <summary>
        /// Reads a NUL-terminated UTF-8 string owned by native code. A NULL pointer gives <c>""</c>.
        /// Call it before the native call that handed out the pointer returns.
        /// </summary>
        internal static string FromNative(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
            {
                return string.Empty;
            }
            int length = 0;
            while (Marshal.ReadByte(pointer, length) != 0)
            {
                length++;
            }
            if (length == 0)
            {
                return string.Empty;
            }
            var bytes = new byte[length];
            Marshal.Copy(pointer, bytes, 0, length);
            return Encoding.GetString(bytes);
        }

        /// <summary>A zeroed buffer for a <c>char*</c> out-parameter of <paramref name="capacity"/> bytes.</summary>
        internal static byte[] OutBuffer(int capacity)
        {
            return new byte[capacity];
        }

        /// <summary>Decodes the NUL-terminated UTF-8 string that native code wrote into <paramref name="buffer"/>.</summary>
        internal static string FromBuffer(byte[] buffer)
        {
            if (buffer == null)
            {
                return string.Empty;
            }
            int length = Array.IndexOf(buffer, (byte)0);
            if (length < 0)
            {
                length = buffer.Length;
            }
            return Encoding.GetString(buffer, 0, length);
        }
    }
}
