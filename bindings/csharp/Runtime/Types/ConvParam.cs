using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>One conversation to look up with <c>TencentIMSDK.ConvGetConvInfo</c>.</summary>
    public class ConvParam : TIMJsonObject
    {
        /// <summary>Conversation id (raw user id or group id).</summary>
        public string get_conversation_list_param_conv_id;
        /// <summary>Conversation type.</summary>
        public TIMConvType get_conversation_list_param_conv_type;
    }
}
