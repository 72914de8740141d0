//! `pwharden calibrate`: measure this machine and recommend Argon2id parameters.
//!
//! The recommendation prefers memory over passes (memory is what makes GPU guessing
//! expensive), keeps `p = 1` (a login server gets its parallelism from concurrent logins,
//! not from lanes within one), fits `workers × m` into the memory budget, and never goes
//! below OWASP's Argon2id minimum (m = 19 MiB with t = 2, or an equivalent row: m·t ≥ 35 MiB
//! with m ≥ 7 MiB). When even the minimum is slower than the target, it says so and
//! recommends the minimum anyway.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use pwharden::Policy;

/// OWASP's weakest rows: m ≥ 7 MiB and m·t ≥ 35 MiB·pass.
const OWASP_MIN_M_KIB: u32 = 7 * 1024;
const OWASP_MIN_M_T: u64 = 7 * 1024 * 5;
/// The default target, also the floor the search falls back to.
const FLOOR: (u32, u32) = (19 * 1024, 2);
/// No recommendation above 1 GiB per login.
const MAX_M_KIB: u32 = 1024 * 1024;

/// What the command was asked.
pub(crate) struct Request {
    pub target: Duration,
    pub memory_budget: u64,
    pub peak_logins_per_s: Option<f64>,
}

/// What it found.
pub(crate) struct Recommendation {
    pub m_kib: u32,
    pub t: u32,
    pub workers: usize,
    pub latency: Duration,
    pub logins_per_s: f64,
    pub meets_target: bool,
}

fn policy(m_kib: u32, t: u32, workers: usize) -> Result<Policy, String> {
    Policy::builder()
        .argon2(m_kib, t, 1)
        .allow_weak_target()
        .concurrency(workers, 16 * workers, Duration::from_secs(600))
        .build()
        .map_err(|e| e.to_string())
}

/// Median time of one hash at (m, t), after a warm-up that fills the memory pool.
fn latency(m_kib: u32, t: u32, runs: usize) -> Result<Duration, String> {
    let policy = policy(m_kib, t, 1)?;
    policy.hash("calibration").map_err(|e| e.to_string())?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        policy.hash("calibration").map_err(|e| e.to_string())?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Logins per second with `workers` threads hashing flat out for about `span`.
fn throughput(m_kib: u32, t: u32, workers: usize, span: Duration) -> Result<f64, String> {
    let policy = policy(m_kib, t, workers)?;
    let start = Instant::now();
    let done: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut n = 0usize;
                    while start.elapsed() < span {
                        if policy.hash("calibration").is_ok() {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap_or(0)).sum()
    });
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

fn owasp_ok(m_kib: u32, t: u32) -> bool {
    m_kib >= OWASP_MIN_M_KIB && u64::from(m_kib) * u64::from(t) >= OWASP_MIN_M_T
}

/// Searches the parameters.
pub(crate) fn calibrate(request: &Request) -> Result<Recommendation, String> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let budget_kib = request.memory_budget / 1024;
    if budget_kib < u64::from(FLOOR.0) {
        return Err(format!(
            "a memory budget of {} bytes is below one login at OWASP's minimum ({} KiB)",
            request.memory_budget, FLOOR.0
        ));
    }
    let workers = cores
        .min(usize::try_from(budget_kib / u64::from(FLOOR.0)).unwrap_or(cores))
        .max(1);
    let per_worker = u32::try_from(budget_kib / workers as u64)
        .unwrap_or(u32::MAX)
        .min(MAX_M_KIB);

    // From the largest m the budget allows, halving: the most passes that fit the target
    // (at least OWASP's for that m); fewer passes, then less memory, while it is too slow.
    let mut m = (per_worker / 1024 * 1024).max(FLOOR.0);
    let (m, t, latency_now, meets_target) = loop {
        let per_pass = latency(m, 1, 3)?.as_secs_f64().max(1e-6);
        let min_t = (1..=10).find(|t| owasp_ok(m, *t)).unwrap_or(10);
        let mut t = ((request.target.as_secs_f64() / per_pass).floor() as u32).clamp(min_t, 10);
        loop {
            let measured = latency(m, t, 5)?;
            if measured <= request.target {
                break;
            }
            if t > min_t {
                t -= 1;
                continue;
            }
            break;
        }
        let measured = latency(m, t, 5)?;
        if measured <= request.target {
            break (m, t, measured, true);
        }
        if m <= FLOOR.0 {
            let floor = latency(FLOOR.0, FLOOR.1, 5)?;
            break (FLOOR.0, FLOOR.1, floor, false);
        }
        m = (m / 2 / 1024 * 1024).max(FLOOR.0);
    };
    let span = (latency_now * 20).clamp(Duration::from_millis(500), Duration::from_secs(3));
    let logins_per_s = throughput(m, t, workers, span)?;
    Ok(Recommendation {
        m_kib: m,
        t,
        workers,
        latency: latency_now,
        logins_per_s,
        meets_target,
    })
}

/// The report the command prints.
pub(crate) fn report(request: &Request, r: &Recommendation) -> String {
    let mut out = String::new();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let peak = r.workers as u64 * u64::from(r.m_kib) * 1024;
    let _ = writeln!(out, "Argon2id recommendation for this machine");
    let _ = writeln!(
        out,
        "  parameters        m = {} KiB ({} MiB), t = {}, p = 1",
        r.m_kib,
        r.m_kib / 1024,
        r.t
    );
    let _ = writeln!(
        out,
        "  latency           {:.1} ms per login (target {:.1} ms)",
        ms(r.latency),
        ms(request.target)
    );
    let _ = writeln!(out, "  workers           {}", r.workers);
    let _ = writeln!(
        out,
        "  sustainable       {:.1} logins/s on all workers",
        r.logins_per_s
    );
    let _ = writeln!(
        out,
        "  peak memory       {} MiB ({} workers x {} KiB)",
        peak / (1024 * 1024),
        r.workers,
        r.m_kib
    );
    if !r.meets_target {
        let _ = writeln!(
            out,
            "  warning           even OWASP's minimum takes longer than the target here; recommending the minimum"
        );
    }
    if let Some(rate) = request.peak_logins_per_s {
        if rate > r.logins_per_s {
            let _ = writeln!(
                out,
                "  warning           {rate:.1} logins/s at peak exceeds the {:.1} sustainable: logins will queue and excess ones get Busy; add cores or lower --target-ms",
                r.logins_per_s
            );
        } else {
            let _ = writeln!(
                out,
                "  peak              {rate:.1} logins/s fits ({:.0}% of capacity)",
                rate / r.logins_per_s * 100.0
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "# pwharden policy (TOML)");
    let _ = writeln!(
        out,
        "[argon2]\nm_cost = {}\nt_cost = {}\np_cost = 1",
        r.m_kib, r.t
    );
    let _ = writeln!(
        out,
        "\n[concurrency]\nworkers = {}\nmemory_budget_bytes = {}",
        r.workers, request.memory_budget
    );
    out
}
