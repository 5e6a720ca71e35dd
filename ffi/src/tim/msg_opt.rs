//! Receive options (do not disturb) per C2C peer and per group.

use crate::boundary::{self, guard, Reject};
use crate::boundary::{arg_opt_str, arg_str};
use crate::tim::json::{self};
use crate::tim::runtime::{self, op};
use crate::*;
use imcore::{ConvKey, ConvType, ReceiveOpt};
use serde_json::{json, Value};
use std::ffi::{c_char, c_void};
fn recv_opt(opt: i32) -> boundary::Checked<ReceiveOpt> {
    ReceiveOpt::from_i64(i64::from(opt)).map_err(|_| {
        Reject::param(format!(
            "opt is {opt}; expected 0..=4 (TIMReceiveMessageOpt)"
        ))
    })
}

/// Reads a JSON array of 1..=30 user ids into C2C keys.
fn user_keys(text: &str, what: &str) -> boundary::Checked<Vec<(String, ConvKey)>> {
    let ids = json::string_array(text, what)?;
    if ids.is_empty() || ids.len() > 30 {
        return Err(Reject::param(format!(
            "{what} holds {} ids; 1..=30 are allowed",
            ids.len()
        )));
    }
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            let k = boundary::conv_key(&id, ConvType::C2c, &format!("{what}[{i}]"))?;
            Ok((id, k))
        })
        .collect()
}

/// Sets the receive option (`opt` 0..=4: receive, not receive, no notify,
/// no notify except @, not receive except @) of C2C conversations
/// (`json_identifier_array`: 1..=30 user ids; unknown ones are remembered
/// for when they appear). Muting (1, 2, 3) takes the unread out of the
/// total at once. Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSetC2CReceiveMessageOpt(
    json_identifier_array: *const c_char,
    opt: i32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSetC2CReceiveMessageOpt", || {
        runtime::check_logged_in()?;
        let text = arg_str!(json_identifier_array, "json_identifier_array")?;
        let keys = user_keys(text, "json_identifier_array")?;
        let opt = recv_opt(opt)?;
        op(cb, user_data, move |s| {
            for (_, k) in &keys {
                s.engine.set_receive_opt(k, opt)?;
            }
            Ok(String::new())
        })
    })
}

/// The receive options of C2C conversations (1..=30 user ids). Callback
/// json: `[{"msg_recv_msg_opt_result_identifier":id,"msg_recv_msg_opt_result_opt":n}]`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgGetC2CReceiveMessageOpt(
    json_identifier_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgGetC2CReceiveMessageOpt", || {
        runtime::check_logged_in()?;
        let text = arg_str!(json_identifier_array, "json_identifier_array")?;
        let keys = user_keys(text, "json_identifier_array")?;
        op(cb, user_data, move |s| {
            let arr: Vec<Value> = keys
                .iter()
                .map(|(id, k)| {
                    json!({
                        "msg_recv_msg_opt_result_identifier": id,
                        "msg_recv_msg_opt_result_opt": s.engine.receive_opt(k).as_i64(),
                    })
                })
                .collect();
            Ok(Value::Array(arr).to_string())
        })
    })
}

/// Sets a group's receive option (`opt` 0..=4). Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_GROUP (NULL / empty / too long group id).
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSetGroupReceiveMessageOpt(
    group_id: *const c_char,
    opt: i32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSetGroupReceiveMessageOpt", || {
        runtime::check_logged_in()?;
        let id = arg_opt_str!(group_id, "group_id")?
            .ok_or_else(|| Reject::new(TIM_ERR_GROUP, "group_id is NULL"))?;
        let key = boundary::conv_key(id, ConvType::Group, "group_id")?;
        let opt = recv_opt(opt)?;
        op(cb, user_data, move |s| {
            s.engine.set_receive_opt(&key, opt)?;
            Ok(String::new())
        })
    })
}
