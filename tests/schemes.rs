//! One set of checks over every third-party vector file in tests/vectors/.
//!
//! For each `<scheme>.tsv` line (made by passlib, Django, PHP, libxcrypt, argon2-cffi, ...):
//! `identify` names the scheme; the right password verifies (legacy strings with a
//! replacement at the target, which then verifies as current); passwords one character off,
//! with a letter's case flipped, or truncated are invalid; and wrapping the string, then
//! verifying the wrapped form, gives the same answers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{Vector, vectors};
use pwharden::{Error, PepperKey, Policy, Verdict};

/// A cheap target keeps the suite fast; the vectors carry their own (real) costs.
fn policy() -> Policy {
    Policy::builder()
        .argon2(64, 1, 1)
        .allow_weak_target()
        .pepper_key(PepperKey::new("k1", &[0x5a; 32]).unwrap())
        .current_pepper("k1")
        .build()
        .unwrap()
}

/// bcrypt reads only the first 72 bytes of a password, as every peer does.
const BCRYPT_LIMIT: usize = 72;

/// Wrong passwords derived from a right one, each paired with a description.
fn wrong_passwords(scheme: &str, password: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let significant = if scheme == "bcrypt" {
        password.len().min(BCRYPT_LIMIT)
    } else {
        password.len()
    };
    let mut wrong = Vec::new();
    let mut off = password.to_vec();
    off[significant - 1] = off[significant - 1].wrapping_add(1);
    wrong.push(("last significant byte changed", off));
    if let Some(i) = password[..significant]
        .iter()
        .position(u8::is_ascii_alphabetic)
    {
        let mut flipped = password.to_vec();
        flipped[i] ^= 0x20;
        wrong.push(("a letter's case flipped", flipped));
    }
    if significant > 1 {
        wrong.push(("truncated", password[..significant - 1].to_vec()));
    }
    let mut longer = password[..significant].to_vec();
    longer.push(b'x');
    if scheme != "bcrypt" || significant < BCRYPT_LIMIT {
        wrong.push(("one byte appended", longer));
    }
    wrong
}

fn check_wrong(policy: &Policy, scheme: &str, v: &Vector, stored: &str, what: &str) {
    for (how, wrong) in wrong_passwords(scheme, &v.password) {
        assert_eq!(
            policy.verify(&wrong, stored).unwrap(),
            Verdict::Invalid,
            "{scheme} line {}: {what} accepted a password with {how}",
            v.line
        );
    }
}

/// The replacement a successful login hands back is a current target hash.
fn check_replacement(policy: &Policy, scheme: &str, v: &Vector, verdict: &Verdict) {
    if let Some(new) = verdict.replacement() {
        assert!(
            new.starts_with("$argon2id$v=19$m=64,t=1,p=1,keyid=azE$"),
            "{new}"
        );
        assert_eq!(policy.verify(&v.password, new).unwrap(), Verdict::Valid);
        assert!(!policy.needs_upgrade(new).unwrap());
    } else {
        assert!(
            scheme.starts_with("argon2"),
            "{scheme} line {}: a legacy string verified without a replacement",
            v.line
        );
    }
}

fn run(file: &str, scheme: &str) {
    let policy = policy();
    let vectors = vectors(file);
    for v in &vectors {
        assert_eq!(
            policy.identify(&v.stored),
            Ok(scheme),
            "{file}:{}: identify",
            v.line
        );
        let verdict = policy.verify(&v.password, &v.stored).unwrap_or_else(|e| {
            panic!("{file}:{}: verify failed: {e}", v.line);
        });
        assert!(
            verdict.is_valid(),
            "{file}:{}: right password rejected",
            v.line
        );
        check_replacement(&policy, scheme, v, &verdict);
        check_wrong(&policy, scheme, v, &v.stored, "the stored string");

        if scheme.starts_with("argon2") {
            assert_eq!(policy.wrap(&v.stored), Err(Error::NotWrappable));
            continue;
        }
        assert!(policy.needs_upgrade(&v.stored).unwrap());
        let wrapped = policy.wrap(&v.stored).unwrap();
        assert_eq!(policy.identify(&wrapped), Ok("wrapped"));
        assert_eq!(policy.wrapped_scheme(&wrapped), Ok(Some(scheme)));
        assert!(policy.needs_upgrade(&wrapped).unwrap());
        assert_eq!(policy.wrap(&wrapped), Err(Error::NotWrappable));
        let verdict = policy.verify(&v.password, &wrapped).unwrap();
        assert!(
            verdict.is_valid(),
            "{file}:{}: wrapped form rejected",
            v.line
        );
        check_replacement(&policy, scheme, v, &verdict);
        check_wrong(&policy, scheme, v, &wrapped, "the wrapped string");
    }
}

macro_rules! vector_files {
    ($($test:ident: $file:literal => $scheme:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run($file, $scheme);
            }
        )*

        /// Every vector file in tests/vectors is covered by a test above (or elsewhere).
        #[test]
        fn every_vector_file_is_checked() {
            let covered = [$($file,)* "argon2id-secret.tsv", "salted.tsv"];
            for entry in std::fs::read_dir(common::vectors_dir()).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                if name.ends_with(".tsv") {
                    assert!(covered.contains(&name.as_str()), "{name} is not checked");
                }
            }
        }
    };
}

vector_files! {
    argon2id: "argon2id.tsv" => "argon2id",
    argon2id_php: "argon2id-php.tsv" => "argon2id",
    argon2i: "argon2i.tsv" => "argon2i",
    argon2d: "argon2d.tsv" => "argon2d",
    bcrypt: "bcrypt.tsv" => "bcrypt",
    django_bcrypt_sha256: "django-bcrypt-sha256.tsv" => "django-bcrypt-sha256",
    scrypt: "scrypt.tsv" => "scrypt",
    pbkdf2_sha1: "pbkdf2-sha1.tsv" => "pbkdf2-sha1",
    pbkdf2_sha256: "pbkdf2-sha256.tsv" => "pbkdf2-sha256",
    pbkdf2_sha512: "pbkdf2-sha512.tsv" => "pbkdf2-sha512",
    django_pbkdf2_sha256: "django-pbkdf2-sha256.tsv" => "django-pbkdf2-sha256",
    django_pbkdf2_sha1: "django-pbkdf2-sha1.tsv" => "django-pbkdf2-sha1",
    django_sha1: "django-sha1.tsv" => "django-sha1",
    django_md5: "django-md5.tsv" => "django-md5",
    md5_crypt: "md5-crypt.tsv" => "md5-crypt",
    sha256_crypt: "sha256-crypt.tsv" => "sha256-crypt",
    sha512_crypt: "sha512-crypt.tsv" => "sha512-crypt",
    phpass: "phpass.tsv" => "phpass",
    drupal7: "drupal7.tsv" => "drupal7",
    ldap_md5: "ldap-md5.tsv" => "ldap-md5",
    ldap_smd5: "ldap-smd5.tsv" => "ldap-smd5",
    ldap_sha: "ldap-sha.tsv" => "ldap-sha",
    ldap_ssha: "ldap-ssha.tsv" => "ldap-ssha",
    mysql41: "mysql41.tsv" => "mysql41",
    md5_hex: "md5-hex.tsv" => "md5-hex",
    sha1_hex: "sha1-hex.tsv" => "sha1-hex",
    sha256_hex: "sha256-hex.tsv" => "sha256-hex",
    sha512_hex: "sha512-hex.tsv" => "sha512-hex",
}

/// bcrypt truncates at 72 bytes: a password that differs only after byte 72 verifies, as it
/// did on the old system (and new hashes are never made with bcrypt).
#[test]
fn bcrypt_reads_only_72_bytes() {
    let policy = policy();
    let long: Vec<_> = vectors("bcrypt.tsv")
        .into_iter()
        .filter(|v| v.password.len() > BCRYPT_LIMIT)
        .collect();
    assert!(!long.is_empty());
    for v in long {
        let mut tail_changed = v.password.clone();
        *tail_changed.last_mut().unwrap() ^= 0x01;
        assert!(policy.verify(&tail_changed, &v.stored).unwrap().is_valid());
        assert!(
            policy
                .verify(&v.password[..BCRYPT_LIMIT], &v.stored)
                .unwrap()
                .is_valid()
        );
    }
}
