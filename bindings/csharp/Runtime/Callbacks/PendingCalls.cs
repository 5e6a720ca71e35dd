using System;
using System.Collections.Generic;

namespace IMCore.Unity.Callbacks
{
    /// <summary>
    /// One-shot callbacks waiting for their native result. Each accepted call gets a fresh integer key
    /// that travels through native code as <c>user_data</c>; the entry is removed at its (single)
    /// delivery, or at once when the call is not accepted. Thread-safe: native threads take entries
    /// while user threads add them.
    /// </summary>
    internal static class PendingCalls
    {
        private sealed class Entry
        {
            internal string UserData;
            internal object Handler;
        }

        private static readonly object Gate = new object();
        private static readonly Dictionary<int, Entry> Entries = new Dictionary<int, Entry>();
        private static int lastKey;

        /// <summary>Number of calls still waiting for their result.</summary>
        internal static int Count
        {
            get { lock (Gate) { return Entries.Count; } }
        }

        /// <summary>
        /// Stores <paramref name="handler"/> (a <see cref="CommCompletion"/> or <see cref="ReadMembersCompletion"/>)
        /// and returns the <c>user_data</c> key to hand to native code.
        /// </summary>
        internal static IntPtr Register(string api, object handler)
        {
            lock (Gate)
            {
                int key;
                do
                {
                    // Positive, never 0, unique among waiting calls; fits a pointer on 32-bit targets too.
                    lastKey = lastKey == int.MaxValue ? 1 : lastKey + 1;
                    key = lastKey;
                }
                while (Entries.ContainsKey(key));
                Entries.Add(key, new Entry { UserData = api + "_" + key, Handler = handler });
                return new IntPtr(key);
            }
        }

        /// <summary>Removes and returns the entry for <paramref name="user_data"/>; false when unknown or already delivered.</summary>
        internal static bool TryTake(IntPtr user_data, out string userData, out object handler)
        {
            long raw = user_data.ToInt64();
            lock (Gate)
            {
                Entry entry;
                if (raw > 0 && raw <= int.MaxValue && Entries.TryGetValue((int)raw, out entry))
                {
                    Entries.Remove((int)raw);
                    userData = entry.UserData;
                    handler = entry.Handler;
                    return true;
                }
            }
            userData = null;
            handler = null;
            return false;
        }

        /// <summary>Drops the entry of a call that native code did not accept.</summary>
        internal static void Cancel(IntPtr user_data)
        {
            string ignoredName;
            object ignoredHandler;
            TryTake(user_data, out ignoredName, out ignoredHandler);
        }

        /// <summary>Drops every waiting entry (after <c>TIMUninit</c>); returns how many there were.</summary>
        internal static int Clear()
        {
            lock (Gate)
            {
                int count = Entries.Count;
                Entries.Clear();
                return count;
            }
        }
    }
}
