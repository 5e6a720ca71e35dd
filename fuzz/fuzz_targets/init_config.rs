//! The init config and the calls allowed before init: `TIMInit`
//! (+ `TIMLogin` with a fuzzed user id, `TIMLogout`, `TIMUninit`),
//! `TIMSetConfig`, `callExperimentalAPI`. Input: selector, argument byte,
//! then the JSON text and (for the login) the user id.
//!
//! A string `sdk_config_config_file_path` is redirected into this run's own
//! directory (imcore creates the directory it names, and the fuzzer must not
//! create directories anywhere on the machine); everything else is passed
//! as fuzzed. The current directory (the default data directory's parent) is
//! set to that directory too.
#![no_main]
use ffi::*;
use ffi::IMCoreSetCallbackMode;
use imcore_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;
use std::sync::Once;

static START: Once = Once::new();

fn sanitize(raw: &CString, root: &std::path::Path, pick: u8) -> CString {
    let Ok(text) = raw.to_str() else {
        return raw.clone();
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(mut o)) => {
            if let Some(serde_json::Value::String(_)) = o.get("sdk_config_config_file_path") {
                let dir = root.join(format!("d{}", pick % 4));
                o.insert(
                    "sdk_config_config_file_path".into(),
                    dir.to_string_lossy().into_owned().into(),
                );
                return cs(&serde_json::Value::Object(o).to_string());
            }
            raw.clone()
        }
        _ => raw.clone(),
    }
}

fn clean(root: &std::path::Path) {
    // Stores that a login created: keep the directory small.
    for d in ["d0", "d1", "d2", "d3", "imcore-data"] {
        if let Ok(rd) = std::fs::read_dir(root.join(d)) {
            for e in rd.flatten() {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let root = data_root();
    START.call_once(|| {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create the run directory");
        std::env::set_current_dir(&root).expect("enter the run directory");
        // SAFETY: plain value.
        assert_eq!(unsafe { IMCoreSetCallbackMode(1) }, ffi::TIM_SUCC);
    });
    let a = Args::new(data);
    let cfg = a.strs.first().map(|c| sanitize(c, &root, a.n));
    let cfg_ptr = cfg.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
    // SAFETY (every call): NULL or valid C strings, the counting callback.
    match a.sel % 4 {
        0 | 1 => {
            let app = U64S[usize::from(a.n >> 4)];
            let r = unsafe { TIMInit(app, cfg_ptr) };
            check_code("TIMInit", r);
            if r == ffi::TIM_SUCC {
                // A second init is a successful no-op.
                assert_eq!(unsafe { TIMInit(app, cfg_ptr) }, ffi::TIM_SUCC);
                if a.sel % 4 == 1 {
                    let user = a.ptr(1);
                    let code = call("TIMLogin", |cb, ud| unsafe {
                        TIMLogin(user, std::ptr::null(), cb, ud)
                    });
                    if code == Some(0) {
                        logout();
                    }
                    clean(&root);
                }
                call("TIMSetConfig", |cb, ud| unsafe {
                    TIMSetConfig(cfg_ptr, cb, ud)
                });
                let r = unsafe { TIMUninit() };
                assert_eq!(r, ffi::TIM_SUCC, "TIMUninit after a successful TIMInit");
            }
        }
        2 => {
            call("TIMSetConfig", |cb, ud| unsafe {
                TIMSetConfig(cfg_ptr, cb, ud)
            });
        }
        _ => {
            call("callExperimentalAPI", |cb, ud| unsafe {
                callExperimentalAPI(cfg_ptr, cb, ud)
            });
        }
    }
    assert_eq!(unsafe { TIMUninit() }, ffi::TIM_ERR_SDKUNINIT);
});
