using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>An unread @-mention in a group conversation (<c>conv_group_at_info_array</c>).</summary>
    public class GroupAtInfo : TIMJsonObject
    {
        /// <summary>Sequence of the message that contains the mention.</summary>
        public ulong conv_group_at_info_seq;
        /// <summary>Kind of mention.</summary>
        public TIMGroupAtType conv_group_at_info_at_type;
    }
}
