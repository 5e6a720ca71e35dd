using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>Receive option of one C2C peer (<c>MsgGetC2CReceiveMessageOpt</c>).</summary>
    public class GetC2CRecvMsgOptResult : TIMJsonObject
    {
        /// <summary>User id of the peer.</summary>
        public string msg_recv_msg_opt_result_identifier;
        /// <summary>Receive option for that peer.</summary>
        public TIMReceiveMessageOpt msg_recv_msg_opt_result_opt;
    }
}
