//! Memory hygiene, checked with a global allocator that watches every heap block:
//!
//! * on every deallocation it scans the freed block for a distinctive password pattern and
//!   records a leak if it finds one (the library must zero its copies before freeing them);
//! * it records the largest single allocation, so hostile stored strings can be shown to
//!   cause no allocation proportional to the costs they ask for.
//!
//! The allocator is process-wide, so the tests take one lock each (`serial`) and run one at a
//! time: otherwise the harness would interleave their threads.
//!
//! Covered: Argon2id hash, verify, upgrade and the unknown-user path with a pepper; legacy
//! verification, wrapping and verification of wrapped strings for every family in
//! tests/vectors/memory-probe.txt (hashes of the probe password by third-party peers); the C
//! ABI's exported `extern "C"` functions; the async layer (feature `tokio`), on each path a
//! queued call can take.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use pwharden::{PepperKey, Policy, Verdict};
use zeroize::Zeroizing;

/// Recognisable, and unlikely to occur by chance in any freed block. tests/vectors/gen/
/// memory_probe.py has the same value (PROBE).
const PATTERN: &[u8] = b"PWH-zeroize-probe-7c1e9b";
const PEPPER: &[u8] = b"PWH-pepper-probe-00000000000000000000";
/// The pattern as screening folds it (lower case).
const FOLDED: &[u8] = b"pwh-zeroize-probe-7c1e9b";

static LEAKED_PASSWORD: AtomicBool = AtomicBool::new(false);
static LEAKED_PEPPER: AtomicBool = AtomicBool::new(false);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

struct Scanner;

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

// SAFETY: every method forwards to `System` with the caller's own arguments; the scan only
// reads the block being freed, which is valid for `layout.size()` bytes until `dealloc`.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Scanner {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the block is live and `layout.size()` bytes long until freed below.
        let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
        if contains(block, PATTERN) || contains(block, FOLDED) {
            LEAKED_PASSWORD.store(true, Ordering::Relaxed);
        }
        if contains(block, PEPPER) {
            LEAKED_PEPPER.store(true, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        // A reallocation may free the old block: scan it as a deallocation.
        // SAFETY: the old block is live for `layout.size()` bytes.
        let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
        if contains(block, PATTERN) || contains(block, FOLDED) {
            LEAKED_PASSWORD.store(true, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Scanner = Scanner;

/// One test at a time: the scanner's flags are process-wide.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn take_leaks() -> (bool, bool) {
    (
        LEAKED_PASSWORD.swap(false, Ordering::SeqCst),
        LEAKED_PEPPER.swap(false, Ordering::SeqCst),
    )
}

/// The password under test, in a buffer the test itself zeroes.
fn password() -> Zeroizing<Vec<u8>> {
    let mut pw = Zeroizing::new(Vec::with_capacity(64));
    pw.extend_from_slice(PATTERN);
    pw
}

#[test]
fn no_secret_survives_in_freed_memory_and_hostile_strings_allocate_nothing_large() {
    let _serial = serial();
    // The scanner works: a careless copy is caught.
    take_leaks();
    drop(std::hint::black_box(PATTERN.to_vec()));
    assert_eq!(
        take_leaks(),
        (true, false),
        "the scanner must see a plain copy"
    );

    let policy = Policy::builder()
        .argon2(1024, 1, 1)
        .allow_weak_target()
        .pepper_key(PepperKey::new("k1", PEPPER).unwrap())
        .current_pepper("k1")
        .build()
        .unwrap();
    let old = Policy::builder()
        .argon2(512, 1, 1)
        .allow_weak_target()
        .build()
        .unwrap();
    take_leaks();

    let pw = password();
    let stored = policy.hash(&*pw).unwrap();
    assert_eq!(policy.verify(&*pw, &stored).unwrap(), Verdict::Valid);
    let mut wrong = password();
    wrong[0] ^= 1;
    assert_eq!(policy.verify(&*wrong, &stored).unwrap(), Verdict::Invalid);
    let legacy = old.hash(&*pw).unwrap();
    assert!(
        policy
            .verify(&*pw, &legacy)
            .unwrap()
            .replacement()
            .is_some()
    );
    assert_eq!(policy.verify_unknown_user(&*pw).unwrap(), Verdict::Invalid);
    drop((pw, wrong));
    assert_eq!(
        take_leaks(),
        (false, false),
        "a password or pepper copy was freed unzeroed"
    );

    // The pepper key itself is zeroed when the policy goes.
    drop(policy);
    assert_eq!(
        take_leaks(),
        (false, false),
        "the pepper was freed unzeroed"
    );

    // Screening, NFKC hashing and the breach index: the folded, normalised and de-leeted
    // copies and the SHA-1 are wiped too. The password gets a combining accent, so NFKC
    // changes it, and is long enough for the growing buffers to be moved at least once.
    let dir = std::env::temp_dir().join(format!("pwharden-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let index_path = dir.join("pwned.idx");
    pwharden::BreachIndex::build_from_sha1([[7u8; 20]], &index_path).unwrap();
    let policy = Policy::builder()
        .argon2(1024, 1, 1)
        .allow_weak_target()
        .nfkc(true)
        .breach_index(pwharden::BreachIndex::open(&index_path).unwrap())
        .compromised_check(true)
        .site_words(["probe"])
        .build()
        .unwrap();
    let mut pw = password();
    pw.extend_from_slice("e\u{301}-1337-".as_bytes());
    for _ in 0..4 {
        pw.extend_from_slice(PATTERN);
    }
    take_leaks();
    let names = ["Zeroize Probe"];
    let context = pwharden::Context::new()
        .email("probe@example.com")
        .names(&names);
    let _ = policy.screen(&*pw, &context);
    let stored = policy.hash(&*pw).unwrap();
    assert_eq!(policy.verify(&*pw, &stored).unwrap(), Verdict::Valid);
    drop(pw);
    assert_eq!(
        take_leaks(),
        (false, false),
        "a copy made by screening or NFKC hashing was freed unzeroed"
    );
    drop(policy);
    let _ = std::fs::remove_dir_all(&dir);

    // Hostile stored strings: errors, with no allocation anywhere near what they ask for.
    let policy = Policy::default();
    let salt = "c29tZXNhbHRzb21lc2FsdA";
    let out = "YWJjZGVmZ2hpamtsbW5vcGFiY2RlZmdoaWprbG1ub3A";
    let hostile = [
        format!("$argon2id$v=19$m=4194304,t=2,p=1${salt}${out}"),
        format!("$argon2id$v=19$m=4294967295,t=2,p=1${salt}${out}"),
        format!("$argon2id$v=19$m=19456,t=1000000,p=1${salt}${out}"),
        format!("$argon2id$v=19$m=19456,t=2,p=255${salt}${out}"),
        format!("$argon2id$v=19$m=19456,t=2,p=1${salt}$!!"),
        format!("$argon2id$v=19$m=19456,t=2,p=1$\0${out}"),
        "$argon2id$v=19$m=19456,t=2,p=1$".to_owned() + &"A".repeat(1 << 20),
    ];
    for stored in &hostile {
        LARGEST.store(0, Ordering::SeqCst);
        assert!(policy.verify("pw", stored).is_err());
        assert!(policy.needs_upgrade(stored).is_err());
        let largest = LARGEST.load(Ordering::SeqCst);
        assert!(
            largest < 64 * 1024,
            "{largest} bytes allocated for a hostile string"
        );
    }
}

/// `<identify name>\t<stored>` lines of tests/vectors/memory-probe.txt: the probe password
/// hashed by third-party peers.
fn probe_vectors() -> Vec<(String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/memory-probe.txt"
    );
    let rows: Vec<_> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, stored) = l.split_once('\t').unwrap();
            (name.to_owned(), stored.to_owned())
        })
        .collect();
    assert!(
        rows.len() >= 10,
        "memory-probe.txt has {} lines",
        rows.len()
    );
    rows
}

/// The probe password's stored string for one scheme, from memory-probe.txt.
fn probe_vector(scheme: &str) -> String {
    probe_vectors()
        .into_iter()
        .find(|(name, _)| name == scheme)
        .map(|(_, stored)| stored)
        .unwrap_or_else(|| panic!("no {scheme} line in memory-probe.txt"))
}

#[test]
fn legacy_verification_and_wrapping_leave_no_password_in_freed_memory() {
    let _serial = serial();
    let vectors = probe_vectors();
    let policy = Policy::builder()
        .argon2(1024, 1, 1)
        .allow_weak_target()
        .pepper_key(PepperKey::new("k1", PEPPER).unwrap())
        .current_pepper("k1")
        .build()
        .unwrap();
    take_leaks();

    for (name, stored) in &vectors {
        let pw = password();
        let mut wrong = password();
        wrong[0] ^= 1;
        assert_eq!(policy.identify(stored).unwrap(), name.as_str());
        let verdict = policy.verify(&*pw, stored).unwrap();
        assert!(verdict.replacement().is_some(), "{name}: {verdict:?}");
        assert_eq!(policy.verify(&*wrong, stored).unwrap(), Verdict::Invalid);
        let wrapped = policy.wrap(stored).unwrap();
        let verdict = policy.verify(&*pw, &wrapped).unwrap();
        assert!(
            verdict.replacement().is_some(),
            "{name} wrapped: {verdict:?}"
        );
        assert_eq!(policy.verify(&*wrong, &wrapped).unwrap(), Verdict::Invalid);
        drop((pw, wrong, verdict));
        assert_eq!(
            take_leaks(),
            (false, false),
            "{name}: a password or pepper copy was freed unzeroed"
        );
    }
    drop(policy);
    assert_eq!(take_leaks(), (false, false));
}

#[test]
#[allow(unsafe_code)] // calling the C ABI, as a C caller would
fn c_abi_calls_leave_no_password_in_freed_memory() {
    use std::ffi::{CString, c_char};

    use pwharden::ffi::*;

    let _serial = serial();
    let legacy = probe_vector("sha512-crypt");
    let legacy = CString::new(legacy).unwrap();
    let toml = c"allow_weak_target = true\n[argon2]\nm_cost = 1024\nt_cost = 1\np_cost = 1\n";
    let mut handle = std::ptr::null_mut();
    // SAFETY: a NUL-terminated string and a valid out-pointer; no error buffer.
    let rc = unsafe { pwh_policy_from_toml(toml.as_ptr(), &mut handle, std::ptr::null_mut(), 0) };
    assert_eq!(rc, PWH_OK);
    take_leaks();

    let pw = password();
    let mut wrong = password();
    wrong[0] ^= 1;
    let mut out = [0 as c_char; PWH_STORED_MAX];
    let mut wrapped = [0 as c_char; PWH_STORED_MAX];
    // SAFETY (every call below): the buffers are live for the lengths passed with them, the
    // stored strings are NUL-terminated, the handle is live until freed at the end.
    unsafe {
        assert_eq!(
            pwh_hash_with_policy(handle, pw.as_ptr(), pw.len(), out.as_mut_ptr(), out.len()),
            PWH_OK
        );
        let stored = std::ffi::CStr::from_ptr(out.as_ptr()).to_owned();
        assert_eq!(
            pwh_verify_with_policy(
                handle,
                pw.as_ptr(),
                pw.len(),
                stored.as_ptr(),
                out.as_mut_ptr(),
                out.len()
            ),
            PWH_VALID
        );
        assert_eq!(
            pwh_verify_with_policy(
                handle,
                wrong.as_ptr(),
                wrong.len(),
                stored.as_ptr(),
                out.as_mut_ptr(),
                out.len()
            ),
            PWH_INVALID
        );
        assert_eq!(
            pwh_verify_with_policy(
                handle,
                pw.as_ptr(),
                pw.len(),
                legacy.as_ptr(),
                out.as_mut_ptr(),
                out.len()
            ),
            PWH_VALID_UPGRADED
        );
        assert_eq!(
            pwh_wrap_with_policy(handle, legacy.as_ptr(), wrapped.as_mut_ptr(), wrapped.len()),
            PWH_OK
        );
        assert_eq!(
            pwh_verify_with_policy(
                handle,
                pw.as_ptr(),
                pw.len(),
                wrapped.as_ptr(),
                out.as_mut_ptr(),
                out.len()
            ),
            PWH_VALID_UPGRADED
        );
        assert_eq!(
            pwh_verify_unknown_user_with_policy(handle, pw.as_ptr(), pw.len()),
            PWH_INVALID
        );
        // The default policy's functions (OWASP's target) on the legacy string.
        assert_eq!(
            pwh_verify(
                pw.as_ptr(),
                pw.len(),
                legacy.as_ptr(),
                out.as_mut_ptr(),
                out.len()
            ),
            PWH_VALID_UPGRADED
        );
        assert_eq!(
            pwh_verify(
                wrong.as_ptr(),
                wrong.len(),
                legacy.as_ptr(),
                out.as_mut_ptr(),
                out.len()
            ),
            PWH_INVALID
        );
        pwh_policy_free(handle);
    }
    drop((pw, wrong));
    assert_eq!(
        take_leaks(),
        (false, false),
        "a password copy made behind the C ABI was freed unzeroed"
    );
}

#[cfg(feature = "tokio")]
#[path = "common/threads.rs"]
mod threads;

/// The async layer copies the password into each queued call: that copy must be zeroed on
/// every path a call can take (run, withdrawn when its future is dropped while it waits, or
/// answered `Busy` at its deadline).
#[cfg(feature = "tokio")]
#[test]
fn async_calls_leave_no_password_in_freed_memory() {
    use std::time::Duration;

    use pwharden::Error;
    use pwharden::asynchronous::AsyncPolicy;

    let _serial = serial();
    let legacy = probe_vector("sha512-crypt");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        // One worker and a computation of tens of milliseconds, so that calls queue; a
        // 20 ms deadline, so that some expire while they wait.
        let policy = AsyncPolicy::new(
            Policy::builder()
                .argon2(32 * 1024, 2, 1)
                .allow_weak_target()
                .pepper_key(PepperKey::new("k1", PEPPER).unwrap())
                .current_pepper("k1")
                .concurrency(1, 4, Duration::from_millis(20))
                .build()
                .unwrap(),
        );
        take_leaks();
        let pw = password();
        let mut wrong = password();
        wrong[0] ^= 1;

        let stored = policy.hash(&*pw).await.unwrap();
        assert_eq!(policy.verify(&*pw, &stored).await, Ok(Verdict::Valid));
        assert_eq!(policy.verify(&*wrong, &stored).await, Ok(Verdict::Invalid));
        assert_eq!(policy.verify_unknown_user(&*pw).await, Ok(Verdict::Invalid));
        let verdict = policy.verify(&*pw, &legacy).await.unwrap();
        assert!(verdict.replacement().is_some(), "{verdict:?}");

        // A running call, then one withdrawn while it waits, then waiting ones that (on any
        // machine where the computation outlasts 20 ms) expire.
        let running = tokio::spawn(policy.verify(&*pw, stored.clone()));
        while policy.in_flight() == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let withdrawn =
            tokio::time::timeout(Duration::from_millis(1), policy.verify(&*pw, &stored)).await;
        assert!(
            withdrawn.is_err(),
            "the second call should still be waiting"
        );
        let waiting: Vec<_> = (0..3)
            .map(|_| tokio::spawn(policy.verify(&*pw, stored.clone())))
            .collect();
        assert_eq!(running.await.unwrap(), Ok(Verdict::Valid));
        for call in waiting {
            let answer = call.await.unwrap();
            assert!(
                matches!(answer, Ok(Verdict::Valid) | Err(Error::Busy)),
                "{answer:?}"
            );
        }
        drop((pw, wrong, policy));
    });
    drop(runtime);
    // The worker and timer threads hold the policy until they end, shortly after the last
    // `AsyncPolicy` is dropped; everything they held is freed (and scanned) by then.
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while threads::pwharden_threads() > 0 {
        assert!(
            std::time::Instant::now() < until,
            "pwharden threads still alive"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        take_leaks(),
        (false, false),
        "an async call freed a password or pepper copy unzeroed"
    );
}
