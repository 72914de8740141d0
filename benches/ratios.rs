//! The performance targets that are ratios, measured by interleaving the contestants.
//!
//! The machines are shared: another tenant's job can slow everything by 10 to 20 % for
//! seconds at a time. Criterion measures one function for seconds, then the next, so such a
//! change lands on one side of a ratio. Here every round runs each contestant once, back to
//! back, in an order that rotates from round to round, and the ratio is taken within the
//! round; the report gives the median of the per-round ratios with their 10th and 90th
//! percentiles, and each contestant's median time.
//!
//! * `argon2id m=19456 t=2` and `m=47104 t=1`: `Policy::hash` against libsodium's
//!   `crypto_pwhash` and Debian's reference libargon2 (benches/common/c_argon2.rs);
//! * `gate throughput`: a batch of logins through a policy with 2 workers on 2 threads,
//!   against the same batch with 1 worker on 1 thread (the ratio is the speed-up);
//!   the same at m = 4096 KiB, t = 9 (as many block compressions, a fifth of the memory);
//! * `unknown user`: `verify_unknown_user` against a failed `verify` at the default policy.
//!
//! Run: `cargo bench --bench ratios` (about two minutes); `-- --test` runs two rounds of
//! each, as CI does. `-- ROUNDS` sets the number of rounds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark set-up

#[path = "common/c_argon2.rs"]
mod c_argon2;

use std::hint::black_box;
use std::time::{Duration, Instant};

use c_argon2::{PASSWORD, reference, sodium};
use pwharden::{Policy, Verdict};

type Contestant<'a> = (&'a str, Box<dyn FnMut() + 'a>);

/// Runs `rounds` rounds (after one round of warm-up) and prints each contestant's median time
/// and, for every contestant after the first, the first one's time over its time, per round.
fn interleave(title: &str, rounds: usize, mut contestants: Vec<Contestant<'_>>) {
    let n = contestants.len();
    let mut times = vec![Vec::with_capacity(rounds); n];
    for round in 0..=rounds {
        let mut this = vec![Duration::ZERO; n];
        for k in 0..n {
            let i = (round + k) % n;
            let start = Instant::now();
            (contestants[i].1)();
            this[i] = start.elapsed();
        }
        if round > 0 {
            for (i, t) in this.into_iter().enumerate() {
                times[i].push(t);
            }
        }
    }
    println!("{title} ({rounds} rounds)");
    for (i, (name, _)) in contestants.iter().enumerate() {
        let mut t: Vec<f64> = times[i].iter().map(Duration::as_secs_f64).collect();
        let median = percentile(&mut t, 50);
        print!("  {name:<28} median {:>9.3} ms", median * 1e3);
        if i > 0 {
            let mut ratios: Vec<f64> = times[0]
                .iter()
                .zip(&times[i])
                .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64())
                .collect();
            let (p10, p50, p90) = (
                percentile(&mut ratios, 10),
                percentile(&mut ratios, 50),
                percentile(&mut ratios, 90),
            );
            print!(
                "   {} / {name}: {p50:.3} (p10 {p10:.3}, p90 {p90:.3})",
                contestants[0].0
            );
        }
        println!();
    }
}

fn percentile(values: &mut [f64], p: usize) -> f64 {
    values.sort_by(f64::total_cmp);
    let i = (values.len().saturating_sub(1) * p + 50) / 100;
    values.get(i).copied().unwrap_or(f64::NAN)
}

fn engines(rounds: usize) {
    c_argon2::init();
    for (m, t) in [(19_456u32, 2u32), (47_104, 1)] {
        let policy = Policy::builder().argon2(m, t, 1).build().expect("policy");
        interleave(
            &format!("argon2id m={m} t={t} p=1: one hash"),
            rounds,
            vec![
                (
                    "pwharden",
                    Box::new(|| drop(black_box(policy.hash(black_box(PASSWORD))))),
                ),
                (
                    "libsodium",
                    Box::new(|| {
                        black_box(sodium(m, t));
                    }),
                ),
                (
                    "libargon2_ref",
                    Box::new(|| {
                        black_box(reference(m, t));
                    }),
                ),
            ],
        );
    }
}

/// Logins per batch: even, so that two threads share it equally.
const BATCH: usize = 8;

fn batch(policy: &Policy, stored: &str, threads: usize) {
    std::thread::scope(|s| {
        for w in 0..threads {
            s.spawn(move || {
                for _ in (w..BATCH).step_by(threads) {
                    assert_eq!(policy.verify(PASSWORD, stored), Ok(Verdict::Valid));
                }
            });
        }
    });
}

fn throughput(rounds: usize) {
    for (m, t) in [(19_456u32, 2u32), (4096, 9)] {
        let policy = |workers| {
            Policy::builder()
                .argon2(m, t, 1)
                .allow_weak_target()
                .concurrency(workers, 64, Duration::from_secs(60))
                .build()
                .expect("policy")
        };
        let (one, two) = (policy(1), policy(2));
        let stored = one.hash(PASSWORD).unwrap();
        interleave(
            &format!("gate throughput m={m} t={t}: {BATCH} logins"),
            rounds,
            vec![
                ("1 worker, 1 thread", Box::new(|| batch(&one, &stored, 1))),
                ("2 workers, 2 threads", Box::new(|| batch(&two, &stored, 2))),
            ],
        );
    }
}

fn unknown_user(rounds: usize) {
    let policy = Policy::default();
    let stored = policy.hash(PASSWORD).unwrap();
    let wrong = "correct horse battery stapler";
    interleave(
        "default policy: unknown user vs failed login",
        rounds,
        vec![
            (
                "verify_unknown_user",
                Box::new(|| drop(black_box(policy.verify_unknown_user(black_box(wrong))))),
            ),
            (
                "failed verify",
                Box::new(|| {
                    assert_eq!(policy.verify(wrong, &stored), Ok(Verdict::Invalid));
                }),
            ),
        ],
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let test = args.iter().any(|a| a == "--test");
    let rounds = args
        .iter()
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(if test { 2 } else { 150 });
    engines(rounds);
    throughput(rounds);
    unknown_user(rounds * 2);
}
