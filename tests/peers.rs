//! Hashes that pwharden makes verify in a third-party implementation: argon2-cffi (libargon2),
//! run from the peers' virtualenv that tests/peers/setup.sh installs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use pwharden::{PepperKey, Policy};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs tests/peers/verify_argon2.py over `lines`; one `ok`/`fail` per line.
fn argon2_cffi(lines: &[String]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv-peers/bin/python");
    assert!(
        python.exists(),
        "the peers are not installed: run tests/peers/setup.sh (the README's test command does)"
    );
    let mut child = Command::new(python)
        .arg(root.join("tests/peers/verify_argon2.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn argon2_cffi_accepts_pwharden_hashes() {
    let passwords: [&[u8]; 5] = [
        b"password",
        "pässwörd-日本語-🍕".as_bytes(),
        b"\x00\xffbinary\x01",
        &[b'a'; 1024],
        b"x",
    ];
    let plain = Policy::default();
    let secret = [0x42u8; 32];
    let peppered = Policy::builder()
        .argon2(4096, 3, 2)
        .allow_weak_target()
        .pepper_key(PepperKey::new("site-k1", &secret).unwrap())
        .current_pepper("site-k1")
        .build()
        .unwrap();

    let mut lines = Vec::new();
    let mut expected = Vec::new();
    for pw in passwords {
        let stored = plain.hash(pw).unwrap();
        lines.push(format!("{}\t{stored}", hex(pw)));
        expected.push("ok");
        // The peer must also reject a wrong password, or its "ok" means nothing.
        lines.push(format!("{}\t{stored}", hex(b"wrong")));
        expected.push("fail");

        let stored = peppered.hash(pw).unwrap();
        assert!(stored.contains(",keyid="));
        lines.push(format!("{}\t{stored}\t{}", hex(pw), hex(&secret)));
        expected.push("ok");
        lines.push(format!("{}\t{stored}\t{}", hex(pw), hex(&[0x43u8; 32])));
        expected.push("fail");
    }
    assert_eq!(argon2_cffi(&lines), expected);
}
