//! Identify and parse arbitrary stored bytes: never a panic, and the same answer twice;
//! `needs_upgrade` and `wrapped_scheme` agree with `identify` (which parses Argon2 strings in
//! full but only recognises legacy and wrapped ones by their shape).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pwharden_fuzz::policies;

fuzz_target!(|stored: &[u8]| {
    for policy in policies() {
        let name = policy.identify(stored);
        assert_eq!(name, policy.identify(stored), "identify is not stable");
        let inner = policy.wrapped_scheme(stored);
        match name {
            Ok("wrapped") => assert!(matches!(inner, Ok(Some(_)) | Err(_))),
            Ok(_) => assert_eq!(inner, Ok(None)),
            // wrapped_scheme does not parse what is not wrapped.
            Err(e) => assert!(inner == Err(e) || inner == Ok(None)),
        }
        let due = policy.needs_upgrade(stored);
        if let Ok(due) = due {
            // needs_upgrade parses as deeply as identify: it never accepts what identify refuses.
            assert!(name.is_ok(), "needs_upgrade accepted what identify refused");
            if name.is_ok_and(|n| n != "argon2id") {
                assert!(due, "a legacy string needs no upgrade");
            }
        }
    }
});
