namespace IMCore.Unity.Enums
{
    /// <summary>Which members <c>GetMsgGroupMessageReadMemberList</c> returns.</summary>
    public enum TIMGroupMessageReadMembersFilter
    {
        /// <summary>Members who have read the message.</summary>
        TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ = 0,
        /// <summary>Members who have not read the message.</summary>
        TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_UNREAD = 1,
    }
}
