//! examples/login_service, in process on a random loopback port (feature `example-service`):
//!
//! * the endpoints, over SQLite (and PostgreSQL when tests/db/setup.sh has written
//!   target/test-db.env): sign-up, login JSON and form, legacy upgrade stored by
//!   compare-and-set, password change, unknown users, the 429 throttle;
//! * a flood far above the gate's capacity (64 requests in flight, 10x): every request is answered 200, 401 or 503 (with
//!   `Retry-After`), the heap stays within the gate's bound, every upgraded row verifies with
//!   its password afterwards, and no log line carries a password.
//!
//! A counting global allocator tracks the heap; the tests take a lock so that one test's
//! allocations do not show up in another's measurement. Requests are plain HTTP/1.1 over
//! TCP (one connection each, `Connection: close`), as a load tool sends them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[allow(dead_code)]
#[path = "../examples/login_service/app.rs"]
mod app;
#[allow(dead_code)]
#[path = "../examples/login_service/seed.rs"]
mod seed;
#[allow(dead_code)]
#[path = "../examples/login_service/store.rs"]
mod store;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pwharden::asynchronous::AsyncPolicy;
use pwharden::{Policy, Verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::app::{AppState, Throttle};
use crate::seed::{Kind, Login};
use crate::store::Store;

// ---------------------------------------------------------------------------------------------
// Heap accounting.

#[path = "common/counting.rs"]
mod counting;

use counting::{LIVE, PEAK};

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

const MIB: usize = 1024 * 1024;

/// One test at a time: the heap counters and the log buffer are process-wide.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

// ---------------------------------------------------------------------------------------------
// Logs, captured: every line the service writes, to check that no password is in them.

#[derive(Clone)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured(Arc::default());
        let writer = captured.clone();
        tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || writer.clone())
            .init();
        captured
    })
}

/// Fails if a log line carries one of `secrets`: as a whole value anywhere, or (for secrets
/// of 6 bytes or more: "x" is inside words by chance) inside a value that is not one of the
/// service's own constant words (`event`, `outcome`, the level and target). Returns how
/// many lines were read.
fn assert_logs_clean<'a>(secrets: impl IntoIterator<Item = &'a str>) -> usize {
    const CONSTANT: &[&str] = &["event", "outcome", "level", "target"];
    let text = String::from_utf8(logs().0.lock().unwrap().clone()).unwrap();
    let mut values: Vec<(String, String)> = Vec::new();
    let mut lines = 0;
    for line in text.lines() {
        lines += 1;
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).expect("one JSON object per line");
        for (key, value) in object {
            let value = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            values.push((key, value));
        }
    }
    for secret in secrets {
        for (key, value) in &values {
            assert_ne!(value, secret, "a log line carries a password in {key}");
            if secret.len() >= 6 && !CONSTANT.contains(&key.as_str()) {
                assert!(
                    !value.contains(secret),
                    "a log line carries {secret:?} in {key}: {value:?}"
                );
            }
        }
    }
    assert!(
        text.contains("\"event\":\"login\""),
        "the service logs its logins"
    );
    lines
}

// ---------------------------------------------------------------------------------------------
// The service and a minimal HTTP/1.1 client.

/// A policy cheap enough for tests: Argon2id at `m_kib`, 1 pass, `workers` running and
/// `queue` waiting for at most `deadline`.
fn policy(m_kib: u32, workers: usize, queue: usize, deadline: Duration) -> AsyncPolicy {
    AsyncPolicy::new(
        Policy::builder()
            .argon2(m_kib, 1, 1)
            .allow_weak_target()
            .concurrency(workers, queue, deadline)
            .build()
            .unwrap(),
    )
}

/// Serves the app on a random loopback port until the test's runtime ends.
async fn serve(state: AppState) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app::router(state)).await });
    addr
}

fn state(policy: AsyncPolicy, store: Store, max_failures: u32) -> AppState {
    AppState {
        policy,
        store,
        throttle: Arc::new(Throttle::new(max_failures, Duration::from_secs(300), 1000)),
        retry_after_secs: 1,
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    retry_after: Option<String>,
}

async fn send(addr: SocketAddr, path: &str, content_type: &str, body: &str) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut raw))
        .await
        .expect("an answer within 60 s")
        .unwrap();
    let text = String::from_utf8_lossy(&raw);
    let (head, _) = text.split_once("\r\n\r\n").expect("a complete header");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let retry_after = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))
        .map(|(_, v)| v.trim().to_owned());
    Reply {
        status,
        retry_after,
    }
}

async fn json(addr: SocketAddr, path: &str, body: serde_json::Value) -> Reply {
    send(addr, path, "application/json", &body.to_string()).await
}

async fn login(addr: SocketAddr, username: &str, password: &str) -> u16 {
    let body = serde_json::json!({ "username": username, "password": password });
    json(addr, "/login", body).await.status
}

fn sqlite_url(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("pwharden-login-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite:{}", dir.join("customers.db").display())
}

/// The password of every seeded login.
fn passwords(logins: &[Login]) -> Vec<String> {
    logins.iter().map(|l| l.password.clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// The endpoints.

async fn endpoints(store: Store) {
    logs();
    let policy = policy(1024, 2, 8, Duration::from_secs(10));
    let legacy = seed::legacy_rows(policy.policy()).unwrap();
    assert!(
        seed::LEGACY_FILES
            .iter()
            .all(|f| legacy.iter().any(|r| r.scheme == *f)),
        "a legacy row of every file"
    );
    let logins = seed::seed(&store, &policy, legacy.len(), 4).await.unwrap();
    let addr = serve(state(policy.clone(), store.clone(), 3)).await;

    // Health.
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");

    // Sign-up: created, taken, password out of bounds, malformed.
    let ada = serde_json::json!({ "username": "ada", "password": "pizza123" });
    assert_eq!(json(addr, "/signup", ada.clone()).await.status, 201);
    assert_eq!(json(addr, "/signup", ada).await.status, 409);
    let empty = serde_json::json!({ "username": "bob", "password": "" });
    assert_eq!(json(addr, "/signup", empty).await.status, 422);
    assert_eq!(
        send(addr, "/signup", "application/json", "{").await.status,
        400
    );

    // Login, JSON and form.
    assert_eq!(login(addr, "ada", "pizza123").await, 200);
    assert_eq!(login(addr, "ada", "pizza124").await, 401);
    let form = "username=ada&password=pizza123";
    let reply = send(addr, "/login", "application/x-www-form-urlencoded", form).await;
    assert_eq!(reply.status, 200);
    assert_eq!(login(addr, "nobody", "pizza123").await, 401);

    // Every legacy row: logs in, is replaced by compare-and-set, and the replacement is a
    // current hash of the same password.
    for l in logins.iter().filter(|l| l.kind == Kind::Legacy) {
        let before = store.find(&l.username).await.unwrap().unwrap().hash;
        assert_eq!(
            login(addr, &l.username, &l.password).await,
            200,
            "{}",
            l.username
        );
        let after = store.find(&l.username).await.unwrap().unwrap().hash;
        assert_ne!(before, after, "{} was not upgraded", l.username);
        assert_eq!(
            policy.policy().verify(&l.password, &after),
            Ok(Verdict::Valid)
        );
        assert_eq!(login(addr, &l.username, &l.password).await, 200);
        let again = store.find(&l.username).await.unwrap().unwrap().hash;
        assert_eq!(after, again, "a current row is left alone");
    }

    // The compare-and-set itself: a stale old value changes nothing.
    let ada = store.find("ada").await.unwrap().unwrap();
    assert!(!store.replace_hash(ada.id, "stale", "x").await.unwrap());
    assert_eq!(store.find("ada").await.unwrap().unwrap().hash, ada.hash);

    // Password change.
    let change = |old: &str, new: &str| serde_json::json!({ "username": "ada", "old_password": old, "new_password": new });
    assert_eq!(
        json(addr, "/password", change("wrong", "pasta456"))
            .await
            .status,
        401
    );
    assert_eq!(
        json(addr, "/password", change("pizza123", "")).await.status,
        422
    );
    assert_eq!(
        json(addr, "/password", change("pizza123", "pasta456"))
            .await
            .status,
        200
    );
    assert_eq!(login(addr, "ada", "pizza123").await, 401);
    assert_eq!(login(addr, "ada", "pasta456").await, 200);

    // The throttle: 3 failures per username, known or not, then 429 with Retry-After, even
    // with the right password; other usernames are not affected.
    let current = logins.iter().find(|l| l.kind == Kind::Current).unwrap();
    for name in [current.username.as_str(), "nobody-at-all"] {
        for _ in 0..3 {
            assert_eq!(login(addr, name, "wrong password").await, 401);
        }
        let reply = json(
            addr,
            "/login",
            serde_json::json!({ "username": name, "password": current.password }),
        )
        .await;
        assert_eq!(reply.status, 429, "{name}");
        assert!(reply.retry_after.is_some());
    }
    assert_eq!(login(addr, "ada", "pasta456").await, 200);

    // No password in the logs, not even one typed into the username field.
    assert_eq!(login(addr, "pizza-in-the-username", "x").await, 401);
    let secrets = passwords(&logins);
    assert_logs_clean(secrets.iter().map(String::as_str).chain([
        "pizza123",
        "pasta456",
        "pizza-in-the-username",
    ]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_sqlite() {
    let _serial = SERIAL.lock().await;
    endpoints(Store::connect(&sqlite_url("endpoints")).await.unwrap()).await;
}

// ---------------------------------------------------------------------------------------------
// The flood.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_is_answered_within_the_memory_bound_and_upgrades_verify() {
    let _serial = SERIAL.lock().await;
    logs();
    // The heap before the policy, the database and the server exist: the bound below covers
    // all of them, the gate's pooled Argon2 memory included.
    let baseline = LIVE.load(Ordering::SeqCst);
    // 8 MiB per Argon2 computation, 2 running, 4 waiting for at most 500 ms: capacity 6.
    let m_kib = 8 * 1024;
    let workers = 2;
    let policy = policy(m_kib, workers, 4, Duration::from_millis(500));
    let store = Store::connect(&sqlite_url("flood")).await.unwrap();
    let logins = seed::seed(&store, &policy, 120, 40).await.unwrap();
    let addr = serve(state(policy.clone(), store.clone(), 0)).await;

    // Warm-up: connections and caches exist before the flood.
    for l in logins.iter().filter(|l| l.kind != Kind::Legacy).take(8) {
        login(addr, &l.username, &l.password).await;
    }
    PEAK.store(LIVE.load(Ordering::SeqCst), Ordering::SeqCst);

    // 360 logins: every kind, each legacy login once.
    let requests: Vec<Login> = logins
        .iter()
        .cloned()
        .chain(logins.iter().filter(|l| l.kind != Kind::Legacy).cloned())
        .collect();
    // 64 in flight at a time (10x the capacity), so that the kernel's SYN queue is not the
    // thing being flooded.
    let in_flight = Arc::new(tokio::sync::Semaphore::new(64));
    let began = Instant::now();
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|l| {
            let in_flight = Arc::clone(&in_flight);
            tokio::spawn(async move {
                let _slot = in_flight.acquire_owned().await.unwrap();
                let body = serde_json::json!({ "username": l.username, "password": l.password });
                let reply = json(addr, "/login", body).await;
                (l, reply)
            })
        })
        .collect();
    let mut counts = std::collections::BTreeMap::<u16, usize>::new();
    for task in tasks {
        let (l, reply) = task.await.unwrap();
        *counts.entry(reply.status).or_default() += 1;
        match (l.kind, reply.status) {
            (Kind::Legacy | Kind::Current, 200) | (Kind::Wrong | Kind::Unknown, 401) => {}
            (_, 503) => assert_eq!(reply.retry_after.as_deref(), Some("1")),
            (kind, status) => panic!("{kind:?} login of {} answered {status}", l.username),
        }
    }
    let took = began.elapsed();
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(baseline);
    eprintln!("flood: {counts:?} in {took:?}; heap peak {peak} bytes over the test's start");
    assert!(
        counts.get(&503).copied().unwrap_or(0) > 0,
        "the flood is above capacity"
    );
    assert!(
        counts.get(&200).copied().unwrap_or(0) >= workers,
        "and still served"
    );

    // The gate's bound: `workers` pooled buffers of m, plus slack for the database pool and
    // caches, the seeded rows, 360 connections' buffers and the captured logs.
    let bound = workers * m_kib as usize * 1024 + 16 * MIB;
    assert!(
        peak <= bound,
        "heap peak {peak} bytes over the test's start, bound {bound}"
    );

    // Afterwards: every upgraded legacy row verifies with its password, straight through
    // the library; the rest still hold their legacy string.
    while policy.in_flight() > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let rows: std::collections::HashMap<String, String> =
        store.all().await.unwrap().into_iter().collect();
    let mut upgraded = 0;
    for l in logins.iter().filter(|l| l.kind == Kind::Legacy) {
        let hash = &rows[&l.username];
        if policy.policy().identify(hash) == Ok("argon2id") {
            upgraded += 1;
            assert_eq!(
                policy.policy().verify(&l.password, hash),
                Ok(Verdict::Valid),
                "{}",
                l.username
            );
        } else {
            assert!(policy.policy().needs_upgrade(hash).unwrap());
        }
    }
    eprintln!("flood: {upgraded} legacy rows upgraded");
    assert!(upgraded > 0);

    let secrets = passwords(&logins);
    assert_logs_clean(secrets.iter().map(String::as_str));
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: the same endpoints, when tests/db/setup.sh has a server running.

fn postgres_url() -> Option<String> {
    if let Ok(url) = std::env::var("PWHARDEN_TEST_PG_URL") {
        return Some(url);
    }
    let env = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-db.env");
    let text = std::fs::read_to_string(env).ok()?;
    text.lines()
        .filter_map(|l| l.strip_prefix("PWHARDEN_TEST_PG_URL="))
        .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
        .next()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_postgres() {
    let _serial = SERIAL.lock().await;
    let Some(url) = postgres_url() else {
        eprintln!("endpoints_postgres: no PostgreSQL (run tests/db/setup.sh); skipped");
        return;
    };
    let store = Store::connect(&url).await.unwrap();
    // A clean table: this test owns `customers` in the test database.
    if let Store::Postgres(pool) = &store {
        sqlx::query("TRUNCATE customers")
            .execute(pool)
            .await
            .unwrap();
    }
    endpoints(store).await;
}
