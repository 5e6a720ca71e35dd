namespace IMCore.Unity.Enums
{
    /// <summary>Kind of a conversation event delivered to <c>ConvEventCallback</c>.</summary>
    public enum TIMConvEvent
    {
        /// <summary>New conversations appeared.</summary>
        kTIMConvEvent_Add = 0,
        /// <summary>Conversations were deleted.</summary>
        kTIMConvEvent_Del = 1,
        /// <summary>Existing conversations changed (new message, unread count, pin, ...).</summary>
        kTIMConvEvent_Update = 2,
        /// <summary>Server synchronisation started; the conversation list is empty.</summary>
        kTIMConvEvent_Start = 3,
        /// <summary>Server synchronisation finished; the conversation list is empty.</summary>
        kTIMConvEvent_Finish = 4,
    }
}
