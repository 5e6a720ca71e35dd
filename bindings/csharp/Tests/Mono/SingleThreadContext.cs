#if !UNITY_5_3_OR_NEWER
using System;
using System.Collections.Generic;
using System.Threading;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>
    /// A minimal stand-in for Unity's main-thread SynchronizationContext: <see cref="Post"/> queues,
    /// and the owning thread runs the queue in <see cref="RunPending"/> (Unity does it once a frame).
    /// </summary>
    internal sealed class SingleThreadContext : SynchronizationContext
    {
        private readonly object gate = new object();
        private readonly Queue<KeyValuePair<SendOrPostCallback, object>> queue = new Queue<KeyValuePair<SendOrPostCallback, object>>();
        private int posted;

        internal SingleThreadContext()
        {
            OwnerThread = Thread.CurrentThread.ManagedThreadId;
        }

        internal int OwnerThread { get; private set; }

        /// <summary>How many items were ever posted.</summary>
        internal int Posted
        {
            get { lock (gate) { return posted; } }
        }

        /// <summary>How many items wait to run.</summary>
        internal int Queued
        {
            get { lock (gate) { return queue.Count; } }
        }

        public override void Post(SendOrPostCallback d, object state)
        {
            lock (gate)
            {
                queue.Enqueue(new KeyValuePair<SendOrPostCallback, object>(d, state));
                posted++;
            }
            Env.Notify();
        }

        public override void Send(SendOrPostCallback d, object state)
        {
            if (Thread.CurrentThread.ManagedThreadId != OwnerThread)
            {
                throw new NotSupportedException("Send from another thread");
            }
            d(state);
        }

        public override SynchronizationContext CreateCopy()
        {
            return this;
        }

        /// <summary>Runs everything queued (including what the items post themselves); returns how many ran.</summary>
        internal int RunPending()
        {
            if (Thread.CurrentThread.ManagedThreadId != OwnerThread)
            {
                throw new InvalidOperationException("RunPending from another thread");
            }
            int ran = 0;
            while (true)
            {
                KeyValuePair<SendOrPostCallback, object> item;
                lock (gate)
                {
                    if (queue.Count == 0)
                    {
                        return ran;
                    }
                    item = queue.Dequeue();
                }
                item.Key(item.Value);
                ran++;
            }
        }
    }
}
#endif
