//! The breach index (built from small range files made here), the compromised verdict at
//! login, and NFKC-normalised hashes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::fs;
use std::path::PathBuf;

use pwharden::{BreachIndex, Context, Policy, Reason, Verdict};
use sha1::{Digest, Sha1};

/// A fresh directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pwharden-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn sha1_hex(password: &[u8]) -> String {
    Sha1::digest(password)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

const BREACHED: [&str; 4] = [
    "pizza123",
    "hunter2",
    "Tr0ub4dor&3",
    "correct horse battery staple",
];
const CLEAN: [&str; 3] = ["purple-otter-sings-at-dawn", "pizza124", "Hunter2"];

/// Writes a range-file directory (`XXXXX.txt`, `SUFFIX:COUNT` lines, CRLF, as the range API
/// serves them, with a padding line of count 0) for `passwords`.
fn range_dir(dir: &TempDir, passwords: &[&str]) -> PathBuf {
    let ranges = dir.path("ranges");
    fs::create_dir_all(&ranges).unwrap();
    for password in passwords {
        let hex = sha1_hex(password.as_bytes());
        let (prefix, suffix) = hex.split_at(5);
        let file = ranges.join(format!("{prefix}.txt"));
        let mut text = fs::read_to_string(&file).unwrap_or_default();
        text.push_str(&format!("{suffix}:17\r\n"));
        // Padding: a suffix that is no password's, with count 0.
        text.push_str("0000000000000000000000000000000000F:0\r\n");
        fs::write(&file, text).unwrap();
    }
    fs::write(ranges.join("README.md"), "not a range file; ignored").unwrap();
    ranges
}

fn index_of(dir: &TempDir, passwords: &[&str]) -> BreachIndex {
    let out = dir.path("pwned.idx");
    BreachIndex::build(&[range_dir(dir, passwords)], &out).unwrap();
    BreachIndex::open(&out).unwrap()
}

fn cheap() -> pwharden::PolicyBuilder {
    Policy::builder().argon2(256, 1, 1).allow_weak_target()
}

#[test]
fn range_files_build_an_index_with_hits_and_misses() {
    let dir = TempDir::new("breach-range");
    let index = index_of(&dir, &BREACHED);
    assert_eq!(index.len(), BREACHED.len() as u64);
    assert!(!index.is_empty());
    // Header 64 bytes, 6 bytes per entry, 8 bytes per bucket bound (2^20 + 1).
    assert_eq!(index.bytes(), 64 + 6 * 4 + 8 * ((1 << 20) + 1));
    for password in BREACHED {
        assert!(index.contains_password(password), "{password}");
    }
    for password in CLEAN {
        assert!(!index.contains_password(password), "{password}");
    }
    let digest: [u8; 20] = Sha1::digest(b"hunter2").into();
    assert!(index.contains_sha1(&digest));
    // Debug shows sizes, nothing else.
    assert!(format!("{index:?}").starts_with("BreachIndex { entries: 4"));
}

#[test]
fn full_hash_files_in_any_order_and_case_with_duplicates() {
    let dir = TempDir::new("breach-full");
    // Reverse order, one lower-case line, a duplicate, blank lines, no count on one line.
    let mut lines: Vec<String> = BREACHED
        .iter()
        .map(|p| format!("{}:3", sha1_hex(p.as_bytes())))
        .collect();
    lines.sort();
    lines.reverse();
    lines[0] = lines[0].to_lowercase();
    lines.push(lines[1].clone());
    lines.push(String::new());
    lines.push(sha1_hex(b"extra-without-count"));
    let file = dir.path("pwned-passwords-sha1.txt");
    fs::write(&file, lines.join("\n") + "\n").unwrap();
    let out = dir.path("full.idx");
    let summary = BreachIndex::build(&[&file], &out).unwrap();
    assert_eq!(summary.hashes, 6);
    assert_eq!(summary.entries, 5);
    assert_eq!(summary.bytes, fs::metadata(&out).unwrap().len());
    let index = BreachIndex::open(&out).unwrap();
    for password in BREACHED.iter().chain(&["extra-without-count"]) {
        assert!(index.contains_password(password), "{password}");
    }
    for password in CLEAN {
        assert!(!index.contains_password(password), "{password}");
    }

    // The same from raw digests.
    let digests = BREACHED.iter().map(|p| Sha1::digest(p.as_bytes()).into());
    let summary = BreachIndex::build_from_sha1(digests, dir.path("raw.idx")).unwrap();
    assert_eq!(summary.entries, 4);
    let raw = BreachIndex::open(dir.path("raw.idx")).unwrap();
    assert!(raw.contains_password("pizza123") && !raw.contains_password("pizza124"));

    // An empty index is valid and holds nothing.
    BreachIndex::build_from_sha1([], dir.path("empty.idx")).unwrap();
    let empty = BreachIndex::open(dir.path("empty.idx")).unwrap();
    assert!(empty.is_empty() && !empty.contains_password("pizza123"));
}

#[test]
fn bad_input_is_an_error_naming_file_and_line_and_leaves_the_old_index() {
    let dir = TempDir::new("breach-bad");
    let out = dir.path("pwned.idx");
    let index = index_of(&dir, &BREACHED);
    let before = fs::read(&out).unwrap();

    let bad = dir.path("bad.txt");
    let good = format!("{}:1", sha1_hex(b"x"));
    for (text, what) in [
        (format!("{good}\nnot a hash\n"), "not hex"),
        (
            format!("{good}\n{}:1\n", &sha1_hex(b"y")[..39]),
            "not a SHA-1",
        ),
        (format!("{good}\n{}:x\n", sha1_hex(b"y")), "bad count"),
        // A 35-digit suffix outside a range file.
        (format!("{}:1\n", &sha1_hex(b"y")[5..]), "range file"),
        // NTLM hashes (32 digits) are not SHA-1.
        (
            "8846F7EAEE8FB117AD06BDD830B7586C:1\n".to_owned(),
            "not a SHA-1",
        ),
    ] {
        fs::write(&bad, &text).unwrap();
        let err = BreachIndex::build(&[&bad], &out).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{message}");
        assert!(message.contains("bad.txt:"), "{message}");
        assert!(message.contains(what), "{message}");
        // No hash from the file in the message.
        assert!(!message.contains(&sha1_hex(b"y")[5..20]), "{message}");
    }
    assert!(BreachIndex::build(&[dir.path("missing.txt")], &out).is_err());
    let empty_dir = dir.path("empty");
    fs::create_dir_all(&empty_dir).unwrap();
    assert!(BreachIndex::build(&[&empty_dir], &out).is_err());

    // The old index is untouched (and still open), and no temporary file is left.
    assert_eq!(fs::read(&out).unwrap(), before);
    assert!(index.contains_password("pizza123"));
    let leftovers: Vec<_> = fs::read_dir(&dir.0)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn corrupt_or_truncated_indexes_are_refused_at_open() {
    let dir = TempDir::new("breach-corrupt");
    let out = dir.path("pwned.idx");
    let _ = index_of(&dir, &BREACHED);
    let good = fs::read(&out).unwrap();
    let entries_end = 64 + 6 * BREACHED.len();

    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("header only", good[..64].to_vec()),
        ("truncated table", good[..good.len() - 1].to_vec()),
        ("truncated entries", good[..entries_end - 3].to_vec()),
        ("extended", [good.as_slice(), &[0u8; 8]].concat()),
    ];
    let mut patched = |name, at: usize, bytes: &[u8]| {
        let mut copy = good.clone();
        copy[at..at + bytes.len()].copy_from_slice(bytes);
        cases.push((name, copy));
    };
    patched("magic", 0, b"PWHBRIDY");
    patched("version", 8, &2u32.to_le_bytes());
    patched("prefix bits", 12, &16u32.to_le_bytes());
    patched("entry bytes", 16, &8u32.to_le_bytes());
    patched("entry count", 24, &5u64.to_le_bytes());
    patched("huge entry count", 24, &u64::MAX.to_le_bytes());
    patched("body offset", 32, &65u64.to_le_bytes());
    patched("table offset", 40, &1u64.to_le_bytes());
    patched("reserved", 56, &1u64.to_le_bytes());
    // The table's first bound must be 0, bounds must not decrease, the last must be N.
    patched("table start", entries_end, &1u64.to_le_bytes());
    patched("table order", entries_end + 8 * 1000, &3u64.to_le_bytes());
    patched("table end", good.len() - 8, &3u64.to_le_bytes());

    for (name, bytes) in cases {
        let path = dir.path(&format!("corrupt-{}.idx", name.replace(' ', "-")));
        fs::write(&path, &bytes).unwrap();
        let err = BreachIndex::open(&path).expect_err(name);
        assert!(
            err.to_string().contains("invalid breach index") || bytes.len() < 64,
            "{name}: {err}"
        );
    }
    let err = Policy::from_toml(&format!(
        "[screen]\nbreach_index = {:?}\n",
        dir.path("corrupt-magic.idx")
    ))
    .unwrap_err();
    assert!(err.to_string().contains("bad magic"), "{err}");

    // Entries out of order inside a bucket give wrong answers, never a panic.
    let mut shuffled = good.clone();
    shuffled[64..entries_end].reverse();
    fs::write(dir.path("shuffled.idx"), &shuffled).unwrap();
    let index = BreachIndex::open(dir.path("shuffled.idx")).unwrap();
    for password in BREACHED.iter().chain(&CLEAN) {
        let _ = index.contains_password(password);
    }
}

#[test]
fn screen_refuses_breached_passwords() {
    let dir = TempDir::new("breach-screen");
    let policy = Policy::builder()
        .breach_index(index_of(&dir, &["purple-otter-sings-at-dawn"]))
        .build()
        .unwrap();
    let refused = policy
        .screen("purple-otter-sings-at-dawn", &Context::new())
        .unwrap_err();
    assert_eq!(refused.reasons(), &[Reason::Breached]);
    assert!(refused.to_string().contains("data breach"));
    assert!(
        policy
            .screen("purple-otter-sings-at-dusk", &Context::new())
            .is_ok()
    );
    // The NFKC form is checked too: full-width letters of a breached password.
    let wide: String = "purple-otter-sings-at-dawn"
        .chars()
        .map(|c| {
            char::from_u32(c as u32 + 0xFEE0)
                .filter(|_| c.is_ascii_lowercase())
                .unwrap_or(c)
        })
        .collect();
    assert!(
        policy
            .screen(&wide, &Context::new())
            .unwrap_err()
            .has("breached")
    );
}

#[test]
fn compromised_verdict_at_login_only_with_the_switch() {
    let dir = TempDir::new("breach-login");
    let index = index_of(&dir, &BREACHED);
    let plain = cheap().breach_index(index.clone()).build().unwrap();
    let checking = cheap()
        .breach_index(index.clone())
        .compromised_check(true)
        .build()
        .unwrap();

    let stored = plain.hash("pizza123").unwrap();
    // Off by default: a breached password that matches is just Valid.
    assert_eq!(plain.verify("pizza123", &stored), Ok(Verdict::Valid));
    // On: ValidCompromised, without a replacement (the string is up to date).
    let verdict = checking.verify("pizza123", &stored).unwrap();
    assert_eq!(verdict, Verdict::ValidCompromised(None));
    assert!(verdict.is_valid() && verdict.is_compromised());
    assert_eq!(verdict.replacement(), None);
    assert_eq!(format!("{verdict:?}"), "ValidCompromised(None)");
    // A wrong password is Invalid, breached or not.
    assert_eq!(checking.verify("hunter2", &stored), Ok(Verdict::Invalid));

    // A clean password: Valid.
    let clean = checking.hash("purple-otter-sings-at-dawn").unwrap();
    assert_eq!(
        checking.verify("purple-otter-sings-at-dawn", &clean),
        Ok(Verdict::Valid)
    );

    // A legacy hash of a breached password: compromised, and still carries the replacement.
    let md5 = md5_hex(b"hunter2");
    let verdict = checking.verify("hunter2", &md5).unwrap();
    assert!(verdict.is_compromised());
    let replacement = verdict.replacement().expect("a replacement").to_owned();
    assert_eq!(
        format!("{verdict:?}"),
        "ValidCompromised(Some(..))",
        "no hash in Debug"
    );
    assert_eq!(
        checking.verify("hunter2", &replacement),
        Ok(Verdict::ValidCompromised(None))
    );

    // The switch without an index is refused, in the builder and in TOML.
    assert!(cheap().compromised_check(true).build().is_err());
    assert!(Policy::from_toml("[screen]\ncompromised_check = true\n").is_err());
}

/// MD5 as a lower-case hex string: a legacy stored string.
fn md5_hex(password: &[u8]) -> String {
    md5::Md5::digest(password)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn toml_names_the_index_relative_to_the_file() {
    let dir = TempDir::new("breach-toml");
    let _ = index_of(&dir, &BREACHED);
    let config = dir.path("policy.toml");
    fs::write(
        &config,
        r#"allow_weak_target = true

[argon2]
m_cost = 256
t_cost = 1
p_cost = 1

[screen]
breach_index = "pwned.idx"
compromised_check = true
"#,
    )
    .unwrap();
    let policy = Policy::from_toml_file(&config).unwrap();
    assert_eq!(policy.breach_index().map(BreachIndex::len), Some(4));
    let stored = policy.hash("hunter2").unwrap();
    assert!(policy.verify("hunter2", &stored).unwrap().is_compromised());

    let missing = Policy::from_toml("[screen]\nbreach_index = \"/nonexistent/pwned.idx\"\n")
        .unwrap_err()
        .to_string();
    assert!(missing.contains("screen.breach_index"), "{missing}");
}

// ---------------------------------------------------------------------------------------------
// NFKC.

const E_ACUTE: &str = "caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e"; // precomposed
const E_COMBINING: &str = "cafe\u{301} cre\u{300}me bru\u{302}le\u{301}e"; // base + combining marks
const LIGATURE: &str = "\u{fb01}sh and chips"; // "ﬁ" (U+FB01)
const LETTERS: &str = "fish and chips";

fn nfkc_policy() -> Policy {
    cheap().nfkc(true).build().unwrap()
}

#[test]
fn nfkc_hashes_verify_composed_decomposed_and_compatibility_forms() {
    let policy = nfkc_policy();
    for (typed, other) in [
        (E_ACUTE, E_COMBINING),
        (E_COMBINING, E_ACUTE),
        (LIGATURE, LETTERS),
    ] {
        let stored = policy.hash(typed).unwrap();
        assert!(stored.contains(",data=cHdoLW5ma2M$"), "{stored}");
        assert_eq!(policy.verify(typed, &stored), Ok(Verdict::Valid));
        assert_eq!(policy.verify(other, &stored), Ok(Verdict::Valid));
        assert_eq!(
            policy.verify("fish and chip", &stored),
            Ok(Verdict::Invalid)
        );
        // The mark, not the policy, decides: a policy without the switch verifies it too.
        assert_eq!(
            cheap().build().unwrap().verify(other, &stored),
            Ok(Verdict::Valid)
        );
    }
    // "fish and chips" typed with the ligature or with letters: one hash input.
    let stored = policy.hash(LETTERS).unwrap();
    assert_eq!(policy.verify(LIGATURE, &stored), Ok(Verdict::Valid));
}

#[test]
fn old_unnormalised_hashes_keep_verifying() {
    let old = cheap().build().unwrap();
    let policy = nfkc_policy();
    let stored = old.hash(E_COMBINING).unwrap();
    assert!(!stored.contains("data="));
    // Exactly as it was made: only the form that was hashed matches.
    assert_eq!(old.verify(E_COMBINING, &stored), Ok(Verdict::Valid));
    assert_eq!(old.verify(E_ACUTE, &stored), Ok(Verdict::Invalid));
    assert_eq!(policy.verify(E_ACUTE, &stored), Ok(Verdict::Invalid));
    // Under the normalising policy, the right password (its NFKC form differs) is
    // rehashed into a marked string that then accepts both forms.
    let verdict = policy.verify(E_COMBINING, &stored).unwrap();
    let replacement = verdict.replacement().expect("a normalised replacement");
    assert!(replacement.contains(",data=cHdoLW5ma2M$"));
    assert_eq!(policy.verify(E_ACUTE, replacement), Ok(Verdict::Valid));
    assert_eq!(policy.verify(E_COMBINING, replacement), Ok(Verdict::Valid));
    // needs_upgrade cannot see the password, and says no (documented).
    assert_eq!(policy.needs_upgrade(&stored), Ok(false));

    // A password NFKC leaves alone: the old string is as good, nothing is due.
    let ascii = old.hash("fish and chips").unwrap();
    assert_eq!(policy.verify("fish and chips", &ascii), Ok(Verdict::Valid));

    // Peers' strings with other associated data are verified as before.
    let peer_data = "$argon2id$v=19$m=256,t=1,p=1,data=cGVlcg$c29tZXNhbHRzb21lc2FsdA$";
    assert!(
        policy
            .verify(
                "x",
                format!("{peer_data}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            )
            .is_ok()
    );
}

#[test]
fn non_utf8_passwords_are_hashed_as_bytes_without_the_mark() {
    let policy = nfkc_policy();
    let bytes: &[u8] = b"caf\xe9 au lait"; // Latin-1, not UTF-8
    let stored = policy.hash(bytes).unwrap();
    assert!(!stored.contains("data="), "{stored}");
    assert_eq!(policy.verify(bytes, &stored), Ok(Verdict::Valid));
    assert_eq!(
        cheap().build().unwrap().verify(bytes, &stored),
        Ok(Verdict::Valid)
    );
}

#[test]
fn another_argon2_implementation_that_knows_the_rule_verifies_a_marked_hash() {
    use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
    use base64ct::{Base64Unpadded, Encoding};
    use unicode_normalization::UnicodeNormalization;

    let stored = nfkc_policy().hash(LIGATURE).unwrap();
    let fields: Vec<&str> = stored.split('$').collect();
    assert_eq!(fields[3], "m=256,t=1,p=1,data=cHdoLW5ma2M");
    let salt = Base64Unpadded::decode_vec(fields[4]).unwrap();
    let expected = Base64Unpadded::decode_vec(fields[5]).unwrap();

    // The rule: Argon2id over NFKC(password), with the `data=` bytes as associated data.
    let normal: String = LIGATURE.nfkc().collect();
    let mut params = ParamsBuilder::new();
    params
        .m_cost(256)
        .t_cost(1)
        .p_cost(1)
        .output_len(expected.len())
        .data(AssociatedData::new(b"pwh-nfkc").unwrap());
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.build().unwrap());
    let mut out = vec![0u8; expected.len()];
    argon
        .hash_password_into(normal.as_bytes(), &salt, &mut out)
        .unwrap();
    assert_eq!(out, expected);
}
