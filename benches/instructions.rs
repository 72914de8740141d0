//! Fixed workloads whose instruction counts `scripts/bench-regress.sh` measures under
//! `valgrind --tool=callgrind` and compares with `benches/instructions.baseline`.
//!
//! Instruction counts do not depend on what else the machine is doing, unlike times, so a
//! regression check on them is stable on shared CI machines. Run one workload:
//! `target/release/deps/instructions-* verify-default`. Without a workload name (as under
//! `cargo bench` or `cargo test`) it runs nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benchmark driver

mod common;

use std::hint::black_box;

use pwharden::{Policy, Verdict};

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
            let (password, stored) = common::first_vector("md5-crypt.tsv");
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
