namespace IMCore.Unity.Enums
{
    /// <summary>Kind of an @-mention in a group conversation (<c>conv_group_at_info_at_type</c>).</summary>
    public enum TIMGroupAtType
    {
        /// <summary>Someone mentioned me.</summary>
        kTIMGroup_At_Me = 1,
        /// <summary>Someone mentioned everyone.</summary>
        kTIMGroup_At_All = 2,
        /// <summary>Someone mentioned everyone and me.</summary>
        kTIMGroup_At_All_At_ME = 3,
    }
}
