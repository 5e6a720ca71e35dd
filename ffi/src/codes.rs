//! Every error code imcore reports, in one table: the C face's synchronous
//! return codes (defined here, exported in the header), the engine's codes
//! (`imcore::error::code`, delivered in callbacks and as the typed face's
//! `ImError`), and the typed face's "not logged in". docs/ERRORS.md and
//! the C# `TIMResult` enum are checked against [`TABLE`] by this module's
//! tests.

use imcore::error::code;

/// Success: the call was accepted and its callback will be called once.
pub const TIM_SUCC: i32 = 0;
/// `TIMInit` has not been called (or `TIMUninit` was).
pub const TIM_ERR_SDKUNINIT: i32 = -1;
/// No user is logged in.
pub const TIM_ERR_NOTLOGIN: i32 = -2;
/// Malformed JSON, or a JSON key of the wrong type.
pub const TIM_ERR_JSON: i32 = -3;
/// A bad parameter: NULL, not UTF-8, out of range.
pub const TIM_ERR_PARAM: i32 = -4;
/// A malformed conversation id.
pub const TIM_ERR_CONV: i32 = -5;
/// A malformed group id.
pub const TIM_ERR_GROUP: i32 = -6;
/// imcore extension: an internal error (a caught panic); nothing changed
/// and the callback is not called. Never expected; please report it.
pub const IMCORE_ERR_INTERNAL: i32 = -100;
/// A call before `login` (typed face) or an answer lost to a logout (C face
/// callbacks): TIM's 6014.
pub(crate) const NOT_LOGGED_IN: i32 = 6014;

/// Every code: its value, its name (C constant or typed `ImError` variant)
/// and whether the C face returns it synchronously.
pub const TABLE: &[(i32, &str, bool)] = &[
    (TIM_SUCC, "TIM_SUCC", true),
    (TIM_ERR_SDKUNINIT, "TIM_ERR_SDKUNINIT", true),
    (TIM_ERR_NOTLOGIN, "TIM_ERR_NOTLOGIN", true),
    (TIM_ERR_JSON, "TIM_ERR_JSON", true),
    (TIM_ERR_PARAM, "TIM_ERR_PARAM", true),
    (TIM_ERR_CONV, "TIM_ERR_CONV", true),
    (TIM_ERR_GROUP, "TIM_ERR_GROUP", true),
    (IMCORE_ERR_INTERNAL, "IMCORE_ERR_INTERNAL", true),
    (code::CONVERSATION_NOT_FOUND, "ConversationNotFound", false),
    (code::MESSAGE_NOT_FOUND, "MessageNotFound", false),
    (NOT_LOGGED_IN, "NotLoggedIn", false),
    (code::INVALID_PARAM, "InvalidParam", false),
    (code::STORE_UNUSABLE, "StoreUnusable", false),
    (code::STORAGE, "Storage", false),
    (code::NOT_SUPPORTED, "NotSupported", false),
    (code::LIMIT_EXCEEDED, "LimitExceeded", false),
    (code::DISK_FULL, "DiskFull", false),
    (code::READ_ONLY, "ReadOnly", false),
    (code::GROUP_NOT_FOUND, "GroupNotFound", false),
    (code::GROUP_EXISTS, "GroupExists", false),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_file(path: &str) -> String {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(path);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    #[test]
    fn errors_md_lists_every_code_with_its_name() {
        let doc = repo_file("docs/ERRORS.md");
        for (value, name, _) in TABLE {
            let row = format!("| {value} | `{name}`");
            assert!(doc.contains(&row), "docs/ERRORS.md lacks the row {row:?}");
        }
    }

    #[test]
    fn the_csharp_enum_has_every_synchronous_code() {
        let cs = repo_file("bindings/csharp/Runtime/Enums/TIMResult.cs");
        let mut found = 0;
        for (value, name, sync) in TABLE.iter().filter(|c| c.2) {
            assert!(*sync);
            let line = format!("{name} = {value},");
            assert!(cs.contains(&line), "TIMResult.cs lacks {line:?}");
            found += 1;
        }
        let members = cs
            .lines()
            .filter(|l| l.trim_start().starts_with("TIM") || l.trim_start().starts_with("IMCORE"))
            .count();
        assert_eq!(
            members, found,
            "TIMResult.cs has a member the table does not"
        );
    }

    #[test]
    fn codes_are_unique() {
        let mut v: Vec<i32> = TABLE.iter().map(|c| c.0).collect();
        v.sort_unstable();
        v.dedup();
        assert_eq!(v.len(), TABLE.len());
    }
}
