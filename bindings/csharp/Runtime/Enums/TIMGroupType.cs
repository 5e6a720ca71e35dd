namespace IMCore.Unity.Enums
{
    /// <summary>Type of the group behind a group conversation (<c>conv_group_type</c>).</summary>
    public enum TIMGroupType
    {
        /// <summary>Public group.</summary>
        kTIMGroup_Public = 0,
        /// <summary>Private (Work) group.</summary>
        kTIMGroup_Private = 1,
        /// <summary>Chat room (Meeting) group.</summary>
        kTIMGroup_ChatRoom = 2,
        /// <summary>Broadcast chat room.</summary>
        kTIMGroup_BChatRoom = 3,
        /// <summary>Audio/video live chat room.</summary>
        kTIMGroup_AVChatRoom = 4,
        /// <summary>Community.</summary>
        kTIMGroup_Community = 5,
    }
}
