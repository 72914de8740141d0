//! The TOML policy loader over arbitrary text: a policy or a `ConfigError`, never a panic, and
//! an error message that never repeats a pepper secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pwharden::Policy;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Policy::from_toml(text) {
        // The policy is built (and validated) but never hashed with: a fuzzed target may ask
        // for 256 MiB and 10 passes, which is legal and slow.
        Ok(policy) => drop(format!("{policy:?}")),
        Err(e) => drop(e.to_string()),
    }
});
