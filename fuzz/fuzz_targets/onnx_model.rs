#![no_main]
#[path = "../drivers.rs"]
mod drivers;

libfuzzer_sys::fuzz_target!(
    // The library catches panics inside tract on purpose (model::onnx::check::
    // no_panic turns them into errors). libfuzzer-sys installs a panic hook that
    // aborts before any unwinding, which would report those handled panics as
    // crashes; restore the default hook. A panic that escapes the library is still
    // a finding: libfuzzer-sys aborts when the target unwinds.
    init: {
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| drivers::onnx_model(data)
);
