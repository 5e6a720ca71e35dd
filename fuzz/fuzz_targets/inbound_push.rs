//! `IMCoreInboundPush`: the whole input is the envelope array text.
#![no_main]
use imcore_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;

fuzz_target!(|data: &[u8]| {
    let _s = Session::begin(false);
    // A C string ends at the first NUL, as it would for a C host.
    let cut = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let text = CString::new(&data[..cut]).expect("cut at the NUL");
    // SAFETY: a valid C string and the counting callback.
    call("IMCoreInboundPush", |cb, ud| unsafe {
        ffi::IMCoreInboundPush(text.as_ptr(), cb, ud)
    });
    end("IMCoreInboundPush");
});
