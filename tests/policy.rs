//! The policy's rules: upgrades, pepper rotation, limits, hostile stored strings, TOML.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{decode_hex, rows, vectors};
use pwharden::{Error, Limits, PepperKey, Policy, Verdict};

const KEY1: [u8; 32] = [0x11; 32];
const KEY2: [u8; 40] = [0x22; 40];

fn cheap() -> pwharden::PolicyBuilder {
    Policy::builder().argon2(256, 1, 1).allow_weak_target()
}

fn peppered(current: &str) -> Policy {
    cheap()
        .pepper_key(PepperKey::new("k1", &KEY1).unwrap())
        .pepper_key(PepperKey::new("k2", &KEY2).unwrap())
        .current_pepper(current)
        .build()
        .unwrap()
}

/// The first vector whose stored string starts with `prefix`.
fn vector(file: &str, prefix: &str) -> common::Vector {
    vectors(file)
        .into_iter()
        .find(|v| v.stored.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} vector in {file}"))
}

#[test]
fn default_policy_hashes_at_owasp_parameters() {
    let policy = Policy::default();
    let stored = policy.hash("pizza123").unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    // 16-byte salt and 32-byte output, unpadded base64.
    let fields: Vec<_> = stored.split('$').collect();
    assert_eq!(fields.len(), 6);
    assert_eq!(fields[4].len(), 22);
    assert_eq!(fields[5].len(), 43);
    assert_eq!(policy.verify("pizza123", &stored), Ok(Verdict::Valid));
    assert_eq!(policy.verify("pizza124", &stored), Ok(Verdict::Invalid));
    assert_eq!(policy.needs_upgrade(&stored), Ok(false));
    // Fresh salt every time.
    assert_ne!(stored, policy.hash("pizza123").unwrap());
}

#[test]
fn below_target_argon2_is_upgraded_at_target_is_not() {
    let policy = Policy::default();
    // argon2-cffi at m=4096, t=1: valid, replacement at the target.
    let low = vector("argon2id.tsv", "$argon2id$v=19$m=4096,t=1,p=1$");
    assert_eq!(policy.needs_upgrade(&low.stored), Ok(true));
    let verdict = policy.verify(&low.password, &low.stored).unwrap();
    let replacement = verdict.replacement().expect("an upgrade");
    assert!(replacement.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert_eq!(
        policy.verify(&low.password, replacement),
        Ok(Verdict::Valid)
    );

    // argon2-cffi at exactly the target (16-byte salt, 32-byte output): no replacement.
    let at = vector("argon2id.tsv", "$argon2id$v=19$m=19456,t=2,p=1$");
    assert_eq!(policy.needs_upgrade(&at.stored), Ok(false));
    assert_eq!(policy.verify(&at.password, &at.stored), Ok(Verdict::Valid));

    // PHP's default (m=65536, t=4) is above the target: kept.
    let php = vector("argon2id-php.tsv", "$argon2id$v=19$m=65536,t=4,p=1$");
    assert_eq!(
        policy.verify(&php.password, &php.stored),
        Ok(Verdict::Valid)
    );
}

#[test]
fn older_variants_and_versions_are_upgraded() {
    let policy = cheap().build().unwrap();
    for (file, prefix) in [
        ("argon2i.tsv", "$argon2i$v=19$"),
        ("argon2d.tsv", "$argon2d$v=19$"),
        ("argon2id.tsv", "$argon2id$v=16$"),
    ] {
        let v = vector(file, prefix);
        assert_eq!(policy.needs_upgrade(&v.stored), Ok(true), "{prefix}");
        let verdict = policy.verify(&v.password, &v.stored).unwrap();
        let new = verdict.replacement().expect("an upgrade");
        assert!(new.starts_with("$argon2id$v=19$"), "{new}");
    }
    // Short salts and outputs are below the target too.
    let short = vectors("argon2id.tsv")
        .into_iter()
        .find(|v| v.stored.rsplit('$').next().unwrap().len() < 43)
        .expect("a short-output vector");
    assert_eq!(policy.needs_upgrade(&short.stored), Ok(true));
}

#[test]
fn argon2_variants_can_be_refused_by_policy() {
    let policy = cheap().allow_schemes(["argon2d"]).build().unwrap();
    let v = vector("argon2i.tsv", "$argon2i$");
    assert_eq!(
        policy.verify(&v.password, &v.stored),
        Err(Error::SchemeNotAllowed)
    );
    // Argon2id, the target, is always accepted.
    let v = vector("argon2id.tsv", "$argon2id$v=19$m=4096");
    assert!(policy.verify(&v.password, &v.stored).unwrap().is_valid());
}

#[test]
fn pepper_key_id_is_recorded_and_rotated() {
    let old = peppered("k1");
    let stored = old.hash("correct horse").unwrap();
    // keyid is the unpadded base64 of the id's bytes: "k1" -> "azE".
    assert!(
        stored.starts_with("$argon2id$v=19$m=256,t=1,p=1,keyid=azE$"),
        "{stored}"
    );
    assert_eq!(old.verify("correct horse", &stored), Ok(Verdict::Valid));

    let new = peppered("k2");
    assert_eq!(new.needs_upgrade(&stored), Ok(true));
    let verdict = new.verify("correct horse", &stored).unwrap();
    let replacement = verdict.replacement().expect("rotation to k2");
    assert!(replacement.contains(",keyid=azI$"), "{replacement}");
    assert_eq!(new.verify("correct horse", replacement), Ok(Verdict::Valid));
    assert_eq!(new.verify("correct horsf", &stored), Ok(Verdict::Invalid));

    // Without the key, the string cannot be judged: an error, not "invalid".
    let only_k2 = cheap()
        .pepper_key(PepperKey::new("k2", &KEY2).unwrap())
        .current_pepper("k2")
        .build()
        .unwrap();
    assert_eq!(
        only_k2.verify("correct horse", &stored),
        Err(Error::UnknownPepperKey)
    );
    assert_eq!(only_k2.needs_upgrade(&stored), Err(Error::UnknownPepperKey));
    let unpeppered = cheap().build().unwrap();
    assert_eq!(
        unpeppered.verify("correct horse", &stored),
        Err(Error::UnknownPepperKey)
    );

    // An unpeppered hash is upgraded to the current key.
    let plain = unpeppered.hash("correct horse").unwrap();
    let verdict = new.verify("correct horse", &plain).unwrap();
    assert!(verdict.replacement().unwrap().contains(",keyid=azI$"));
}

/// argon2-cffi (libargon2 with its secret input K) made these; pwharden finds the key by the
/// keyid it is told, proving the pepper is Argon2's own secret input.
#[test]
fn peer_hashes_with_secret_verify_under_the_named_key() {
    for (line, cols) in rows("argon2id-secret.tsv") {
        let [password, secret, stored] = &cols[..] else {
            panic!("argon2id-secret.tsv:{line}: expected 3 columns");
        };
        let (password, secret) = (decode_hex(password), decode_hex(secret));
        let policy = cheap()
            .pepper_key(PepperKey::new("ops", &secret).unwrap())
            .current_pepper("ops")
            .build()
            .unwrap();
        // Name the key in the PHC parameters: keyid = base64("ops") = "b3Bz".
        let (head, tail) = stored.split_once(",p=").unwrap();
        let (p, rest) = tail.split_once('$').unwrap();
        let with_keyid = format!("{head},p={p},keyid=b3Bz${rest}");
        assert!(
            policy.verify(&password, &with_keyid).unwrap().is_valid(),
            "line {line}"
        );
        let mut wrong = password.clone();
        wrong.push(b'!');
        assert_eq!(policy.verify(&wrong, &with_keyid), Ok(Verdict::Invalid));
        // The same string without the key does not verify: the secret is really used.
        assert_eq!(policy.verify(&password, stored).unwrap(), Verdict::Invalid);
    }
}

#[test]
fn password_length_limits() {
    let policy = cheap().build().unwrap();
    let stored = policy.hash("x").unwrap();
    assert_eq!(policy.hash(""), Err(Error::PasswordTooShort));
    assert_eq!(policy.verify("", &stored), Err(Error::PasswordTooShort));
    let max = vec![b'a'; 1024];
    let over = vec![b'a'; 1025];
    let long = policy.hash(&max).unwrap();
    assert_eq!(policy.verify(&max, &long), Ok(Verdict::Valid));
    assert_eq!(policy.hash(&over), Err(Error::PasswordTooLong));
    assert_eq!(policy.verify(&over, &long), Err(Error::PasswordTooLong));
    assert_eq!(
        policy.verify_unknown_user(&over),
        Err(Error::PasswordTooLong)
    );

    let mut limits = Limits::default();
    limits.min_password_bytes = 8;
    limits.max_password_bytes = 64;
    let strict = cheap().limits(limits).build().unwrap();
    assert_eq!(strict.hash("1234567"), Err(Error::PasswordTooShort));
    assert!(strict.hash("12345678").is_ok());
    assert_eq!(strict.hash(vec![b'a'; 65]), Err(Error::PasswordTooLong));
}

#[test]
fn passwords_are_bytes_nul_and_non_utf8_included() {
    let policy = cheap().build().unwrap();
    let password = b"\x00\xff\xfeabc\x00";
    let stored = policy.hash(password).unwrap();
    assert_eq!(policy.verify(password, &stored), Ok(Verdict::Valid));
    assert_eq!(policy.verify(&password[..6], &stored), Ok(Verdict::Invalid));
}

#[test]
fn unknown_user_always_fails() {
    let policy = peppered("k1");
    assert_eq!(policy.verify_unknown_user("anything"), Ok(Verdict::Invalid));
    assert_eq!(policy.verify_unknown_user(""), Err(Error::PasswordTooShort));
}

#[test]
fn hostile_stored_strings_are_errors() {
    let policy = Policy::default();
    let salt = "c29tZXNhbHRzb21lc2FsdA";
    let out = "YWJjZGVmZ2hpamtsbW5vcGFiY2RlZmdoaWprbG1ub3A";
    let cases: Vec<(Vec<u8>, Error)> = vec![
        (
            format!("$argon2id$v=19$m=4194304,t=2,p=1${salt}${out}").into(),
            Error::ParamsOverLimit { name: "m" },
        ),
        (
            format!("$argon2id$v=19$m=4294967295,t=2,p=1${salt}${out}").into(),
            Error::ParamsOverLimit { name: "m" },
        ),
        (
            format!("$argon2id$v=19$m=19456,t=1000000,p=1${salt}${out}").into(),
            Error::ParamsOverLimit { name: "t" },
        ),
        (
            format!("$argon2id$v=19$m=19456,t=2,p=255${salt}${out}").into(),
            Error::ParamsOverLimit { name: "p" },
        ),
        (
            format!("$argon2id$v=19$m=19456,t=2,p=1${salt}$!!!!").into(),
            Error::MalformedHash,
        ),
        (
            format!("$argon2id$v=19$m=19456,t=2,p=1${salt}").into(),
            Error::MalformedHash,
        ),
        (
            format!("$argon2id$v=19$m=19456,t=2,p=1,keyid=!!${salt}${out}").into(),
            Error::MalformedHash,
        ),
        (
            format!("$argon2id$v=19$m=19456,t=2,p=1,keyid=YWJjZGVmZ2hpams${salt}${out}").into(),
            Error::MalformedHash,
        ),
        (
            format!("$argon2id$v=19$m=19456,t=2,p=1$\0{salt}${out}").into(),
            Error::MalformedHash,
        ),
        (
            b"$argon2id$v=19$m=19456,t=2,p=1$\xff\xfe$abc".to_vec(),
            Error::MalformedHash,
        ),
        (
            [
                b"$argon2id$v=19$m=19456,t=2,p=1$".as_slice(),
                &vec![b'A'; 1 << 20],
            ]
            .concat(),
            Error::MalformedHash,
        ),
        (b"".to_vec(), Error::UnsupportedScheme),
        (
            b"$argon2x$v=19$m=1,t=1,p=1$a$b".to_vec(),
            Error::UnsupportedScheme,
        ),
        (b"$argon2id$".to_vec(), Error::MalformedHash),
    ];
    for (stored, expected) in cases {
        let shown = String::from_utf8_lossy(&stored[..stored.len().min(60)]).into_owned();
        assert_eq!(
            policy.verify("pw", &stored),
            Err(expected),
            "verify {shown}"
        );
        assert_eq!(
            policy.needs_upgrade(&stored),
            Err(expected),
            "needs_upgrade {shown}"
        );
        assert!(
            policy.identify(&stored).is_err() || matches!(expected, Error::ParamsOverLimit { .. })
        );
    }
    // Every truncation of a good string is an error or a mismatch (a shorter output is a
    // legitimate shorter hash), never a panic and never a match.
    let good = format!("$argon2id$v=19$m=19456,t=2,p=1${salt}${out}");
    assert!(policy.needs_upgrade(&good).is_ok());
    for end in 0..good.len() {
        let verdict = policy.verify("pw", &good[..end]);
        assert!(
            matches!(verdict, Err(_) | Ok(Verdict::Invalid)),
            "{}",
            &good[..end]
        );
    }
}

#[test]
fn debug_and_errors_carry_no_secret() {
    let secret = b"SECRET-PEPPER-0123456789abcdefghij";
    let policy = cheap()
        .pepper_key(PepperKey::new("k1", secret).unwrap())
        .current_pepper("k1")
        .build()
        .unwrap();
    let shown = format!("{policy:?}");
    assert!(shown.contains("k1"), "{shown}");
    assert!(!shown.contains("SECRET"), "{shown}");
    let stored = policy.hash("hunter2").unwrap();
    let verdict = policy.verify("hunter2", &stored).unwrap();
    assert_eq!(format!("{verdict:?}"), "Valid");
    let err = PepperKey::new("k1", b"SECRET-short")
        .unwrap_err()
        .to_string();
    assert!(!err.contains("SECRET"), "{err}");
}

#[test]
fn builder_refuses_bad_settings() {
    let weak = Policy::builder().argon2(1024, 1, 1).build().unwrap_err();
    assert!(weak.to_string().contains("OWASP"), "{weak}");
    assert!(Policy::builder().argon2(19456, 2, 1).build().is_ok());
    assert!(Policy::builder().argon2(47104, 1, 1).build().is_ok());
    assert!(
        Policy::builder()
            .argon2(8, 0, 1)
            .allow_weak_target()
            .build()
            .is_err()
    );
    assert!(
        Policy::builder().argon2(1 << 20, 2, 1).build().is_err(),
        "over own limits"
    );
    assert!(cheap().current_pepper("nope").build().is_err());
    assert!(
        cheap()
            .pepper_key(PepperKey::new("k1", &KEY1).unwrap())
            .build()
            .is_err(),
        "keys without a current id"
    );
    assert!(
        cheap()
            .pepper_key(PepperKey::new("k1", &KEY1).unwrap())
            .pepper_key(PepperKey::new("k1", &KEY2).unwrap())
            .current_pepper("k1")
            .build()
            .is_err(),
        "duplicate id"
    );
    assert!(PepperKey::new("k1", &[0; 31]).is_err());
    assert!(PepperKey::new("toolongid", &KEY1).is_err());
    assert!(PepperKey::new("bad id", &KEY1).is_err());
    assert!(cheap().allow_schemes(["nonsense"]).build().is_err());
}

#[test]
fn toml_policy_with_pepper_from_file_and_env() {
    let dir = std::env::temp_dir().join(format!("pwharden-toml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("k1.key"), [&KEY1[..], b"\n"].concat()).unwrap();
    std::fs::write(dir.join("k2.key"), [b'z'; 40]).unwrap();
    let config = format!(
        r#"
allow_weak_target = true
[argon2]
m_cost = 256
t_cost = 1
p_cost = 1
[limits]
max_password_bytes = 128
[pepper]
current = "k2"
keys = [ {{ id = "k1", file = "k1.key" }}, {{ id = "k2", file = "{}" }} ]
"#,
        dir.join("k2.key").display()
    );
    let path = dir.join("policy.toml");
    std::fs::write(&path, &config).unwrap();
    let policy = Policy::from_toml_file(&path).unwrap();
    assert_eq!(policy.limits().max_password_bytes, 128);
    let stored = policy.hash("pw").unwrap();
    assert!(stored.contains(",keyid=azI$"), "{stored}");

    // The file key (less its newline) equals KEY1: a k1 hash made in Rust verifies.
    let rust_k1 = cheap()
        .pepper_key(PepperKey::new("k1", &KEY1).unwrap())
        .current_pepper("k1")
        .build()
        .unwrap();
    let old = rust_k1.hash("pw").unwrap();
    assert!(policy.verify("pw", &old).unwrap().replacement().is_some());

    // Errors name the problem, never a secret.
    for (bad, needle) in [
        ("[argon2]\nm_cost = 19456\nt_cost = 2\n", "p_cost"),
        ("[limits]\nmax_pasword_bytes = 3\n", "max_pasword_bytes"),
        (
            "[pepper]\ncurrent = \"k1\"\nkeys = [ { id = \"k1\", file = \"missing.key\" } ]\n",
            "missing.key",
        ),
        (
            "[pepper]\ncurrent = \"k1\"\nkeys = [ { id = \"k1\" } ]\n",
            "exactly one",
        ),
        (
            "[pepper]\ncurrent = \"k1\"\nkeys = [ { id = \"k1\", secret = \"inline\" } ]\n",
            "secret",
        ),
        ("[legacy]\nallow = [\"rot13\"]\n", "rot13"),
        ("[legacy]\nhex = { \"32\" = \"bcrypt\" }\n", "bcrypt"),
    ] {
        let bad_path = dir.join("bad.toml");
        std::fs::write(&bad_path, bad).unwrap();
        let err = Policy::from_toml_file(&bad_path).unwrap_err().to_string();
        assert!(err.contains(needle), "{bad:?} gave {err:?}");
        assert!(!err.contains("zzzz"), "{err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn memory_budget_caps_the_workers() {
    let policy = cheap()
        .argon2(8 * 1024, 1, 1)
        .concurrency(16, 8, std::time::Duration::from_millis(100))
        .memory_budget(20 * 1024 * 1024)
        .build()
        .unwrap();
    assert_eq!(policy.workers(), 2);
    let too_small = cheap()
        .argon2(8 * 1024, 1, 1)
        .memory_budget(1024 * 1024)
        .build();
    assert!(too_small.unwrap_err().to_string().contains("memory budget"));
    assert!(
        cheap()
            .concurrency(0, 1, std::time::Duration::from_millis(1))
            .build()
            .is_err()
    );

    let dir = std::env::temp_dir().join(format!("pwharden-conc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("policy.toml");
    std::fs::write(
        &path,
        "[concurrency]\nworkers = 3\nqueue = 10\ndeadline_ms = 250\nmemory_budget_bytes = 1000000000\n",
    )
    .unwrap();
    assert_eq!(Policy::from_toml_file(&path).unwrap().workers(), 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn legacy_schemes_are_narrowed_by_policy_and_hex_meanings_set_by_it() {
    let bcrypt = vector("bcrypt.tsv", "$2b$");
    let md5 = vectors("md5-hex.tsv").remove(0);
    let sha1 = vectors("sha1-hex.tsv").remove(0);

    let narrow = cheap().allow_schemes(["md5-hex"]).build().unwrap();
    assert_eq!(
        narrow.verify(&bcrypt.password, &bcrypt.stored),
        Err(Error::SchemeNotAllowed)
    );
    assert_eq!(narrow.wrap(&bcrypt.stored), Err(Error::SchemeNotAllowed));
    assert_eq!(
        narrow.needs_upgrade(&bcrypt.stored),
        Err(Error::SchemeNotAllowed)
    );
    assert!(
        narrow
            .verify(&md5.password, &md5.stored)
            .unwrap()
            .is_valid()
    );
    // A wrapped string of a refused scheme is refused too.
    let wrapped = cheap().build().unwrap().wrap(&bcrypt.stored).unwrap();
    assert_eq!(
        narrow.verify(&bcrypt.password, &wrapped),
        Err(Error::SchemeNotAllowed)
    );

    // No bare hex at all: a 32-digit string is not guessed at.
    let no_hex = cheap()
        .hex_digests(Vec::<(usize, &str)>::new())
        .build()
        .unwrap();
    assert_eq!(no_hex.identify(&md5.stored), Err(Error::UnsupportedScheme));
    // Only 40-digit strings, as SHA-1.
    let sha1_only = cheap().hex_digests([(40, "sha1-hex")]).build().unwrap();
    assert_eq!(sha1_only.identify(&sha1.stored), Ok("sha1-hex"));
    assert_eq!(
        sha1_only.identify(&md5.stored),
        Err(Error::UnsupportedScheme)
    );
    assert!(cheap().hex_digests([(32, "bcrypt")]).build().is_err());

    // Plaintext only where named, and then anything unrecognised is a password.
    assert_eq!(
        cheap().build().unwrap().identify("hunter2"),
        Err(Error::UnsupportedScheme)
    );
    let plain = cheap().allow_schemes(["plaintext"]).build().unwrap();
    assert_eq!(plain.identify("hunter2"), Ok("plaintext"));
    let verdict = plain.verify("hunter2", "hunter2").unwrap();
    assert!(verdict.replacement().unwrap().starts_with("$argon2id$"));
    assert_eq!(plain.verify("hunter3", "hunter2"), Ok(Verdict::Invalid));
    let hashed = plain.wrap("hunter2").unwrap();
    assert_eq!(plain.identify(&hashed), Ok("argon2id"));
    assert_eq!(plain.verify("hunter2", &hashed), Ok(Verdict::Valid));
}
