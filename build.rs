//! Generates `include/imcore.h` from the C ABI in `ffi/src` with cbindgen.
//! The header is checked in; `scripts/test.sh` fails when it drifts.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=ffi/src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml is readable");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("ffi/src/lib.rs"))
        .generate()
        .expect("cbindgen parses ffi/src");
    bindings.write_to_file(root.join("include/imcore.h"));
}
