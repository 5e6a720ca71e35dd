namespace IMCore.Unity.Enums
{
    /// <summary>Connection state reported to <c>NetworkStatusListenerCallback</c>.</summary>
    public enum TIMNetworkStatus
    {
        /// <summary>Connected.</summary>
        kTIMConnected = 0,
        /// <summary>Disconnected.</summary>
        kTIMDisconnected = 1,
        /// <summary>Connecting.</summary>
        kTIMConnecting = 2,
        /// <summary>Connection attempt failed.</summary>
        kTIMConnectFailed = 3,
    }
}
