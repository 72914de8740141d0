//! Wrap arbitrary stored bytes; whenever wrapping succeeds, the wrapped string is identified
//! as such and verifying a password against it gives the same answer as against the original.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pwharden::MAX_STORED_LEN;
use pwharden_fuzz::split;

fuzz_target!(|data: &[u8]| {
    let Some((policy, password, stored)) = split(data) else {
        return;
    };
    let Ok(wrapped) = policy.wrap(stored) else {
        return;
    };
    assert!(wrapped.len() <= MAX_STORED_LEN);
    let original = policy
        .identify(stored)
        .expect("wrapped what identify refuses");
    if original == "plaintext" {
        // A plaintext row becomes a plain target hash.
        assert_eq!(policy.identify(&wrapped), Ok("argon2id"));
        assert_eq!(policy.needs_upgrade(&wrapped), Ok(false));
    } else {
        assert_eq!(policy.identify(&wrapped), Ok("wrapped"));
        assert_eq!(policy.wrapped_scheme(&wrapped), Ok(Some(original)));
        assert_eq!(policy.needs_upgrade(&wrapped), Ok(true));
    }
    let before = policy.verify(password, stored).map(|v| v.is_valid());
    let after = policy.verify(password, &wrapped).map(|v| v.is_valid());
    assert_eq!(before, after, "wrapping changed the verdict");
});
