//! Login-path costs at the default policy (OWASP's Argon2id, m = 19456 KiB, t = 2, p = 1).
//!
//! * `default`: hash and a valid verify;
//! * `failed_login`: `unknown_user` next to `wrong_password`, in one group so their medians
//!   come from the same run (the unknown-user path must cost the same as a real failed login);
//! * `legacy_upgrade`: verify plus the replacement hash, for one third-party vector of each
//!   legacy family (tests/vectors/), and verify of the same string once wrapped;
//! * `wrap`: wrapping one legacy string;
//! * `throughput`: a batch of 16 logins spread over 1, 2 and N threads through the gate.
//!
//! Run: `cargo bench --bench policy` (`-- --test` runs each once, as CI does).

#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark set-up

mod common;

use std::hint::black_box;

use common::first_vector;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pwharden::{Policy, Verdict};

const PASSWORD: &str = "correct horse battery staple";

fn default_policy(c: &mut Criterion) {
    let policy = Policy::default();
    let stored = policy.hash(PASSWORD).unwrap();

    let mut group = c.benchmark_group("default");
    group.sample_size(30);
    group.bench_function("hash", |b| b.iter(|| policy.hash(black_box(PASSWORD))));
    group.bench_function("verify_valid", |b| {
        b.iter(|| policy.verify(black_box(PASSWORD), black_box(&stored)))
    });
    group.finish();

    let mut group = c.benchmark_group("failed_login");
    group.sample_size(40);
    group.bench_function("wrong_password", |b| {
        b.iter(|| {
            let verdict = policy.verify(
                black_box("correct horse battery stapler"),
                black_box(&stored),
            );
            assert_eq!(verdict, Ok(Verdict::Invalid));
        })
    });
    group.bench_function("unknown_user", |b| {
        b.iter(|| policy.verify_unknown_user(black_box("correct horse battery stapler")))
    });
    group.finish();
}

const FAMILIES: &[&str] = &[
    "bcrypt",
    "django-bcrypt-sha256",
    "scrypt",
    "pbkdf2-sha256",
    "django-pbkdf2-sha256",
    "md5-crypt",
    "sha512-crypt",
    "phpass",
    "drupal7",
    "ldap-ssha",
    "mysql41",
    "django-sha1",
    "md5-hex",
];

fn legacy(c: &mut Criterion) {
    let policy = Policy::default();
    let mut group = c.benchmark_group("legacy_upgrade");
    group.sample_size(20);
    for family in FAMILIES {
        let (password, stored) = first_vector(&format!("{family}.tsv"));
        let wrapped = policy.wrap(&stored).unwrap();
        group.bench_with_input(BenchmarkId::new("verify", family), &stored, |b, stored| {
            b.iter(|| {
                let verdict = policy
                    .verify(black_box(&password), black_box(stored))
                    .unwrap();
                assert!(verdict.replacement().is_some());
            })
        });
        group.bench_with_input(
            BenchmarkId::new("verify_wrapped", family),
            &wrapped,
            |b, wrapped| {
                b.iter(|| {
                    let verdict = policy
                        .verify(black_box(&password), black_box(wrapped))
                        .unwrap();
                    assert!(verdict.replacement().is_some());
                })
            },
        );
    }
    group.finish();

    let (_, stored) = first_vector("md5-hex.tsv");
    let mut group = c.benchmark_group("wrap");
    group.sample_size(30);
    group.bench_function("md5-hex", |b| {
        b.iter(|| policy.wrap(black_box(&stored)).unwrap())
    });
    group.finish();
}

fn throughput(c: &mut Criterion) {
    const BATCH: usize = 16;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut threads = vec![1, 2];
    if cores > 2 {
        threads.push(cores);
    }
    let mut group = c.benchmark_group("throughput");
    group.sample_size(10);
    group.throughput(Throughput::Elements(BATCH as u64));
    for n in threads {
        let policy = Policy::builder()
            .concurrency(n, 64, std::time::Duration::from_secs(60))
            .build()
            .unwrap();
        let stored = policy.hash(PASSWORD).unwrap();
        group.bench_with_input(BenchmarkId::new("logins", n), &n, |b, &n| {
            b.iter(|| {
                std::thread::scope(|s| {
                    for w in 0..n {
                        let (policy, stored) = (&policy, &stored);
                        s.spawn(move || {
                            for _ in (w..BATCH).step_by(n) {
                                assert_eq!(policy.verify(PASSWORD, stored), Ok(Verdict::Valid));
                            }
                        });
                    }
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, default_policy, legacy, throughput);
criterion_main!(benches);
