//! What one row of a password table is, and what `harden` does with it. `audit` and
//! `harden` both judge rows here, so the census and the run always agree.
//!
//! The strength classes, from the scheme names that [`Policy::identify`] gives
//! ([`class_of`] is the one mapping):
//!
//! | class | schemes |
//! | --- | --- |
//! | `plaintext` | `plaintext` (only where the policy allows it; otherwise such rows are unrecognised) |
//! | `unsalted-fast` | `md5-hex`, `sha1-hex`, `sha256-hex`, `sha512-hex`, `ldap-md5`, `ldap-sha`, `mysql41` |
//! | `salted-fast` | `ldap-smd5`, `ldap-ssha`, `django-md5`, `django-sha1`, `salted-*`, and bare hex digests with a non-empty salt column |
//! | `slow-legacy` | `bcrypt`, `django-bcrypt-sha256`, `scrypt`, `pbkdf2-*`, `django-pbkdf2-*`, `md5-crypt`, `sha256-crypt`, `sha512-crypt`, `phpass`, `drupal7` |
//! | `wrapped` | `wrapped` (legacy hashes wrapped in Argon2id by pwharden) |
//! | `current` | `argon2id` at or above the policy's target, under the current pepper key |
//! | `below-target-argon2` | `argon2i`, `argon2d`, and `argon2id` below the target or under an old pepper key |
//! | `unrecognised` | no scheme the policy accepts |
//!
//! and, so that the classes add up to the table, `empty` (NULL or empty string: no
//! password set) and `unreadable` (a value that is not text, or not UTF-8).
//!
//! A scheme name this table does not list (one added to the library later) counts as
//! `slow-legacy` if it ends in `-crypt`, and otherwise as `unsalted-fast`, the more
//! alarming guess.

use pwharden::{Error, Policy, salted_import};

use crate::db::{Cell, Row};

/// A strength class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Plaintext,
    UnsaltedFast,
    SaltedFast,
    SlowLegacy,
    Wrapped,
    Current,
    BelowTargetArgon2,
    Unrecognised,
    Empty,
    Unreadable,
}

impl Class {
    /// Every class, weakest first, in report order.
    pub const ALL: [Class; 10] = [
        Class::Plaintext,
        Class::UnsaltedFast,
        Class::SaltedFast,
        Class::SlowLegacy,
        Class::Wrapped,
        Class::Current,
        Class::BelowTargetArgon2,
        Class::Unrecognised,
        Class::Empty,
        Class::Unreadable,
    ];

    /// The key used in JSON output.
    pub fn key(self) -> &'static str {
        match self {
            Class::Plaintext => "plaintext",
            Class::UnsaltedFast => "unsalted-fast",
            Class::SaltedFast => "salted-fast",
            Class::SlowLegacy => "slow-legacy",
            Class::Wrapped => "wrapped",
            Class::Current => "current",
            Class::BelowTargetArgon2 => "below-target-argon2",
            Class::Unrecognised => "unrecognised",
            Class::Empty => "empty",
            Class::Unreadable => "unreadable",
        }
    }

    /// The label of the human report.
    pub fn label(self) -> &'static str {
        match self {
            Class::Plaintext => "plaintext",
            Class::UnsaltedFast => "unsalted fast digest",
            Class::SaltedFast => "salted fast digest",
            Class::SlowLegacy => "slow legacy hash",
            Class::Wrapped => "wrapped in Argon2id",
            Class::Current => "current target (Argon2id)",
            Class::BelowTargetArgon2 => "below-target Argon2",
            Class::Unrecognised => "unrecognised",
            Class::Empty => "no password (NULL or empty)",
            Class::Unreadable => "could not be read",
        }
    }
}

/// The strength class of a legacy scheme name (not `argon2*`, `wrapped`: see [`assess`]).
pub fn class_of(scheme: &str) -> Class {
    match scheme {
        "plaintext" => Class::Plaintext,
        "md5-hex" | "sha1-hex" | "sha256-hex" | "sha512-hex" | "ldap-md5" | "ldap-sha"
        | "mysql41" => Class::UnsaltedFast,
        "ldap-smd5" | "ldap-ssha" | "django-md5" | "django-sha1" => Class::SaltedFast,
        s if s.starts_with("salted-") => Class::SaltedFast,
        "bcrypt"
        | "django-bcrypt-sha256"
        | "scrypt"
        | "md5-crypt"
        | "sha256-crypt"
        | "sha512-crypt"
        | "phpass"
        | "drupal7" => Class::SlowLegacy,
        s if s.starts_with("pbkdf2-") || s.starts_with("django-pbkdf2-") => Class::SlowLegacy,
        s if s.ends_with("-crypt") => Class::SlowLegacy,
        _ => Class::UnsaltedFast,
    }
}

/// Whether `scheme` is a bare hex digest (the shape a salt column turns into a salted one).
fn is_bare_hex(scheme: &str) -> bool {
    matches!(scheme, "md5-hex" | "sha1-hex" | "sha256-hex" | "sha512-hex")
}

/// How the salt column is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SaltEncoding {
    /// The column's text, as its UTF-8 bytes.
    #[default]
    Text,
    /// Hex digits, decoded to bytes.
    Hex,
    /// Standard base64 (padded), decoded to bytes.
    Base64,
}

/// The salt column's meaning: how the site combined salt and password, and how the salt
/// bytes are written in the column.
#[derive(Clone, Debug, Default)]
pub struct Salting {
    pub construction: Option<String>,
    pub encoding: SaltEncoding,
}

impl Salting {
    fn bytes(&self, salt: &str) -> Result<Vec<u8>, String> {
        use base64ct::{Base64, Encoding};
        match self.encoding {
            SaltEncoding::Text => Ok(salt.as_bytes().to_vec()),
            SaltEncoding::Hex => hex_decode(salt).ok_or_else(|| "salt is not hex".to_owned()),
            SaltEncoding::Base64 => {
                Base64::decode_vec(salt).map_err(|_| "salt is not base64".to_owned())
            }
        }
    }
}

/// What `harden` does with a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing to do: already wrapped or Argon2, or no password.
    Done,
    /// Argon2 below the target: only a login (with the password) can upgrade it.
    LoginUpgrade,
    /// Wrap this stored string (a legacy hash, a salted import string, or a plaintext
    /// password, which the library hashes instead).
    Wrap(String),
    /// Left untouched and reported: the reason.
    Unrecognised(String),
    /// Left untouched and reported: the value is not readable text.
    Unreadable(String),
    /// A known scheme that cannot be wrapped (malformed, over the limits, ...): a failure.
    Fail(String),
}

/// The judgement of one row.
#[derive(Clone, Debug)]
pub struct Assessed {
    /// The scheme as reported (identify name; `unrecognised`, `empty`, `unreadable`
    /// otherwise; `md5-hex+salt` for bare digests with a salt but no construction given).
    pub scheme: String,
    pub class: Class,
    pub action: Action,
    /// For unsalted fast digests: the digest algorithm and raw digest bytes, to find rows
    /// that share a password.
    pub shared_key: Option<(&'static str, Vec<u8>)>,
}

impl Assessed {
    fn new(scheme: impl Into<String>, class: Class, action: Action) -> Self {
        Self {
            scheme: scheme.into(),
            class,
            action,
            shared_key: None,
        }
    }
}

/// Judges one row under `policy`; `salting` says what the salt column (if any) means.
pub fn assess(policy: &Policy, row: &Row, salting: &Salting) -> Assessed {
    let hash = match &row.hash {
        Cell::Null => return Assessed::new("empty", Class::Empty, Action::Done),
        Cell::Text(s) if s.is_empty() => {
            return Assessed::new("empty", Class::Empty, Action::Done);
        }
        Cell::Unreadable(why) => {
            return Assessed::new(
                "unreadable",
                Class::Unreadable,
                Action::Unreadable(format!("hash column: {why}")),
            );
        }
        Cell::Text(s) => s.as_str(),
    };
    let salt = match &row.salt {
        Some(Cell::Text(s)) if !s.is_empty() => Some(s.as_str()),
        Some(Cell::Unreadable(why)) => {
            return Assessed::new(
                "unreadable",
                Class::Unreadable,
                Action::Unreadable(format!("salt column: {why}")),
            );
        }
        _ => None,
    };
    let identified = policy.identify(hash);
    // A salt in the salt column turns a bare digest (or what would be plaintext, such as a
    // base64 digest) into a salted one.
    if let Some(salt) = salt {
        let bare = match identified {
            Ok(name) => is_bare_hex(name) || name == "plaintext",
            Err(_) => true,
        };
        if bare {
            return match salting.construction.as_deref() {
                Some(c) => match salting
                    .bytes(salt)
                    .and_then(|bytes| salted_import(c, &bytes, hash).map_err(|e| e.to_string()))
                {
                    Ok(import) => {
                        let scheme = policy.identify(&import).unwrap_or("salted");
                        match policy.needs_upgrade(&import) {
                            Ok(_) => Assessed::new(scheme, Class::SaltedFast, Action::Wrap(import)),
                            Err(e) => Assessed::new(
                                scheme,
                                Class::SaltedFast,
                                Action::Fail(format!("{scheme}: {e}")),
                            ),
                        }
                    }
                    Err(e) => Assessed::new(
                        "unrecognised",
                        Class::Unrecognised,
                        Action::Unrecognised(format!("salt set, but not a {c} digest: {e}")),
                    ),
                },
                None => match identified {
                    Ok(name) if is_bare_hex(name) => Assessed::new(
                        format!("{name}+salt"),
                        Class::SaltedFast,
                        Action::Fail("salted digest: give --salt-construction".to_owned()),
                    ),
                    _ => Assessed::new(
                        "unrecognised",
                        Class::Unrecognised,
                        Action::Unrecognised(
                            "salt set, unknown digest (give --salt-construction)".to_owned(),
                        ),
                    ),
                },
            };
        }
    }
    let name = match identified {
        Ok(name) => name,
        Err(e) => {
            return Assessed::new(
                "unrecognised",
                Class::Unrecognised,
                Action::Unrecognised(e.to_string()),
            );
        }
    };
    match name {
        "wrapped" => Assessed::new(name, Class::Wrapped, Action::Done),
        "argon2id" | "argon2i" | "argon2d" => match policy.needs_upgrade(hash) {
            Ok(false) => Assessed::new(name, Class::Current, Action::Done),
            Ok(true) => Assessed::new(name, Class::BelowTargetArgon2, Action::LoginUpgrade),
            Err(e) => Assessed::new(name, Class::BelowTargetArgon2, fail(name, e)),
        },
        _ => {
            let class = class_of(name);
            let action = match policy.needs_upgrade(hash) {
                Ok(_) => Action::Wrap(hash.to_owned()),
                Err(e) => fail(name, e),
            };
            let mut assessed = Assessed::new(name, class, action);
            if class == Class::UnsaltedFast {
                assessed.shared_key = Some(shared_key(name, hash));
            }
            assessed
        }
    }
}

fn fail(scheme: &str, e: Error) -> Action {
    Action::Fail(format!("{scheme}: {e}"))
}

/// The digest algorithm and raw digest of an unsalted fast digest, so that the same
/// password under `md5-hex` and `ldap-md5` (say) counts as one shared hash.
fn shared_key(scheme: &str, stored: &str) -> (&'static str, Vec<u8>) {
    use base64ct::{Base64, Encoding};
    let decoded = match scheme {
        "md5-hex" | "sha1-hex" | "sha256-hex" | "sha512-hex" => hex_decode(stored),
        "ldap-md5" => stored
            .strip_prefix("{MD5}")
            .and_then(|b| Base64::decode_vec(b).ok()),
        "ldap-sha" => stored
            .strip_prefix("{SHA}")
            .and_then(|b| Base64::decode_vec(b).ok()),
        "mysql41" => stored.strip_prefix('*').and_then(hex_decode),
        _ => None,
    };
    let family = match scheme {
        "md5-hex" | "ldap-md5" => "md5",
        "sha1-hex" | "ldap-sha" => "sha1",
        "sha256-hex" => "sha256",
        "sha512-hex" => "sha512",
        "mysql41" => "mysql41",
        _ => "other",
    };
    match decoded {
        Some(bytes) => (family, bytes),
        None => ("other", stored.as_bytes().to_vec()),
    }
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}
