//! Init, login and the SDK-level calls.

use crate::boundary::{self, guard, guard_value, Reject};
use crate::boundary::{arg_opt_str, arg_str, out_buf};
use crate::tim::json::{self, Obj};
use crate::tim::runtime::{self, lock, Cb, Init, Session, CORE};
use crate::*;
use imcore::{Engine, EngineConfig};
use std::collections::HashMap;
use std::ffi::{c_char, c_void};
use std::path::PathBuf;

/// Initialises imcore and starts the dispatcher thread (in thread mode).
///
/// `json_sdk_config` (may be NULL or ""): `{"sdk_config_config_file_path":
/// "<data directory>", "sdk_config_log_file_path": "…"}`; the data directory
/// (created if missing) holds one SQLite store per (app, user); default
/// `<current directory>/imcore-data`. With a log directory (created if
/// missing) imcore writes `imcore.log` there, rotated at 4 MiB with three
/// older files kept, at the level of `TIMSetConfig`'s `set_config_log_level`.
/// imcore's own keys: `"imcore_revoked_messages_count": true` keeps a revoked
/// unread message counted (default false: revoking it lowers the count);
/// `"imcore_count_marked_unread_as_one": true` counts a conversation marked
/// unread (`kTIMConversationMarkTypeUnread`) with no unread message as 1 in
/// the totals (default false: the mark is a dot without a count); see
/// docs/C-ABI.md. Other SdkConfig keys are accepted and
/// ignored. Calling it again while initialised is a successful no-op.
///
/// Returns TIM_SUCC; TIM_ERR_JSON for malformed config JSON or a key of the
/// wrong type; TIM_ERR_PARAM when a directory cannot be created.
#[no_mangle]
pub unsafe extern "C" fn TIMInit(sdk_app_id: u64, json_sdk_config: *const c_char) -> i32 {
    guard("TIMInit", || {
        let cfg = arg_opt_str!(json_sdk_config, "json_sdk_config")?;
        let cfg = json::parse_opt(cfg, "json_sdk_config")?;
        let (mut dir, mut log_dir) = (None, None);
        let (mut revoked_messages_count, mut count_marked_unread_as_one) = (false, false);
        if let Some(v) = &cfg {
            let o = Obj::new(v, "json_sdk_config")?;
            revoked_messages_count = o.bool("imcore_revoked_messages_count")?.unwrap_or(false);
            count_marked_unread_as_one = o
                .bool("imcore_count_marked_unread_as_one")?
                .unwrap_or(false);
            dir = o
                .str("sdk_config_config_file_path")?
                .filter(|s| !s.is_empty())
                .map(PathBuf::from);
            log_dir = o
                .str("sdk_config_log_file_path")?
                .filter(|s| !s.is_empty())
                .map(PathBuf::from);
        }
        let dir = match dir {
            Some(d) => d,
            None => std::env::current_dir()
                .map_err(|e| Reject::param(format!("no current directory: {e}")))?
                .join("imcore-data"),
        };
        let mut core = lock(&CORE);
        if core.init.is_some() {
            return Ok(TIM_SUCC);
        }
        std::fs::create_dir_all(&dir).map_err(|e| {
            Reject::param(format!(
                "sdk_config_config_file_path {}: cannot create it: {e}",
                dir.display()
            ))
        })?;
        if let Some(d) = &log_dir {
            crate::logging::set_file(Some(d)).map_err(|e| {
                Reject::param(format!(
                    "sdk_config_log_file_path {}: cannot write a log file there: {e}",
                    d.display()
                ))
            })?;
        }
        core.init = Some(Init {
            sdk_app_id,
            data_dir: dir,
            revoked_messages_count,
            count_marked_unread_as_one,
        });
        core.publish();
        // Under the same lock as `init`: a TIMUninit racing this one sees
        // both or neither (runtime.rs).
        runtime::start();
        drop(core);
        Ok(TIM_SUCC)
    })
}

/// Shuts imcore down: logs out (closing the store), delivers every callback
/// still queued, stops and joins the dispatcher thread. No callback runs
/// after it returns. Called from a callback it delivers the rest itself and
/// the thread ends when that callback returns. Listeners stay registered
/// (TIM's are process-wide); unregister them with NULL if you want.
///
/// Returns TIM_SUCC, or TIM_ERR_SDKUNINIT when not initialised.
#[no_mangle]
pub unsafe extern "C" fn TIMUninit() -> i32 {
    guard("TIMUninit", || {
        let (session, halted) = {
            let mut core = lock(&CORE);
            if core.init.take().is_none() {
                return Err(Reject::new(
                    TIM_ERR_SDKUNINIT,
                    "TIMInit has not been called",
                ));
            }
            let mut s = core.session.take();
            core.publish();
            if let Some(s) = s.as_mut() {
                runtime::send(end_session(s));
            }
            // Delivery stops under the same lock as `init` is cleared: a
            // TIMInit racing this one starts it again after, never before.
            (s, runtime::halt())
        };
        drop(session);
        runtime::finish(halted);
        Ok(TIM_SUCC)
    })
}

/// Callbacks owed when a session ends: the sends still waiting for their
/// ack complete with 6014 (the message stays queued in the store's outbox
/// and is delivered again after the next login).
fn end_session(s: &mut Session) -> Vec<Cb> {
    let mut out = crate::tim::events::collect(s);
    for (_, p) in s.pending_sends.drain() {
        out.push(Cb::Comm {
            cb: p.cb,
            ud: p.ud,
            code: 6014,
            desc: "logged out before the server acknowledged the change; its envelope stays \
                   queued and is delivered again after the next login"
                .into(),
            json: String::new(),
        });
    }
    out
}

/// The imcore version, a static NUL-terminated string (do not free it).
#[no_mangle]
pub unsafe extern "C" fn TIMGetSDKVersion() -> *const c_char {
    static VERSION: &str = concat!("imcore-", env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

/// The current time in seconds since the epoch (imcore's clock; the host's
/// transport owns the server connection).
#[no_mangle]
pub unsafe extern "C" fn TIMGetServerTime() -> u64 {
    guard_value("TIMGetServerTime", 0, || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    })
}

/// Accepts a JSON object of settings. imcore reads the log levels (TIM's
/// `TIMLogLevel` numbers, 0 off … 3 debug, 4 info, 5 warn, 6 error):
/// `set_config_log_level` (the log file, and the log callback unless
/// `set_config_callback_log_level` is given too) and
/// `set_config_callback_log_level` (the log callback); default 4 for both.
/// Other keys are accepted and ignored. May be called before TIMInit. `cb`
/// may be NULL; it receives `json_params` = the config as given. Before
/// TIMInit the callback runs on the calling thread before this returns.
///
/// Returns TIM_SUCC; TIM_ERR_PARAM for NULL / non-UTF-8 or a level out of
/// 0..=7; TIM_ERR_JSON when it is not a JSON object or a level is not an
/// integer. A refused config changes no level.
#[no_mangle]
pub unsafe extern "C" fn TIMSetConfig(
    json_config: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMSetConfig", || {
        let text = arg_str!(json_config, "json_config")?;
        let v = json::parse(text, "json_config")?;
        json::object(&v, "json_config")?;
        let o = Obj::new(&v, "json_config")?;
        let level = |key: &str| -> boundary::Checked<Option<::log::LevelFilter>> {
            match o.i64(key)? {
                None => Ok(None),
                Some(n) => crate::logging::filter_of_tim(n).map(Some).ok_or_else(|| {
                    Reject::param(format!("json_config.{key} {n} is out of range (0..=7)"))
                }),
            }
        };
        let file = level("set_config_log_level")?;
        let callback = level("set_config_callback_log_level")?.or(file);
        if let Some(l) = file {
            crate::logging::set_file_level(l);
        }
        if let Some(l) = callback {
            crate::logging::set_callback_level(l);
        }
        if cb.is_some() {
            runtime::send(vec![Cb::Comm {
                cb,
                ud: user_data as usize,
                code: 0,
                desc: String::new(),
                json: text.to_owned(),
            }]);
        }
        Ok(TIM_SUCC)
    })
}

/// Logs `user_id` in: opens (creating if needed) that user's store under the
/// data directory. `user_sig` is not checked (the host's transport
/// authenticates; it may be NULL). Logging in again as the same user
/// succeeds at once; as another user while logged in fails (log out first).
///
/// Callback: code 0, json ""; or 6017 (bad user id, another user logged in),
/// 7011 (the store is corrupt, foreign or another user's: it is reported, not
/// overwritten), 7018 (read-only), 7012 (other storage errors).
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_PARAM for NULL / empty /
/// non-UTF-8 user_id.
#[no_mangle]
pub unsafe extern "C" fn TIMLogin(
    user_id: *const c_char,
    user_sig: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMLogin", || {
        runtime::check_init()?;
        let user = arg_str!(user_id, "user_id")?;
        arg_opt_str!(user_sig, "user_sig")?;
        if user.is_empty() {
            return Err(Reject::param("user_id is empty"));
        }
        let mut core = lock(&CORE);
        let Some(init) = core.init.clone() else {
            return Err(Reject::new(
                TIM_ERR_SDKUNINIT,
                "TIMInit has not been called",
            ));
        };
        let result: runtime::OpResult = match &core.session {
            Some(s) if s.engine.user_id() == user => Ok(String::new()),
            Some(s) => Err(imcore::Error::InvalidParam(format!(
                "{:?} is logged in; call TIMLogout first",
                s.engine.user_id()
            ))),
            None => match Engine::open(
                &init.data_dir,
                init.sdk_app_id,
                user,
                EngineConfig {
                    revoked_messages_count: init.revoked_messages_count,
                    count_marked_unread_as_one: init.count_marked_unread_as_one,
                    ..EngineConfig::default()
                },
            ) {
                Ok(mut engine) => {
                    let outbox = runtime::has_outbound();
                    engine.set_outbox_enabled(outbox);
                    let mut s = Session {
                        engine,
                        total_listening: false,
                        filter_subs: Vec::new(),
                        own_sends: Default::default(),
                        pending_sends: HashMap::new(),
                    };
                    let mut batch = Vec::new();
                    if outbox {
                        batch.extend(crate::tim::transport::redeliver(&mut s));
                    }
                    core.session = Some(s);
                    core.publish();
                    runtime::send(batch);
                    Ok(String::new())
                }
                Err(e) => Err(e),
            },
        };
        if cb.is_some() {
            runtime::send(vec![runtime::comm(cb, user_data as usize, result)]);
        }
        drop(core);
        Ok(TIM_SUCC)
    })
}

/// Logs out: closes the store. Sends still waiting for an ack complete with
/// 6014 first. Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN when no user is logged in.
#[no_mangle]
pub unsafe extern "C" fn TIMLogout(cb: TIMCommCallback, user_data: *const c_void) -> i32 {
    guard("TIMLogout", || {
        let mut core = lock(&CORE);
        core.session()?;
        let mut s = core.session.take().expect("checked above");
        core.publish();
        let mut batch = end_session(&mut s);
        drop(s);
        if cb.is_some() {
            batch.push(runtime::comm(cb, user_data as usize, Ok(String::new())));
        }
        runtime::send(batch);
        drop(core);
        Ok(TIM_SUCC)
    })
}

/// Writes the logged-in user id, NUL-terminated, into `user_id_buffer`
/// (at least 128 bytes; an id that does not fit is TIM_ERR_PARAM and the
/// buffer gets ""). Returns TIM_SUCC; TIM_ERR_PARAM for a NULL buffer;
/// TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN (the buffer gets "").
#[no_mangle]
pub unsafe extern "C" fn TIMGetLoginUserID(user_id_buffer: *mut c_char) -> i32 {
    guard("TIMGetLoginUserID", || {
        if user_id_buffer.is_null() {
            return Err(Reject::param("user_id_buffer is NULL"));
        }
        let user = {
            let mut core = lock(&CORE);
            core.session().map(|s| s.engine.user_id().to_owned())
        };
        match user {
            Ok(u) => {
                out_buf!(user_id_buffer, 128).write(&u, "the user id")?;
                Ok(TIM_SUCC)
            }
            Err(r) => {
                out_buf!(user_id_buffer, 128).write("", "the user id")?;
                Err(r)
            }
        }
    })
}

/// 1 (`kTIMLoginStatus_Logined`) when a user is logged in, else 3
/// (`kTIMLoginStatus_UnLogined`).
#[no_mangle]
pub unsafe extern "C" fn TIMGetLoginStatus() -> i32 {
    guard_value("TIMGetLoginStatus", kTIMLoginStatus_UnLogined, || {
        if lock(&CORE).session.is_some() {
            kTIMLoginStatus_Logined
        } else {
            kTIMLoginStatus_UnLogined
        }
    })
}

/// TIM's experimental entry point (note the lower-case name). Accepts, also
/// before TIMInit and with a NULL `cb`:
/// `{"request_internal_operation":"internal_operation_set_ui_platform",…}`
/// (acknowledged) and `"internal_operation_write_log"` (its content — which
/// may contain the user sig — is discarded, never stored or logged). Any
/// other operation gets callback code 7013 (not supported). Before TIMInit
/// the callback runs on the calling thread before this returns.
///
/// Returns TIM_SUCC; TIM_ERR_PARAM for NULL / non-UTF-8; TIM_ERR_JSON when it
/// is not an object or `request_internal_operation` is missing or not a string.
#[no_mangle]
pub unsafe extern "C" fn callExperimentalAPI(
    json_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("callExperimentalAPI", || {
        let text = arg_str!(json_param, "json_param")?;
        let v = json::parse(text, "json_param")?;
        let o = Obj::new(&v, "json_param")?;
        let op = o.str("request_internal_operation")?;
        let op = o.require("request_internal_operation", op)?;
        let (code, desc) = match op {
            "internal_operation_set_ui_platform"
            | "internal_operation_write_log"
            | "internal_operation_set_custom_server_info"
            | "internal_operation_set_sdk_config" => (0, String::new()),
            other => (
                7013,
                format!("experimental operation {other:?} is not supported by imcore"),
            ),
        };
        if cb.is_some() {
            runtime::send(vec![Cb::Comm {
                cb,
                ud: user_data as usize,
                code,
                desc,
                json: String::new(),
            }]);
        }
        Ok(TIM_SUCC)
    })
}
