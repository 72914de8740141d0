//! Login-path costs at the default policy (OWASP's Argon2id, m = 19456 KiB, t = 2, p = 1).
//!
//! `unknown_user` sits next to `wrong_password` in one group so that their medians come from
//! the same run: the unknown-user path must cost the same as a real failed login.
//!
//! Run: `cargo bench --bench policy`

use criterion::{Criterion, criterion_group, criterion_main};
use pwharden::{Policy, Verdict};
use std::hint::black_box;

fn default_policy(c: &mut Criterion) {
    let policy = Policy::default();
    let stored = policy
        .hash("correct horse battery staple")
        .unwrap_or_default();

    let mut group = c.benchmark_group("default");
    group.sample_size(30);
    group.bench_function("hash", |b| {
        b.iter(|| policy.hash(black_box("correct horse battery staple")))
    });
    group.bench_function("verify_valid", |b| {
        b.iter(|| {
            policy.verify(
                black_box("correct horse battery staple"),
                black_box(&stored),
            )
        })
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

criterion_group!(benches, default_policy);
criterion_main!(benches);
