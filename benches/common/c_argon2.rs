//! Argon2id in C, for side-by-side comparisons (benches/engine.rs and benches/ratios.rs):
//! libsodium's `crypto_pwhash` (from the libsodium-sys-stable crate's bundled source, with its
//! runtime-dispatched SIMD) and Debian's libargon2 (`argon2id_hash_raw`, the reference code
//! as Debian builds it: the portable `ref.c` path, no SIMD). Both hash the same password and
//! salt at p = 1 into 32 bytes.

#![allow(unsafe_code)] // calls into the C libraries under comparison

use std::os::raw::{c_int, c_uchar, c_ulonglong, c_void};

use libsodium_sys as sodium;

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

/// The password every comparison hashes.
pub const PASSWORD: &[u8] = b"correct horse battery staple";
const SALT: [u8; 16] = *b"0123456789abcdef";

pub fn sodium(m_kib: u32, t: u32) -> [u8; 32] {
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

pub fn reference(m_kib: u32, t: u32) -> [u8; 32] {
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

/// Initializes libsodium and checks that the two libraries compute the same function.
pub fn init() {
    // SAFETY: sodium_init may be called more than once and from any thread.
    assert!(unsafe { sodium::sodium_init() } >= 0);
    assert_eq!(sodium(1024, 1), reference(1024, 1));
}
