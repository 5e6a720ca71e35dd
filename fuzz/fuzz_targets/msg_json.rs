//! Message JSON: send (loopback: the callback fires at once), read receipts
//! sent and fetched, read member lists, find, history, report-read, drafts.
//! Input: selector, argument byte, then the JSON text and (for the calls
//! with a conversation) the raw conversation id as a second string.
#![no_main]
use ffi::*;
use imcore_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _s = Session::begin(false);
    let a = Args::new(data);
    let json = a.ptr(0);
    // The conversation: the second string, or one of the populated ones.
    let fallback = [cs("bob"), cs("team"), cs("chat"), cs("nobody")];
    let (conv, conv_type) = match a.strs.get(1) {
        Some(s) => (s.as_ptr(), i32::from(a.n & 3)),
        None => {
            let i = usize::from(a.n & 3);
            (fallback[i].as_ptr(), if i == 0 || i == 3 { 1 } else { 2 })
        }
    };
    let mut id_buf = [0x55u8; 128];
    // SAFETY (every call): NULL or valid C strings, a 128-byte buffer, the
    // counting callbacks.
    match a.sel % 10 {
        0 => {
            let code = call("TIMMsgSendMessage", |cb, ud| unsafe {
                TIMMsgSendMessage(conv, conv_type, json, id_buf.as_mut_ptr().cast(), cb, ud)
            });
            if code == Some(0) {
                let end = id_buf
                    .iter()
                    .position(|&b| b == 0)
                    .expect("id is NUL-terminated");
                assert!(end > 0 && end < 128, "a sent message has an id");
            }
        }
        1 => {
            call("TIMMsgSendNewMsg", |cb, ud| unsafe {
                TIMMsgSendNewMsg(conv, conv_type, json, cb, ud)
            });
        }
        2 => {
            call("TIMMsgSendMessageReadReceipts", |cb, ud| unsafe {
                TIMMsgSendMessageReadReceipts(json, cb, ud)
            });
        }
        3 => {
            call("TIMMsgGetMessageReadReceipts", |cb, ud| unsafe {
                TIMMsgGetMessageReadReceipts(json, cb, ud)
            });
        }
        4 => {
            let tok = token();
            let r = unsafe {
                TIMMsgGetGroupMessageReadMemberList(
                    json,
                    i32::from(a.n & 3) - 1,
                    U64S[(a.n >> 4) as usize],
                    u32::from(a.n >> 2 & 3) * 50,
                    Some(members_cb),
                    tok,
                )
            };
            check("TIMMsgGetGroupMessageReadMemberList", r, tok);
        }
        5 => {
            call("TIMMsgFindMessages", |cb, ud| unsafe {
                TIMMsgFindMessages(json, cb, ud)
            });
        }
        6 => {
            call("TIMMsgGetMsgList", |cb, ud| unsafe {
                TIMMsgGetMsgList(conv, conv_type, json, cb, ud)
            });
        }
        7 => {
            call("TIMMsgReportReaded", |cb, ud| unsafe {
                TIMMsgReportReaded(conv, conv_type, json, cb, ud)
            });
        }
        8 => {
            let r = unsafe { TIMConvSetDraft(conv, conv_type, json) };
            check_code("TIMConvSetDraft", r);
            call("TIMConvGetConvList", |cb, ud| unsafe {
                TIMConvGetConvList(cb, ud)
            });
        }
        _ => {
            call("TIMMsgMarkAllMessageAsRead", |cb, ud| unsafe {
                TIMMsgMarkAllMessageAsRead(cb, ud)
            });
        }
    }
    end("msg_json");
});
