using System.Collections.Generic;
using IMCore.Unity.Callbacks;
using IMCore.Unity.Enums;
using IMCore.Unity.Json;
using IMCore.Unity.Native;
using IMCore.Unity.Types;

namespace IMCore.Unity
{
    // Conversation API. Per-conversation calls take a raw id (peer user id / group id) plus a type;
    // calls taking a list of conversations use "c2c_<userID>" / "group_<groupID>" ids.
    public static partial class TencentIMSDK
    {
        /// <summary>The locally cached conversation list (server changes arrive later through <see cref="SetConvEventCallback"/>).</summary>
        public static TIMResult ConvGetConvList(ValueCallback<List<ConvInfo>> callback)
        {
            return Invoke("ConvGetConvList", Completions.ForValue(callback, TIMJson.ParseConvInfoList),
                key => NativeMethods.TIMConvGetConvList(NativeThunks.CommResult, key));
        }

        /// <summary>Information about the given conversations.</summary>
        public static TIMResult ConvGetConvInfo(List<ConvParam> conv_list_param, ValueCallback<List<ConvInfo>> callback)
        {
            byte[] json = Utf8.ToNative(TIMJson.Serialize(conv_list_param ?? new List<ConvParam>()));
            return Invoke("ConvGetConvInfo", Completions.ForValue(callback, TIMJson.ParseConvInfoList),
                key => NativeMethods.TIMConvGetConvInfo(json, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// One page of the conversations matching <paramref name="filter"/> (null = all). Start with
        /// <paramref name="next_seq"/> 0 and pass back <c>conversation_list_result_next_seq</c> until
        /// <c>conversation_list_result_is_finished</c>.
        /// </summary>
        public static TIMResult ConvGetConversationListByFilter(ConversationListFilter filter, ulong next_seq, uint count, ValueCallback<ConversationListResult> callback)
        {
            byte[] json = FilterJson(filter);
            return Invoke("ConvGetConversationListByFilter", Completions.ForValue(callback),
                key => NativeMethods.TIMConvGetConversationListByFilter(json, next_seq, count, NativeThunks.CommResult, key));
        }

        /// <summary>Deletes a conversation and its messages (reported as <see cref="TIMConvEvent.kTIMConvEvent_Del"/>).</summary>
        public static TIMResult ConvDelete(string conv_id, TIMConvType conv_type, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            return Invoke("ConvDelete", Completions.ForNull(callback),
                key => NativeMethods.TIMConvDelete(id, (int)conv_type, NativeThunks.CommResult, key));
        }

        /// <summary>Deletes up to 100 conversations (<c>c2c_…</c>/<c>group_…</c> ids); <paramref name="clearMessage"/> also deletes their messages.</summary>
        public static TIMResult ConvDeleteConversationList(List<string> conversation_id_array, bool clearMessage, ValueCallback<List<ConversationOperationResult>> callback)
        {
            byte[] ids = Utf8.ToNative(TIMJson.StringArray(conversation_id_array));
            return Invoke("ConvDeleteConversationList", Completions.ForValue(callback),
                key => NativeMethods.TIMConvDeleteConversationList(ids, clearMessage, NativeThunks.CommResult, key));
        }

        /// <summary>Sets the draft of a conversation (synchronous: no callback).</summary>
        public static TIMResult ConvSetDraft(string conv_id, TIMConvType conv_type, Draft param)
        {
            return (TIMResult)NativeMethods.TIMConvSetDraft(Utf8.ToNative(conv_id), (int)conv_type, Utf8.ToNative(TIMJson.Serialize(param)));
        }

        /// <summary>Removes the draft of a conversation (synchronous: no callback).</summary>
        public static TIMResult ConvCancelDraft(string conv_id, TIMConvType conv_type)
        {
            return (TIMResult)NativeMethods.TIMConvCancelDraft(Utf8.ToNative(conv_id), (int)conv_type);
        }

        /// <summary>Sets application data (at most 256 bytes) on conversations (<c>c2c_…</c>/<c>group_…</c> ids).</summary>
        public static TIMResult ConvSetConversationCustomData(List<string> conversation_id_array, string custom_data, ValueCallback<List<ConversationOperationResult>> callback)
        {
            byte[] ids = Utf8.ToNative(TIMJson.StringArray(conversation_id_array));
            byte[] data = Utf8.ToNative(custom_data ?? string.Empty);
            return Invoke("ConvSetConversationCustomData", Completions.ForValue(callback),
                key => NativeMethods.TIMConvSetConversationCustomData(ids, data, NativeThunks.CommResult, key));
        }

        /// <summary>Pins or unpins a conversation.</summary>
        public static TIMResult ConvPinConversation(string conv_id, TIMConvType conv_type, bool is_pinned, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            return Invoke("ConvPinConversation", Completions.ForNull(callback),
                key => NativeMethods.TIMConvPinConversation(id, (int)conv_type, is_pinned, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Sets (<paramref name="enable_mark"/> true) or clears the mark bits <paramref name="mark_type"/>
        /// (<see cref="TIMConversationMarkType"/> values OR-ed) on conversations (<c>c2c_…</c>/<c>group_…</c> ids).
        /// </summary>
        public static TIMResult ConvMarkConversation(List<string> conversation_id_array, ulong mark_type, bool enable_mark, ValueCallback<List<ConversationOperationResult>> callback)
        {
            byte[] ids = Utf8.ToNative(TIMJson.StringArray(conversation_id_array));
            return Invoke("ConvMarkConversation", Completions.ForValue(callback),
                key => NativeMethods.TIMConvMarkConversation(ids, mark_type, enable_mark, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Total unread messages (muted conversations excluded). After the first call, changes are
        /// reported to <see cref="SetConvTotalUnreadMessageCountChangedCallback"/>.
        /// </summary>
        public static TIMResult ConvGetTotalUnreadMessageCount(ValueCallback<GetTotalUnreadNumberResult> callback)
        {
            return Invoke("ConvGetTotalUnreadMessageCount", Completions.ForValue(callback),
                key => NativeMethods.TIMConvGetTotalUnreadMessageCount(NativeThunks.CommResult, key));
        }

        /// <summary>Unread messages of the conversations matching <paramref name="filter"/> (null = all).</summary>
        public static TIMResult ConvGetUnreadMessageCountByFilter(ConversationListFilter filter, ValueCallback<GetTotalUnreadNumberResult> callback)
        {
            byte[] json = FilterJson(filter);
            return Invoke("ConvGetUnreadMessageCountByFilter", Completions.ForValue(callback),
                key => NativeMethods.TIMConvGetUnreadMessageCountByFilter(json, NativeThunks.CommResult, key));
        }

        /// <summary>
        /// Subscribes to the unread count of <paramref name="filter"/>; changes are reported to
        /// <see cref="SetConvUnreadMessageCountChangedByFilterCallback"/> (synchronous: no callback).
        /// </summary>
        public static TIMResult ConvSubscribeUnreadMessageCountByFilter(ConversationListFilter filter)
        {
            return (TIMResult)NativeMethods.TIMConvSubscribeUnreadMessageCountByFilter(FilterJson(filter));
        }

        /// <summary>Ends a subscription made with <see cref="ConvSubscribeUnreadMessageCountByFilter"/> (synchronous).</summary>
        public static TIMResult ConvUnsubscribeUnreadMessageCountByFilter(ConversationListFilter filter)
        {
            return (TIMResult)NativeMethods.TIMConvUnsubscribeUnreadMessageCountByFilter(FilterJson(filter));
        }

        /// <summary>
        /// Marks messages read. <paramref name="conversation_id"/>: <c>"c2c_&lt;userID&gt;"</c> or
        /// <c>"group_&lt;groupID&gt;"</c> for one conversation, <c>"c2c"</c> / <c>"group"</c> for all of that
        /// type, <c>""</c> or null for all. <paramref name="clean_timestamp"/> (C2C, seconds) and
        /// <paramref name="clean_sequence"/> (groups) clear up to that point; 0 clears everything.
        /// </summary>
        public static TIMResult ConvCleanConversationUnreadMessageCount(string conversation_id, ulong clean_timestamp, ulong clean_sequence, NullValueCallback callback)
        {
            byte[] id = Utf8.ToNative(conversation_id ?? string.Empty);
            return Invoke("ConvCleanConversationUnreadMessageCount", Completions.ForNull(callback),
                key => NativeMethods.TIMConvCleanConversationUnreadMessageCount(id, clean_timestamp, clean_sequence, NativeThunks.CommResult, key));
        }

        // ---------------------------------------------------------------- conversation groups

        /// <summary>Creates a conversation group (name 1–32 bytes) holding the given conversations.</summary>
        public static TIMResult ConvCreateConversationGroup(string group_name, List<string> conversation_id_array, ValueCallback<List<ConversationOperationResult>> callback)
        {
            byte[] name = Utf8.ToNative(group_name);
            byte[] ids = Utf8.ToNative(TIMJson.StringArray(conversation_id_array));
            return Invoke("ConvCreateConversationGroup", Completions.ForValue(callback),
                key => NativeMethods.TIMConvCreateConversationGroup(name, ids, NativeThunks.CommResult, key));
        }

        /// <summary>Names of the conversation groups (local cache; call after sync finished).</summary>
        public static TIMResult ConvGetConversationGroupList(ValueCallback<List<string>> callback)
        {
            return Invoke("ConvGetConversationGroupList", Completions.ForValue(callback),
                key => NativeMethods.TIMConvGetConversationGroupList(NativeThunks.CommResult, key));
        }

        /// <summary>Deletes a conversation group (the conversations stay).</summary>
        public static TIMResult ConvDeleteConversationGroup(string group_name, NullValueCallback callback)
        {
            byte[] name = Utf8.ToNative(group_name);
            return Invoke("ConvDeleteConversationGroup", Completions.ForNull(callback),
                key => NativeMethods.TIMConvDeleteConversationGroup(name, NativeThunks.CommResult, key));
        }

        /// <summary>Renames a conversation group.</summary>
        public static TIMResult ConvRenameConversationGroup(string old_name, string new_name, NullValueCallback callback)
        {
            byte[] oldName = Utf8.ToNative(old_name);
            byte[] newName = Utf8.ToNative(new_name);
            return Invoke("ConvRenameConversationGroup", Completions.ForNull(callback),
                key => NativeMethods.TIMConvRenameConversationGroup(oldName, newName, NativeThunks.CommResult, key));
        }

        /// <summary>Adds conversations (<c>c2c_…</c>/<c>group_…</c> ids) to a conversation group.</summary>
        public static TIMResult ConvAddConversationsToGroup(string group_name, List<string> conversation_id_array, ValueCallback<List<ConversationOperationResult>> callback)
        {
            byte[] name = Utf8.ToNative(group_name);
            byte[] ids = Utf8.ToNative(TIMJson.StringArray(conversation_id_array));
            return Invoke("ConvAddConversationsToGroup", Completions.ForValue(callback),
                key => NativeMethods.TIMConvAddConversationsToGroup(name, ids, NativeThunks.CommResult, key));
        }

        /// <summary>Removes conversations (<c>c2c_…</c>/<c>group_…</c> ids) from a conversation group.</summary>
        public static TIMResult ConvDeleteConversationsFromGroup(string group_name, List<string> conversation_id_array, ValueCallback<List<ConversationOperationResult>> callback)
        {
            byte[] name = Utf8.ToNative(group_name);
            byte[] ids = Utf8.ToNative(TIMJson.StringArray(conversation_id_array));
            return Invoke("ConvDeleteConversationsFromGroup", Completions.ForValue(callback),
                key => NativeMethods.TIMConvDeleteConversationsFromGroup(name, ids, NativeThunks.CommResult, key));
        }

        /// <summary>Creates a conversation (deprecated in TIM: conversations appear with their first message).</summary>
        public static TIMResult ConvCreate(string conv_id, TIMConvType conv_type, ValueCallback<ConvInfo> callback)
        {
            byte[] id = Utf8.ToNative(conv_id);
            return Invoke("ConvCreate", Completions.ForValue(callback),
                key => NativeMethods.TIMConvCreate(id, (int)conv_type, NativeThunks.CommResult, key));
        }

        /// <summary>A filter as native JSON; null is sent as <c>{}</c> (no filtering).</summary>
        private static byte[] FilterJson(ConversationListFilter filter)
        {
            return Utf8.ToNative(filter == null ? "{}" : TIMJson.Serialize(filter));
        }
    }
}
