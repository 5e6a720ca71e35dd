using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>The global receive option (<c>MsgGetAllReceiveMessageOpt</c> and its listener).</summary>
    public class ReceiveMessageOptInfo : TIMJsonObject
    {
        /// <summary>The option.</summary>
        public TIMReceiveMessageOpt msg_all_recv_msg_opt_level;
        /// <summary>Start of the daily quiet period: hour.</summary>
        public int msg_all_recv_msg_opt_start_hour;
        /// <summary>Minute.</summary>
        public int msg_all_recv_msg_opt_start_minute;
        /// <summary>Second.</summary>
        public int msg_all_recv_msg_opt_start_second;
        /// <summary>Start as a UTC timestamp (0: daily from the hour above).</summary>
        public ulong msg_all_recv_msg_opt_start_time_stamp;
        /// <summary>Length in seconds (0: for ever).</summary>
        public uint msg_all_recv_msg_duration;
    }
}
