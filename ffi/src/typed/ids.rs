//! Conversation id helpers: the API uses Tencent V2 ids (`c2c_<userID>`,
//! `group_<groupID>`); NIM ids are `<myAccount>|<type>|<targetId>` with
//! type 1 = P2P, 2 = team, 3 = super team.

use super::error::{ApiResult, ImError};
use super::types::{conv_key, ConversationType};
use imcore::ConvKey;

/// `c2c_<userId>`.
#[uniffi::export]
pub fn c2c_conversation_id(user_id: String) -> ApiResult<String> {
    Ok(ConvKey::c2c(user_id)?.v2_id())
}

/// `group_<groupId>`.
#[uniffi::export]
pub fn group_conversation_id(group_id: String) -> ApiResult<String> {
    Ok(ConvKey::group(group_id)?.v2_id())
}

/// The type of a V2 conversation id.
#[uniffi::export]
pub fn parse_conversation_type(conversation_id: String) -> ApiResult<ConversationType> {
    Ok(conv_key(&conversation_id)?.conv_type.into())
}

/// The peer user id or group id of a V2 conversation id.
#[uniffi::export]
pub fn parse_conversation_target_id(conversation_id: String) -> ApiResult<String> {
    Ok(conv_key(&conversation_id)?.peer)
}

/// A NIM id (`me|1|bob`, `me|2|team`, `me|3|superTeam`) as a V2 id
/// (`c2c_bob`, `group_team`, `group_superTeam`).
#[uniffi::export]
pub fn conversation_id_from_nim(nim_conversation_id: String) -> ApiResult<String> {
    let mut parts = nim_conversation_id.splitn(3, '|');
    let (owner, kind, target) = match (parts.next(), parts.next(), parts.next()) {
        (Some(o), Some(k), Some(t)) => (o, k, t),
        _ => {
            return Err(ImError::invalid(format!(
                "{nim_conversation_id:?} is not a NIM conversation id (<me>|<type>|<target>)"
            )))
        }
    };
    if owner.is_empty() {
        return Err(ImError::invalid(format!(
            "{nim_conversation_id:?} has an empty account segment"
        )));
    }
    let key = match kind {
        "1" => ConvKey::c2c(target)?,
        "2" | "3" => ConvKey::group(target)?,
        other => {
            return Err(ImError::invalid(format!(
                "NIM conversation type {other:?} is not 1 (P2P), 2 (team) or 3 (super team)"
            )))
        }
    };
    Ok(key.v2_id())
}

/// A V2 id as a NIM id owned by `myAccountId` (groups map to type 2, team).
#[uniffi::export]
pub fn conversation_id_to_nim(my_account_id: String, conversation_id: String) -> ApiResult<String> {
    imcore::types::check_id("account id", &my_account_id)?;
    let key = conv_key(&conversation_id)?;
    let t = match key.conv_type {
        imcore::ConvType::C2c => 1,
        imcore::ConvType::Group => 2,
    };
    Ok(format!("{my_account_id}|{t}|{}", key.peer))
}
