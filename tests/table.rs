//! `pwharden audit` and `pwharden harden` against real databases: SQLite (a temporary file),
//! and the PostgreSQL and MariaDB servers that tests/db/setup.sh starts (URLs from the
//! environment or target/test-db.env; a missing URL fails the test, it is never skipped).
//!
//! Fixtures are third-party vectors (tests/vectors/, made by passlib, libxcrypt, PHP, ...)
//! with their passwords, so no expected value is computed by the code under test; the
//! expected census is counted here from the fixture's known composition.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{decode_hex, rows, vectors};
use pwharden::Policy;
use serde_json::Value;
use sqlx::{AssertSqlSafe, Row as _};

// ---------------------------------------------------------------------------------------
// Databases

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Sqlite,
    Postgres,
    MySql,
}

/// A test database: its URL and a pool for setting up and reading back fixtures.
struct TestDb {
    kind: Kind,
    url: String,
    pool: Pool,
    _dir: Option<TempDir>,
}

enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
    MySql(sqlx::MySqlPool),
}

macro_rules! with_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
            Pool::MySql($p) => $body,
        }
    };
}

/// A directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "pwharden-table-{}-{name}-{}",
            std::process::id(),
            getrandom::u64().unwrap()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The URL tests/db/setup.sh wrote for `var`.
fn server_url(var: &str) -> String {
    if let Ok(url) = std::env::var(var) {
        return url;
    }
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-db.env");
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{var}=")).map(str::to_owned))
        .unwrap_or_else(|| {
            panic!(
                "{var} is not set and not in {}: run `bash tests/db/setup.sh` (scripts/test.sh does)",
                file.display()
            )
        })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

impl TestDb {
    async fn open(kind: Kind, name: &str) -> Self {
        match kind {
            Kind::Sqlite => {
                let dir = TempDir::new(name);
                let url = format!("sqlite:{}", dir.0.join("shop.db").display());
                let options: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(2)
                    .connect_with(
                        options
                            .create_if_missing(true)
                            .busy_timeout(Duration::from_secs(30)),
                    )
                    .await
                    .unwrap();
                Self {
                    kind,
                    url,
                    pool: Pool::Sqlite(pool),
                    _dir: Some(dir),
                }
            }
            Kind::Postgres => {
                let url = server_url("PWHARDEN_TEST_PG_URL");
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(2)
                    .connect(&url)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {url}: {e}"));
                Self {
                    kind,
                    url,
                    pool: Pool::Postgres(pool),
                    _dir: None,
                }
            }
            Kind::MySql => {
                let url = server_url("PWHARDEN_TEST_MYSQL_URL");
                let pool = sqlx::mysql::MySqlPoolOptions::new()
                    .max_connections(2)
                    .connect(&url)
                    .await
                    .unwrap_or_else(|e| panic!("MariaDB at {url}: {e}"));
                Self {
                    kind,
                    url,
                    pool: Pool::MySql(pool),
                    _dir: None,
                }
            }
        }
    }

    async fn exec(&self, sql: &str) {
        with_pool!(&self.pool, p => {
            sqlx::query(AssertSqlSafe(sql.to_owned())).execute(p).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        });
    }

    fn ph(&self, n: usize) -> String {
        match self.kind {
            Kind::Postgres => format!("${n}"),
            _ => "?".into(),
        }
    }

    /// Creates `table` (dropping any old one) and fills it with `rows`.
    async fn create(&self, table: &str, rows: &[FRow]) {
        self.exec(&format!("DROP TABLE IF EXISTS {table}")).await;
        let (text, salt) = match self.kind {
            Kind::Sqlite => ("TEXT", "TEXT"),
            _ => ("VARCHAR(1000)", "VARCHAR(128)"),
        };
        self.exec(&format!(
            "CREATE TABLE {table} (id INTEGER PRIMARY KEY, email {text} NOT NULL, pw {text}, \
             salt {salt}, visits INTEGER NOT NULL)"
        ))
        .await;
        let sql = format!(
            "INSERT INTO {table} (id, email, pw, salt, visits) VALUES ({}, {}, {}, {}, {})",
            self.ph(1),
            self.ph(2),
            self.ph(3),
            self.ph(4),
            self.ph(5)
        );
        for chunk in rows.chunks(500) {
            with_pool!(&self.pool, p => {
                let mut tx = p.begin().await.unwrap();
                for r in chunk {
                    sqlx::query(AssertSqlSafe(sql.clone()))
                        .bind(r.id)
                        .bind(format!("customer{}@example.com", r.id))
                        .bind(r.hash.as_deref())
                        .bind(r.salt.as_deref())
                        .bind(r.id * 7)
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                }
                tx.commit().await.unwrap();
            });
        }
    }

    /// Every row: id -> (email, pw, salt, visits).
    async fn snapshot(&self, table: &str) -> BTreeMap<i64, Snap> {
        let sql = format!("SELECT id, email, pw, salt, visits FROM {table} ORDER BY id");
        with_pool!(&self.pool, p => {
            sqlx::query(AssertSqlSafe(sql))
                .fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    let id: i64 = match self.kind {
                        Kind::Postgres => i64::from(r.get::<i32, _>(0)),
                        _ => r.get(0),
                    };
                    let visits: i64 = match self.kind {
                        Kind::Postgres => i64::from(r.get::<i32, _>(4)),
                        _ => r.get(4),
                    };
                    (id, Snap {
                        email: r.get(1),
                        pw: r.try_get(2).unwrap_or(None),
                        salt: r.get(3),
                        visits,
                    })
                })
                .collect()
        })
    }

    /// Rows whose hash column holds a wrapped string.
    async fn count_wrapped(&self, table: &str) -> u64 {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE pw LIKE '$pwh-wrap$%'");
        let n: i64 = with_pool!(&self.pool, p => sqlx::query(AssertSqlSafe(sql))
            .fetch_one(p)
            .await
            .unwrap()
            .get(0));
        n as u64
    }

    /// Two text columns of every row.
    async fn pairs(&self, sql: &str) -> Vec<(String, String)> {
        with_pool!(&self.pool, p => sqlx::query(AssertSqlSafe(sql.to_owned()))
            .fetch_all(p)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect())
    }

    async fn set_hash(&self, table: &str, id: i64, hash: &str) {
        let sql = format!(
            "UPDATE {table} SET pw = {} WHERE id = {}",
            self.ph(1),
            self.ph(2)
        );
        with_pool!(&self.pool, p => {
            sqlx::query(AssertSqlSafe(sql)).bind(hash).bind(id).execute(p).await.unwrap();
        });
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Snap {
    email: String,
    pw: Option<String>,
    salt: Option<String>,
    visits: i64,
}

// ---------------------------------------------------------------------------------------
// Fixtures

/// A fixture row, with what the test knows about it.
#[derive(Clone, Debug)]
struct FRow {
    id: i64,
    hash: Option<String>,
    salt: Option<String>,
    /// The password, when the row has one that the test knows.
    password: Option<Vec<u8>>,
    /// Expected scheme and class, as `audit --json` names them.
    scheme: &'static str,
    class: &'static str,
    /// Whether harden should replace it.
    hardened: bool,
}

/// The legacy schemes the test policy accepts (ldap-* and the rest are not, so such rows
/// are "unrecognised").
const ALLOWED: &[&str] = &[
    "argon2i",
    "md5-hex",
    "sha1-hex",
    "salted-sha1",
    "phpass",
    "md5-crypt",
    "sha512-crypt",
    "bcrypt",
    "plaintext",
];

/// A policy file with a cheap Argon2id target (m KiB, t=1) and the [`ALLOWED`] schemes.
fn policy_file(dir: &Path, m_cost: u32, allow: &[&str]) -> PathBuf {
    let allow: Vec<String> = allow.iter().map(|s| format!("{s:?}")).collect();
    let text = format!(
        "allow_weak_target = true\n[argon2]\nm_cost = {m_cost}\nt_cost = 1\np_cost = 1\n\
         [legacy]\nallow = [{}]\n",
        allow.join(", ")
    );
    let path = dir.join(format!("policy-{m_cost}-{}.toml", allow.len()));
    std::fs::write(&path, text).unwrap();
    path
}

fn test_policy(m_cost: u32, allow: &[&str]) -> Policy {
    Policy::builder()
        .argon2(m_cost, 1, 1)
        .allow_weak_target()
        .allow_schemes(allow.iter().copied())
        .build()
        .unwrap()
}

struct Builder {
    rows: Vec<FRow>,
}

impl Builder {
    fn push(
        &mut self,
        hash: Option<String>,
        salt: Option<String>,
        password: Option<Vec<u8>>,
        scheme: &'static str,
        class: &'static str,
        hardened: bool,
    ) {
        let id = 1000 + 3 * self.rows.len() as i64; // gaps, not starting at 1
        self.rows.push(FRow {
            id,
            hash,
            salt,
            password,
            scheme,
            class,
            hardened,
        });
    }

    /// Every vector of a `<password hex>\t<stored>` file, filtered.
    fn file(
        &mut self,
        file: &str,
        scheme: &'static str,
        class: &'static str,
        keep: impl Fn(&str) -> bool,
    ) {
        let hardened = !matches!(class, "current" | "below-target-argon2" | "unrecognised");
        for v in vectors(file).into_iter().filter(|v| keep(&v.stored)) {
            self.push(
                Some(v.stored),
                None,
                Some(v.password),
                scheme,
                class,
                hardened,
            );
        }
    }
}

/// The main fixture: every strength class, shared unsalted hashes, a salt column.
fn fixture() -> Vec<FRow> {
    let mut b = Builder { rows: Vec::new() };
    b.file("md5-hex.tsv", "md5-hex", "unsalted-fast", |_| true);
    // Shared passwords: the first md5 vector twice more, the second once more.
    let md5 = vectors("md5-hex.tsv");
    for v in [&md5[0], &md5[0], &md5[1]] {
        b.push(
            Some(v.stored.clone()),
            None,
            Some(v.password.clone()),
            "md5-hex",
            "unsalted-fast",
            true,
        );
    }
    b.file("sha1-hex.tsv", "sha1-hex", "unsalted-fast", |_| true);
    // Salted SHA-1 with the salt (hex) in its own column: sha1(salt . password).
    for (_, cols) in rows("salted.tsv") {
        if cols[1] == "sha1" && cols[2] == "sp" {
            b.push(
                Some(cols[5].clone()),
                Some(cols[3].clone()),
                Some(decode_hex(&cols[0])),
                "salted-sha1",
                "salted-fast",
                true,
            );
        }
    }
    b.file("phpass.tsv", "phpass", "slow-legacy", |_| true);
    b.file("md5-crypt.tsv", "md5-crypt", "slow-legacy", |_| true);
    b.file("bcrypt.tsv", "bcrypt", "slow-legacy", |s| {
        s.starts_with("$2b$04$") || s.starts_with("$2y$04$")
    });
    b.file("sha512-crypt.tsv", "sha512-crypt", "slow-legacy", |s| {
        !s.contains("rounds=")
    });
    // Argon2id from argon2-cffi at m=4096, t=1 with 16-byte salts and 32-byte outputs: at or
    // above the test target (m=64, t=1), so current.
    b.file("argon2id.tsv", "argon2id", "current", |s| {
        let parts: Vec<&str> = s.split('$').collect();
        s.starts_with("$argon2id$v=19$m=4096,t=1,p=1$")
            && parts.len() == 6
            && parts[4].len() == 22
            && parts[5].len() == 43
    });
    b.file("argon2i.tsv", "argon2i", "below-target-argon2", |s| {
        s.starts_with("$argon2i$v=19$m=4096,t=1,p=1$")
    });
    // Plaintext passwords, as some order sites kept them.
    for pw in ["letmein", "pizza-friday", "Tr0ub4dor&3", "marinara 1987"] {
        b.push(
            Some(pw.to_owned()),
            None,
            Some(pw.as_bytes().to_vec()),
            "plaintext",
            "plaintext",
            true,
        );
    }
    // Unrecognised: a scheme the policy does not accept, and an over-long string.
    b.file("ldap-md5.tsv", "unrecognised", "unrecognised", |_| true);
    b.push(
        Some("x".repeat(600)),
        None,
        None,
        "unrecognised",
        "unrecognised",
        false,
    );
    // No password yet.
    b.push(None, None, None, "empty", "empty", false);
    b.push(Some(String::new()), None, None, "empty", "empty", false);
    b.rows
}

// ---------------------------------------------------------------------------------------
// Running the binary

fn pwharden(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pwharden"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn table_args<'a>(db: &'a TestDb, table: &'a str) -> Vec<&'a str> {
    vec![
        "--db",
        &db.url,
        "--table",
        table,
        "--id-column",
        "id",
        "--hash-column",
        "pw",
    ]
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): stdout {:?} stderr {:?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

/// Rows per class, rows per scheme, and (rows, distinct hashes, largest group) of shared
/// unsalted hashes.
type Census<'a> = (
    BTreeMap<&'a str, u64>,
    BTreeMap<&'a str, u64>,
    (u64, u64, u64),
);

/// The census this test expects, counted from the fixture's composition.
fn expected_census(rows: &[FRow]) -> Census<'static> {
    let mut classes = BTreeMap::new();
    let mut schemes = BTreeMap::new();
    let mut groups: HashMap<(String, String), u64> = HashMap::new();
    for r in rows {
        *classes.entry(r.class).or_default() += 1;
        *schemes.entry(r.scheme).or_default() += 1;
        if r.class == "unsalted-fast" {
            let h = r.hash.clone().unwrap().to_ascii_lowercase();
            *groups.entry((r.scheme.to_owned(), h)).or_default() += 1;
        }
    }
    let shared: Vec<u64> = groups.values().copied().filter(|c| *c > 1).collect();
    let shared = (
        shared.iter().sum(),
        shared.len() as u64,
        shared.iter().copied().max().unwrap_or(0),
    );
    (classes, schemes, shared)
}

fn check_census(json: &Value, rows: &[FRow]) {
    let (classes, schemes, shared) = expected_census(rows);
    assert_eq!(n(&json["rows"]), rows.len() as u64);
    for (class, entry) in json["classes"].as_object().unwrap() {
        let want = classes.get(class.as_str()).copied().unwrap_or(0);
        assert_eq!(n(&entry["rows"]), want, "class {class}: {json}");
    }
    let got: BTreeMap<&str, u64> = json["schemes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), n(&v["rows"])))
        .collect();
    assert_eq!(got, schemes);
    let s = &json["shared_unsalted"];
    assert_eq!(
        (
            n(&s["rows"]),
            n(&s["distinct_hashes"]),
            n(&s["largest_group"])
        ),
        shared
    );
}

// ---------------------------------------------------------------------------------------
// The main test, once per database

async fn audit_harden_rerun(kind: Kind, table: &str) {
    let db = TestDb::open(kind, table).await;
    let dir = TempDir::new(table);
    let config = policy_file(&dir.0, 64, ALLOWED);
    let config = config.to_str().unwrap();
    let mut rows = fixture();
    if kind == Kind::Sqlite {
        // SQLite keeps any type in any column: a BLOB in the hash column cannot be read.
        rows.push(FRow {
            id: 9_999_999,
            hash: None,
            salt: None,
            password: None,
            scheme: "unreadable",
            class: "unreadable",
            hardened: false,
        });
    }
    db.create(table, &rows).await;
    if kind == Kind::Sqlite {
        db.exec(&format!(
            "UPDATE {table} SET pw = x'00ff10' WHERE id = 9999999"
        ))
        .await;
    }
    let before = db.snapshot(table).await;
    let salt_args = [
        "--salt-column",
        "salt",
        "--salt-construction",
        "sha1(salt.password)",
        "--salt-encoding",
        "hex",
    ];

    // audit
    let mut args = vec!["--config", config, "audit", "--json"];
    args.extend(table_args(&db, table));
    args.extend(salt_args);
    let out = pwharden(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let census = json_of(&out);
    check_census(&census, &rows);
    // and the human table names every class
    args.retain(|a| *a != "--json");
    let text = String::from_utf8(pwharden(&args).stdout).unwrap();
    for label in [
        "plaintext",
        "unsalted fast digest",
        "salted fast digest",
        "slow legacy hash",
        "wrapped in Argon2id",
        "current target",
        "below-target Argon2",
        "unrecognised",
        "could not be read",
        "shared unsalted hashes",
    ] {
        assert!(text.contains(label), "{label} missing from\n{text}");
    }

    // harden
    let mut args = vec![
        "--config",
        config,
        "harden",
        "--json",
        "--jobs",
        "2",
        "--batch",
        "16",
        "--verify-sample",
        "25",
    ];
    args.extend(table_args(&db, table));
    args.extend(salt_args);
    let started = Instant::now();
    let out = pwharden(&args);
    let summary = json_of(&out);
    eprintln!(
        "{kind:?}: harden of {} rows in {:?}",
        rows.len(),
        started.elapsed()
    );
    let to_harden = rows.iter().filter(|r| r.hardened).count() as u64;
    let unrecognised = rows.iter().filter(|r| r.class == "unrecognised").count() as u64;
    let unreadable = rows.iter().filter(|r| r.class == "unreadable").count() as u64;
    assert_eq!(n(&summary["hardened"]), to_harden, "{summary}");
    assert_eq!(n(&summary["failed"]), 0, "{summary}");
    assert_eq!(n(&summary["unrecognised"]), unrecognised, "{summary}");
    assert_eq!(n(&summary["unreadable"]), unreadable, "{summary}");
    assert_eq!(n(&summary["changed_by_application"]), 0);
    assert_eq!(n(&summary["verify_sample"]["checked"]), 25);
    // Unrecognised rows are left alone, and say so in the exit status and on stderr.
    assert_eq!(out.status.code(), Some(3), "{summary}");
    one_line_error(
        &out,
        3,
        &format!("{} rows left untouched", unrecognised + unreadable),
    );

    // Every row: same id and other columns; hardened rows verify with the original password
    // alone (the salt column is no longer needed) and not with a wrong one; the rest are
    // untouched.
    let after = db.snapshot(table).await;
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    let policy = test_policy(64, ALLOWED);
    for r in &rows {
        let (old, new) = (&before[&r.id], &after[&r.id]);
        assert_eq!(
            (&old.email, &old.salt, old.visits),
            (&new.email, &new.salt, new.visits)
        );
        let stored = new.pw.clone().unwrap_or_default();
        if r.hardened {
            assert_ne!(old.pw, new.pw, "row {} ({}) not hardened", r.id, r.scheme);
            let expect = if r.class == "plaintext" {
                "argon2id"
            } else {
                "wrapped"
            };
            assert_eq!(policy.identify(&stored).unwrap(), expect, "row {}", r.id);
        } else {
            assert_eq!(old.pw, new.pw, "row {} ({}) was changed", r.id, r.scheme);
        }
        if let Some(password) = &r.password
            && r.class != "unrecognised"
        {
            assert!(
                policy.verify(password, &stored).unwrap().is_valid(),
                "row {} ({}) does not verify",
                r.id,
                r.scheme
            );
            // (bcrypt reads only 72 bytes: change the first.)
            let mut wrong = password.clone();
            wrong[0] ^= 0x01;
            assert!(
                !policy.verify(&wrong, &stored).unwrap().is_valid(),
                "row {} ({}) verifies a wrong password",
                r.id,
                r.scheme
            );
        }
    }

    // A rerun changes nothing.
    let out = pwharden(&args);
    let again = json_of(&out);
    assert_eq!(n(&again["hardened"]), 0, "{again}");
    assert_eq!(
        n(&again["already_done"]),
        to_harden + rows.iter().filter(|r| r.class == "current").count() as u64
    );
    assert_eq!(db.snapshot(table).await, after);

    // The census after: the legacy classes have become wrapped (plaintext: current).
    let mut audit_args = vec!["--config", config, "audit", "--json"];
    audit_args.extend(table_args(&db, table));
    audit_args.extend(salt_args);
    let census = json_of(&pwharden(&audit_args));
    let class = |c: &str| n(&census["classes"][c]["rows"]);
    let count = |c: &str| rows.iter().filter(|r| r.class == c).count() as u64;
    assert_eq!(class("wrapped"), to_harden - count("plaintext"));
    assert_eq!(class("current"), count("current") + count("plaintext"));
    for c in ["plaintext", "unsalted-fast", "salted-fast", "slow-legacy"] {
        assert_eq!(class(c), 0, "{c}");
    }
    assert_eq!(class("unrecognised"), unrecognised);
    db.exec(&format!("DROP TABLE {table}")).await;
}

#[test]
fn sqlite_audit_harden_rerun() {
    runtime().block_on(audit_harden_rerun(Kind::Sqlite, "shop_customers"));
}

#[test]
fn postgres_audit_harden_rerun() {
    runtime().block_on(audit_harden_rerun(Kind::Postgres, "pg_customers"));
}

#[test]
fn mysql_audit_harden_rerun() {
    runtime().block_on(audit_harden_rerun(Kind::MySql, "my_customers"));
}

// ---------------------------------------------------------------------------------------
// Crash and resume

/// `count` rows cycling through the md5-hex and phpass vectors.
fn bulk_rows(count: usize) -> Vec<FRow> {
    let mut pool: Vec<(common::Vector, &'static str, &'static str)> = Vec::new();
    pool.extend(
        vectors("md5-hex.tsv")
            .into_iter()
            .map(|v| (v, "md5-hex", "unsalted-fast")),
    );
    pool.extend(
        vectors("phpass.tsv")
            .into_iter()
            .map(|v| (v, "phpass", "slow-legacy")),
    );
    (0..count)
        .map(|i| {
            let (v, scheme, class) = &pool[i % pool.len()];
            FRow {
                id: 1 + i as i64,
                hash: Some(v.stored.clone()),
                salt: None,
                password: Some(v.password.clone()),
                scheme,
                class,
                hardened: true,
            }
        })
        .collect()
}

fn random_below(n: u64) -> u64 {
    getrandom::u64().unwrap() % n
}

/// Each row holds its original value or a wrap of it, nothing else.
fn check_whole(rows: &[FRow], snap: &BTreeMap<i64, Snap>, policy: &Policy) {
    assert_eq!(snap.len(), rows.len());
    for r in rows {
        let now = snap[&r.id].pw.as_deref().unwrap();
        if Some(now) != r.hash.as_deref() {
            assert!(
                policy.is_wrap_of(r.hash.as_deref().unwrap(), now).unwrap(),
                "row {} holds neither its original nor a wrap of it: {now}",
                r.id
            );
        }
    }
}

async fn crash_and_resume(kind: Kind, table: &str) {
    let db = TestDb::open(kind, table).await;
    let dir = TempDir::new(table);
    // A costlier target (m = 2 MiB) and more rows, so that a run lasts long enough (a few
    // seconds on 2 cores) to be killed midway.
    let config = policy_file(&dir.0, 2048, ALLOWED);
    let config = config.to_str().unwrap();
    let rows = bulk_rows(2400);
    db.create(table, &rows).await;
    let policy = test_policy(2048, ALLOWED);
    let mut args = vec![
        "--config", config, "harden", "--json", "--jobs", "2", "--batch", "8",
    ];
    args.extend(table_args(&db, table));
    // Each run is killed once a random share (up to 60%) of the rows still to do has been
    // written: random points, whatever the machine's speed.
    let mut kills = 0;
    for _ in 0..3 {
        let done = db.count_wrapped(table).await;
        let target = done + 1 + random_below((rows.len() as u64 - done) * 6 / 10);
        let mut child = Command::new(env!("CARGO_BIN_EXE_pwharden"))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        while child.try_wait().unwrap().is_none() {
            if db.count_wrapped(table).await >= target {
                child.kill().unwrap(); // SIGKILL
                kills += 1;
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        child.wait().unwrap();
        check_whole(&rows, &db.snapshot(table).await, &policy);
    }
    assert!(kills >= 2, "the runs ended before they could be killed");
    let out = pwharden(&args);
    let summary = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert_eq!(
        n(&summary["hardened"]) + n(&summary["already_done"]),
        rows.len() as u64,
        "{summary}"
    );
    assert!(
        n(&summary["already_done"]) > 0,
        "the killed runs did nothing: {summary}"
    );
    let snap = db.snapshot(table).await;
    check_whole(&rows, &snap, &policy);
    for r in &rows {
        let stored = snap[&r.id].pw.as_deref().unwrap();
        assert_eq!(policy.identify(stored).unwrap(), "wrapped", "row {}", r.id);
    }
    // Spot-check with the passwords themselves.
    for r in rows.iter().step_by(37) {
        let stored = snap[&r.id].pw.as_deref().unwrap();
        assert!(
            policy
                .verify(r.password.as_ref().unwrap(), stored)
                .unwrap()
                .is_valid()
        );
    }
    db.exec(&format!("DROP TABLE {table}")).await;
}

#[test]
fn sqlite_kill_9_and_resume() {
    runtime().block_on(crash_and_resume(Kind::Sqlite, "crash_customers"));
}

#[test]
fn postgres_kill_9_and_resume() {
    runtime().block_on(crash_and_resume(Kind::Postgres, "pg_crash_customers"));
}

#[test]
fn mysql_kill_9_and_resume() {
    runtime().block_on(crash_and_resume(Kind::MySql, "my_crash_customers"));
}

// ---------------------------------------------------------------------------------------
// A concurrent writer

async fn concurrent_writer(kind: Kind, table: &str) {
    let db = TestDb::open(kind, table).await;
    let dir = TempDir::new(table);
    let config = policy_file(&dir.0, 2048, ALLOWED);
    let config = config.to_str().unwrap();
    let rows = bulk_rows(1000);
    db.create(table, &rows).await;
    // The application logs customers in during the run and stores Argon2id replacements
    // (argon2-cffi strings with known passwords).
    let replacements = vectors("argon2id.tsv");
    // Large batches keep many rows between their read and their compare-and-set, so that
    // the writer is sure to change some of them in that window.
    let mut args = vec![
        "--config", config, "harden", "--json", "--jobs", "2", "--batch", "200",
    ];
    args.extend(table_args(&db, table));
    let child = Command::new(env!("CARGO_BIN_EXE_pwharden"))
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // The application writes every few milliseconds for as long as the run lasts.
    let mut child = child;
    let mut written = BTreeMap::new();
    let mut k = 0;
    while child.try_wait().unwrap().is_none() && k < 2000 {
        let r = &rows[random_below(rows.len() as u64) as usize];
        let v = &replacements[k % replacements.len()];
        db.set_hash(table, r.id, &v.stored).await;
        written.insert(r.id, v);
        k += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let out = child.wait_with_output().unwrap();
    let summary = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    let changed = n(&summary["changed_by_application"]);
    eprintln!("{kind:?}: {changed} rows changed by the application during the run");
    assert!(changed > 0, "no compare-and-set was exercised: {summary}");
    let snap = db.snapshot(table).await;
    let policy = test_policy(2048, ALLOWED);
    for r in &rows {
        let stored = snap[&r.id].pw.as_deref().unwrap();
        match written.get(&r.id) {
            // The application's value survives, exactly.
            Some(v) => assert_eq!(
                stored, v.stored,
                "row {} lost the application's update",
                r.id
            ),
            None => assert!(
                policy
                    .is_wrap_of(r.hash.as_deref().unwrap(), stored)
                    .unwrap()
            ),
        }
    }
    db.exec(&format!("DROP TABLE {table}")).await;
}

#[test]
fn sqlite_concurrent_writer_keeps_its_updates() {
    runtime().block_on(concurrent_writer(Kind::Sqlite, "busy_customers"));
}

#[test]
fn postgres_concurrent_writer_keeps_its_updates() {
    runtime().block_on(concurrent_writer(Kind::Postgres, "pg_busy_customers"));
}

#[test]
fn mysql_concurrent_writer_keeps_its_updates() {
    runtime().block_on(concurrent_writer(Kind::MySql, "my_busy_customers"));
}

// ---------------------------------------------------------------------------------------
// Bad input

fn one_line_error(out: &Output, code: i32, expect: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert_eq!(err.lines().count(), 1, "not one line: {err}");
    assert!(err.contains(expect), "{expect:?} not in {err:?}");
}

async fn bad_input(kind: Kind, table: &str) {
    let db = TestDb::open(kind, table).await;
    let dir = TempDir::new(table);
    // No plaintext: strings of no known shape are unrecognised.
    let config = policy_file(&dir.0, 64, &["md5-hex", "bcrypt"]);
    let config = config.to_str().unwrap();
    let md5 = &vectors("md5-hex.tsv")[0];
    let mut rows = Vec::new();
    for (i, hash) in [
        md5.stored.as_str(),
        "!locked",
        "nonsense",
        "$2b$04$truncated",
    ]
    .into_iter()
    .enumerate()
    {
        rows.push(FRow {
            id: 1 + i as i64,
            hash: Some(hash.to_owned()),
            salt: None,
            password: None,
            scheme: "",
            class: "",
            hardened: i == 0,
        });
    }
    db.create(table, &rows).await;
    let run = |cmd: &str, table: &str, id: &str, hash: &str| {
        pwharden(&[
            "--config",
            config,
            cmd,
            "--db",
            &db.url,
            "--table",
            table,
            "--id-column",
            id,
            "--hash-column",
            hash,
        ])
    };
    for cmd in ["audit", "harden"] {
        one_line_error(
            &run(cmd, "no_such_table", "id", "pw"),
            2,
            "table `no_such_table` not found",
        );
        one_line_error(
            &run(cmd, table, "id", "no_such_column"),
            2,
            "column `no_such_column` (--hash-column) not found",
        );
        one_line_error(
            &run(cmd, table, "nope", "pw"),
            2,
            "column `nope` (--id-column) not found",
        );
        one_line_error(&run(cmd, table, "id", "visits"), 2, "not a text column");
        one_line_error(
            &run(cmd, "x; DROP TABLE y", "id", "pw"),
            2,
            "not a plain SQL identifier",
        );
        one_line_error(
            &run(cmd, table, "id", "pw\"--"),
            2,
            "not a plain SQL identifier",
        );
    }
    // Unrecognised rows are reported and left untouched; the malformed bcrypt row fails.
    let before = db.snapshot(table).await;
    let out = pwharden(&[
        "--config",
        config,
        "harden",
        "--json",
        "--db",
        &db.url,
        "--table",
        table,
        "--id-column",
        "id",
        "--hash-column",
        "pw",
    ]);
    let summary = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{summary}");
    one_line_error(&out, 1, "1 rows failed and 2 were left untouched");
    assert_eq!(n(&summary["hardened"]), 1);
    assert_eq!(n(&summary["unrecognised"]), 2);
    assert_eq!(
        summary["unrecognised_reasons"]["unsupported hash scheme"]["first_ids"],
        serde_json::json!([2, 3])
    );
    assert_eq!(n(&summary["failed"]), 1);
    assert_eq!(
        summary["failed_reasons"]["bcrypt: malformed stored hash"]["first_ids"],
        serde_json::json!([4])
    );
    let after = db.snapshot(table).await;
    for id in [2, 3, 4] {
        assert_eq!(before[&id], after[&id]);
    }
    // The human summary names them too.
    let out = pwharden(&[
        "--config",
        config,
        "harden",
        "--db",
        &db.url,
        "--table",
        table,
        "--id-column",
        "id",
        "--hash-column",
        "pw",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("unsupported hash scheme (ids 2, 3)"),
        "{text}"
    );
    assert!(
        text.contains("bcrypt: malformed stored hash (ids 4)"),
        "{text}"
    );
    db.exec(&format!("DROP TABLE {table}")).await;
}

#[test]
fn sqlite_bad_input() {
    runtime().block_on(bad_input(Kind::Sqlite, "bad_customers"));
}

#[test]
fn postgres_bad_input() {
    runtime().block_on(bad_input(Kind::Postgres, "pg_bad_customers"));
}

#[test]
fn mysql_bad_input() {
    runtime().block_on(bad_input(Kind::MySql, "my_bad_customers"));
}

#[test]
fn unreachable_databases_are_one_line_errors() {
    let pg = server_url("PWHARDEN_TEST_PG_URL");
    let my = server_url("PWHARDEN_TEST_MYSQL_URL");
    let wrong_password = |url: &str| url.replacen("pwharden-test-pw@", "wrong-pw@", 1);
    let cases = [
        (
            "sqlite:/nonexistent-dir/shop.db".to_owned(),
            "unable to open database file",
        ),
        (
            "postgres://pwharden:pw@127.0.0.1:1/shop".to_owned(),
            "Connection refused",
        ),
        (
            "mysql://pwharden:pw@127.0.0.1:1/shop".to_owned(),
            "Connection refused",
        ),
        (wrong_password(&pg), "password authentication failed"),
        (wrong_password(&my), "Access denied"),
        ("oracle://x".to_owned(), "unsupported database URL"),
    ];
    for (url, expect) in cases {
        for cmd in ["audit", "harden"] {
            let out = pwharden(&[
                cmd,
                "--db",
                &url,
                "--table",
                "t",
                "--id-column",
                "id",
                "--hash-column",
                "pw",
            ]);
            one_line_error(&out, 2, expect);
            // Passwords in URLs are not echoed.
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                !err.contains("pwharden-test-pw") && !err.contains("wrong-pw"),
                "{err}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Dry run, text ids and qualified table names, the demo

async fn dry_run_text_ids(kind: Kind, table: &str) {
    let db = TestDb::open(kind, table).await;
    let dir = TempDir::new(table);
    let config = policy_file(&dir.0, 64, ALLOWED);
    let config = config.to_str().unwrap();
    // A table keyed by user name, addressed with its schema (database, for MariaDB).
    let (schema, text) = match kind {
        Kind::Sqlite => ("main".to_owned(), "TEXT"),
        Kind::Postgres => {
            db.exec("CREATE SCHEMA IF NOT EXISTS shop").await;
            ("shop".to_owned(), "VARCHAR(200)")
        }
        Kind::MySql => ("pwharden_test".to_owned(), "VARCHAR(200)"),
    };
    let qualified = format!("{schema}.{table}");
    db.exec(&format!("DROP TABLE IF EXISTS {qualified}")).await;
    db.exec(&format!(
        "CREATE TABLE {qualified} (username VARCHAR(64) PRIMARY KEY, pw {text})"
    ))
    .await;
    let vs: Vec<_> = vectors("md5-crypt.tsv")
        .into_iter()
        .chain(vectors("sha1-hex.tsv"))
        .collect();
    for (i, v) in vs.iter().enumerate() {
        let sql = format!(
            "INSERT INTO {qualified} (username, pw) VALUES ('user-{i:03}', '{}')",
            v.stored
        );
        db.exec(&sql).await;
    }
    let select = format!("SELECT username, pw FROM {qualified} ORDER BY username");
    let before = db.pairs(&select).await;
    let base = [
        "--config",
        config,
        "harden",
        "--json",
        "--db",
        &db.url,
        "--table",
        &qualified,
        "--id-column",
        "username",
        "--hash-column",
        "pw",
    ];
    // --dry-run: every row listed, nothing written.
    let mut args = base.to_vec();
    args.push("--dry-run");
    let out = pwharden(&args);
    let summary = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert_eq!(n(&summary["would_harden"]), vs.len() as u64);
    let changes = summary["changes"].as_array().unwrap();
    assert_eq!(changes.len(), vs.len());
    assert_eq!(changes[0]["id"], "user-000");
    assert_eq!(changes[0]["scheme"], "md5-crypt");
    assert_eq!(db.pairs(&select).await, before);
    // The real run.
    let out = pwharden(&base);
    let summary = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert_eq!(n(&summary["hardened"]), vs.len() as u64);
    let policy = test_policy(64, ALLOWED);
    let after = db.pairs(&select).await;
    for ((name, stored), v) in after.iter().zip(&vs) {
        assert!(
            policy.verify(&v.password, stored).unwrap().is_valid(),
            "{name}"
        );
    }
    db.exec(&format!("DROP TABLE {qualified}")).await;
}

#[test]
fn sqlite_dry_run_and_text_ids() {
    runtime().block_on(dry_run_text_ids(Kind::Sqlite, "accounts"));
}

#[test]
fn postgres_dry_run_and_text_ids() {
    runtime().block_on(dry_run_text_ids(Kind::Postgres, "pg_accounts"));
}

#[test]
fn mysql_dry_run_and_text_ids() {
    runtime().block_on(dry_run_text_ids(Kind::MySql, "my_accounts"));
}

#[test]
fn demo_builds_audits_hardens_and_logs_in() {
    let dir = TempDir::new("demo");
    let url = format!("sqlite:{}", dir.0.join("demo.db").display());
    let out = pwharden(&["demo", "--rows", "500", "--logins", "200", "--db", &url]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("REDUCED for the demo"), "{text}");
    // Every right password was accepted, every wrong one refused.
    let count = |label: &str| -> (u64, u64) {
        let line = text.lines().find(|l| l.contains(label)).unwrap();
        let nums: Vec<u64> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        (nums[0], nums[1])
    };
    let (accepted, right) = count("right passwords accepted");
    assert_eq!(accepted, right);
    assert!(right > 100);
    let (refused, wrong) = count("wrong passwords refused");
    assert_eq!(refused, wrong);
    assert!(text.contains("login latency p50"), "{text}");
    assert!(text.contains("logins/s"), "{text}");
    // After: no legacy class left (the second census is the last one printed).
    let after = text.rsplit("[5/5]").next().unwrap();
    for label in [
        "unsalted fast digest",
        "salted fast digest",
        "slow legacy hash",
    ] {
        let line = after
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap();
        assert!(line.contains(" 0 "), "{line}");
    }
    // The demo refuses to overwrite an existing file.
    let again = pwharden(&["demo", "--rows", "10", "--db", &url]);
    assert_eq!(again.status.code(), Some(2));
}
