namespace IMCore.Unity.Enums
{
    /// <summary>Receive option of a conversation (<c>conv_recv_opt</c>).</summary>
    /// <remarks>Options 1, 2 and 3 mute the conversation: it is left out of the total unread count.</remarks>
    public enum TIMReceiveMessageOpt
    {
        /// <summary>Receive messages and notify.</summary>
        kTIMRecvMsgOpt_Receive = 0,
        /// <summary>Do not receive messages.</summary>
        kTIMRecvMsgOpt_Not_Receive = 1,
        /// <summary>Receive messages without notification.</summary>
        kTIMRecvMsgOpt_Not_Notify = 2,
        /// <summary>Receive without notification, except for messages that @ me.</summary>
        kTIMRecvMsgOpt_Not_Notify_Except_At = 3,
        /// <summary>Do not receive, except for messages that @ me.</summary>
        kTIMRecvMsgOpt_Not_Receive_Except_At = 4,
    }
}
