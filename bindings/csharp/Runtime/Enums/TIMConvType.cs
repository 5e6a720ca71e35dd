namespace IMCore.Unity.Enums
{
    /// <summary>Conversation type (<c>conv_type</c>, <c>message_conv_type</c>).</summary>
    public enum TIMConvType
    {
        /// <summary>Invalid / unknown conversation type.</summary>
        kTIMConv_Invalid = 0,
        /// <summary>One-to-one conversation; the conversation id is the peer's user id.</summary>
        kTIMConv_C2C = 1,
        /// <summary>Group conversation; the conversation id is the group id.</summary>
        kTIMConv_Group = 2,
        /// <summary>System conversation (deprecated; seen on group-report notices).</summary>
        kTIMConv_System = 3,
    }
}
