//! Fixed workloads whose instruction counts `scripts/bench-regress.sh` measures under
//! `valgrind --tool=callgrind` and compares with `benches/instructions.baseline`.
//!
//! Instruction counts do not depend on what else the machine is doing, unlike times, so a
//! regression check on them is stable on shared CI machines. Run one workload:
//! `target/release/deps/instructions-* verify-default`. Without a workload name (as under
//! `cargo bench` or `cargo test`) it runs nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benchmark driver

use std::hint::black_box;

use pwharden::{Policy, Verdict};

/// The first md5-crypt vector (libxcrypt, tests/vectors/md5-crypt.tsv).
fn md5_crypt_vector() -> (Vec<u8>, String) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/md5-crypt.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let line = text
        .lines()
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap();
    let (hex, stored) = line.split_once('\t').unwrap();
    let password = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    (password, stored.to_owned())
}

fn main() {
    let Some(workload) = std::env::args().nth(1).filter(|a| !a.starts_with("--")) else {
        return;
    };
    let policy = Policy::builder()
        .concurrency(1, 1, std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    match workload.as_str() {
        // One Argon2id verification at OWASP's parameters (pool warm-up included).
        "verify-default" => {
            // argon2-cffi, tests/vectors/argon2id.tsv.
            let stored = "$argon2id$v=19$m=19456,t=2,p=1$R1AwIY093KUfNfWM/mfBPQ$NhcMGsTQBVaHxQB6FWKpwcXaoJri7UyEjGwUDCuuz+Q";
            let verdict = policy
                .verify(
                    black_box(b"correct horse battery staple"),
                    black_box(stored),
                )
                .unwrap();
            assert_eq!(verdict, Verdict::Valid);
        }
        // A legacy login: md5-crypt verification plus the replacement Argon2id hash.
        "legacy-md5-crypt" => {
            let (password, stored) = md5_crypt_vector();
            let verdict = policy
                .verify(black_box(&password), black_box(&stored))
                .unwrap();
            assert!(verdict.replacement().is_some());
        }
        // 10,000 hostile stored strings refused before any work.
        "hostile" => {
            let hostile = "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YWJjZGVmZ2hpamtsbW5vcGFiY2RlZmdoaWprbG1ub3A";
            for _ in 0..10_000 {
                assert!(policy.verify(black_box("pw"), black_box(hostile)).is_err());
            }
        }
        other => panic!("unknown workload {other:?}"),
    }
}
