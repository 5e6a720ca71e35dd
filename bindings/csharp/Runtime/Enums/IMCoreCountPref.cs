namespace IMCore.Unity.Enums
{
    /// <summary>
    /// imcore's count preference of a conversation (<c>conv_count_pref</c>): which count makes its badge
    /// and enters the totals, apart from the receive option.
    /// </summary>
    public enum IMCoreCountPref
    {
        /// <summary>The unread count (default).</summary>
        kIMCoreCountPref_All = 0,
        /// <summary>Only unread @-mentions: the badge is the mention count, only mentions enter the totals.</summary>
        kIMCoreCountPref_MentionsOnly = 1,
        /// <summary>Nothing: no badge, nothing in the totals.</summary>
        kIMCoreCountPref_None = 2,
    }
}
