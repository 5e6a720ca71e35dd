using System;
using System.Text;
using IMCore.Unity.Callbacks;
using IMCore.Unity.Dispatch;
using IMCore.Unity.Enums;
using IMCore.Unity.Json;
using IMCore.Unity.Native;
using IMCore.Unity.Types;

namespace IMCore.Unity
{
    /// <summary>
    /// The IM API, with the method names, parameter order and callback shapes of the TIM Unity SDK, over
    /// imcore's C ABI. Every method returns a <see cref="TIMResult"/>: only <see cref="TIMResult.TIM_SUCC"/>
    /// means its callback will be invoked (once); any other value means it will not. Failures that
    /// happen later arrive in the callback with a non-zero code and a description.
    /// <para>
    /// Callbacks run where <see cref="SetCallbackDispatchMode"/> says: by default on the thread whose
    /// SynchronizationContext was current at <see cref="Init"/> (Unity's main thread), or inside
    /// <see cref="DispatchCallbacks()"/> in pumped mode.
    /// </para>
    /// </summary>
    public static partial class TencentIMSDK
    {
        // Gate guards the managed state (listener slots with their native registration, the mode, the
        // init flag). It is never held while calling a native function that waits for imcore's callback
        // thread (TIMUninit, IMCoreSetCallbackMode, and the listener setters, which wait for a running
        // call of the listener they replace): a callback running on that thread may itself need Gate
        // (e.g. to change a listener), and holding it there would deadlock.
        private static readonly object Gate = new object();
        private static volatile bool initialized;
        private static CallbackDispatchMode requestedMode = CallbackDispatchMode.Auto;

        [ThreadStatic]
        private static bool dispatching;

        /// <summary>
        /// Receives the binding's own diagnostics (unparsable JSON from native code, exceptions thrown by
        /// callbacks). Null (default): Unity's console, or standard error outside Unity.
        /// </summary>
        public static Action<string> BindingLogHandler
        {
            get { return BindingLog.Handler; }
            set { BindingLog.Handler = value; }
        }

        // ================================================================ init / dispatch

        /// <summary>
        /// Initialises the library. Call it on the thread that should receive callbacks (Unity's main
        /// thread): its SynchronizationContext is captured here.
        /// </summary>
        /// <param name="sdk_app_id">Application id.</param>
        /// <param name="config">Data and log folders; null for the defaults.</param>
        public static TIMResult Init(long sdk_app_id, SdkConfig config)
        {
            CallbackDispatchMode mode;
            lock (Gate)
            {
                mode = requestedMode;
                CallbackDispatcher.CaptureContext();
                CallbackDispatcher.Mode = mode;
            }
            // The delivery mode is set before TIMInit (allowed then): in pumped mode no thread is started.
            var modeRc = (TIMResult)NativeMethods.IMCoreSetCallbackMode(NativeModeOf(mode));
            if (modeRc != TIMResult.TIM_SUCC)
            {
                BindingLog.Error("IMCoreSetCallbackMode(" + NativeModeOf(mode) + ") failed with " + modeRc + "; not initialised");
                return modeRc;
            }
            var rc = (TIMResult)NativeMethods.TIMInit((ulong)sdk_app_id, Utf8.ToNative(TIMJson.Serialize(config)));
            if (rc == TIMResult.TIM_SUCC)
            {
                initialized = true;
            }
            return rc;
        }

        /// <summary>
        /// Shuts the library down: unregisters every listener (native setters with NULL), delivers what
        /// pumped mode still holds, then calls <c>TIMUninit</c>, which delivers the results still owed
        /// and stops imcore's thread. Call it before the app quits (and, in the Unity editor, before
        /// leaving play mode). It may be called from a callback.
        /// </summary>
        public static TIMResult Uninit()
        {
            UnregisterAllListeners();
            if (initialized && CallbackDispatcher.Mode == CallbackDispatchMode.Pumped)
            {
                DispatchCallbacks();
            }
            var rc = (TIMResult)NativeMethods.TIMUninit();
            int dropped;
            lock (Gate)
            {
                initialized = false;
                dropped = PendingCalls.Clear();
                CallbackDispatcher.ReleaseContext();
            }
            if (dropped > 0)
            {
                BindingLog.Warning("Uninit: " + dropped + " call(s) had not received their result; their callbacks will not run");
            }
            return rc;
        }

        /// <summary>
        /// Chooses where callbacks run (see <see cref="CallbackDispatchMode"/>). Takes effect at once when
        /// initialised, else at the next <see cref="Init"/>.
        /// </summary>
        public static TIMResult SetCallbackDispatchMode(CallbackDispatchMode mode)
        {
            if (initialized)
            {
                // May wait for imcore's thread to finish its current callback: no lock held here.
                var rc = (TIMResult)NativeMethods.IMCoreSetCallbackMode(NativeModeOf(mode));
                if (rc != TIMResult.TIM_SUCC)
                {
                    return rc;
                }
                CallbackDispatcher.Mode = mode;
            }
            lock (Gate)
            {
                requestedMode = mode;
            }
            return TIMResult.TIM_SUCC;
        }

        /// <summary>The dispatch mode in force (or requested for the next <see cref="Init"/>).</summary>
        public static CallbackDispatchMode GetCallbackDispatchMode()
        {
            return requestedMode;
        }

        /// <summary>
        /// Pumped mode: runs the queued callbacks on the calling thread. Call it every frame, e.g. from a
        /// MonoBehaviour's <c>Update()</c>. Returns how many batches were delivered (0 in other modes,
        /// before <see cref="Init"/>, or when called from inside a callback; negative: a TIM error code).
        /// </summary>
        public static int DispatchCallbacks()
        {
            return DispatchCallbacks(1000);
        }

        /// <summary>Pumped mode: runs at most <paramref name="max_batches"/> queued callback batches on the calling thread.</summary>
        public static int DispatchCallbacks(uint max_batches)
        {
            if (!initialized || dispatching || CallbackDispatcher.Mode != CallbackDispatchMode.Pumped || max_batches == 0)
            {
                return 0;
            }
            dispatching = true;
            try
            {
                return NativeMethods.IMCorePollCallbacks(max_batches);
            }
            finally
            {
                dispatching = false;
            }
        }

        // ================================================================ login / info

        /// <summary>Logs in <paramref name="user_id"/> with its signature.</summary>
        public static TIMResult Login(string user_id, string user_sig, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(user_id);
            byte[] sig = Utf8.ToNative(user_sig);
            return Invoke("Login", Completions.ForNull(callback),
                key => NativeMethods.TIMLogin(id, sig, NativeThunks.CommResult, key));
        }

        /// <summary>Logs out the current user.</summary>
        public static TIMResult Logout(NullValueCallback callback)
        {
            return Invoke("Logout", Completions.ForNull(callback),
                key => NativeMethods.TIMLogout(NativeThunks.CommResult, key));
        }

        /// <summary>Writes the logged-in user's id into <paramref name="user_id"/> (cleared first).</summary>
        public static TIMResult GetLoginUserID(StringBuilder user_id)
        {
            byte[] buffer = Utf8.OutBuffer(256);
            var rc = (TIMResult)NativeMethods.TIMGetLoginUserID(buffer);
            if (user_id != null)
            {
                user_id.Length = 0;
                if (rc == TIMResult.TIM_SUCC)
                {
                    user_id.Append(Utf8.FromBuffer(buffer));
                }
            }
            return rc;
        }

        /// <summary>The logged-in user's id, or <c>""</c> when nobody is logged in.</summary>
        public static string GetLoginUserID()
        {
            var id = new StringBuilder(128);
            return GetLoginUserID(id) == TIMResult.TIM_SUCC ? id.ToString() : string.Empty;
        }

        /// <summary>Login state.</summary>
        public static TIMLoginStatus GetLoginStatus()
        {
            return (TIMLoginStatus)NativeMethods.TIMGetLoginStatus();
        }

        /// <summary>Version string of the native library.</summary>
        public static string GetSDKVersion()
        {
            return Utf8.FromNative(NativeMethods.TIMGetSDKVersion());
        }

        /// <summary>Server time, UTC seconds (local clock when no server time is known).</summary>
        public static long GetServerTime()
        {
            return (long)NativeMethods.TIMGetServerTime();
        }

        /// <summary>Sets configuration (<c>TIMSetConfig</c> JSON); the callback gets the resulting configuration JSON.</summary>
        public static TIMResult SetConfig(string json_config, ValueCallback<string> callback)
        {
            byte[] json = Utf8.ToNative(json_config);
            return Invoke("SetConfig", Completions.ForRaw(callback),
                key => NativeMethods.TIMSetConfig(json, NativeThunks.CommResult, key));
        }

        /// <summary>Calls <c>callExperimentalAPI</c> with a raw JSON request; the callback gets the raw JSON result.</summary>
        public static TIMResult CallExperimentalAPI(string json_param, ValueCallback<string> callback)
        {
            byte[] json = Utf8.ToNative(json_param);
            return Invoke("CallExperimentalAPI", Completions.ForRaw(callback),
                key => NativeMethods.callExperimentalAPI(json, NativeThunks.CommResult, key));
        }

        // ================================================================ helpers

        /// <summary>
        /// Registers <paramref name="completion"/> under a fresh <c>user_data</c> key, runs the native call
        /// and drops the registration again when the call is not accepted (or throws).
        /// </summary>
        private static TIMResult Invoke(string api, object completion, Func<IntPtr, int> call)
        {
            IntPtr key = PendingCalls.Register(api, completion);
            int rc;
            try
            {
                rc = call(key);
            }
            catch
            {
                PendingCalls.Cancel(key);
                throw;
            }
            if (rc != 0)
            {
                PendingCalls.Cancel(key);
            }
            return (TIMResult)rc;
        }

        private static int NativeModeOf(CallbackDispatchMode mode)
        {
            return mode == CallbackDispatchMode.Pumped ? 1 : 0;
        }
    }
}
