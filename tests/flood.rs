//! Bounded memory under a login flood, and no working-memory allocation per login once the
//! pool is warm. A counting global allocator tracks live heap bytes, their peak, and the
//! largest single allocation. One test function: the allocator is process-wide.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::sync::atomic::Ordering;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use pwharden::{Error, Policy, Verdict};

#[path = "common/counting.rs"]
mod counting;

use counting::{LARGEST, LIVE, PEAK};

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

const MIB: usize = 1024 * 1024;

#[test]
fn flood_is_bounded_and_warm_logins_allocate_no_working_memory() {
    // 8 MiB per computation, 2 workers, 4 waiting, 300 ms deadline.
    let m_kib = 8 * 1024;
    let deadline = Duration::from_millis(300);
    let policy = Arc::new(
        Policy::builder()
            // t = 4: each login takes long enough that the 60 clients overlap even when a
            // loaded machine releases their threads slowly.
            .argon2(m_kib, 4, 1)
            .allow_weak_target()
            .concurrency(2, 4, deadline)
            .build()
            .unwrap(),
    );
    let stored = policy.hash("pizza123").unwrap();

    // Warm: a login borrows pooled memory; nothing near m is allocated.
    assert_eq!(policy.verify("pizza123", &stored), Ok(Verdict::Valid));
    LARGEST.store(0, Ordering::SeqCst);
    for _ in 0..5 {
        assert_eq!(policy.verify("pizza123", &stored), Ok(Verdict::Valid));
        assert_eq!(policy.verify("wrong", &stored), Ok(Verdict::Invalid));
        assert_eq!(policy.verify_unknown_user("pizza123"), Ok(Verdict::Invalid));
    }
    let largest = LARGEST.load(Ordering::SeqCst);
    assert!(
        largest < 64 * 1024,
        "a warm login allocated {largest} bytes"
    );

    // Flood: 10x the gate's capacity (2 running + 4 waiting) at once.
    let baseline = LIVE.load(Ordering::SeqCst);
    PEAK.store(baseline, Ordering::SeqCst);
    let clients = 60;
    let start = Arc::new(Barrier::new(clients));
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (policy, stored, start) = (Arc::clone(&policy), stored.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                let began = Instant::now();
                let result = policy.verify("pizza123", &stored);
                (result, began.elapsed())
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let peak = PEAK.load(Ordering::SeqCst) - baseline;
    let bound = 2 * m_kib as usize * 1024 + 16 * MIB;
    assert!(peak <= bound, "peak {peak} bytes above {bound}");

    let busy: Vec<_> = results
        .iter()
        .filter(|(r, _)| *r == Err(Error::Busy))
        .collect();
    let served = results
        .iter()
        .filter(|(r, _)| *r == Ok(Verdict::Valid))
        .count();
    assert_eq!(
        busy.len() + served,
        clients,
        "every request is answered: valid or busy"
    );
    assert!(served >= 2, "the gate still serves");
    assert!(!busy.is_empty(), "excess requests are refused");
    // Refusals come by the deadline (with scheduling slack on a loaded machine).
    for (_, took) in &busy {
        assert!(
            *took <= deadline + Duration::from_secs(1),
            "Busy after {took:?}"
        );
    }
}
