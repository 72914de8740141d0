//! `Policy::is_wrap_of`: checking, without the password, that a replacement is the original
//! wrapped (what `pwharden harden --verify-sample` relies on).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use pwharden::{Error, Policy};

fn policy() -> Policy {
    Policy::builder()
        .argon2(64, 1, 1)
        .allow_weak_target()
        .build()
        .unwrap()
}

#[test]
fn a_wrap_is_recognised_and_nothing_else_is() {
    let policy = policy();
    // Third-party strings (passlib, libxcrypt): two of each file.
    for file in ["md5-hex.tsv", "md5-crypt.tsv", "phpass.tsv", "bcrypt.tsv"] {
        let vs = common::vectors(file);
        let (a, b) = (&vs[0].stored, &vs[1].stored);
        let wrapped_a = policy.wrap(a).unwrap();
        assert!(policy.is_wrap_of(a, &wrapped_a).unwrap(), "{file}");
        let wrapped_b = policy.wrap(b).unwrap();
        // Another original's wrap, a hash of the original as if it were a password, and the
        // original itself are not wraps of it.
        assert!(!policy.is_wrap_of(a, &wrapped_b).unwrap(), "{file}");
        assert!(
            !policy.is_wrap_of(a, policy.hash(a).unwrap()).unwrap(),
            "{file}"
        );
        assert!(!policy.is_wrap_of(a, a).unwrap(), "{file}");
        // Wrapped or Argon2 originals have no wrap.
        assert_eq!(
            policy.is_wrap_of(&wrapped_a, &wrapped_a),
            Err(Error::NotWrappable)
        );
    }
}

#[test]
fn plaintext_rows_become_plain_hashes_of_themselves() {
    let policy = Policy::builder()
        .argon2(64, 1, 1)
        .allow_weak_target()
        .allow_schemes(["plaintext", "md5-hex"])
        .build()
        .unwrap();
    let hashed = policy.wrap("hunter2").unwrap();
    assert!(policy.is_wrap_of("hunter2", &hashed).unwrap());
    assert!(!policy.is_wrap_of("hunter3", &hashed).unwrap());
}
