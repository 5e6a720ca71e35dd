//! The setters for events imcore does not have (friends, group tips and
//! attributes, topics, upload progress, reactions, extensions, signaling,
//! community, official accounts, follow lists…): they exist so that a TIM
//! C# layer written for the vendor's library can register and unregister
//! them; each is stored (NULL removes it) and never called.
//!
//! Why this file is long (about 1,200 lines): 57 setters, each with its own
//! callback typedef and doc comment, because the header is generated from
//! these declarations and cbindgen does not expand macros. Each body is one
//! line.

use super::runtime::{lock, LISTENERS};
use crate::boundary::guard_void;
use crate::TIM_SUCC;
use std::ffi::{c_char, c_void};

fn unfired(name: &'static str, set: bool, ud: *const c_void) {
    let mut l = lock(&LISTENERS);
    match set {
        true => {
            l.unfired.insert(name, ud as usize);
        }
        false => {
            l.unfired.remove(name);
        }
    }
}

/// Whether a never-fired listener is registered (for tests).
pub fn unfired_registered(name: &str) -> bool {
    lock(&LISTENERS).unfired.contains_key(name)
}

/// Callback type of TIMSetMsgRevokeCallback (never called by imcore).
pub type TIMMsgRevokeCallback =
    Option<unsafe extern "C" fn(json_msg_locator_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for message revoke. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgRevokeCallback(
    cb: TIMMsgRevokeCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgRevokeCallback", || {
        unfired("TIMSetMsgRevokeCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetMsgUpdateCallback (never called by imcore).
pub type TIMMsgUpdateCallback =
    Option<unsafe extern "C" fn(json_msg_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for message update. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgUpdateCallback(
    cb: TIMMsgUpdateCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgUpdateCallback", || {
        unfired("TIMSetMsgUpdateCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetMsgElemUploadProgressCallback (never called by imcore).
pub type TIMMsgElemUploadProgressCallback = Option<
    unsafe extern "C" fn(
        json_msg: *const c_char,
        index: u32,
        cur_size: u32,
        total_size: u32,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for upload progress. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgElemUploadProgressCallback(
    cb: TIMMsgElemUploadProgressCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgElemUploadProgressCallback", || {
        unfired(
            "TIMSetMsgElemUploadProgressCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetMsgReactionsChangedCallback (never called by imcore).
pub type TIMMsgReactionsChangedCallback = Option<
    unsafe extern "C" fn(json_reaction_change_info_array: *const c_char, user_data: *const c_void),
>;

/// Registers (NULL: unregisters) a listener for reactions. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgReactionsChangedCallback(
    cb: TIMMsgReactionsChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgReactionsChangedCallback", || {
        unfired("TIMSetMsgReactionsChangedCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetMsgAllMessageReceiveOptionCallback (never called by imcore).
pub type TIMMsgAllMessageReceiveOptionCallback = Option<
    unsafe extern "C" fn(json_receive_message_opt_info: *const c_char, user_data: *const c_void),
>;

/// Registers (NULL: unregisters) a listener for global receive option. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgAllMessageReceiveOptionCallback(
    cb: TIMMsgAllMessageReceiveOptionCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgAllMessageReceiveOptionCallback", || {
        unfired(
            "TIMSetMsgAllMessageReceiveOptionCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetMsgExtensionsChangedCallback (never called by imcore).
pub type TIMMsgExtensionsChangedCallback = Option<
    unsafe extern "C" fn(
        message_id: *const c_char,
        json_extension_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for message extensions. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgExtensionsChangedCallback(
    cb: TIMMsgExtensionsChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgExtensionsChangedCallback", || {
        unfired(
            "TIMSetMsgExtensionsChangedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetMsgExtensionsDeletedCallback (never called by imcore).
pub type TIMMsgExtensionsDeletedCallback = Option<
    unsafe extern "C" fn(
        message_id: *const c_char,
        json_extension_key_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for message extensions. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgExtensionsDeletedCallback(
    cb: TIMMsgExtensionsDeletedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgExtensionsDeletedCallback", || {
        unfired(
            "TIMSetMsgExtensionsDeletedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetMsgGroupPinnedMessageChangedCallback (never called by imcore).
pub type TIMMsgGroupPinnedMessageChangedCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_msg: *const c_char,
        is_pinned: bool,
        op_user: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for pinned group messages. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgGroupPinnedMessageChangedCallback(
    cb: TIMMsgGroupPinnedMessageChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgGroupPinnedMessageChangedCallback", || {
        unfired(
            "TIMSetMsgGroupPinnedMessageChangedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetGroupTipsEventCallback (never called by imcore).
pub type TIMGroupTipsEventCallback =
    Option<unsafe extern "C" fn(json_group_tip_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for group tips. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetGroupTipsEventCallback(
    cb: TIMGroupTipsEventCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetGroupTipsEventCallback", || {
        unfired("TIMSetGroupTipsEventCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetGroupAttributeChangedCallback (never called by imcore).
pub type TIMGroupAttributeChangedCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_group_attribute_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for group attributes. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetGroupAttributeChangedCallback(
    cb: TIMGroupAttributeChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetGroupAttributeChangedCallback", || {
        unfired(
            "TIMSetGroupAttributeChangedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetGroupCounterChangedCallback (never called by imcore).
pub type TIMGroupCounterChangedCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        group_counter_key: *const c_char,
        group_counter_new_value: u64,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for group counters. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetGroupCounterChangedCallback(
    cb: TIMGroupCounterChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetGroupCounterChangedCallback", || {
        unfired("TIMSetGroupCounterChangedCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetGroupTopicCreatedCallback (never called by imcore).
pub type TIMGroupTopicCreatedCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        topic_id: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for topics. imcore has no such
/// events: it is stored and never called. Returns TIM_SUCC (the Unity layer
/// binds this setter with an int result).
#[no_mangle]
pub unsafe extern "C" fn TIMSetGroupTopicCreatedCallback(
    cb: TIMGroupTopicCreatedCallback,
    user_data: *const c_void,
) -> i32 {
    guard_void("TIMSetGroupTopicCreatedCallback", || {
        unfired("TIMSetGroupTopicCreatedCallback", cb.is_some(), user_data)
    });
    TIM_SUCC
}

/// Callback type of TIMSetGroupTopicDeletedCallback (never called by imcore).
pub type TIMGroupTopicDeletedCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_topic_id_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for topics. imcore has no such
/// events: it is stored and never called. Returns TIM_SUCC (the Unity layer
/// binds this setter with an int result).
#[no_mangle]
pub unsafe extern "C" fn TIMSetGroupTopicDeletedCallback(
    cb: TIMGroupTopicDeletedCallback,
    user_data: *const c_void,
) -> i32 {
    guard_void("TIMSetGroupTopicDeletedCallback", || {
        unfired("TIMSetGroupTopicDeletedCallback", cb.is_some(), user_data)
    });
    TIM_SUCC
}

/// Callback type of TIMSetGroupTopicChangedCallback (never called by imcore).
pub type TIMGroupTopicChangedCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_topic_info: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for topics. imcore has no such
/// events: it is stored and never called. Returns TIM_SUCC (the Unity layer
/// binds this setter with an int result).
#[no_mangle]
pub unsafe extern "C" fn TIMSetGroupTopicChangedCallback(
    cb: TIMGroupTopicChangedCallback,
    user_data: *const c_void,
) -> i32 {
    guard_void("TIMSetGroupTopicChangedCallback", || {
        unfired("TIMSetGroupTopicChangedCallback", cb.is_some(), user_data)
    });
    TIM_SUCC
}

/// Callback type of TIMSetSelfInfoUpdatedCallback (never called by imcore).
pub type TIMSelfInfoUpdatedCallback =
    Option<unsafe extern "C" fn(json_user_profile: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for profiles. imcore has no such
/// events: it is stored and never called. Returns TIM_SUCC (the Unity layer
/// binds this setter with an int result).
#[no_mangle]
pub unsafe extern "C" fn TIMSetSelfInfoUpdatedCallback(
    cb: TIMSelfInfoUpdatedCallback,
    user_data: *const c_void,
) -> i32 {
    guard_void("TIMSetSelfInfoUpdatedCallback", || {
        unfired("TIMSetSelfInfoUpdatedCallback", cb.is_some(), user_data)
    });
    TIM_SUCC
}

/// Callback type of TIMSetUserStatusChangedCallback (never called by imcore).
pub type TIMUserStatusChangedCallback =
    Option<unsafe extern "C" fn(json_user_status_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for user status. imcore has no such
/// events: it is stored and never called. Returns TIM_SUCC (the Unity layer
/// binds this setter with an int result).
#[no_mangle]
pub unsafe extern "C" fn TIMSetUserStatusChangedCallback(
    cb: TIMUserStatusChangedCallback,
    user_data: *const c_void,
) -> i32 {
    guard_void("TIMSetUserStatusChangedCallback", || {
        unfired("TIMSetUserStatusChangedCallback", cb.is_some(), user_data)
    });
    TIM_SUCC
}

/// Callback type of TIMSetUserInfoChangedCallback (never called by imcore).
pub type TIMUserInfoChangedCallback =
    Option<unsafe extern "C" fn(json_user_info_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for user info. imcore has no such
/// events: it is stored and never called. Returns TIM_SUCC (the Unity layer
/// binds this setter with an int result).
#[no_mangle]
pub unsafe extern "C" fn TIMSetUserInfoChangedCallback(
    cb: TIMUserInfoChangedCallback,
    user_data: *const c_void,
) -> i32 {
    guard_void("TIMSetUserInfoChangedCallback", || {
        unfired("TIMSetUserInfoChangedCallback", cb.is_some(), user_data)
    });
    TIM_SUCC
}

/// Callback type of TIMSetOnAddFriendCallback (never called by imcore).
pub type TIMOnAddFriendCallback =
    Option<unsafe extern "C" fn(json_identifier_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for friends. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetOnAddFriendCallback(
    cb: TIMOnAddFriendCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetOnAddFriendCallback", || {
        unfired("TIMSetOnAddFriendCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetOnDeleteFriendCallback (never called by imcore).
pub type TIMOnDeleteFriendCallback =
    Option<unsafe extern "C" fn(json_identifier_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for friends. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetOnDeleteFriendCallback(
    cb: TIMOnDeleteFriendCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetOnDeleteFriendCallback", || {
        unfired("TIMSetOnDeleteFriendCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetUpdateFriendProfileCallback (never called by imcore).
pub type TIMUpdateFriendProfileCallback = Option<
    unsafe extern "C" fn(json_friend_profile_update_array: *const c_char, user_data: *const c_void),
>;

/// Registers (NULL: unregisters) a listener for friends. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetUpdateFriendProfileCallback(
    cb: TIMUpdateFriendProfileCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetUpdateFriendProfileCallback", || {
        unfired("TIMSetUpdateFriendProfileCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetFriendAddRequestCallback (never called by imcore).
pub type TIMFriendAddRequestCallback = Option<
    unsafe extern "C" fn(
        json_friend_add_request_pendency_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for friend requests. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendAddRequestCallback(
    cb: TIMFriendAddRequestCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendAddRequestCallback", || {
        unfired("TIMSetFriendAddRequestCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetFriendApplicationListDeletedCallback (never called by imcore).
pub type TIMFriendApplicationListDeletedCallback =
    Option<unsafe extern "C" fn(json_identifier_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for friend requests. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendApplicationListDeletedCallback(
    cb: TIMFriendApplicationListDeletedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendApplicationListDeletedCallback", || {
        unfired(
            "TIMSetFriendApplicationListDeletedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetFriendApplicationListReadCallback (never called by imcore).
pub type TIMFriendApplicationListReadCallback =
    Option<unsafe extern "C" fn(user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for friend requests. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendApplicationListReadCallback(
    cb: TIMFriendApplicationListReadCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendApplicationListReadCallback", || {
        unfired(
            "TIMSetFriendApplicationListReadCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetFriendApplicationListAddedCallback (never called by imcore).
pub type TIMFriendApplicationListAddedCallback = Option<
    unsafe extern "C" fn(
        json_friend_add_request_pendency_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for friend requests. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendApplicationListAddedCallback(
    cb: TIMFriendApplicationListAddedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendApplicationListAddedCallback", || {
        unfired(
            "TIMSetFriendApplicationListAddedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetFriendBlackListAddedCallback (never called by imcore).
pub type TIMFriendBlackListAddedCallback = Option<
    unsafe extern "C" fn(json_friend_black_added_array: *const c_char, user_data: *const c_void),
>;

/// Registers (NULL: unregisters) a listener for the blacklist. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendBlackListAddedCallback(
    cb: TIMFriendBlackListAddedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendBlackListAddedCallback", || {
        unfired(
            "TIMSetFriendBlackListAddedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetFriendBlackListDeletedCallback (never called by imcore).
pub type TIMFriendBlackListDeletedCallback =
    Option<unsafe extern "C" fn(json_identifier_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for the blacklist. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendBlackListDeletedCallback(
    cb: TIMFriendBlackListDeletedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendBlackListDeletedCallback", || {
        unfired(
            "TIMSetFriendBlackListDeletedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetFriendGroupCreatedCallback (never called by imcore).
pub type TIMFriendGroupCreatedCallback = Option<
    unsafe extern "C" fn(
        group_name: *const c_char,
        json_friend_info_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for friend groups. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendGroupCreatedCallback(
    cb: TIMFriendGroupCreatedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendGroupCreatedCallback", || {
        unfired("TIMSetFriendGroupCreatedCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetFriendGroupDeletedCallback (never called by imcore).
pub type TIMFriendGroupDeletedCallback =
    Option<unsafe extern "C" fn(json_group_name_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for friend groups. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendGroupDeletedCallback(
    cb: TIMFriendGroupDeletedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendGroupDeletedCallback", || {
        unfired("TIMSetFriendGroupDeletedCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetFriendGroupNameChangedCallback (never called by imcore).
pub type TIMFriendGroupNameChangedCallback = Option<
    unsafe extern "C" fn(
        old_group_name: *const c_char,
        new_group_name: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for friend groups. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendGroupNameChangedCallback(
    cb: TIMFriendGroupNameChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendGroupNameChangedCallback", || {
        unfired(
            "TIMSetFriendGroupNameChangedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetFriendsAddedToGroupCallback (never called by imcore).
pub type TIMFriendsAddedToGroupCallback = Option<
    unsafe extern "C" fn(
        group_name: *const c_char,
        json_friend_info_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for friend groups. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendsAddedToGroupCallback(
    cb: TIMFriendsAddedToGroupCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendsAddedToGroupCallback", || {
        unfired("TIMSetFriendsAddedToGroupCallback", cb.is_some(), user_data)
    });
}

/// Callback type of TIMSetFriendsDeletedFromGroupCallback (never called by imcore).
pub type TIMFriendsDeletedFromGroupCallback = Option<
    unsafe extern "C" fn(
        group_name: *const c_char,
        json_friend_id_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for friend groups. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetFriendsDeletedFromGroupCallback(
    cb: TIMFriendsDeletedFromGroupCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetFriendsDeletedFromGroupCallback", || {
        unfired(
            "TIMSetFriendsDeletedFromGroupCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetMyFollowingListChangedCallback (never called by imcore).
pub type TIMMyFollowingListChangedCallback = Option<
    unsafe extern "C" fn(
        json_user_info_list: *const c_char,
        is_add: bool,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for follow lists. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMyFollowingListChangedCallback(
    cb: TIMMyFollowingListChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMyFollowingListChangedCallback", || {
        unfired(
            "TIMSetMyFollowingListChangedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetMyFollowersListChangedCallback (never called by imcore).
pub type TIMMyFollowersListChangedCallback = Option<
    unsafe extern "C" fn(
        json_user_info_list: *const c_char,
        is_add: bool,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for follow lists. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMyFollowersListChangedCallback(
    cb: TIMMyFollowersListChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMyFollowersListChangedCallback", || {
        unfired(
            "TIMSetMyFollowersListChangedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetMutualFollowersListChangedCallback (never called by imcore).
pub type TIMMutualFollowersListChangedCallback = Option<
    unsafe extern "C" fn(
        json_user_info_list: *const c_char,
        is_add: bool,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for follow lists. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMutualFollowersListChangedCallback(
    cb: TIMMutualFollowersListChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMutualFollowersListChangedCallback", || {
        unfired(
            "TIMSetMutualFollowersListChangedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetOfficialAccountSubscribedCallback (never called by imcore).
pub type TIMOfficialAccountSubscribedCallback = Option<
    unsafe extern "C" fn(json_official_account_info: *const c_char, user_data: *const c_void),
>;

/// Registers (NULL: unregisters) a listener for official accounts. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetOfficialAccountSubscribedCallback(
    cb: TIMOfficialAccountSubscribedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetOfficialAccountSubscribedCallback", || {
        unfired(
            "TIMSetOfficialAccountSubscribedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetOfficialAccountUnsubscribedCallback (never called by imcore).
pub type TIMOfficialAccountUnsubscribedCallback =
    Option<unsafe extern "C" fn(official_account_id: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for official accounts. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetOfficialAccountUnsubscribedCallback(
    cb: TIMOfficialAccountUnsubscribedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetOfficialAccountUnsubscribedCallback", || {
        unfired(
            "TIMSetOfficialAccountUnsubscribedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetOfficialAccountDeletedCallback (never called by imcore).
pub type TIMOfficialAccountDeletedCallback =
    Option<unsafe extern "C" fn(official_account_id: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) a listener for official accounts. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetOfficialAccountDeletedCallback(
    cb: TIMOfficialAccountDeletedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetOfficialAccountDeletedCallback", || {
        unfired(
            "TIMSetOfficialAccountDeletedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetOfficialAccountInfoChangedCallback (never called by imcore).
pub type TIMOfficialAccountInfoChangedCallback = Option<
    unsafe extern "C" fn(json_official_account_info: *const c_char, user_data: *const c_void),
>;

/// Registers (NULL: unregisters) a listener for official accounts. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetOfficialAccountInfoChangedCallback(
    cb: TIMOfficialAccountInfoChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetOfficialAccountInfoChangedCallback", || {
        unfired(
            "TIMSetOfficialAccountInfoChangedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetSignalingReceiveNewInvitationCallback (never called by imcore).
pub type TIMSignalingReceiveNewInvitationCallback = Option<
    unsafe extern "C" fn(
        invite_id: *const c_char,
        inviter: *const c_char,
        group_id: *const c_char,
        json_invitee_list: *const c_char,
        data: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for signaling. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetSignalingReceiveNewInvitationCallback(
    cb: TIMSignalingReceiveNewInvitationCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetSignalingReceiveNewInvitationCallback", || {
        unfired(
            "TIMSetSignalingReceiveNewInvitationCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetSignalingInviteeAcceptedCallback (never called by imcore).
pub type TIMSignalingInviteeAcceptedCallback = Option<
    unsafe extern "C" fn(
        invite_id: *const c_char,
        invitee: *const c_char,
        data: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for signaling. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetSignalingInviteeAcceptedCallback(
    cb: TIMSignalingInviteeAcceptedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetSignalingInviteeAcceptedCallback", || {
        unfired(
            "TIMSetSignalingInviteeAcceptedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetSignalingInviteeRejectedCallback (never called by imcore).
pub type TIMSignalingInviteeRejectedCallback = Option<
    unsafe extern "C" fn(
        invite_id: *const c_char,
        invitee: *const c_char,
        data: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for signaling. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetSignalingInviteeRejectedCallback(
    cb: TIMSignalingInviteeRejectedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetSignalingInviteeRejectedCallback", || {
        unfired(
            "TIMSetSignalingInviteeRejectedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetSignalingInvitationCancelledCallback (never called by imcore).
pub type TIMSignalingInvitationCancelledCallback = Option<
    unsafe extern "C" fn(
        invite_id: *const c_char,
        inviter: *const c_char,
        data: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for signaling. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetSignalingInvitationCancelledCallback(
    cb: TIMSignalingInvitationCancelledCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetSignalingInvitationCancelledCallback", || {
        unfired(
            "TIMSetSignalingInvitationCancelledCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetSignalingInvitationTimeoutCallback (never called by imcore).
pub type TIMSignalingInvitationTimeoutCallback = Option<
    unsafe extern "C" fn(
        invite_id: *const c_char,
        json_invitee_list: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for signaling. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetSignalingInvitationTimeoutCallback(
    cb: TIMSignalingInvitationTimeoutCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetSignalingInvitationTimeoutCallback", || {
        unfired(
            "TIMSetSignalingInvitationTimeoutCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetSignalingInvitationModifiedCallback (never called by imcore).
pub type TIMSignalingInvitationModifiedCallback = Option<
    unsafe extern "C" fn(invite_id: *const c_char, data: *const c_char, user_data: *const c_void),
>;

/// Registers (NULL: unregisters) a listener for signaling. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetSignalingInvitationModifiedCallback(
    cb: TIMSignalingInvitationModifiedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetSignalingInvitationModifiedCallback", || {
        unfired(
            "TIMSetSignalingInvitationModifiedCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityCreateTopicCallback (never called by imcore).
pub type TIMCommunityCreateTopicCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        topic_id: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityCreateTopicCallback(
    cb: TIMCommunityCreateTopicCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityCreateTopicCallback", || {
        unfired(
            "TIMSetCommunityCreateTopicCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityDeleteTopicCallback (never called by imcore).
pub type TIMCommunityDeleteTopicCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_topic_id_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityDeleteTopicCallback(
    cb: TIMCommunityDeleteTopicCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityDeleteTopicCallback", || {
        unfired(
            "TIMSetCommunityDeleteTopicCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityChangeTopicInfoCallback (never called by imcore).
pub type TIMCommunityChangeTopicInfoCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_topic_info: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityChangeTopicInfoCallback(
    cb: TIMCommunityChangeTopicInfoCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityChangeTopicInfoCallback", || {
        unfired(
            "TIMSetCommunityChangeTopicInfoCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityReceiveTopicRESTCustomDataCallback (never called by imcore).
pub type TIMCommunityReceiveTopicRESTCustomDataCallback = Option<
    unsafe extern "C" fn(
        topic_id: *const c_char,
        custom_data: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityReceiveTopicRESTCustomDataCallback(
    cb: TIMCommunityReceiveTopicRESTCustomDataCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityReceiveTopicRESTCustomDataCallback", || {
        unfired(
            "TIMSetCommunityReceiveTopicRESTCustomDataCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityCreatePermissionGroupCallback (never called by imcore).
pub type TIMCommunityCreatePermissionGroupCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_permission_group_info: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityCreatePermissionGroupCallback(
    cb: TIMCommunityCreatePermissionGroupCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityCreatePermissionGroupCallback", || {
        unfired(
            "TIMSetCommunityCreatePermissionGroupCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityDeletePermissionGroupCallback (never called by imcore).
pub type TIMCommunityDeletePermissionGroupCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_permission_group_id_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityDeletePermissionGroupCallback(
    cb: TIMCommunityDeletePermissionGroupCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityDeletePermissionGroupCallback", || {
        unfired(
            "TIMSetCommunityDeletePermissionGroupCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityChangePermissionGroupInfoCallback (never called by imcore).
pub type TIMCommunityChangePermissionGroupInfoCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_permission_group_info: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityChangePermissionGroupInfoCallback(
    cb: TIMCommunityChangePermissionGroupInfoCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityChangePermissionGroupInfoCallback", || {
        unfired(
            "TIMSetCommunityChangePermissionGroupInfoCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityAddMembersToPermissionGroupCallback (never called by imcore).
pub type TIMCommunityAddMembersToPermissionGroupCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_result: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityAddMembersToPermissionGroupCallback(
    cb: TIMCommunityAddMembersToPermissionGroupCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityAddMembersToPermissionGroupCallback", || {
        unfired(
            "TIMSetCommunityAddMembersToPermissionGroupCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityRemoveMembersFromPermissionGroupCallback (never called by imcore).
pub type TIMCommunityRemoveMembersFromPermissionGroupCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_result: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityRemoveMembersFromPermissionGroupCallback(
    cb: TIMCommunityRemoveMembersFromPermissionGroupCallback,
    user_data: *const c_void,
) {
    guard_void(
        "TIMSetCommunityRemoveMembersFromPermissionGroupCallback",
        || {
            unfired(
                "TIMSetCommunityRemoveMembersFromPermissionGroupCallback",
                cb.is_some(),
                user_data,
            )
        },
    );
}

/// Callback type of TIMSetCommunityAddTopicPermissionCallback (never called by imcore).
pub type TIMCommunityAddTopicPermissionCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_result: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityAddTopicPermissionCallback(
    cb: TIMCommunityAddTopicPermissionCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityAddTopicPermissionCallback", || {
        unfired(
            "TIMSetCommunityAddTopicPermissionCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityDeleteTopicPermissionCallback (never called by imcore).
pub type TIMCommunityDeleteTopicPermissionCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_result: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityDeleteTopicPermissionCallback(
    cb: TIMCommunityDeleteTopicPermissionCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityDeleteTopicPermissionCallback", || {
        unfired(
            "TIMSetCommunityDeleteTopicPermissionCallback",
            cb.is_some(),
            user_data,
        )
    });
}

/// Callback type of TIMSetCommunityModifyTopicPermissionCallback (never called by imcore).
pub type TIMCommunityModifyTopicPermissionCallback = Option<
    unsafe extern "C" fn(
        group_id: *const c_char,
        json_result: *const c_char,
        user_data: *const c_void,
    ),
>;

/// Registers (NULL: unregisters) a listener for communities. imcore has no such
/// events: it is stored and never called.
#[no_mangle]
pub unsafe extern "C" fn TIMSetCommunityModifyTopicPermissionCallback(
    cb: TIMCommunityModifyTopicPermissionCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetCommunityModifyTopicPermissionCallback", || {
        unfired(
            "TIMSetCommunityModifyTopicPermissionCallback",
            cb.is_some(),
            user_data,
        )
    });
}
