namespace IMCore.Unity.Enums
{
    /// <summary>Status of a message (<c>message_status</c>).</summary>
    public enum TIMMsgStatus
    {
        /// <summary>Being sent.</summary>
        kTIMMsg_Sending = 1,
        /// <summary>Sent successfully.</summary>
        kTIMMsg_SendSucc = 2,
        /// <summary>Sending failed.</summary>
        kTIMMsg_SendFail = 3,
        /// <summary>Deleted.</summary>
        kTIMMsg_Deleted = 4,
        /// <summary>Imported locally.</summary>
        kTIMMsg_LocalImported = 5,
        /// <summary>Revoked.</summary>
        kTIMMsg_Revoked = 6,
        /// <summary>Sending was cancelled.</summary>
        kTIMMsg_Cancel = 7,
    }
}
