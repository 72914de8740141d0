//! Verify an arbitrary password against arbitrary stored bytes, under policies with low cost
//! limits. A match must hand back a replacement that verifies as current.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pwharden::Verdict;
use pwharden_fuzz::split;

fuzz_target!(|data: &[u8]| {
    let Some((policy, password, stored)) = split(data) else {
        return;
    };
    match policy.verify(password, stored) {
        Ok(Verdict::Valid) => assert_eq!(policy.needs_upgrade(stored), Ok(false)),
        Ok(Verdict::ValidUpgrade(new)) => {
            assert_eq!(policy.verify(password, &new), Ok(Verdict::Valid));
            assert_eq!(policy.needs_upgrade(&new), Ok(false));
        }
        Ok(_) | Err(_) => {}
    }
});
