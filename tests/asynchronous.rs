//! `pwharden::asynchronous` (feature `tokio`): awaitable results, `Busy` under a flood
//! without spawning beyond the bound, and cancellation (a dropped future's computation
//! finishes, keeps its permit until then, and leaves the policy and memory as before).
//!
//! A counting global allocator tracks live heap bytes; the tests take a lock so that one
//! test's allocations do not show up in another's measurement.

#![cfg(feature = "tokio")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pwharden::asynchronous::AsyncPolicy;
use pwharden::{Error, Policy, Verdict};

static LIVE: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: every method forwards to `System` unchanged and only updates a counter.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::SeqCst);
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::SeqCst);
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        LIVE.fetch_add(new_size, Ordering::SeqCst);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// One test at a time: the allocator's counter is process-wide.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn cheap(workers: usize, queue: usize, deadline: Duration) -> AsyncPolicy {
    AsyncPolicy::new(
        Policy::builder()
            .argon2(1024, 1, 1)
            .allow_weak_target()
            .concurrency(workers, queue, deadline)
            .build()
            .unwrap(),
    )
}

async fn settle(policy: &AsyncPolicy) {
    let until = Instant::now() + Duration::from_secs(30);
    while policy.in_flight() > 0 {
        assert!(Instant::now() < until, "calls still in flight after 30 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn results_are_awaitable() {
    let _serial = SERIAL.lock().await;
    let policy = cheap(2, 4, Duration::from_secs(5));
    assert_eq!(policy.capacity(), 6);

    let stored = policy.hash("pizza123").await.unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
    assert_eq!(policy.verify("pizza123", &stored).await, Ok(Verdict::Valid));
    assert_eq!(
        policy.verify("pizza124", &stored).await,
        Ok(Verdict::Invalid)
    );
    assert_eq!(
        policy.verify_unknown_user("pizza123").await,
        Ok(Verdict::Invalid)
    );
    // A legacy row: valid, with a replacement that the blocking policy accepts as current.
    let md5 = "5f4dcc3b5aa765d61d8327deb882cf99"; // md5("password")
    let verdict = policy.verify("password", md5).await.unwrap();
    let replacement = verdict.replacement().expect("legacy rows are replaced");
    assert!(!policy.policy().needs_upgrade(replacement).unwrap());
    // Errors come through as the blocking call's.
    assert_eq!(
        policy.verify("pizza123", "$argon2id$v=19$garbage").await,
        Err(Error::MalformedHash)
    );
    assert_eq!(policy.hash("").await, Err(Error::PasswordTooShort));
    // The futures borrow nothing: they can be spawned.
    let task = tokio::spawn(policy.verify(String::from("pizza123"), stored.clone()));
    assert_eq!(task.await.unwrap(), Ok(Verdict::Valid));
    assert_eq!(policy.in_flight(), 0);
}

/// Threads of the flood test's runtime alive now, and their peak: its 2 workers plus the
/// blocking threads it spawned.
static THREADS: AtomicUsize = AtomicUsize::new(0);
static THREADS_PEAK: AtomicUsize = AtomicUsize::new(0);

#[test]
fn a_flood_gets_busy_at_once_and_never_spawns_beyond_the_bound() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .on_thread_start(|| {
            let now = THREADS.fetch_add(1, Ordering::SeqCst) + 1;
            THREADS_PEAK.fetch_max(now, Ordering::SeqCst);
        })
        .on_thread_stop(|| {
            THREADS.fetch_sub(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    runtime.block_on(flood());
}

async fn flood() {
    let _serial = SERIAL.lock().await;
    // 1 running + 2 waiting; each computation takes milliseconds at 16 MiB.
    let policy = AsyncPolicy::new(
        Policy::builder()
            .argon2(16 * 1024, 1, 1)
            .allow_weak_target()
            .concurrency(1, 2, Duration::from_secs(30))
            .build()
            .unwrap(),
    );
    assert_eq!(policy.capacity(), 3);
    let stored = policy.hash("pizza123").await.unwrap();

    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let (policy, stored) = (policy.clone(), stored.clone());
            tokio::spawn(async move {
                let began = Instant::now();
                let result = policy.verify("pizza123", &stored).await;
                (result, began.elapsed())
            })
        })
        .collect();
    let mut served = 0;
    let mut busy = 0;
    for task in tasks {
        let (result, took) = task.await.unwrap();
        match result {
            Ok(Verdict::Valid) => served += 1,
            Err(Error::Busy) => {
                busy += 1;
                // Refused without waiting for a worker (generous for a loaded machine).
                assert!(took < Duration::from_secs(2), "Busy after {took:?}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(served >= 3, "the gate still serves ({served})");
    assert!(busy >= 1, "the excess is refused");
    // 2 runtime workers + the blocking threads: one per admitted call, and now and then one
    // more, when a call is admitted while the thread of a call that just ended (and gave
    // back its permit) is not yet back in tokio's idle list. Unbounded, 200 calls would
    // start about 200 threads.
    let peak = THREADS_PEAK.load(Ordering::SeqCst);
    assert!(peak <= 2 + 2 * 3, "{peak} runtime threads at once");
    settle(&policy).await;
    assert_eq!(policy.verify("pizza123", &stored).await, Ok(Verdict::Valid));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_future_finishes_its_work_and_frees_everything() {
    let _serial = SERIAL.lock().await;
    // 64 MiB, 1 pass: long enough (tens of ms) to be dropped mid-flight.
    let m_kib = 64 * 1024;
    let policy = AsyncPolicy::new(
        Policy::builder()
            .argon2(m_kib, 1, 1)
            .concurrency(1, 0, Duration::from_secs(30))
            .build()
            .unwrap(),
    );
    let stored = policy.hash("pizza123").await.unwrap();
    // Warm: the pooled buffer exists from here on.
    assert_eq!(policy.verify("pizza123", &stored).await, Ok(Verdict::Valid));
    let baseline = LIVE.load(Ordering::SeqCst);

    // Dropped mid-flight: the computation keeps its permit until it ends, so the bound
    // holds (capacity 1: a new call is Busy meanwhile).
    let dropped = tokio::time::timeout(
        Duration::from_millis(2),
        policy.verify("pizza123", stored.clone()),
    )
    .await;
    assert!(dropped.is_err(), "the call should still be running");
    assert_eq!(policy.in_flight(), 1);
    assert_eq!(policy.verify("pizza123", &stored).await, Err(Error::Busy));

    // Dropped before it was ever polled: nothing was admitted.
    drop(policy.verify("pizza123", &stored));

    settle(&policy).await;
    assert_eq!(policy.in_flight(), 0);
    let after = LIVE.load(Ordering::SeqCst);
    assert!(
        after <= baseline + 256 * 1024,
        "live heap grew from {baseline} to {after} bytes"
    );
    assert_eq!(policy.verify("pizza123", &stored).await, Ok(Verdict::Valid));
    assert_eq!(
        policy.verify("pizza124", &stored).await,
        Ok(Verdict::Invalid)
    );
}
