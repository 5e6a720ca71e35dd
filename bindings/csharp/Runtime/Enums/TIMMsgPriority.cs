namespace IMCore.Unity.Enums
{
    /// <summary>Priority of a message (<c>message_priority</c>).</summary>
    public enum TIMMsgPriority
    {
        /// <summary>High.</summary>
        kTIMMsgPriority_High = 0,
        /// <summary>Normal.</summary>
        kTIMMsgPriority_Normal = 1,
        /// <summary>Low.</summary>
        kTIMMsgPriority_Low = 2,
        /// <summary>Lowest.</summary>
        kTIMMsgPriority_Lowest = 3,
    }
}
