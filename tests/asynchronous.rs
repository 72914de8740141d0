//! `pwharden::asynchronous` (feature `tokio`): awaitable results, `Busy` under a flood
//! without a thread beyond the bound, `Busy` at the deadline for a call still waiting, and
//! cancellation (a dropped future's computation finishes and keeps its place until then; a
//! dropped waiting call is withdrawn; memory is left as before), and the worker threads
//! ending with the last `AsyncPolicy`.
//!
//! A counting global allocator tracks live heap bytes; the tests take a lock so that one
//! test's allocations do not show up in another's measurement.

#![cfg(feature = "tokio")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pwharden::asynchronous::AsyncPolicy;
use pwharden::{Error, Policy, Verdict};

#[path = "common/counting.rs"]
mod counting;

use counting::LIVE;

#[path = "common/threads.rs"]
mod threads;

use threads::pwharden_threads;

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

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

/// Threads of the flood test's runtime alive now, and their peak.
static THREADS: AtomicUsize = AtomicUsize::new(0);
static THREADS_PEAK: AtomicUsize = AtomicUsize::new(0);

/// Waits (10 s at most) until no `pwharden-` thread is left, such as those of an earlier
/// test's policy, which end shortly after it is dropped.
async fn no_pwharden_threads() {
    let until = Instant::now() + Duration::from_secs(10);
    while pwharden_threads() > 0 {
        assert!(
            Instant::now() < until,
            "pwharden threads still alive after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

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
    no_pwharden_threads().await;
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
    // The runtime's 2 workers only: nothing went to tokio's blocking pool. The policy's
    // threads: 1 worker and the deadline timer, however many calls came.
    let peak = THREADS_PEAK.load(Ordering::SeqCst);
    assert!(peak <= 2, "{peak} runtime threads at once");
    assert!(
        pwharden_threads() <= 2,
        "{} pwharden threads",
        pwharden_threads()
    );
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

    // Dropped mid-flight: the computation keeps its place until it ends, so the bound
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

/// A policy whose single computation runs for a long while (hundreds of ms at 128 MiB and
/// 3 passes), with one place in the queue and the given deadline.
fn slow(deadline: Duration) -> AsyncPolicy {
    let mut limits = pwharden::Limits::default();
    limits.argon2_max_m_cost = 128 * 1024;
    AsyncPolicy::new(
        Policy::builder()
            .argon2(128 * 1024, 3, 1)
            .limits(limits)
            .concurrency(1, 1, deadline)
            .build()
            .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_waiting_call_is_withdrawn_at_once() {
    let _serial = SERIAL.lock().await;
    let policy = slow(Duration::from_secs(60));
    let running = tokio::spawn(policy.hash("pizza123"));
    while policy.in_flight() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // Queued behind the running computation, then dropped: its place is free at once.
    let waited = tokio::time::timeout(Duration::from_millis(20), policy.hash("pizza124")).await;
    assert!(waited.is_err(), "the second call should still be waiting");
    assert_eq!(policy.in_flight(), 1, "the dropped call is withdrawn");
    // So a new call gets that place (it would be Busy otherwise), and runs after the first.
    let next = tokio::spawn(policy.hash("pizza125"));
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(policy.in_flight(), 2);
    assert!(
        !running.is_finished(),
        "the first computation is still running"
    );
    let first = running.await.unwrap().unwrap();
    let third = next.await.unwrap().unwrap();
    assert_eq!(
        policy.policy().verify("pizza123", &first),
        Ok(Verdict::Valid)
    );
    assert_eq!(
        policy.policy().verify("pizza125", &third),
        Ok(Verdict::Valid)
    );
    settle(&policy).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_call_gets_busy_at_its_deadline() {
    let _serial = SERIAL.lock().await;
    let deadline = Duration::from_millis(30);
    let policy = slow(deadline);
    let running = tokio::spawn(policy.hash("pizza123"));
    while policy.in_flight() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let began = Instant::now();
    assert_eq!(policy.hash("pizza124").await, Err(Error::Busy));
    let took = began.elapsed();
    assert!(took >= deadline, "Busy after {took:?}, before the deadline");
    // Answered by the deadline, not when a worker came free.
    assert!(
        !running.is_finished(),
        "Busy only after the running computation ended ({took:?})"
    );
    assert!(running.await.unwrap().is_ok());
    settle(&policy).await;
}

#[test]
fn the_threads_end_with_the_last_async_policy() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let _serial = SERIAL.lock().await;
        no_pwharden_threads().await;
        let policy = cheap(2, 4, Duration::from_secs(5));
        let copy = policy.clone();
        let stored = policy.hash("pizza123").await.unwrap();
        // (A new thread names itself once it runs, so a name may show a moment late.)
        let until = Instant::now() + Duration::from_secs(10);
        while pwharden_threads() < 3 {
            assert!(Instant::now() < until, "2 workers and the deadline timer");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        drop(policy);
        // A clone keeps them.
        assert_eq!(copy.verify("pizza123", &stored).await, Ok(Verdict::Valid));
        assert_eq!(pwharden_threads(), 3);
        // A call admitted before the last clone goes is still answered.
        let last = copy.verify("pizza123", stored.clone());
        let answer = tokio::spawn(last);
        drop(copy);
        assert_eq!(answer.await.unwrap(), Ok(Verdict::Valid));
        no_pwharden_threads().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zero_deadline_refuses_only_calls_that_would_wait() {
    let _serial = SERIAL.lock().await;
    // Deadline 0: never wait. A call that finds the worker free runs, every time...
    let policy = cheap(1, 4, Duration::ZERO);
    let stored = policy.hash("pizza123").await.unwrap();
    for _ in 0..50 {
        assert_eq!(policy.verify("pizza123", &stored).await, Ok(Verdict::Valid));
    }
    // ...and one that would wait behind a running computation is Busy.
    let slow = slow(Duration::ZERO);
    let running = tokio::spawn(slow.hash("pizza123"));
    while slow.in_flight() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(slow.hash("pizza124").await, Err(Error::Busy));
    assert!(running.await.unwrap().is_ok());
    settle(&policy).await;
    settle(&slow).await;
}
