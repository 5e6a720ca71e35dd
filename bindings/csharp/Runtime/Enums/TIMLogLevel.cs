namespace IMCore.Unity.Enums
{
    /// <summary>Level of a native log line delivered to <c>LogCallback</c>.</summary>
    public enum TIMLogLevel
    {
        /// <summary>Logging off.</summary>
        kTIMLog_Off = 0,
        /// <summary>Test.</summary>
        kTIMLog_Test = 1,
        /// <summary>Verbose.</summary>
        kTIMLog_Verbose = 2,
        /// <summary>Debug.</summary>
        kTIMLog_Debug = 3,
        /// <summary>Info.</summary>
        kTIMLog_Info = 4,
        /// <summary>Warning.</summary>
        kTIMLog_Warn = 5,
        /// <summary>Error.</summary>
        kTIMLog_Error = 6,
        /// <summary>Assertion.</summary>
        kTIMLog_Assert = 7,
    }
}
