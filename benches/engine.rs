//! Argon2id side by side with C implementations, at the same parameters, in one run:
//!
//! * `pwharden`: `Policy::hash` (pooled working memory, OS salt, PHC encoding included);
//! * `libsodium`: `crypto_pwhash` with `crypto_pwhash_ALG_ARGON2ID13` (libsodium built from
//!   the libsodium-sys-stable crate's bundled source, with its runtime-dispatched SIMD);
//! * `libargon2_ref`: Debian's libargon2 (`argon2id_hash_raw`), the reference C code as
//!   Debian builds it: the portable `ref.c` path, no SIMD.
//!
//! Run: `cargo bench --bench engine`. Ratios belong in BENCHMARKS.md only when measured in
//! the same run.

#![allow(unsafe_code)] // calls into the C libraries under comparison
#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark set-up

use std::hint::black_box;
use std::os::raw::{c_int, c_uchar, c_ulonglong, c_void};

use criterion::{Criterion, criterion_group, criterion_main};
use libsodium_sys as sodium;
use pwharden::Policy;

#[link(name = "argon2")]
unsafe extern "C" {
    fn argon2id_hash_raw(
        t_cost: u32,
        m_cost: u32,
        parallelism: u32,
        pwd: *const c_void,
        pwdlen: usize,
        salt: *const c_void,
        saltlen: usize,
        hash: *mut c_void,
        hashlen: usize,
    ) -> c_int;
}

const PASSWORD: &[u8] = b"correct horse battery staple";
const SALT: [u8; 16] = *b"0123456789abcdef";

fn sodium(m_kib: u32, t: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: `out`, `PASSWORD` and `SALT` are valid for the lengths passed; the salt is
    // crypto_pwhash_SALTBYTES (16) long as libsodium requires.
    let rc = unsafe {
        sodium::crypto_pwhash(
            out.as_mut_ptr(),
            out.len() as c_ulonglong,
            PASSWORD.as_ptr().cast(),
            PASSWORD.len() as c_ulonglong,
            SALT.as_ptr() as *const c_uchar,
            c_ulonglong::from(t),
            m_kib as usize * 1024,
            sodium::crypto_pwhash_ALG_ARGON2ID13 as c_int,
        )
    };
    assert_eq!(rc, 0);
    out
}

fn reference(m_kib: u32, t: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: every pointer is valid for the length passed with it.
    let rc = unsafe {
        argon2id_hash_raw(
            t,
            m_kib,
            1,
            PASSWORD.as_ptr().cast(),
            PASSWORD.len(),
            SALT.as_ptr().cast(),
            SALT.len(),
            out.as_mut_ptr().cast(),
            out.len(),
        )
    };
    assert_eq!(rc, 0);
    out
}

fn engines(c: &mut Criterion) {
    // SAFETY: sodium_init may be called more than once and from any thread.
    assert!(unsafe { sodium::sodium_init() } >= 0);
    // The two C libraries agree with each other (and so compute the same function).
    assert_eq!(sodium(1024, 1), reference(1024, 1));

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
