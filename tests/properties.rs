//! Property tests (proptest) of the promises every caller relies on:
//!
//! * hash then verify is valid for any byte password within the limits;
//! * changing any single byte of the password makes it invalid;
//! * wrapping a legacy string, then verifying, answers as verifying the original does, for the
//!   third-party vectors (tests/vectors/) with right and generated wrong passwords;
//! * an upgrade is idempotent: verifying the replacement asks for no further upgrade;
//! * identify never panics and gives the same answer every time, on any bytes.
//!
//! A cheap Argon2id target (m = 64 KiB, t = 1) and bounded case counts keep this to seconds;
//! `PROPTEST_CASES=N` overrides the counts for a longer run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::sync::OnceLock;

use base64ct::{Base64, Encoding};
use common::{decode_hex, rows};
use proptest::prelude::*;
use pwharden::{Limits, PepperKey, Policy, Verdict};

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn key(id: &str, byte: u8) -> PepperKey {
    PepperKey::new(id, &[byte; 32]).unwrap()
}

/// The target every test here verifies under: Argon2id m = 64 KiB, t = 1, pepper "k2".
fn build_policy() -> Policy {
    Policy::builder()
        .argon2(64, 1, 1)
        .allow_weak_target()
        .pepper_key(key("k1", 1))
        .pepper_key(key("k2", 2))
        .current_pepper("k2")
        .build()
        .unwrap()
}

/// One [`build_policy`] shared by the tests.
fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(build_policy)
}

fn max_password() -> usize {
    Limits::default().max_password_bytes
}

fn any_password() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 1..64),
        1 => proptest::collection::vec(any::<u8>(), 1..=max_password()),
    ]
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn hash_then_verify_is_valid(pw in any_password()) {
        let policy = policy();
        let stored = policy.hash(&pw).unwrap();
        prop_assert_eq!(policy.verify(&pw, &stored), Ok(Verdict::Valid));
        prop_assert_eq!(policy.needs_upgrade(&stored), Ok(false));
    }

    #[test]
    fn any_single_byte_change_is_invalid(
        pw in any_password(),
        at in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let policy = policy();
        let stored = policy.hash(&pw).unwrap();
        let mut changed = pw.clone();
        let i = at.index(changed.len());
        changed[i] = changed[i].wrapping_add(delta);
        prop_assert_eq!(policy.verify(&changed, &stored), Ok(Verdict::Invalid));
    }
}

/// Every legacy vector line as (password, stored string), salted.tsv rows as their import
/// strings.
fn legacy_vectors() -> &'static [(Vec<u8>, String)] {
    static VECTORS: OnceLock<Vec<(Vec<u8>, String)>> = OnceLock::new();
    VECTORS.get_or_init(|| {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(common::vectors_dir()).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if !name.ends_with(".tsv") || name.starts_with("argon2") {
                continue;
            }
            for (_, cols) in rows(&name) {
                let stored = if name == "salted.tsv" {
                    let [pw, alg, order, salt, enc, digest] = cols.as_slice() else {
                        panic!("salted.tsv: 6 columns expected");
                    };
                    let enc = if enc == "base64" { "b64" } else { enc.as_str() };
                    let salt = Base64::encode_string(&decode_hex(salt));
                    all.push((
                        decode_hex(pw),
                        format!("$pwh-salted$v=1${alg}${order}${enc}${salt}${digest}"),
                    ));
                    continue;
                } else {
                    cols[1].clone()
                };
                all.push((decode_hex(&cols[0]), stored));
            }
        }
        assert!(all.len() > 300, "only {} legacy vectors", all.len());
        all
    })
}

/// The right password, or one derived from it: a byte changed, one appended, one removed, or
/// random bytes.
#[derive(Clone, Debug)]
enum Guess {
    Right,
    Changed(prop::sample::Index, u8),
    Appended(u8),
    Truncated,
    Random(Vec<u8>),
}

fn guess() -> impl Strategy<Value = Guess> {
    prop_oneof![
        2 => Just(Guess::Right),
        2 => (any::<prop::sample::Index>(), 1u8..=255).prop_map(|(i, d)| Guess::Changed(i, d)),
        1 => any::<u8>().prop_map(Guess::Appended),
        1 => Just(Guess::Truncated),
        1 => proptest::collection::vec(any::<u8>(), 1..40).prop_map(Guess::Random),
    ]
}

impl Guess {
    fn apply(&self, right: &[u8]) -> Vec<u8> {
        let mut pw = right.to_vec();
        match self {
            Self::Right => {}
            Self::Changed(at, delta) => {
                let i = at.index(pw.len());
                pw[i] = pw[i].wrapping_add(*delta);
            }
            Self::Appended(b) => pw.push(*b),
            Self::Truncated => {
                pw.pop();
            }
            Self::Random(bytes) => pw.clone_from(bytes),
        }
        pw
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn wrap_then_verify_equals_verify_on_the_original(
        which in any::<prop::sample::Index>(),
        guess in guess(),
    ) {
        let policy = policy();
        let (right, stored) = &legacy_vectors()[which.index(legacy_vectors().len())];
        let pw = guess.apply(right);
        let wrapped = policy.wrap(stored).unwrap();
        let original = policy.verify(&pw, stored).map(|v| v.is_valid());
        let after = policy.verify(&pw, &wrapped).map(|v| v.is_valid());
        prop_assert_eq!(original, after, "{} wrapped as {}", stored, wrapped);
        if matches!(guess, Guess::Right) {
            prop_assert_eq!(after, Ok(true));
        }
    }

    #[test]
    fn a_legacy_upgrade_is_idempotent(which in any::<prop::sample::Index>(), wrap in any::<bool>()) {
        let policy = policy();
        let (pw, stored) = &legacy_vectors()[which.index(legacy_vectors().len())];
        let stored = if wrap { policy.wrap(stored).unwrap() } else { stored.clone() };
        prop_assert_eq!(policy.needs_upgrade(&stored), Ok(true));
        let verdict = policy.verify(pw, &stored).unwrap();
        let new = verdict.replacement().expect("a legacy string is always replaced");
        prop_assert_eq!(policy.needs_upgrade(new), Ok(false));
        prop_assert_eq!(policy.verify(pw, new), Ok(Verdict::Valid));
    }
}

/// A stored string made under an older policy: less memory, an old or no pepper.
#[derive(Clone, Copy, Debug)]
enum Old {
    LowerMemory,
    NoPepper,
    RetiredKey,
}

fn old_policy(old: Old) -> Policy {
    let builder = Policy::builder().allow_weak_target();
    match old {
        Old::LowerMemory => builder
            .argon2(32, 1, 1)
            .pepper_key(key("k2", 2))
            .current_pepper("k2"),
        Old::NoPepper => builder.argon2(64, 1, 1),
        Old::RetiredKey => builder
            .argon2(64, 1, 1)
            .pepper_key(key("k1", 1))
            .current_pepper("k1"),
    }
    .build()
    .unwrap()
}

proptest! {
    #![proptest_config(cases(96))]

    #[test]
    fn an_argon2_upgrade_is_idempotent(
        pw in any_password(),
        old in prop_oneof![
            Just(Old::LowerMemory),
            Just(Old::NoPepper),
            Just(Old::RetiredKey),
        ],
    ) {
        let policy = policy();
        let stored = old_policy(old).hash(&pw).unwrap();
        prop_assert_eq!(policy.needs_upgrade(&stored), Ok(true));
        let verdict = policy.verify(&pw, &stored).unwrap();
        let new = verdict.replacement().expect("an outdated hash is replaced");
        prop_assert_eq!(policy.needs_upgrade(new), Ok(false));
        prop_assert_eq!(policy.verify(&pw, new), Ok(Verdict::Valid));
    }
}

/// Bytes that look like stored strings: a known prefix followed by random bytes, a vector
/// with a byte changed, or anything at all.
fn stored_like() -> impl Strategy<Value = Vec<u8>> {
    let prefixes = [
        "$argon2id$v=19$m=",
        "$argon2i$",
        "$2b$04$",
        "$1$",
        "$5$rounds=",
        "$6$",
        "$P$",
        "$S$",
        "$pbkdf2-sha256$",
        "pbkdf2_sha256$",
        "bcrypt_sha256$$2b$",
        "$scrypt$ln=",
        "{SSHA}",
        "{SMD5}",
        "*",
        "sha1$",
        "md5$",
        "$pwh-salted$v=1$",
        "$pwh-wrap$v=1$md5-crypt$",
        "",
    ];
    prop_oneof![
        (
            prop::sample::select(prefixes.to_vec()),
            proptest::collection::vec(any::<u8>(), 0..120)
        )
            .prop_map(|(p, tail)| [p.as_bytes(), &tail].concat()),
        (
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
            any::<u8>()
        )
            .prop_map(|(which, at, b)| {
                let mut s = legacy_vectors()[which.index(legacy_vectors().len())]
                    .1
                    .clone()
                    .into_bytes();
                let i = at.index(s.len());
                s[i] = b;
                s
            }),
        proptest::collection::vec(any::<u8>(), 0..600),
    ]
}

proptest! {
    #![proptest_config(cases(5000))]

    #[test]
    fn identify_never_panics_and_is_stable(stored in stored_like()) {
        let policy = policy();
        let first = policy.identify(&stored);
        prop_assert_eq!(first, policy.identify(&stored));
        // The same answer from a second policy built the same way: identification depends on
        // the string and the policy's rules, nothing else.
        static TWIN: OnceLock<Policy> = OnceLock::new();
        let twin = TWIN.get_or_init(build_policy);
        prop_assert_eq!(first, twin.identify(&stored));
    }
}
