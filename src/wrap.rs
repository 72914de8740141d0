//! Wrapping legacy hashes in Argon2id at rest, without knowing any password.
//!
//! A wrapped string is
//!
//! ```text
//! $pwh-wrap$v=1$<scheme>$<settings>$<argon2id PHC string without its leading '$'>
//! ```
//!
//! * `<scheme>` is the legacy scheme's identify name (`md5-crypt`, `sha1-hex`, ...);
//! * `<settings>` is the legacy string's settings (salt, costs, variant: everything except
//!   the password-dependent checksum), in unpadded standard base64 of their text form; empty
//!   for bare digests;
//! * the Argon2id string is an ordinary PHC string (with `keyid=` when peppered) whose
//!   *password input* is the legacy checksum exactly as the old system wrote it (see each
//!   scheme's module: hex digests in lower case, crypt-style strings in their own alphabet).
//!
//! To verify: recompute the legacy checksum from the settings and the candidate password,
//! then verify that checksum against the Argon2id string. The legacy checksum itself is no
//! longer stored, so a stolen table offers an attacker Argon2id work per guess.

use base64ct::{Base64Unpadded, Encoding};

use crate::error::{Error, Result};
use crate::schemes::{self, Legacy};

/// The prefix of every wrapped string.
pub(crate) const PREFIX: &str = "$pwh-wrap$v=1$";

/// Whether `stored` is a wrapped string (by its prefix).
pub(crate) fn matches(stored: &str) -> bool {
    stored.starts_with("$pwh-wrap$")
}

/// A wrapped string's parts.
pub(crate) struct Parsed<'a> {
    pub scheme: &'static dyn Legacy,
    pub settings: String,
    /// The inner Argon2id PHC string, `$` included.
    pub inner: &'a str,
}

/// Splits a wrapped string; the inner Argon2 string is left to the Argon2 parser.
pub(crate) fn parse(stored: &str) -> Result<Parsed<'_>> {
    let rest = stored.strip_prefix(PREFIX).ok_or(Error::MalformedHash)?;
    let (name, rest) = rest.split_once('$').ok_or(Error::MalformedHash)?;
    let (settings_b64, rest) = rest.split_once('$').ok_or(Error::MalformedHash)?;
    let scheme = schemes::by_name(name).ok_or(Error::UnsupportedScheme)?;
    let settings = Base64Unpadded::decode_vec(settings_b64).map_err(|_| Error::MalformedHash)?;
    let settings = String::from_utf8(settings).map_err(|_| Error::MalformedHash)?;
    let inner = stored
        .get(stored.len() - rest.len() - 1..)
        .ok_or(Error::MalformedHash)?;
    if !inner.starts_with("$argon2id$") {
        return Err(Error::MalformedHash);
    }
    Ok(Parsed {
        scheme,
        settings,
        inner,
    })
}

/// Assembles a wrapped string.
pub(crate) fn encode(scheme: &dyn Legacy, settings: &str, inner: &str) -> String {
    let mut out = String::with_capacity(PREFIX.len() + 160);
    out.push_str(PREFIX);
    out.push_str(scheme.name());
    out.push('$');
    out.push_str(&Base64Unpadded::encode_string(settings.as_bytes()));
    out.push_str(inner);
    out
}
