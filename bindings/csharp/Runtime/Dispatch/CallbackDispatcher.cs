using System;
using System.Threading;

namespace IMCore.Unity.Dispatch
{
    /// <summary>
    /// Runs callback work on the thread the current <see cref="CallbackDispatchMode"/> asks for, and
    /// keeps exceptions thrown by user code from ever unwinding into native frames.
    /// </summary>
    internal static class CallbackDispatcher
    {
        private static readonly SendOrPostCallback RunPosted = state => Run((Action)state);
        private static SynchronizationContext context;
        private static int mode;  // CallbackDispatchMode, read from native threads

        internal static CallbackDispatchMode Mode
        {
            get { return (CallbackDispatchMode)Volatile.Read(ref mode); }
            set { Volatile.Write(ref mode, (int)value); }
        }

        /// <summary>Remembers the caller's SynchronizationContext (called by <c>Init</c>).</summary>
        internal static void CaptureContext()
        {
            Volatile.Write(ref context, SynchronizationContext.Current);
        }

        /// <summary>Forgets the captured context (called by <c>Uninit</c>).</summary>
        internal static void ReleaseContext()
        {
            Volatile.Write(ref context, null);
        }

        /// <summary>Delivers <paramref name="work"/> per the dispatch mode. Never throws.</summary>
        internal static void Post(Action work)
        {
            SynchronizationContext target = Volatile.Read(ref context);
            if (Mode == CallbackDispatchMode.Auto && target != null)
            {
                try
                {
                    target.Post(RunPosted, work);
                    return;
                }
                catch (Exception e)
                {
                    BindingLog.Error("cannot post a callback to the SynchronizationContext, running it here: " + e);
                }
            }
            Run(work);
        }

        private static void Run(Action work)
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                BindingLog.Error("a callback threw: " + e);
            }
        }
    }
}
