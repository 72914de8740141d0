//! The schemes pwharden recognises, and how a stored string is assigned to exactly one.
//!
//! Identification looks only at the string's shape (its prefix and, for bare digests, its
//! length); the policy then calls exactly one verifier. A string that matches no scheme is
//! [`Error::UnsupportedScheme`], never "wrong password".
//!
//! Every legacy scheme is described the same way (see [`Legacy`]): its stored string splits
//! into *settings* (everything needed to recompute it: salt, costs, variant) and a
//! *checksum* (the part that depends on the password, as the old system wrote it). Verifying
//! recomputes the checksum from the settings and the password and compares in constant time.
//! Wrapping ([`crate::wrap`]) keeps the settings and runs Argon2id over the checksum.

use std::borrow::Cow;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::policy::Limits;

pub(crate) mod argon2;
pub(crate) mod bcrypt;
pub(crate) mod crypt_b64;
pub(crate) mod digest;
pub(crate) mod ldap;
pub(crate) mod pbkdf2;
pub(crate) mod phpass;
pub(crate) mod plaintext;
pub(crate) mod salted;
pub(crate) mod scrypt;
pub(crate) mod unix_crypt;

#[cfg(test)]
pub(crate) mod testing;

/// A stored string split into what the old system needs to recompute it and what it
/// computed.
pub(crate) struct Split<'a> {
    /// Salt, costs and variant, in the scheme's own text form; [`Legacy::checksum`] reads it
    /// back. Never contains password-derived material.
    pub settings: Cow<'a, str>,
    /// The password-dependent part, canonical (for example lower-case hex), as bytes that
    /// [`Legacy::checksum`] reproduces exactly for the right password.
    pub checksum: Cow<'a, [u8]>,
}

impl<'a> Split<'a> {
    /// Both parts borrowed from the stored string, the checksum as its text's bytes.
    pub(crate) fn borrowed(settings: &'a str, checksum: &'a str) -> Self {
        Self {
            settings: Cow::Borrowed(settings),
            checksum: Cow::Borrowed(checksum.as_bytes()),
        }
    }
}

/// One legacy format (a "family" module implements one or more).
pub(crate) trait Legacy: Sync {
    /// The name `pwharden identify` prints, such as `"md5-crypt"`.
    fn name(&self) -> &'static str;

    /// Whether `stored` has this scheme's shape (its prefix or fixed layout). This decides
    /// identification, so it must not overlap another scheme's shape. Bare hex digests and
    /// plaintext answer `false`: the policy's [`Rules`] assign those.
    fn matches(&self, stored: &str) -> bool;

    /// Splits a stored string of this scheme, validating every field and checking every
    /// cost against `limits`.
    ///
    /// # Errors
    /// [`Error::MalformedHash`] or [`Error::ParamsOverLimit`].
    fn split<'a>(&self, stored: &'a str, limits: &Limits) -> Result<Split<'a>>;

    /// Recomputes the checksum for `password` under `settings` (as [`Legacy::split`] gave
    /// them, possibly read back from a wrapped string: validate again and check costs against
    /// `limits` before any work).
    ///
    /// # Errors
    /// [`Error::MalformedHash`] or [`Error::ParamsOverLimit`].
    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>>;
}

/// The identify name of plaintext passwords, accepted only when a policy names it.
pub(crate) const PLAINTEXT: &str = "plaintext";

/// Every legacy scheme, in identification order: schemes with a distinctive prefix first,
/// bare digests (recognised by length alone) last.
pub(crate) static LEGACY: &[&dyn Legacy] = &[
    &unix_crypt::MD5_CRYPT,
    &unix_crypt::SHA256_CRYPT,
    &unix_crypt::SHA512_CRYPT,
    &phpass::PHPASS,
    &phpass::DRUPAL7,
    &bcrypt::Bcrypt,
    &bcrypt::DjangoBcryptSha256,
    &pbkdf2::PASSLIB_SHA1,
    &pbkdf2::PASSLIB_SHA256,
    &pbkdf2::PASSLIB_SHA512,
    &pbkdf2::DJANGO_SHA256,
    &pbkdf2::DJANGO_SHA1,
    &scrypt::Scrypt,
    &digest::MYSQL41,
    &digest::DJANGO_SHA1,
    &digest::DJANGO_MD5,
    &ldap::LDAP_MD5,
    &ldap::LDAP_SMD5,
    &ldap::LDAP_SHA,
    &ldap::LDAP_SSHA,
    &salted::SALTED_MD5,
    &salted::SALTED_SHA1,
    &salted::SALTED_SHA256,
    &digest::MD5_HEX,
    &digest::SHA1_HEX,
    &digest::SHA256_HEX,
    &digest::SHA512_HEX,
    &plaintext::PLAINTEXT_SCHEME,
];

/// Which verifier handles a stored string.
pub(crate) enum Kind {
    /// An Argon2 PHC string.
    Argon2,
    /// A legacy string wrapped in Argon2id by pwharden.
    Wrapped,
    /// A legacy format.
    Legacy(&'static dyn Legacy),
}

/// The policy's say in identification: what bare hex digests mean, and whether a string of
/// no known shape is a plaintext password.
pub(crate) struct Rules {
    /// Length in hex digits, and the scheme a bare hex string of that length belongs to.
    pub hex: Vec<(usize, &'static dyn Legacy)>,
    /// The plaintext scheme, when the policy accepts plaintext passwords.
    pub plaintext: Option<&'static dyn Legacy>,
}

/// The names and meanings of bare hex digests, by length, unless the policy says otherwise.
pub(crate) const DEFAULT_HEX: [(usize, &str); 4] = [
    (32, "md5-hex"),
    (40, "sha1-hex"),
    (64, "sha256-hex"),
    (128, "sha512-hex"),
];

/// Assigns `stored` to a scheme by its shape.
pub(crate) fn identify(stored: &str, rules: &Rules) -> Result<Kind> {
    if argon2::matches(stored) {
        return Ok(Kind::Argon2);
    }
    if crate::wrap::matches(stored) {
        return Ok(Kind::Wrapped);
    }
    if let Some(scheme) = LEGACY.iter().find(|s| s.matches(stored)) {
        return Ok(Kind::Legacy(*scheme));
    }
    if !stored.is_empty()
        && stored.bytes().all(|b| b.is_ascii_hexdigit())
        && let Some((_, scheme)) = rules.hex.iter().find(|(len, _)| *len == stored.len())
    {
        return Ok(Kind::Legacy(*scheme));
    }
    rules
        .plaintext
        .map(Kind::Legacy)
        .ok_or(Error::UnsupportedScheme)
}

/// The legacy scheme called `name`.
pub(crate) fn by_name(name: &str) -> Option<&'static dyn Legacy> {
    LEGACY.iter().find(|s| s.name() == name).copied()
}

/// Constant-time equality of a recomputed checksum and a stored one.
pub(crate) fn checksum_eq(computed: &[u8], stored: &[u8]) -> bool {
    bool::from(computed.ct_eq(stored))
}

/// Lower-case hex of `bytes`, in memory that is zeroed on drop.
pub(crate) fn hex_lower(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len() * 2));
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0x0f)]);
    }
    out
}

/// Parses a decimal without sign or leading zeros that fits a `u32`.
pub(crate) fn decimal(text: &str) -> Result<u32> {
    let canonical = !text.is_empty()
        && text.len() <= 10
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(Error::MalformedHash);
    }
    text.parse().map_err(|_| Error::MalformedHash)
}
