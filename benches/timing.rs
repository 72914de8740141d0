//! Constant-time checks in the style of dudect (Reparaz, Balasch, Verbauwhede, "Dude, is my
//! code constant time?", 2017), with the `dudect-bencher` crate: each benchmark times one
//! operation over inputs of two classes, interleaved at random, and Welch's t-test on the two
//! timing distributions (whole and cropped at several percentiles) gives `max t`. |t| above
//! 4.5 means the classes can be told apart by timing.
//!
//! * `ct_eq_derived_bytes`: `subtle`'s `ConstantTimeEq` on 32-byte outputs, the comparison
//!   pwharden makes of derived bytes (Argon2 outputs, legacy checksums), with the wrong value
//!   differing from the stored one in its first byte (left) or its last byte (right);
//! * `early_exit_eq_control`: the same inputs through a byte loop that returns at the first
//!   difference, which must show a large |t|: evidence that the harness can see a leak;
//! * `verify_fail_early_vs_late`: `Policy::verify` of a wrong password that differs from the
//!   right one in its first byte or its last byte (a fresh random account each time), at a cheap
//!   Argon2id target (m = 64 KiB, t = 1: Argon2's cost would otherwise bury any difference
//!   and make millions of measurements impractical);
//! * `unknown_user_vs_failed_verify`: `Policy::verify_unknown_user` (left) against a real
//!   failed `verify` (right), at the cheap target, and `..._default` at OWASP's target.
//!
//! `cargo bench --bench timing` runs the full counts (2·10^6 measurements for each
//! comparisons, 2·10^5 for the cheap verifications, 2,000 at the default target: about
//! three minutes); `-- --test` (and `cargo test`) runs a few thousand of each, a smoke test.
//! The figures are recorded in SECURITY.md.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark set-up

use std::hint::black_box;

use dudect_bencher::ctbench::{BenchFn, BenchMetadata, BenchName, BenchOpts, run_benches_console};
use dudect_bencher::rand::{Rng, RngExt};
use dudect_bencher::{BenchRng, Class, CtRunner};
use pwharden::{Policy, Verdict};
use subtle::ConstantTimeEq;

/// Measurements per benchmark: (full, short).
struct Counts {
    compare: usize,
    cheap_verify: usize,
    default_verify: usize,
}

const FULL: Counts = Counts {
    compare: 2_000_000,
    cheap_verify: 200_000,
    default_verify: 2_000,
};

const SHORT: Counts = Counts {
    compare: 20_000,
    cheap_verify: 2_000,
    default_verify: 20,
};

fn counts() -> &'static Counts {
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; `cargo bench -- --test` adds `--test`; `cargo test`
    // passes neither.
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test") {
        &FULL
    } else {
        &SHORT
    }
}

fn class(rng: &mut BenchRng) -> Class {
    if rng.random::<bool>() {
        Class::Left
    } else {
        Class::Right
    }
}

/// A stored 32-byte output and, per measurement, a class and a wrong value that differs from
/// it in the first byte (left) or the last byte (right).
fn compare_inputs(rng: &mut BenchRng) -> ([u8; 32], Vec<(Class, [u8; 32])>) {
    let mut stored = [0u8; 32];
    rng.fill_bytes(&mut stored);
    let inputs = (0..counts().compare)
        .map(|_| {
            let c = class(rng);
            let mut wrong = stored;
            let at = match c {
                Class::Left => 0,
                Class::Right => 31,
            };
            wrong[at] ^= 1 + (rng.random::<u8>() & 0x7f);
            (c, wrong)
        })
        .collect();
    (stored, inputs)
}

fn ct_eq_derived_bytes(runner: &mut CtRunner, rng: &mut BenchRng) {
    let (stored, inputs) = compare_inputs(rng);
    for (c, wrong) in inputs {
        runner.run_one(c, || {
            bool::from(black_box(&wrong[..]).ct_eq(black_box(&stored[..])))
        });
    }
}

/// The comparison pwharden must not make.
fn early_exit_eq(a: &[u8], b: &[u8]) -> bool {
    for (x, y) in a.iter().zip(b) {
        if black_box(*x) != black_box(*y) {
            return false;
        }
    }
    a.len() == b.len()
}

fn early_exit_eq_control(runner: &mut CtRunner, rng: &mut BenchRng) {
    let (stored, inputs) = compare_inputs(rng);
    for (c, wrong) in inputs {
        runner.run_one(c, || early_exit_eq(black_box(&wrong), black_box(&stored)));
    }
}

fn cheap_policy() -> Policy {
    Policy::builder()
        .argon2(64, 1, 1)
        .allow_weak_target()
        .concurrency(1, 0, std::time::Duration::from_secs(1))
        .build()
        .unwrap()
}

/// A random 28-byte password.
fn random_password(rng: &mut BenchRng) -> Vec<u8> {
    let mut pw = vec![0u8; 28];
    rng.fill_bytes(&mut pw);
    pw
}

/// A wrong password: `right` with its first (left) or last (right) byte changed.
fn wrong_password(right: &[u8], c: Class) -> Vec<u8> {
    let mut pw = right.to_vec();
    let at = match c {
        Class::Left => 0,
        Class::Right => pw.len() - 1,
    };
    pw[at] ^= 0x20;
    pw
}

/// A fresh random account per measurement: its stored string, and a wrong password that
/// differs from the right one in the first (left) or last (right) byte.
///
/// Fixed passwords would not do: Argon2id's second half-pass reads memory at addresses that
/// depend on the password and salt (by design), so any two fixed (password, salt) pairs
/// differ a little in cache timing whatever their relation, and dudect sees it. Fresh
/// accounts give both classes the same spread.
fn verify_fail_early_vs_late(runner: &mut CtRunner, rng: &mut BenchRng) {
    let policy = cheap_policy();
    let logins: Vec<(Class, Vec<u8>, String)> = (0..counts().cheap_verify)
        .map(|_| {
            let right = random_password(rng);
            let c = class(rng);
            (c, wrong_password(&right, c), policy.hash(&right).unwrap())
        })
        .collect();
    for (c, pw, stored) in logins {
        runner.run_one(c, || {
            assert_eq!(
                policy.verify(black_box(&pw), black_box(&stored)),
                Ok(Verdict::Invalid)
            );
        });
    }
}

/// Left: the unknown-user path; right: a real failed login against one account (whose
/// stored string, like the unknown-user one, stays in cache). A fresh random wrong password
/// per measurement, for the reason given at `verify_fail_early_vs_late`.
fn unknown_user(runner: &mut CtRunner, rng: &mut BenchRng, policy: &Policy, n: usize) {
    let stored = policy.hash(random_password(rng)).unwrap();
    let logins: Vec<(Class, Vec<u8>)> =
        (0..n).map(|_| (class(rng), random_password(rng))).collect();
    for (c, pw) in logins {
        match c {
            Class::Left => runner.run_one(c, || {
                assert_eq!(
                    policy.verify_unknown_user(black_box(&pw)),
                    Ok(Verdict::Invalid)
                );
            }),
            Class::Right => runner.run_one(c, || {
                assert_eq!(
                    policy.verify(black_box(&pw), black_box(&stored)),
                    Ok(Verdict::Invalid)
                );
            }),
        }
    }
}

fn unknown_user_vs_failed_verify(runner: &mut CtRunner, rng: &mut BenchRng) {
    unknown_user(runner, rng, &cheap_policy(), counts().cheap_verify);
}

fn unknown_user_vs_failed_verify_default(runner: &mut CtRunner, rng: &mut BenchRng) {
    let policy = Policy::builder()
        .concurrency(1, 0, std::time::Duration::from_secs(1))
        .build()
        .unwrap();
    unknown_user(runner, rng, &policy, counts().default_verify);
}

fn main() {
    let benches: [(&'static str, BenchFn); 5] = [
        ("ct_eq_derived_bytes", ct_eq_derived_bytes),
        ("early_exit_eq_control", early_exit_eq_control),
        ("verify_fail_early_vs_late", verify_fail_early_vs_late),
        (
            "unknown_user_vs_failed_verify",
            unknown_user_vs_failed_verify,
        ),
        (
            "unknown_user_vs_failed_verify_default",
            unknown_user_vs_failed_verify_default,
        ),
    ];
    // An argument that is not a flag filters the benchmarks by name, as with criterion.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let benches = benches
        .into_iter()
        .map(|(name, benchfn)| BenchMetadata {
            name: BenchName(name),
            seed: None,
            benchfn,
        })
        .collect();
    run_benches_console(
        BenchOpts {
            filter,
            ..BenchOpts::default()
        },
        benches,
    )
    .unwrap();
}
