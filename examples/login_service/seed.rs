//! Seeding a demo table whose passwords are known: legacy rows from the third-party vector
//! files in tests/vectors/ (with the passwords their peers hashed), current rows hashed now.
//!
//! Usernames: `legacy-<i>` (legacy rows), `user-<i>` (current rows); `nobody-<i>` never
//! exists. The returned logins say which password goes with which name, and what each login
//! is meant to exercise.

use std::path::Path;

use pwharden::Policy;
use pwharden::asynchronous::AsyncPolicy;

use crate::store::Store;

/// The vector files legacy rows come from.
pub const LEGACY_FILES: &[&str] = &["phpass", "bcrypt", "md5-crypt", "md5-hex"];

/// What a seeded login exercises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The right password for a legacy row: upgraded at the first login.
    Legacy,
    /// The right password for a current Argon2id row.
    Current,
    /// A wrong password for a current row.
    Wrong,
    /// An account that does not exist.
    Unknown,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Legacy => "legacy",
            Self::Current => "current",
            Self::Wrong => "wrong",
            Self::Unknown => "unknown",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Login {
    pub kind: Kind,
    pub username: String,
    pub password: String,
}

/// A legacy vector the service can be seeded with.
#[derive(Clone, Debug)]
pub struct LegacyRow {
    pub scheme: &'static str,
    pub password: String,
    pub stored: String,
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The vectors of [`LEGACY_FILES`] whose password is printable ASCII (so that any HTTP
/// client can send it as JSON) and whose legacy cost is at most what an old site commonly
/// ran (bcrypt cost ≤ 5 here, phpass ≤ 2^13): the vector files also hold a few deliberately
/// slow strings, which would measure the legacy scheme rather than the service. The files
/// take turns, so that the first rows already cover every file.
pub fn legacy_rows(policy: &Policy) -> std::io::Result<Vec<LegacyRow>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut rows = Vec::new();
    for (f, file) in LEGACY_FILES.iter().enumerate() {
        let mut n = 0;
        let text = std::fs::read_to_string(dir.join(format!("{file}.tsv")))?;
        for line in text
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let Some((hex, stored)) = line.split_once('\t') else {
                continue;
            };
            let Some(password) = decode_hex(hex)
                .filter(|p| !p.is_empty() && p.len() <= 72)
                .filter(|p| p.iter().all(|b| (0x20..0x7f).contains(b)))
                .and_then(|p| String::from_utf8(p).ok())
            else {
                continue;
            };
            let Ok(scheme) = policy.identify(stored) else {
                continue;
            };
            let cheap = match scheme {
                "bcrypt" => stored.get(4..6).and_then(|c| c.parse::<u32>().ok()) <= Some(5),
                "phpass" => stored
                    .as_bytes()
                    .get(3)
                    .and_then(|c| {
                        b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                            .iter()
                            .position(|x| x == c)
                    })
                    .is_some_and(|log2| log2 <= 13),
                _ => true,
            };
            if cheap && policy.needs_upgrade(stored).unwrap_or(false) {
                rows.push((
                    (n, f),
                    LegacyRow {
                        scheme,
                        password,
                        stored: stored.to_owned(),
                    },
                ));
                n += 1;
            }
        }
    }
    // Interleaved, so that any prefix has rows of every file.
    rows.sort_by_key(|(order, _)| *order);
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// Fills `store` with `legacy` legacy rows (the vectors, reused in turn) and `current`
/// Argon2id rows, and returns one login of each kind per row (`unknown` ones as many as
/// `current`).
pub async fn seed(
    store: &Store,
    policy: &AsyncPolicy,
    legacy: usize,
    current: usize,
) -> Result<Vec<Login>, Box<dyn std::error::Error + Send + Sync>> {
    let vectors = legacy_rows(policy.policy())?;
    if vectors.is_empty() {
        return Err("no usable legacy vectors".into());
    }
    let mut schemes: Vec<&str> = vectors.iter().map(|v| v.scheme).collect();
    schemes.sort_unstable();
    schemes.dedup();
    tracing::info!(
        event = "seed",
        legacy_vectors = vectors.len(),
        schemes = schemes.join(",")
    );
    let mut rows = Vec::with_capacity(legacy + current);
    let mut logins = Vec::with_capacity(legacy + 3 * current);
    for (i, v) in vectors.iter().cycle().take(legacy).enumerate() {
        let username = format!("legacy-{i}");
        rows.push((username.clone(), v.stored.clone()));
        logins.push(Login {
            kind: Kind::Legacy,
            username,
            password: v.password.clone(),
        });
    }
    // Current rows: hashed now, as many at once as the policy admits.
    let mut hashing = tokio::task::JoinSet::new();
    for i in 0..current {
        while hashing.len() >= policy.policy().workers().max(1) {
            let (i, hash) = hashing.join_next().await.ok_or("join")??;
            push_current(&mut rows, &mut logins, i, hash?);
        }
        let call = policy.hash(current_password(i));
        hashing.spawn(async move { (i, call.await) });
    }
    while let Some(done) = hashing.join_next().await {
        let (i, hash) = done?;
        push_current(&mut rows, &mut logins, i, hash?);
    }
    for i in 0..current {
        logins.push(Login {
            kind: Kind::Unknown,
            username: format!("nobody-{i}"),
            password: current_password(i),
        });
    }
    store.insert_many(&rows).await?;
    Ok(logins)
}

fn current_password(i: usize) -> String {
    format!("current password {i}")
}

fn push_current(rows: &mut Vec<(String, String)>, logins: &mut Vec<Login>, i: usize, hash: String) {
    let username = format!("user-{i}");
    rows.push((username.clone(), hash));
    logins.push(Login {
        kind: Kind::Current,
        username: username.clone(),
        password: current_password(i),
    });
    logins.push(Login {
        kind: Kind::Wrong,
        username,
        password: format!("{} but wrong", current_password(i)),
    });
}
