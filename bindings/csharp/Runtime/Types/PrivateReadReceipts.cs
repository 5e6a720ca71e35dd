namespace IMCore.Unity.Types
{
    /// <summary>imcore: whether read receipts are private (<c>IMCoreMsgGetPrivateReadReceipts</c>).</summary>
    public class PrivateReadReceipts : TIMJsonObject
    {
        /// <summary>Reading syncs to my devices but sends no receipt to others.</summary>
        public bool private_read_receipts;
    }
}
