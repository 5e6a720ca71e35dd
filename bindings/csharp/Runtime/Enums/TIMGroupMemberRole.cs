namespace IMCore.Unity.Enums
{
    /// <summary>Role of a group member (<c>group_member_info_member_role</c>).</summary>
    public enum TIMGroupMemberRole
    {
        /// <summary>Not a member / unknown.</summary>
        kTIMMemberRole_None = 0,
        /// <summary>Ordinary member.</summary>
        kTIMMemberRole_Normal = 200,
        /// <summary>Administrator.</summary>
        kTIMMemberRole_Admin = 300,
        /// <summary>Owner.</summary>
        kTIMMemberRole_Owner = 400,
    }
}
