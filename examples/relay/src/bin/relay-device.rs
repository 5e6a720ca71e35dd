//! One device process; see `relay::device`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(relay::device::main_with(&args));
}
