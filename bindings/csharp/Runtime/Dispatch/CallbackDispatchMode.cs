namespace IMCore.Unity
{
    /// <summary>On which thread callbacks reach user code. Set it with <see cref="TencentIMSDK.SetCallbackDispatchMode"/>.</summary>
    public enum CallbackDispatchMode
    {
        /// <summary>
        /// Default: posted to the <see cref="System.Threading.SynchronizationContext"/> that was current when
        /// <c>Init</c> was called (Unity's main thread); with none, invoked on the native callback thread.
        /// </summary>
        Auto = 0,

        /// <summary>
        /// The library queues callbacks (<c>IMCoreSetCallbackMode(1)</c>) and they run inside
        /// <see cref="TencentIMSDK.DispatchCallbacks()"/>, on the thread that calls it (e.g. from a MonoBehaviour's <c>Update</c>).
        /// </summary>
        Pumped = 1,

        /// <summary>Invoked directly on the native callback thread, even when a SynchronizationContext exists.</summary>
        NativeThread = 2,
    }
}
