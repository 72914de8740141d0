//! Argon2id side by side with C implementations, at the same parameters, in one run:
//!
//! * `pwharden`: `Policy::hash` (pooled working memory, OS salt, PHC encoding included);
//! * `libsodium`: `crypto_pwhash` with `crypto_pwhash_ALG_ARGON2ID13`;
//! * `libargon2_ref`: Debian's libargon2 (`argon2id_hash_raw`), the reference C code.
//!
//! (benches/common/c_argon2.rs says how each C library is built.) Run:
//! `cargo bench --bench engine`. Criterion measures each function for seconds before the
//! next, so a change in the machine's load between them moves their ratio; the ratios in
//! BENCHMARKS.md come from benches/ratios.rs, which interleaves the contestants call by call.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark set-up

#[path = "common/c_argon2.rs"]
mod c_argon2;

use std::hint::black_box;

use c_argon2::{PASSWORD, reference, sodium};
use criterion::{Criterion, criterion_group, criterion_main};
use pwharden::Policy;

fn engines(c: &mut Criterion) {
    c_argon2::init();

    for (m, t) in [(19_456u32, 2u32), (47_104, 1)] {
        let policy = Policy::builder().argon2(m, t, 1).build().expect("policy");
        let mut group = c.benchmark_group(format!("argon2id_m{m}_t{t}_p1"));
        group.sample_size(30);
        group.bench_function("pwharden", |b| b.iter(|| policy.hash(black_box(PASSWORD))));
        group.bench_function("libsodium", |b| b.iter(|| sodium(black_box(m), t)));
        group.bench_function("libargon2_ref", |b| b.iter(|| reference(black_box(m), t)));
        group.finish();
    }
}

/// Where the time goes: the same number of block compressions (38,912) over 64 KiB of
/// memory, which stays in the CPU's caches, and over 19 MiB, which does not. The difference
/// is the cost of memory access; the cache-resident run is the compression function alone.
fn memory_vs_compute(c: &mut Criterion) {
    let mut limits = pwharden::Limits::default();
    limits.argon2_max_t_cost = 1000;
    let mut group = c.benchmark_group("memory_vs_compute");
    group.sample_size(30);
    for (m, t) in [(64u32, 608u32), (19_456, 2)] {
        let policy = Policy::builder()
            .argon2(m, t, 1)
            .allow_weak_target()
            .limits(limits.clone())
            .build()
            .expect("policy");
        group.bench_function(format!("m{m}_t{t}"), |b| {
            b.iter(|| policy.hash(black_box(PASSWORD)))
        });
    }
    group.finish();
}

criterion_group!(benches, engines, memory_vs_compute);
criterion_main!(benches);
