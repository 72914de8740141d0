//! Screening costs (NIST SP 800-63B checks at sign-up) and breach-index lookups.
//!
//! * `screen`: `Policy::screen` with the shipped common-password list and a typical context,
//!   for an acceptable password, a common one, a long one (256 characters), and an acceptable
//!   one under a policy that also holds the breach index below;
//! * `breach_index`: one lookup (`contains_sha1`, and `contains_password` with its SHA-1) in
//!   an index of 10^7 random 20-byte hashes, hits and misses.
//!
//! The index is generated here (random digests, written to a temporary directory that is
//! removed at the end); its build time and size per entry are printed. In criterion's short
//! mode (`-- --test`, as scripts/test.sh runs it) the index has 10^4 entries instead.
//!
//! Run: `cargo bench --bench screen`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark set-up

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use pwharden::{BreachIndex, Context, Policy};

const FULL_ENTRIES: usize = 10_000_000;
const SHORT_ENTRIES: usize = 10_000;

/// xorshift64*: deterministic, fast, good enough to stand in for SHA-1 outputs.
struct Digests(u64);

impl Iterator for Digests {
    type Item = [u8; 20];

    fn next(&mut self) -> Option<[u8; 20]> {
        let mut out = [0u8; 20];
        for chunk in out.chunks_mut(8) {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let word = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D).to_be_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Some(out)
    }
}

fn short_mode() -> bool {
    std::env::args().any(|a| a == "--test")
}

struct TempIndex {
    dir: std::path::PathBuf,
    index: BreachIndex,
    entries: usize,
}

impl Drop for TempIndex {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn generated_index() -> TempIndex {
    let entries = if short_mode() {
        SHORT_ENTRIES
    } else {
        FULL_ENTRIES
    };
    let dir = std::env::temp_dir().join(format!("pwharden-bench-breach-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pwned.idx");
    let started = Instant::now();
    let summary = BreachIndex::build_from_sha1(Digests(1).take(entries), &path).unwrap();
    let built = started.elapsed();
    let index = BreachIndex::open(&path).unwrap();
    println!(
        "breach index: {} entries built in {:.2?}, {} bytes = {:.3} bytes per entry",
        summary.entries,
        built,
        summary.bytes,
        summary.bytes as f64 / summary.entries as f64
    );
    TempIndex {
        dir,
        index,
        entries,
    }
}

fn screening(c: &mut Criterion) {
    let generated = generated_index();
    let plain = Policy::builder()
        .site_words(["Contoso", "ContosoPay"])
        .build()
        .unwrap();
    let with_index = Policy::builder()
        .site_words(["Contoso", "ContosoPay"])
        .breach_index(generated.index.clone())
        .build()
        .unwrap();
    let names = ["Alice Smith"];
    let context = Context::new()
        .email("alice.smith@example.com")
        .names(&names)
        .phone("+44 20 7946 0958");
    let long: String = "purple otter sings at dawn; ".repeat(10)[..256].to_owned();

    let mut group = c.benchmark_group("screen");
    group.bench_function("acceptable", |b| {
        b.iter(|| plain.screen(black_box("correct horse battery staple"), &context))
    });
    group.bench_function("common", |b| {
        b.iter(|| plain.screen(black_box("pizza123"), &context))
    });
    group.bench_function("256_characters", |b| {
        b.iter(|| plain.screen(black_box(long.as_str()), &context))
    });
    group.bench_function("acceptable_with_breach_index", |b| {
        b.iter(|| with_index.screen(black_box("correct horse battery staple"), &context))
    });
    group.finish();

    let index = &generated.index;
    let hits: Vec<[u8; 20]> = Digests(1).take(generated.entries.min(4096)).collect();
    let misses: Vec<[u8; 20]> = Digests(2).take(4096).collect();
    assert!(hits.iter().all(|d| index.contains_sha1(d)));
    let mut group = c.benchmark_group("breach_index");
    let mut i = 0;
    group.bench_function("lookup_hit", |b| {
        b.iter(|| {
            i = (i + 1) % hits.len();
            index.contains_sha1(black_box(&hits[i]))
        })
    });
    group.bench_function("lookup_miss", |b| {
        b.iter(|| {
            i = (i + 1) % misses.len();
            index.contains_sha1(black_box(&misses[i]))
        })
    });
    group.bench_function("contains_password", |b| {
        b.iter(|| index.contains_password(black_box("correct horse battery staple")))
    });
    group.finish();
}

criterion_group!(benches, screening);
criterion_main!(benches);
