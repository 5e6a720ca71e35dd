using System;
using System.Runtime.InteropServices;

namespace IMCore.Unity.Native
{
    // Function-pointer types of the C ABI. Strings arrive as IntPtr (UTF-8, valid only during the
    // call), user_data as the IntPtr the binding passed in, C `bool` as a byte (only its low 8 bits
    // are meaningful), enums as int.

    /// <summary><c>TIMCommCallback(int32_t code, const char* desc, const char* json_params, const void* user_data)</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMCommCallback(int code, IntPtr desc, IntPtr json_params, IntPtr user_data);

    /// <summary><c>TIMConvEventCallback(enum TIMConvEvent conv_event, const char* json_conv_array, const void* user_data)</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMConvEventCallback(int conv_event, IntPtr json_conv_array, IntPtr user_data);

    /// <summary><c>TIMConvTotalUnreadMessageCountChangedCallback(int total_unread_count, const void* user_data)</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMConvTotalUnreadMessageCountChangedCallback(int total_unread_count, IntPtr user_data);

    /// <summary><c>TIMConvTotalUnreadMessageCountChangedByFilterCallback(const char* filter, int total_unread_count, const void* user_data)</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMConvTotalUnreadMessageCountChangedByFilterCallback(IntPtr filter, int total_unread_count, IntPtr user_data);

    /// <summary>
    /// <c>(const char* group_name, const char* conversation_array, const void* user_data)</c>: conversation-group
    /// created, conversations added to a group, conversations deleted from a group (3-argument form).
    /// </summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMConvConversationGroupConversationsCallback(IntPtr group_name, IntPtr conversation_array, IntPtr user_data);

    /// <summary><c>TIMConvConversationGroupDeletedCallback(const char* group_name, const void* user_data)</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMConvConversationGroupDeletedCallback(IntPtr group_name, IntPtr user_data);

    /// <summary><c>TIMConvConversationGroupNameChangedCallback(const char* old_name, const char* new_name, const void* user_data)</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMConvConversationGroupNameChangedCallback(IntPtr old_name, IntPtr new_name, IntPtr user_data);

    /// <summary>
    /// <c>(const char* json, const void* user_data)</c>: <c>TIMRecvNewMsgCallback</c>,
    /// <c>TIMMsgReadedReceiptCallback</c>, <c>IMCoreOutboundCallback</c>, <c>TIMMsgRevokeCallback</c>,
    /// <c>TIMMsgUpdateCallback</c> and <c>TIMMsgAllMessageReceiveOptionCallback</c>.
    /// </summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMJsonCallback(IntPtr json, IntPtr user_data);

    /// <summary><c>TIMNetworkStatusListenerCallback(enum TIMNetworkStatus status, int32_t code, const char* desc, const void* user_data)</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMNetworkStatusListenerCallback(int status, int code, IntPtr desc, IntPtr user_data);

    /// <summary><c>(const void* user_data)</c>: <c>TIMKickedOfflineCallback</c> and <c>TIMUserSigExpiredCallback</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMUserDataCallback(IntPtr user_data);

    /// <summary><c>TIMLogCallback(enum TIMLogLevel level, const char* log, const void* user_data)</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMLogCallback(int level, IntPtr log, IntPtr user_data);

    /// <summary><c>TIMExperimentalNotifyCallback(const char* key, const char* data, const void* user_data)</c>.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMExperimentalNotifyCallback(IntPtr key, IntPtr data, IntPtr user_data);

    /// <summary>
    /// <c>TIMMsgGroupMessageReadMemberListCallback(const char* json_group_member_array, uint64_t next_seq,
    /// bool is_finished, const void* user_data)</c>.
    /// </summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void TIMMsgGroupMessageReadMemberListCallback(IntPtr json_group_member_array, ulong next_seq, byte is_finished, IntPtr user_data);
}
