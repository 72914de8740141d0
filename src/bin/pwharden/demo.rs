//! `pwharden demo`: an order site's customer table in embedded SQLite, before and after a
//! breach response. Builds the table (legacy hashes of many kinds, made by the demo-only
//! generators in [`crate::demo_legacy`]), audits it, hardens it with the progress bar,
//! replays a dinner rush of logins through the library (storing each replacement with a
//! compare-and-set, as an application would), audits again, and reports login latency.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pwharden::{Policy, Verdict};
use sqlx::Row as _;
use sqlx::sqlite::SqlitePool;

use crate::Failure;
use crate::assess::{SaltEncoding, Salting};
use crate::db::{Db, Ident, TableSpec};
use crate::demo_legacy as legacy;
use crate::{audit, harden};

/// The demo's reduced Argon2id target (see [`demo_policy`]).
pub const DEMO_M_COST: u32 = 4096;
/// Passes of the demo target.
pub const DEMO_T_COST: u32 = 1;
/// bcrypt cost of the demo's bcrypt rows (PHP's default is 10; lower keeps the demo short).
const BCRYPT_COST: u32 = 7;
/// phpass log2 rounds of the demo's phpass rows (WordPress's `$P$B`: 2^13).
const PHPASS_LOG2: u8 = 13;
/// How the demo site salted its SHA-1 rows.
const SALT_CONSTRUCTION: &str = "sha1(salt.password)";

/// What to run.
pub struct Options {
    pub rows: usize,
    pub db: Option<String>,
    pub logins: usize,
    pub jobs: usize,
}

/// The policy the demo uses without `--config`: Argon2id at m = 4 MiB, t = 1 (about a tenth
/// of the default target's work per hash, so that 10,000 rows harden in seconds on 2 cores),
/// accepting the legacy schemes the demo site has, plaintext included.
pub fn demo_policy() -> Result<Policy, Failure> {
    Policy::builder()
        .argon2(DEMO_M_COST, DEMO_T_COST, 1)
        .allow_weak_target()
        .allow_schemes([
            "md5-hex",
            "salted-sha1",
            "phpass",
            "bcrypt",
            "md5-crypt",
            "plaintext",
        ])
        .build()
        .map_err(Failure::from)
}

/// SplitMix64: a small deterministic generator, so that every run builds the same table.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn crypt_salt<const N: usize>(&mut self) -> [u8; N] {
        const ALPHABET: &[u8; 64] =
            b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        std::array::from_fn(|_| ALPHABET[self.below(64)])
    }
}

/// The passwords half the internet uses; some customers share them.
const COMMON: &[&str] = &[
    "123456",
    "password",
    "123456789",
    "qwerty",
    "pizza123",
    "iloveyou",
    "letmein",
    "football",
    "monkey",
    "sunshine",
    "12345678",
    "welcome1",
    "dragon",
    "princess",
    "pepperoni",
];
const WORDS: &[&str] = &[
    "margherita",
    "calzone",
    "basil",
    "oregano",
    "napoli",
    "mozzarella",
    "tiramisu",
    "espresso",
    "garlic",
    "olive",
    "salami",
    "funghi",
    "capri",
    "vesuvio",
    "diavola",
    "quattro",
    "stagioni",
    "ricotta",
    "panna",
    "limoncello",
];
const FIRST: &[&str] = &[
    "anna", "ben", "chiara", "dario", "elena", "fatima", "giorgio", "hana", "ivan", "julia",
    "karim", "lucia", "marco", "nina", "omar", "paola", "quentin", "rosa", "sven", "tariq",
];

/// One generated customer.
struct Customer {
    id: i64,
    email: String,
    name: String,
    password: String,
    hash: Option<String>,
    salt: Option<String>,
}

/// Makes customer `i`: a password (common ones shared) and a hash of the kind an old order
/// site accumulated over its rewrites.
fn customer(i: usize, policy: &Policy) -> Result<Customer, Failure> {
    let mut rng = Rng(0x5eed_0000 ^ (i as u64).wrapping_mul(0x1000_0000_01b3));
    let first = rng.pick(FIRST);
    let password = if rng.below(100) < 22 {
        // Popular passwords, the first few most of all.
        let n = if rng.below(2) == 0 { 5 } else { COMMON.len() };
        COMMON[rng.below(n)].to_owned()
    } else {
        let symbol = ["", "!", ".", "#"][rng.below(4)];
        format!("{}{}{symbol}", rng.pick(WORDS), rng.below(10_000))
    };
    let pw = password.as_bytes();
    let roll = rng.below(1000);
    let (hash, salt) = match roll {
        // Signed up with a social login: no password.
        0..5 => (None, None),
        // The 2009 admin import that nobody hashed.
        5..10 => (Some(password.clone()), None),
        // New sign-ups since the Argon2id rollout began.
        10..25 => (Some(harden::patiently(|| policy.hash(pw))?), None),
        // The original 2006 shop: md5(password).
        25..335 => (Some(legacy::md5_hex(pw)), None),
        // The 2010 rewrite: sha1(salt . password), salt in its own column.
        335..585 => {
            let salt: [u8; 10] = rng.crypt_salt();
            let salt = String::from_utf8_lossy(&salt).into_owned();
            (
                Some(legacy::sha1_salt_password(salt.as_bytes(), pw)),
                Some(salt),
            )
        }
        // The WordPress storefront: phpass $P$B.
        585..835 => (
            Some(legacy::phpass(pw, PHPASS_LOG2, &rng.crypt_salt())),
            None,
        ),
        // The 2016 PHP 7 checkout: password_hash() bcrypt.
        835..925 => {
            let salt: [u8; 16] = std::array::from_fn(|_| rng.below(256) as u8);
            (Some(legacy::bcrypt(pw, BCRYPT_COST, salt)), None)
        }
        // The call-centre tool on Linux crypt(3): md5-crypt.
        _ => (Some(legacy::md5_crypt(pw, &rng.crypt_salt::<8>())), None),
    };
    Ok(Customer {
        id: i as i64 + 1,
        email: format!("{first}.{}@example.com", i + 1),
        name: format!("{}{}", first[..1].to_uppercase(), &first[1..]),
        password,
        hash,
        salt,
    })
}

fn build_customers(rows: usize, jobs: usize, policy: &Policy) -> Result<Vec<Customer>, Failure> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let parts: Vec<Result<Vec<Customer>, Failure>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..jobs.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= rows {
                            break;
                        }
                        out.push(customer(i, policy)?);
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Failure("a generator thread failed".into())))
            })
            .collect()
    });
    let mut all = Vec::with_capacity(rows);
    for part in parts {
        all.extend(part?);
    }
    all.sort_by_key(|c| c.id);
    Ok(all)
}

async fn create_table(pool: &SqlitePool, customers: &[Customer]) -> Result<(), Failure> {
    let db = |e: sqlx::Error| Failure(format!("database error: {}", crate::db::one_line(&e)));
    sqlx::query("DROP TABLE IF EXISTS customers")
        .execute(pool)
        .await
        .map_err(db)?;
    sqlx::query(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         name TEXT NOT NULL, password_hash TEXT, password_salt TEXT, orders INTEGER NOT NULL)",
    )
    .execute(pool)
    .await
    .map_err(db)?;
    let mut tx = pool.begin().await.map_err(db)?;
    for c in customers {
        sqlx::query(
            "INSERT INTO customers (id, email, name, password_hash, password_salt, orders) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(c.id)
        .bind(&c.email)
        .bind(&c.name)
        .bind(c.hash.as_deref())
        .bind(c.salt.as_deref())
        .bind(c.id % 37)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    tx.commit().await.map_err(db)
}

/// What one login attempt is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attempt {
    Right,
    Wrong,
    Unknown,
}

/// Tallies of the dinner rush.
#[derive(Default)]
struct Rush {
    right_accepted: AtomicU64,
    right_refused: AtomicU64,
    wrong_refused: AtomicU64,
    wrong_accepted: AtomicU64,
    unknown: AtomicU64,
    upgraded: AtomicU64,
    upgrade_lost: AtomicU64,
    /// Refused by the admission gate (an application answers 503 and the client retries).
    busy: AtomicU64,
    errors: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// One login as an application does it: look the customer up, verify, store the
/// replacement (compare-and-set on the value read), or spend the same time for an unknown
/// customer.
fn login(
    handle: &tokio::runtime::Handle,
    pool: &SqlitePool,
    policy: &Policy,
    email: &str,
    password: &str,
    attempt: Attempt,
    rush: &Rush,
) {
    let row = handle.block_on(async {
        sqlx::query("SELECT id, password_hash FROM customers WHERE email = ?")
            .bind(email)
            .fetch_optional(pool)
            .await
    });
    let row = match row {
        Ok(row) => row.map(|r| (r.get::<i64, _>(0), r.get::<Option<String>, _>(1))),
        Err(_) => {
            bump(&rush.errors);
            return;
        }
    };
    let (id, stored) = match row {
        Some((id, Some(stored))) => (id, stored),
        _ => {
            match policy.verify_unknown_user(password) {
                Err(pwharden::Error::Busy) => bump(&rush.busy),
                _ => bump(&rush.unknown),
            }
            return;
        }
    };
    let verdict = match policy.verify(password, &stored) {
        Ok(v) => v,
        Err(pwharden::Error::Busy) => {
            bump(&rush.busy);
            return;
        }
        Err(_) => {
            bump(&rush.errors);
            return;
        }
    };
    match (attempt, verdict.is_valid()) {
        (Attempt::Right, true) => bump(&rush.right_accepted),
        (Attempt::Right, false) => bump(&rush.right_refused),
        (_, false) => bump(&rush.wrong_refused),
        (_, true) => bump(&rush.wrong_accepted),
    }
    if let Verdict::ValidUpgrade(replacement) = verdict {
        let stored_it = handle.block_on(async {
            sqlx::query("UPDATE customers SET password_hash = ? WHERE id = ? AND password_hash = ?")
                .bind(&replacement)
                .bind(id)
                .bind(&stored)
                .execute(pool)
                .await
        });
        match stored_it {
            Ok(done) if done.rows_affected() == 1 => bump(&rush.upgraded),
            Ok(_) => bump(&rush.upgrade_lost),
            Err(_) => bump(&rush.errors),
        }
    }
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Runs the demo; `config` is the user's policy, if one was given.
pub fn run(opts: &Options, config: Option<Policy>) -> Result<u8, Failure> {
    let started = Instant::now();
    let (policy, reduced) = match config {
        Some(policy) => (policy, false),
        None => (demo_policy()?, true),
    };
    let policy = Arc::new(policy);
    let (url, path) = match &opts.db {
        Some(url) => {
            let path = url.strip_prefix("sqlite:").ok_or_else(|| {
                Failure(format!(
                    "the demo runs on SQLite: use --db sqlite:PATH, not {url:?}"
                ))
            })?;
            let path = PathBuf::from(path.trim_start_matches("//"));
            if path.exists() {
                return Err(Failure(format!(
                    "{} exists; the demo builds a new database: remove it or choose another path",
                    path.display()
                )));
            }
            (url.clone(), path)
        }
        None => {
            let path = std::env::temp_dir().join("pwharden-demo.db");
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            (format!("sqlite:{}", path.display()), path)
        }
    };

    println!("pwharden demo: an order site's customer table, audited and hardened in place");
    if reduced {
        println!(
            "policy: Argon2id m={DEMO_M_COST} KiB, t={DEMO_T_COST}, p=1, REDUCED for the demo \
             (the default target is m={}, t={}: about {}x the work per hash), so that it \
             finishes in about a minute on 2 cores; --config FILE runs it under your policy",
            pwharden::DEFAULT_M_COST,
            pwharden::DEFAULT_T_COST,
            (pwharden::DEFAULT_M_COST * pwharden::DEFAULT_T_COST) / (DEMO_M_COST * DEMO_T_COST)
        );
    } else {
        println!("policy: from --config");
    }
    println!("database: {url} (kept afterwards, to look at)");
    println!("worker threads: {}", opts.jobs);

    // 1. The table.
    let t = Instant::now();
    println!(
        "\n[1/5] building {} customers (demo-only generators: md5, salted sha1, phpass $P$B, \
         bcrypt cost {BCRYPT_COST}, md5-crypt, a few plaintext) ...",
        opts.rows
    );
    let customers = build_customers(opts.rows, opts.jobs, &policy)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    let db = runtime.block_on(Db::connect(&url, true))?;
    let Db::Sqlite(pool) = &db else {
        return Err(Failure("the demo runs on SQLite".into()));
    };
    runtime.block_on(create_table(pool, &customers))?;
    println!(
        "      done in {:.1} s: {}",
        t.elapsed().as_secs_f64(),
        path.display()
    );

    let spec = TableSpec {
        table: Ident::parse("customers", "--table", true)?,
        id: Ident::parse("id", "--id-column", false)?,
        hash: Ident::parse("password_hash", "--hash-column", false)?,
        salt: Some(Ident::parse("password_salt", "--salt-column", false)?),
    };
    let salting = Salting {
        construction: Some(SALT_CONSTRUCTION.to_owned()),
        encoding: SaltEncoding::Text,
    };
    let (table, total) = runtime.block_on(db.open_table(spec))?;

    // 2. Audit.
    println!("\n[2/5] pwharden audit: what a thief would take tonight\n");
    let census = runtime.block_on(audit::census(&db, &table, &policy, &salting))?;
    print!("{}", census.to_text("customers", &url));

    // 3. Harden.
    let t = Instant::now();
    println!(
        "\n[3/5] pwharden harden --jobs {} --verify-sample 200: wrap every legacy row in Argon2id, \
         salted rows with their salt, in place\n",
        opts.jobs
    );
    let hopts = harden::Options {
        jobs: opts.jobs,
        batch: 256,
        dry_run: false,
        verify_sample: 200,
        json: false,
        salting: salting.clone(),
    };
    let summary = runtime.block_on(harden::run(&db, &table, total, Arc::clone(&policy), &hopts))?;
    harden::print(&summary, &hopts);
    let harden_secs = t.elapsed().as_secs_f64();

    // 4. The dinner rush.
    let with_password: Vec<&Customer> = customers.iter().filter(|c| c.hash.is_some()).collect();
    let mut rng = Rng(0xd1_22e2);
    let attempts: Vec<(String, String, Attempt)> = (0..opts.logins)
        .map(|n| {
            let roll = rng.below(100);
            let c = with_password[rng.below(with_password.len())];
            if roll < 75 {
                (c.email.clone(), c.password.clone(), Attempt::Right)
            } else if roll < 90 {
                (c.email.clone(), format!("{}x", c.password), Attempt::Wrong)
            } else {
                (
                    format!("walk-in.{n}@example.net"),
                    "pizza123".to_owned(),
                    Attempt::Unknown,
                )
            }
        })
        .collect();
    println!(
        "\n[4/5] dinner rush: {} logins on {} threads (75% right password, 15% wrong, 10% \
         unknown customers), each replacement stored with a compare-and-set\n",
        attempts.len(),
        opts.jobs
    );
    let rush = Rush::default();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let handle = runtime.handle().clone();
    let t = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..opts.jobs.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut own = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((email, password, attempt)) = attempts.get(i) else {
                            break;
                        };
                        let t0 = Instant::now();
                        login(&handle, pool, &policy, email, password, *attempt, &rush);
                        own.push(t0.elapsed());
                    }
                    own
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let rush_secs = t.elapsed().as_secs_f64();
    latencies.sort();
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let right = attempts.iter().filter(|a| a.2 == Attempt::Right).count();
    let wrong = attempts.iter().filter(|a| a.2 == Attempt::Wrong).count();
    println!(
        "  right passwords accepted   {:>6} of {right}",
        get(&rush.right_accepted)
    );
    println!(
        "  wrong passwords refused    {:>6} of {wrong}",
        get(&rush.wrong_refused)
    );
    println!("  unknown customers refused  {:>6}", get(&rush.unknown));
    if get(&rush.busy) > 0 {
        println!(
            "  refused by the admission gate (503, retry later): {}",
            get(&rush.busy)
        );
    }
    println!(
        "  rows upgraded to plain Argon2id on login: {} ({} lost a race to a concurrent login of the same customer)",
        get(&rush.upgraded),
        get(&rush.upgrade_lost)
    );
    println!(
        "  login latency p50 {}, p99 {}; {:.0} logins/s",
        ms(percentile(&latencies, 50)),
        ms(percentile(&latencies, 99)),
        latencies.len() as f64 / rush_secs.max(1e-9)
    );
    let bad = get(&rush.right_refused) + get(&rush.wrong_accepted) + get(&rush.errors);
    if bad > 0 {
        println!(
            "  WRONG ANSWERS: {} right passwords refused, {} wrong ones accepted, {} errors",
            get(&rush.right_refused),
            get(&rush.wrong_accepted),
            get(&rush.errors)
        );
    }

    // 5. Audit again.
    println!("\n[5/5] pwharden audit, after\n");
    let census = runtime.block_on(audit::census(&db, &table, &policy, &salting))?;
    print!("{}", census.to_text("customers", &url));
    runtime.block_on(db.close());

    println!(
        "\ndemo finished in {:.1} s (harden {harden_secs:.1} s, dinner rush {rush_secs:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(if bad > 0 { 1 } else { summary.exit_code() })
}
