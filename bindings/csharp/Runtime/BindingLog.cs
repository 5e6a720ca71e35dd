using System;

namespace IMCore.Unity
{
    /// <summary>Where the binding reports its own problems (bad JSON from native, exceptions in user callbacks).</summary>
    internal static class BindingLog
    {
        /// <summary>Set through <see cref="TencentIMSDK.BindingLogHandler"/>; null = Unity console / stderr.</summary>
        internal static volatile Action<string> Handler;

        internal static void Error(string message)
        {
            Write("error", message);
        }

        internal static void Warning(string message)
        {
            Write("warning", message);
        }

        private static void Write(string level, string message)
        {
            string line = "[imcore.unity] " + level + ": " + message;
            Action<string> handler = Handler;
            if (handler != null)
            {
                try
                {
                    handler(line);
                    return;
                }
                catch (Exception)
                {
                    // fall through to the default sink
                }
            }
#if UNITY_5_3_OR_NEWER
            if (level == "error")
            {
                UnityEngine.Debug.LogError(line);
            }
            else
            {
                UnityEngine.Debug.LogWarning(line);
            }
#else
            Console.Error.WriteLine(line);
#endif
        }
    }
}
