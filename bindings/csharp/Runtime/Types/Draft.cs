namespace IMCore.Unity.Types
{
    /// <summary>Draft of a conversation (<c>conv_draft</c>, <c>TencentIMSDK.ConvSetDraft</c>).</summary>
    public class Draft : TIMJsonObject
    {
        /// <summary>The drafted message; usually only its <c>message_elem_array</c> is set.</summary>
        public Message draft_msg;
        /// <summary>Application-defined data.</summary>
        public string draft_user_define;
        /// <summary>Edit time, UTC seconds (0 when setting a draft: the library stamps it).</summary>
        public uint draft_edit_time;
    }
}
