//! A login service over a customer table: sign-up, login (with transparent upgrade of
//! legacy hashes), password change, on axum and sqlx, with pwharden's async layer.
//!
//! ```sh
//! cargo run --release --features example-service --example login_service -- \
//!     --db sqlite:target/customers.db --policy policy.toml --listen 127.0.0.1:3000
//! curl -s 127.0.0.1:3000/signup -H 'content-type: application/json' \
//!     -d '{"username":"ada","password":"pizza123"}'
//! curl -s 127.0.0.1:3000/login -d 'username=ada&password=pizza123'
//! ```
//!
//! Options (each also from an environment variable):
//!
//! * `--db URL` (`LOGIN_SERVICE_DB`): `sqlite:FILE` (default `sqlite:login_service.db`,
//!   created when missing) or `postgres://...`;
//! * `--policy FILE` (`LOGIN_SERVICE_POLICY`): the policy in pwharden's TOML form (default:
//!   `Policy::default()`); its `[concurrency]` table bounds the work;
//! * `--listen ADDR` (`LOGIN_SERVICE_LISTEN`, default `127.0.0.1:3000`);
//! * `--max-failures N` (default 10) failed logins per username per `--failure-window SECS`
//!   (default 300) before 429; 0 turns the throttle off;
//! * `--retry-after SECS` (default 1): the `Retry-After` of a 503;
//! * `--log json|text` (default json), to standard error.
//!
//! Other modes, which exit when done:
//!
//! * `--seed N [--logins FILE] [--fresh]`: adds N legacy rows (third-party vectors from
//!   tests/vectors/) and N current rows (after deleting every row, with `--fresh`), and writes
//!   the known logins to FILE, one `kind<TAB>json body` line each (kind: legacy, current,
//!   wrong, unknown), for load tests;
//! * `--report`: prints the table's rows by kind and scheme as JSON, with how many legacy
//!   rows have been upgraded;
//! * `--library-throughput SECS [--threads N]`: the library alone at the policy's parameters,
//!   no HTTP: the median single verification, and verifications per second on 1 and 2
//!   threads for SECS each (with `--threads`: only verifications per second on N threads);
//! * `--library-throughput SECS --threads N --logins FILE`: the library alone on the load
//!   test's own logins, no HTTP and no database: the rows of `--db` are read once into memory,
//!   then N threads run the load test's mix (legacy 35 %, current 35 %, wrong password 15 %,
//!   unknown user 15 %) of FILE's logins for SECS, calling `verify` (or
//!   `verify_unknown_user`) and keeping each replacement hash in memory, as the service keeps
//!   it in the table. Prints logins per second.

#![allow(clippy::print_stdout)]

mod app;
mod seed;
mod store;

use std::sync::Arc;
use std::time::{Duration, Instant};

use pwharden::asynchronous::AsyncPolicy;
use pwharden::{Policy, Verdict};

use crate::app::{AppState, Throttle};
use crate::store::Store;

type Failure = Box<dyn std::error::Error + Send + Sync>;

struct Options {
    db: String,
    policy: Option<String>,
    listen: String,
    max_failures: u32,
    failure_window: u64,
    retry_after: u64,
    log_json: bool,
    seed: Option<usize>,
    fresh: bool,
    logins: Option<String>,
    report: bool,
    library_throughput: Option<f64>,
    threads: Option<usize>,
}

fn options() -> Result<Options, Failure> {
    let env = |name: &str| std::env::var(name).ok();
    let mut o = Options {
        db: env("LOGIN_SERVICE_DB").unwrap_or_else(|| "sqlite:login_service.db".to_owned()),
        policy: env("LOGIN_SERVICE_POLICY"),
        listen: env("LOGIN_SERVICE_LISTEN").unwrap_or_else(|| "127.0.0.1:3000".to_owned()),
        max_failures: 10,
        failure_window: 300,
        retry_after: 1,
        log_json: true,
        seed: None,
        fresh: false,
        logins: None,
        report: false,
        library_throughput: None,
        threads: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => o.db = value()?,
            "--policy" => o.policy = Some(value()?),
            "--listen" => o.listen = value()?,
            "--max-failures" => o.max_failures = value()?.parse()?,
            "--failure-window" => o.failure_window = value()?.parse()?,
            "--retry-after" => o.retry_after = value()?.parse()?,
            "--log" => o.log_json = value()? != "text",
            "--seed" => o.seed = Some(value()?.parse()?),
            "--fresh" => o.fresh = true,
            "--logins" => o.logins = Some(value()?),
            "--report" => o.report = true,
            "--library-throughput" => o.library_throughput = Some(value()?.parse()?),
            "--threads" => o.threads = Some(value()?.parse()?),
            other => return Err(format!("unknown option {other} (see the source's header)").into()),
        }
    }
    Ok(o)
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let o = options()?;
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO);
    if o.log_json {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }

    let policy = match &o.policy {
        Some(path) => Policy::from_toml_file(path)?,
        None => Policy::default(),
    };
    if let Some(secs) = o.library_throughput {
        let time = Duration::from_secs_f64(secs);
        let result = match (&o.logins, o.threads) {
            (Some(logins), Some(threads)) => {
                let table = Store::connect(&o.db).await?.all().await?;
                let logins = std::fs::read_to_string(logins)?;
                library_mix(&policy, table, &logins, time, threads)?
            }
            _ => library_throughput(&policy, time, o.threads)?,
        };
        println!("{result}");
        return Ok(());
    }
    let policy = AsyncPolicy::new(policy);
    let store = Store::connect(&o.db).await?;

    if let Some(n) = o.seed {
        let began = Instant::now();
        if o.fresh {
            store.clear().await?;
        }
        let logins = seed::seed(&store, &policy, n, n).await?;
        if let Some(path) = &o.logins {
            let mut out = String::new();
            for login in &logins {
                let body = serde_json::json!({
                    "username": login.username,
                    "password": login.password,
                });
                out.push_str(&format!("{}\t{body}\n", login.kind.name()));
            }
            std::fs::write(path, out)?;
        }
        tracing::info!(
            event = "seed",
            rows = 2 * n,
            seconds = began.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    if o.report {
        println!("{}", report(&store, policy.policy()).await?);
        return Ok(());
    }

    let state = AppState {
        policy,
        store,
        throttle: Arc::new(Throttle::new(
            o.max_failures,
            Duration::from_secs(o.failure_window),
            100_000,
        )),
        retry_after_secs: o.retry_after,
    };
    let listener = tokio::net::TcpListener::bind(&o.listen).await?;
    tracing::info!(
        event = "listen",
        addr = %listener.local_addr()?,
        workers = state.policy.policy().workers(),
        admission = state.policy.capacity()
    );
    axum::serve(listener, app::router(state))
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!(event = "shutdown");
}

/// Rows by kind (username prefix) and scheme, and the legacy rows upgraded.
async fn report(store: &Store, policy: &Policy) -> Result<serde_json::Value, Failure> {
    let mut schemes = std::collections::BTreeMap::<String, usize>::new();
    let (mut legacy, mut upgraded, mut current) = (0, 0, 0);
    for (username, hash) in store.all().await? {
        let scheme = policy.identify(&hash).unwrap_or("unknown");
        *schemes.entry(scheme.to_owned()).or_default() += 1;
        if username.starts_with("legacy-") {
            legacy += 1;
            if scheme == "argon2id" && !policy.needs_upgrade(&hash).unwrap_or(true) {
                upgraded += 1;
            }
        } else {
            current += 1;
        }
    }
    Ok(serde_json::json!({
        "legacy_rows": legacy,
        "legacy_upgraded": upgraded,
        "other_rows": current,
        "schemes": schemes,
    }))
}

/// The library alone at `policy`'s parameters: median single verification, and
/// verifications per second on 1 and 2 threads for `time` each; or only on `threads`.
fn library_throughput(
    policy: &Policy,
    time: Duration,
    threads: Option<usize>,
) -> Result<serde_json::Value, Failure> {
    const PASSWORD: &str = "correct horse battery staple";
    let stored = policy.hash(PASSWORD)?;
    let per_second = |threads: usize| -> f64 {
        let began = Instant::now();
        let done: usize = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut n = 0;
                        while began.elapsed() < time {
                            if policy.verify(PASSWORD, &stored).is_ok_and(|v| v.is_valid()) {
                                n += 1;
                            }
                        }
                        n
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
        });
        done as f64 / began.elapsed().as_secs_f64()
    };
    if let Some(n) = threads {
        return Ok(serde_json::json!({ format!("threads_{n}_per_s"): per_second(n) }));
    }
    let mut single: Vec<f64> = (0..21)
        .map(|_| {
            let began = Instant::now();
            let valid = policy.verify(PASSWORD, &stored).map(|v| v.is_valid());
            (valid, began.elapsed().as_secs_f64() * 1e3)
        })
        .map(|(valid, ms)| {
            if valid == Ok(true) {
                Ok(ms)
            } else {
                Err("verify failed")
            }
        })
        .collect::<Result<_, _>>()?;
    single.sort_by(f64::total_cmp);
    Ok(serde_json::json!({
        "single_ms_median": single[single.len() / 2],
        "threads_1_per_s": per_second(1),
        "threads_2_per_s": per_second(2),
    }))
}

/// The load test's logins through the library alone (see the module documentation).
fn library_mix(
    policy: &Policy,
    table: Vec<(String, String)>,
    logins: &str,
    time: Duration,
    threads: usize,
) -> Result<serde_json::Value, Failure> {
    use std::collections::HashMap;
    use std::sync::Mutex;

    // The load test's mix (scripts/loadtest.lua).
    const MIX: [(&str, f64); 4] = [
        ("legacy", 0.35),
        ("current", 0.35),
        ("wrong", 0.15),
        ("unknown", 0.15),
    ];
    let mut by_kind: HashMap<&str, Vec<(String, String)>> = HashMap::new();
    for line in logins.lines() {
        let Some((kind, body)) = line.split_once('\t') else {
            continue;
        };
        let body: serde_json::Value = serde_json::from_str(body)?;
        let field = |name: &str| body[name].as_str().map(str::to_owned);
        if let (Some(username), Some(password)) = (field("username"), field("password")) {
            by_kind.entry(kind).or_default().push((username, password));
        }
    }
    if MIX
        .iter()
        .any(|(kind, _)| by_kind.get(kind).is_none_or(Vec::is_empty))
    {
        return Err("the logins file lacks a kind of login".into());
    }
    let table = Mutex::new(table.into_iter().collect::<HashMap<_, _>>());
    let began = Instant::now();
    let done: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (by_kind, table) = (&by_kind, &table);
                s.spawn(move || {
                    // splitmix64: a fixed, seeded sequence is all a load mix needs.
                    let mut state = 0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(t as u64 + 1);
                    let mut next = move || {
                        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                        let mut z = state;
                        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                        z ^ (z >> 31)
                    };
                    let mut n = 0;
                    while began.elapsed() < time {
                        let mut r = (next() >> 11) as f64 / (1u64 << 53) as f64;
                        let kind = MIX
                            .iter()
                            .find(|(_, share)| {
                                r -= share;
                                r < 0.0
                            })
                            .map_or("unknown", |(kind, _)| kind);
                        let list = &by_kind[kind];
                        let (username, password) = &list[(next() % list.len() as u64) as usize];
                        let stored = table
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .get(username)
                            .cloned();
                        let answered = match stored {
                            None => policy.verify_unknown_user(password).is_ok(),
                            Some(stored) => match policy.verify(password, &stored) {
                                Ok(Verdict::ValidUpgrade(new)) => {
                                    let mut table = table.lock().unwrap_or_else(|p| p.into_inner());
                                    // Compare-and-set, as the service's UPDATE does.
                                    if table.get(username) == Some(&stored) {
                                        table.insert(username.clone(), new);
                                    }
                                    true
                                }
                                verdict => verdict.is_ok(),
                            },
                        };
                        n += usize::from(answered);
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    Ok(serde_json::json!({
        format!("mix_threads_{threads}_per_s"): done as f64 / began.elapsed().as_secs_f64()
    }))
}
