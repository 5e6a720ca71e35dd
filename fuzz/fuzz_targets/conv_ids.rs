//! Conversation-info and id-array parameters: `TIMConvGetConvInfo`,
//! `TIMConvDeleteConversationList`, `TIMConvMarkConversation`, custom data,
//! the conversation-group functions, pin / create / delete by raw id, clean,
//! and the receive options. Input: selector, argument byte, then up to two
//! NUL-separated strings (absent = NULL).
#![no_main]
use ffi::*;
use imcore_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _s = Session::begin(false);
    let a = Args::new(data);
    let (s0, s1) = (a.ptr(0), a.ptr(1));
    let flag = a.n & 1;
    let conv_type = i32::from(a.n >> 1 & 3); // 0..=3: 1 and 2 valid
    let big = U64S[(a.n >> 4) as usize];
    // SAFETY (every call): NULL or valid C strings, the counting callback.
    match a.sel % 17 {
        0 => call("TIMConvGetConvInfo", |cb, ud| unsafe {
            TIMConvGetConvInfo(s0, cb, ud)
        }),
        1 => call("TIMConvDeleteConversationList", |cb, ud| unsafe {
            TIMConvDeleteConversationList(s0, flag, cb, ud)
        }),
        2 => call("TIMConvMarkConversation", |cb, ud| unsafe {
            TIMConvMarkConversation(s0, big, flag, cb, ud)
        }),
        3 => call("TIMConvSetConversationCustomData", |cb, ud| unsafe {
            TIMConvSetConversationCustomData(s0, s1, cb, ud)
        }),
        4 => call("TIMConvCreateConversationGroup", |cb, ud| unsafe {
            TIMConvCreateConversationGroup(s0, s1, cb, ud)
        }),
        5 => call("TIMConvAddConversationsToGroup", |cb, ud| unsafe {
            TIMConvAddConversationsToGroup(s0, s1, cb, ud)
        }),
        6 => call("TIMConvDeleteConversationsFromGroup", |cb, ud| unsafe {
            TIMConvDeleteConversationsFromGroup(s0, s1, cb, ud)
        }),
        7 => call("TIMConvRenameConversationGroup", |cb, ud| unsafe {
            TIMConvRenameConversationGroup(s0, s1, cb, ud)
        }),
        8 => call("TIMConvDeleteConversationGroup", |cb, ud| unsafe {
            TIMConvDeleteConversationGroup(s0, cb, ud)
        }),
        9 => call("TIMConvPinConversation", |cb, ud| unsafe {
            TIMConvPinConversation(s0, conv_type, a.n >> 3, cb, ud)
        }),
        10 => call("TIMConvCreate", |cb, ud| unsafe {
            TIMConvCreate(s0, conv_type, cb, ud)
        }),
        11 => call("TIMConvDelete", |cb, ud| unsafe {
            TIMConvDelete(s0, conv_type, cb, ud)
        }),
        12 => call(
            "TIMConvCleanConversationUnreadMessageCount",
            |cb, ud| unsafe {
                TIMConvCleanConversationUnreadMessageCount(
                    s0,
                    big,
                    U64S[(a.n & 15) as usize],
                    cb,
                    ud,
                )
            },
        ),
        13 => call("TIMMsgSetC2CReceiveMessageOpt", |cb, ud| unsafe {
            TIMMsgSetC2CReceiveMessageOpt(s0, i32::from(a.n % 7) - 1, cb, ud)
        }),
        14 => call("TIMMsgGetC2CReceiveMessageOpt", |cb, ud| unsafe {
            TIMMsgGetC2CReceiveMessageOpt(s0, cb, ud)
        }),
        15 => call("TIMMsgSetGroupReceiveMessageOpt", |cb, ud| unsafe {
            TIMMsgSetGroupReceiveMessageOpt(s0, i32::from(a.n % 7) - 1, cb, ud)
        }),
        _ => {
            // The synchronous draft calls take a raw id too.
            let r = unsafe { TIMConvSetDraft(s0, conv_type, s1) };
            check_code("TIMConvSetDraft", r);
            let r = unsafe { TIMConvCancelDraft(s0, conv_type) };
            check_code("TIMConvCancelDraft", r);
            None
        }
    };
    end("conv_ids");
});
