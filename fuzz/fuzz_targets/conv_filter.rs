//! Conversation filters: `TIMConvGetConversationListByFilter`,
//! `TIMConvGetUnreadMessageCountByFilter`, subscribe / unsubscribe.
//! Input: selector, count byte, then the filter text (absent = NULL).
#![no_main]
use ffi::*;
use imcore_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _s = Session::begin(false);
    let a = Args::new(data);
    let f = a.ptr(0);
    let next_seq = U64S[(a.n >> 4) as usize];
    let count = u32::from(a.n & 0x0f) * 70; // 0, 70, ... 1050: 0 and > 1000 included
    match a.sel % 5 {
        // SAFETY (all arms): NULL or valid C strings, the counting callback.
        0 => {
            call("TIMConvGetConversationListByFilter", |cb, ud| unsafe {
                TIMConvGetConversationListByFilter(f, next_seq, count, cb, ud)
            });
        }
        1 => {
            call("TIMConvGetUnreadMessageCountByFilter", |cb, ud| unsafe {
                TIMConvGetUnreadMessageCountByFilter(f, cb, ud)
            });
        }
        2 => {
            let r = unsafe { TIMConvSubscribeUnreadMessageCountByFilter(f) };
            check_code("TIMConvSubscribeUnreadMessageCountByFilter", r);
            // A change so that subscribed filters fire.
            push_ok(
                r#"[{"kind":"message","message":{"message_msg_id":"f-1","message_conv_id":"bob","message_conv_type":1,"message_sender":"bob","message_server_time":1700000500}}]"#,
            );
            call(
                "TIMConvCleanConversationUnreadMessageCount",
                |cb, ud| unsafe {
                    TIMConvCleanConversationUnreadMessageCount(std::ptr::null(), 0, 0, cb, ud)
                },
            );
        }
        3 => {
            let r = unsafe { TIMConvUnsubscribeUnreadMessageCountByFilter(f) };
            check_code("TIMConvUnsubscribeUnreadMessageCountByFilter", r);
        }
        _ => {
            // Both list calls with the same filter must agree on membership:
            // every conversation of the list counts in the by-filter total.
            call("TIMConvGetConversationListByFilter", |cb, ud| unsafe {
                TIMConvGetConversationListByFilter(f, 0, 1000, cb, ud)
            });
            call("TIMConvGetUnreadMessageCountByFilter", |cb, ud| unsafe {
                TIMConvGetUnreadMessageCountByFilter(f, cb, ud)
            });
        }
    }
    end("conv_filter");
});
