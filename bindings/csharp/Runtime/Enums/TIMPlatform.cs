namespace IMCore.Unity.Enums
{
    /// <summary>Platform a message was sent from (<c>message_platform</c>).</summary>
    public enum TIMPlatform
    {
        /// <summary>Other.</summary>
        kTIMPlatform_Other = 0,
        /// <summary>Windows.</summary>
        kTIMPlatform_Windows = 1,
        /// <summary>Android.</summary>
        kTIMPlatform_Android = 2,
        /// <summary>iOS.</summary>
        kTIMPlatform_IOS = 3,
        /// <summary>macOS.</summary>
        kTIMPlatform_Mac = 4,
        /// <summary>iOS simulator.</summary>
        kTIMPlatform_Simulator = 5,
    }
}
