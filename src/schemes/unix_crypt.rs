//! The `crypt(3)` formats of Unix shadow files: md5-crypt (`$1$`) and Drepper's SHA-crypt
//! (`$5$`, `$6$`), verified as libxcrypt (the `crypt(3)` of current Linux distributions, which
//! replaced glibc's) computes them.
//!
//! Grammar accepted, strictly:
//!
//! ```text
//! $1$SALT$CHECKSUM                    SALT 0..=8 chars, CHECKSUM 22 chars
//! $5$[rounds=N$]SALT$CHECKSUM         SALT 0..=16 chars, CHECKSUM 43 chars
//! $6$[rounds=N$]SALT$CHECKSUM         SALT 0..=16 chars, CHECKSUM 86 chars
//! ```
//!
//! * SALT and CHECKSUM use the crypt alphabet `./0-9A-Za-z` (see [`crypt_b64`]). libxcrypt
//!   takes any salt byte but `$`, `:` and newline; pwharden accepts the alphabet every
//!   implementation writes, as passlib does. A longer salt is cut by libxcrypt, which then
//!   writes the shorter one back, so a stored string with one never verifies: malformed here.
//! * `rounds=N`: a decimal without leading zeros, 1000..=999999999 (libxcrypt refuses
//!   anything else; glibc clamps the value but writes the clamped value, so no string it
//!   writes holds one outside that range either). Absent, the count is 5000. The explicit
//!   `rounds=5000` and the absent form give the same checksum but are different strings; the
//!   settings keep the one that was written. The count is checked against
//!   [`Limits::sha_crypt_max_rounds`] before any work. md5-crypt always runs 1000 rounds.
//!
//! Settings are the stored string up to and including the `$` before the checksum
//! (`$1$SALT$`, `$5$rounds=N$SALT$`, `$6$SALT$`, ...); the checksum is the crypt-alphabet
//! text after it, exactly as written.
//!
//! `crypt(3)` takes a C string, so no stored string is the hash of a password holding a NUL
//! byte: such a password never matches (a C caller would cut it at the NUL and accept every
//! password sharing the prefix; passlib refuses it).

use md5::{Digest, Md5};
use sha_crypt::Params;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::policy::Limits;
use crate::schemes::crypt_b64::{self, all_crypt_chars};
use crate::schemes::{Legacy, Split, decimal};

/// The md5-crypt prefix.
const MD5_PREFIX: &str = "$1$";
/// Longest md5-crypt salt.
const MD5_SALT_MAX: usize = 8;
/// md5-crypt's fixed round count.
const MD5_ROUNDS: u32 = 1000;
/// The order in which md5-crypt's `b64_from_24bit` calls take the digest's bytes (groups
/// `(12, 6, 0)`, `(13, 7, 1)`, `(14, 8, 2)`, `(15, 9, 3)`, `(5, 10, 4)`, `(11)`, low byte
/// first).
const MD5_ORDER: [usize; 16] = [12, 6, 0, 13, 7, 1, 14, 8, 2, 15, 9, 3, 5, 10, 4, 11];

/// Longest SHA-crypt salt.
const SHA_SALT_MAX: usize = 16;
/// SHA-crypt's count when `rounds=` is absent.
const SHA_DEFAULT_ROUNDS: u32 = 5000;
/// Smallest `rounds=` libxcrypt accepts.
const SHA_MIN_ROUNDS: u32 = 1000;
/// Largest `rounds=` libxcrypt accepts.
const SHA_MAX_ROUNDS: u32 = 999_999_999;

/// Byte order of SHA-256-crypt's `b64_from_24bit` calls (Drepper's specification), low
/// byte of each group first. sha-crypt 0.6 has the same table but keeps it private.
const SHA256_ORDER: [usize; 32] = [
    20, 10, 0, 11, 1, 21, 2, 22, 12, 23, 13, 3, 14, 4, 24, 5, 25, 15, 26, 16, 6, 17, 7, 27, 8, 28,
    18, 29, 19, 9, 30, 31,
];

/// Byte order of SHA-512-crypt's `b64_from_24bit` calls (Drepper's specification), low
/// byte of each group first.
const SHA512_ORDER: [usize; 64] = [
    42, 21, 0, 1, 43, 22, 23, 2, 44, 45, 24, 3, 4, 46, 25, 26, 5, 47, 48, 27, 6, 7, 49, 28, 29, 8,
    50, 51, 30, 9, 10, 52, 31, 32, 11, 53, 54, 33, 12, 13, 55, 34, 35, 14, 56, 57, 36, 15, 16, 58,
    37, 38, 17, 59, 60, 39, 18, 19, 61, 40, 41, 20, 62, 63,
];

/// md5-crypt (`$1$`), Poul-Henning Kamp's FreeBSD 2.0 scheme as glibc/libxcrypt, OpenSSL
/// `passwd -1`, PHP `crypt()` and Cisco write it.
///
/// Construction (libxcrypt `crypt-md5.c`): `A = MD5(pw . salt . pw)`;
/// `B = MD5(pw . "$1$" . salt . A repeated to len(pw) bytes . for each bit of len(pw) from
/// the lowest: (bit ? 0x00 : pw[0]))`; then 1000 rounds `i`, each
/// `B = MD5((i odd ? pw : B) . (i % 3 ? salt : "") . (i % 7 ? pw : "") . (i odd ? B : pw))`;
/// the checksum is `B`, permuted and written in the crypt base64 (22 characters).
///
/// No maintained crate on the RustCrypto generation pwharden uses provides md5-crypt
/// (`pwhash` and `md5crypt` sit on md-5 0.9 / `md5` 0.8, without zeroization), so the rounds
/// above are written here over md-5 0.11.
pub(crate) struct Md5Crypt;

/// SHA-256-crypt (`$5$`) or SHA-512-crypt (`$6$`): Ulrich Drepper's 2007 scheme, the default
/// of glibc-era Linux distributions (`/etc/shadow`), also written by PHP `crypt()`, Python
/// `crypt`, passlib and OpenSSL `passwd -5/-6`.
///
/// The rounds are sha-crypt 0.6's `sha256_crypt`/`sha512_crypt` (Drepper's specification,
/// steps 1 to 21); the permutation and encoding of step 22 are done here, as the crate keeps
/// them private.
pub(crate) struct ShaCrypt {
    /// Identify name.
    name: &'static str,
    /// `$5$` or `$6$`.
    prefix: &'static str,
    /// SHA-512 rather than SHA-256.
    sha512: bool,
}

/// The md5-crypt scheme.
pub(crate) const MD5_CRYPT: Md5Crypt = Md5Crypt;

/// The SHA-256-crypt scheme.
pub(crate) const SHA256_CRYPT: ShaCrypt = ShaCrypt {
    name: "sha256-crypt",
    prefix: "$5$",
    sha512: false,
};

/// The SHA-512-crypt scheme.
pub(crate) const SHA512_CRYPT: ShaCrypt = ShaCrypt {
    name: "sha512-crypt",
    prefix: "$6$",
    sha512: true,
};

/// Checks a salt: at most `max` characters of the crypt alphabet (possibly none).
fn check_salt(salt: &str, max: usize) -> Result<()> {
    if salt.len() <= max && all_crypt_chars(salt) {
        Ok(())
    } else {
        Err(Error::MalformedHash)
    }
}

/// The settings part of `stored` (everything before `rest`, which is a suffix of it).
fn settings_of<'a>(stored: &'a str, rest: &str) -> Result<&'a str> {
    stored
        .len()
        .checked_sub(rest.len())
        .and_then(|end| stored.get(..end))
        .ok_or(Error::Internal)
}

/// Parses `$1$SALT$` and returns the salt and whatever follows the second `$`.
fn parse_md5(text: &str) -> Result<(&str, &str)> {
    let body = text.strip_prefix(MD5_PREFIX).ok_or(Error::MalformedHash)?;
    let (salt, rest) = body.split_once('$').ok_or(Error::MalformedHash)?;
    check_salt(salt, MD5_SALT_MAX)?;
    Ok((salt, rest))
}

/// md5-crypt of `password` under `salt`, as crypt-alphabet text.
fn md5_crypt(password: &[u8], salt: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let mut hasher = Md5::new();
    let mut alt = Zeroizing::new([0u8; 16]);
    hasher.update(password);
    hasher.update(salt);
    hasher.update(password);
    hasher.finalize_into_reset((&mut *alt).into());

    hasher.update(password);
    hasher.update(MD5_PREFIX.as_bytes());
    hasher.update(salt);
    let mut left = password.len();
    while left > alt.len() {
        hasher.update(alt.as_slice());
        left -= alt.len();
    }
    hasher.update(alt.get(..left).ok_or(Error::Internal)?);
    // The original's quirk: per bit of the length, a NUL byte for a 1, the password's
    // first byte for a 0.
    let first = password.get(..1).unwrap_or_default();
    let mut bits = password.len();
    while bits > 0 {
        hasher.update(if bits & 1 != 0 { &[0u8][..] } else { first });
        bits >>= 1;
    }
    let mut digest = Zeroizing::new([0u8; 16]);
    hasher.finalize_into_reset((&mut *digest).into());

    for round in 0..MD5_ROUNDS {
        let odd = round & 1 != 0;
        hasher.update(if odd { password } else { digest.as_slice() });
        if round % 3 != 0 {
            hasher.update(salt);
        }
        if round % 7 != 0 {
            hasher.update(password);
        }
        hasher.update(if odd { digest.as_slice() } else { password });
        hasher.finalize_into_reset((&mut *digest).into());
    }
    crypt_b64::encode_permuted(digest.as_slice(), &MD5_ORDER)
}

impl Legacy for Md5Crypt {
    fn name(&self) -> &'static str {
        "md5-crypt"
    }

    fn matches(&self, stored: &str) -> bool {
        stored.starts_with(MD5_PREFIX)
    }

    fn split<'a>(&self, stored: &'a str, _limits: &Limits) -> Result<Split<'a>> {
        let (_, checksum) = parse_md5(stored)?;
        crypt_b64::check_canonical(checksum, 16)?;
        Ok(Split::borrowed(settings_of(stored, checksum)?, checksum))
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        _limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let (salt, rest) = parse_md5(settings)?;
        if !rest.is_empty() {
            return Err(Error::MalformedHash);
        }
        if password.contains(&0) {
            return Ok(Zeroizing::new(Vec::new()));
        }
        md5_crypt(password, salt.as_bytes())
    }
}

/// A parsed SHA-crypt string: round count, salt, and whatever follows the salt's `$`.
struct ShaParsed<'a> {
    /// `rounds=N`, or 5000 when absent; within 1000..=999999999 and the limit.
    rounds: u32,
    /// The salt, 0..=16 alphabet characters.
    salt: &'a str,
    /// What follows the salt's closing `$`: the checksum, or nothing in settings.
    rest: &'a str,
}

impl ShaCrypt {
    /// Checksum length in bytes.
    fn digest_len(&self) -> usize {
        if self.sha512 { 64 } else { 32 }
    }

    /// Parses `$5$[rounds=N$]SALT$` (or `$6$...`) and checks the count against `limits`.
    fn parse<'a>(&self, text: &'a str, limits: &Limits) -> Result<ShaParsed<'a>> {
        let body = text.strip_prefix(self.prefix).ok_or(Error::MalformedHash)?;
        let (first, after) = body.split_once('$').ok_or(Error::MalformedHash)?;
        let (rounds, salt, rest) = match first.strip_prefix("rounds=") {
            Some(number) => {
                let rounds = decimal(number)?;
                if !(SHA_MIN_ROUNDS..=SHA_MAX_ROUNDS).contains(&rounds) {
                    return Err(Error::MalformedHash);
                }
                let (salt, rest) = after.split_once('$').ok_or(Error::MalformedHash)?;
                (rounds, salt, rest)
            }
            None => (SHA_DEFAULT_ROUNDS, first, after),
        };
        check_salt(salt, SHA_SALT_MAX)?;
        if rounds > limits.sha_crypt_max_rounds {
            return Err(Error::ParamsOverLimit { name: "rounds" });
        }
        Ok(ShaParsed { rounds, salt, rest })
    }
}

impl Legacy for ShaCrypt {
    fn name(&self) -> &'static str {
        self.name
    }

    fn matches(&self, stored: &str) -> bool {
        stored.starts_with(self.prefix)
    }

    fn split<'a>(&self, stored: &'a str, limits: &Limits) -> Result<Split<'a>> {
        let parsed = self.parse(stored, limits)?;
        crypt_b64::check_canonical(parsed.rest, self.digest_len())?;
        Ok(Split::borrowed(
            settings_of(stored, parsed.rest)?,
            parsed.rest,
        ))
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let parsed = self.parse(settings, limits)?;
        if !parsed.rest.is_empty() {
            return Err(Error::MalformedHash);
        }
        if password.contains(&0) {
            return Ok(Zeroizing::new(Vec::new()));
        }
        let params = Params::new(parsed.rounds).map_err(|_| Error::MalformedHash)?;
        let salt = parsed.salt.as_bytes();
        // sha-crypt leaves its own intermediate digests on the stack; the results are
        // zeroed here.
        if self.sha512 {
            let digest = Zeroizing::new(sha_crypt::sha512_crypt(password, salt, params));
            crypt_b64::encode_permuted(digest.as_slice(), &SHA512_ORDER)
        } else {
            let digest = Zeroizing::new(sha_crypt::sha256_crypt(password, salt, params));
            crypt_b64::encode_permuted(digest.as_slice(), &SHA256_ORDER)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schemes::checksum_eq;
    use crate::schemes::crypt_b64::test_vectors::{Vector, vectors};

    fn limits() -> Limits {
        Limits::default()
    }

    fn check_vectors(scheme: &dyn Legacy, file: &str) -> usize {
        let l = limits();
        let all: Vec<Vector> = vectors(file);
        for v in &all {
            assert!(scheme.matches(&v.stored), "{}", v.stored);
            let split = scheme.split(&v.stored, &l).unwrap();
            assert!(v.stored.starts_with(split.settings.as_ref()));
            assert_eq!(
                format!(
                    "{}{}",
                    split.settings,
                    std::str::from_utf8(&split.checksum).unwrap()
                ),
                v.stored
            );
            let good = scheme.checksum(&split.settings, &v.password, &l).unwrap();
            assert!(checksum_eq(&good, &split.checksum), "{}", v.stored);
            let mut wrong = v.password.clone();
            wrong.push(b'!');
            let bad = scheme.checksum(&split.settings, &wrong, &l).unwrap();
            assert!(!checksum_eq(&bad, &split.checksum), "{}", v.stored);
            let bad = scheme
                .checksum(&split.settings, &v.password[1..], &l)
                .unwrap();
            assert!(!checksum_eq(&bad, &split.checksum), "{}", v.stored);
        }
        all.len()
    }

    #[test]
    fn md5_crypt_vectors() {
        assert_eq!(
            check_vectors(
                &MD5_CRYPT,
                include_str!("../../tests/vectors/md5-crypt.tsv")
            ),
            11
        );
    }

    #[test]
    fn sha256_crypt_vectors() {
        assert_eq!(
            check_vectors(
                &SHA256_CRYPT,
                include_str!("../../tests/vectors/sha256-crypt.tsv")
            ),
            19
        );
    }

    #[test]
    fn sha512_crypt_vectors() {
        assert_eq!(
            check_vectors(
                &SHA512_CRYPT,
                include_str!("../../tests/vectors/sha512-crypt.tsv")
            ),
            19
        );
    }

    /// The setting and checksum are split where the old system splits them, and an explicit
    /// `rounds=5000` stays in the settings.
    #[test]
    fn settings_as_written() {
        let l = limits();
        let s = SHA256_CRYPT
            .split(
                "$5$rounds=5000$b7G7BA6tQseILdVX$S1XmVHZSRZdvPvhLb1NnnlRdiiF9c5xAfBR5YS6Sn9D",
                &l,
            )
            .unwrap();
        assert_eq!(s.settings, "$5$rounds=5000$b7G7BA6tQseILdVX$");
        assert_eq!(
            s.checksum.as_ref(),
            b"S1XmVHZSRZdvPvhLb1NnnlRdiiF9c5xAfBR5YS6Sn9D"
        );
        // The count is not hashed: the implicit form with the same salt has the checksum
        // libxcrypt wrote for the explicit one, under different settings.
        let implicit = SHA256_CRYPT
            .split(
                "$5$b7G7BA6tQseILdVX$S1XmVHZSRZdvPvhLb1NnnlRdiiF9c5xAfBR5YS6Sn9D",
                &l,
            )
            .unwrap();
        assert_eq!(implicit.settings, "$5$b7G7BA6tQseILdVX$");
        let sum = SHA256_CRYPT
            .checksum(&implicit.settings, b"password", &l)
            .unwrap();
        assert!(checksum_eq(&sum, &s.checksum));
        let s = SHA512_CRYPT
            .split("$6$ab$WfYjcVtm04.lEYV07CdYGA5G9xet7/eU/m3ApNyi7sD.pE7qFDG1ek7dRQpI2KCf9ESl1WoIH04x.DMDvmIed1", &l)
            .unwrap();
        assert_eq!(s.settings, "$6$ab$");
        let s = MD5_CRYPT
            .split("$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", &l)
            .unwrap();
        assert_eq!(s.settings, "$1$saltsalt$");
        assert_eq!(s.checksum.as_ref(), b"qjXMvbEw8oaL.CzflDtaK/");
    }

    /// Empty salts are legal (libxcrypt and passlib accept them).
    #[test]
    fn empty_salt_parses() {
        let l = limits();
        assert!(MD5_CRYPT.split("$1$$qjXMvbEw8oaL.CzflDtaK/", &l).is_ok());
        assert!(
            SHA256_CRYPT
                .split("$5$$S1XmVHZSRZdvPvhLb1NnnlRdiiF9c5xAfBR5YS6Sn9D", &l)
                .is_ok()
        );
        assert!(
            SHA256_CRYPT
                .split(
                    "$5$rounds=1000$$S1XmVHZSRZdvPvhLb1NnnlRdiiF9c5xAfBR5YS6Sn9D",
                    &l
                )
                .is_ok()
        );
    }

    #[test]
    fn nul_in_password_never_matches() {
        let l = limits();
        let out = MD5_CRYPT.checksum("$1$ab$", b"pass\0word", &l).unwrap();
        assert!(out.is_empty());
        let out = SHA512_CRYPT.checksum("$6$ab$", b"\0", &l).unwrap();
        assert!(out.is_empty());
    }

    fn all_truncations_fail(scheme: &dyn Legacy, stored: &str) {
        let l = limits();
        assert!(scheme.split(stored, &l).is_ok());
        for end in 0..stored.len() {
            let cut = &stored[..end];
            assert!(scheme.split(cut, &l).is_err(), "{cut}");
        }
        // Any prefix ending before the checksum's '$' is not valid settings either.
        let split = scheme.split(stored, &l).unwrap();
        for end in 0..split.settings.len() {
            let cut = &stored[..end];
            assert!(scheme.checksum(cut, b"pw", &l).is_err(), "{cut}");
        }
    }

    #[test]
    fn truncations() {
        all_truncations_fail(&MD5_CRYPT, "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/");
        all_truncations_fail(
            &SHA256_CRYPT,
            "$5$rounds=10000$9V15g/DWWQWM/Jbf$eAnW1sTXsn0OAski.FCVSrMP.CH7Pxg/p4pzogEtNhB",
        );
        all_truncations_fail(
            &SHA512_CRYPT,
            "$6$rounds=10000$R4Yw5JJeGPEL/KVt$m9qXBsFarNmJbVt6eKlWICwwdQ3Z4iMurAS0mnqrboATuOcg7VWxqOuyjjrnhCy74/rxJX.42LeyrflTeqwme1",
        );
        all_truncations_fail(
            &SHA512_CRYPT,
            "$6$JcSr/dBIkLQPuY4I$4ySu1yknz6DiHIxhF.XerIdjiCyXdSEIIkJx.XIX6P.Zo47cFlLLDUDAgOBqoSrO.JhrDNqinEkmBeWfu.Md.1",
        );
    }

    const SUM256: &str = "eAnW1sTXsn0OAski.FCVSrMP.CH7Pxg/p4pzogEtNhB";

    fn sha256(settings: &str) -> String {
        format!("{settings}{SUM256}")
    }

    #[test]
    fn rounds_hostile() {
        let l = limits();
        let over = Err(Error::ParamsOverLimit { name: "rounds" });
        let bad: Result<()> = Err(Error::MalformedHash);
        for (settings, want) in [
            ("$5$rounds=999999999$9V15g/DWWQWM/Jbf$", over),
            ("$5$rounds=1000001$9V15g/DWWQWM/Jbf$", over),
            ("$5$rounds=1000000000$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=4294967295$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=4294967296$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=99999999999999999999$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=999$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=0$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=01000$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=+1000$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=-1000$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=1e4$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds= 1000$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds=1000$rounds=1000$9V15g/DWWQWM/Jbf$", bad),
            ("$5$Rounds=1000$9V15g/DWWQWM/Jbf$", bad),
            ("$5$rounds:1000$9V15g/DWWQWM/Jbf$", bad),
        ] {
            assert_eq!(
                SHA256_CRYPT.split(&sha256(settings), &l).map(|_| ()),
                want,
                "{settings}"
            );
            assert_eq!(
                SHA256_CRYPT.checksum(settings, b"pw", &l).map(|_| ()),
                want,
                "{settings}"
            );
        }
        // The implicit 5000 counts against the limit too.
        let tight = Limits {
            sha_crypt_max_rounds: 4999,
            ..Limits::default()
        };
        assert_eq!(
            SHA256_CRYPT
                .split(&sha256("$5$9V15g/DWWQWM/Jbf$"), &tight)
                .map(|_| ()),
            over
        );
        assert_eq!(
            SHA512_CRYPT
                .checksum("$6$9V15g/DWWQWM/Jbf$", b"pw", &tight)
                .map(|_| ()),
            over
        );
        // A limit above the format's maximum does not widen the format.
        let loose = Limits {
            sha_crypt_max_rounds: u32::MAX,
            ..Limits::default()
        };
        assert_eq!(
            SHA256_CRYPT
                .checksum("$5$rounds=1000000000$ab$", b"pw", &loose)
                .map(|_| ()),
            bad
        );
    }

    #[test]
    fn fields_hostile() {
        let l = limits();
        let salt17 = "$5$9V15g/DWWQWM/Jbfx$";
        for stored in [
            sha256(salt17),
            sha256("$5$rounds=10000$9V15g/DWWQWM/Jbfx$"),
            sha256("$5$9V15g/DWWQ:M/Jbf$"),
            sha256("$5$9V15g/DWWQ\nM/Jbf$"),
            sha256("$5$9V15g/DWWQ*M/Jbf$"),
            sha256("$5$9V15g/DWWQéM/Jb$"),
            sha256("$5$9V15g/DWWQ M/Jbf$"),
            sha256("$5$rounds=10000$9V15g/DWWQWM/Jbf$") + "$",
            sha256("$5$rounds=10000$9V15g/DWWQWM/Jbf$") + "$x",
            sha256("$5$rounds=10000$9V15g/DWWQWM/Jbf$") + "A",
            // The last character of a SHA-256-crypt checksum carries four bits only:
            // anything after 'D' sets stray bits.
            "$5$rounds=10000$9V15g/DWWQWM/Jbf$eAnW1sTXsn0OAski.FCVSrMP.CH7Pxg/p4pzogEtNhz"
                .to_owned(),
            "$5$rounds=10000$9V15g/DWWQWM/Jbf$eAnW1sTXsn0OAski.FCVSrMP.CH7Pxg/p4pzogEtN!B"
                .to_owned(),
            "$5$rounds=10000$9V15g/DWWQWM/Jbf$eAnW1sTXsn0OAski.FCVSrMP.CH7Pxg/p4pzogEtN=="
                .to_owned(),
            "$5$$".to_owned(),
            "$5$".to_owned(),
            "$5".to_owned(),
            format!("$6$9V15g/DWWQWM/Jbf${SUM256}"),
            format!(" $5$9V15g/DWWQWM/Jbf${SUM256}"),
        ] {
            assert!(SHA256_CRYPT.split(&stored, &l).is_err(), "{stored:?}");
        }
        for stored in [
            "$1$saltsalt1$qjXMvbEw8oaL.CzflDtaK/",
            "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/$",
            "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/x",
            "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK2",
            "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK",
            "$1$salt:alt$qjXMvbEw8oaL.CzflDtaK/",
            "$1$rounds=1000$saltsalt$qjXMvbEw8oaL.CzflDtaK/",
            "$1$saltsalt$qjXMvbEw8oaL.CzflD_aK/",
            "$1$",
            "$1$saltsalt",
        ] {
            assert!(MD5_CRYPT.split(stored, &l).is_err(), "{stored:?}");
        }
        // Settings from a wrapped string are re-validated, checksum included.
        for settings in [
            "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/",
            "$1$saltsalt",
            "$1$saltsalt1$",
            "$5$ab$x",
            "$5$ab",
            "$5$rounds=1000$ab",
            "$6$ab$$",
        ] {
            let scheme: &dyn Legacy = if settings.starts_with("$1$") {
                &MD5_CRYPT
            } else if settings.starts_with("$5$") {
                &SHA256_CRYPT
            } else {
                &SHA512_CRYPT
            };
            assert!(scheme.checksum(settings, b"pw", &l).is_err(), "{settings}");
        }
    }

    #[test]
    fn shapes_do_not_overlap() {
        let schemes: [&dyn Legacy; 3] = [&MD5_CRYPT, &SHA256_CRYPT, &SHA512_CRYPT];
        for (stored, owner) in [
            ("$1$ab$x", 0),
            ("$5$ab$x", 1),
            ("$6$ab$x", 2),
            ("$2b$05$x", 9),
            ("$apr1$ab$x", 9),
            ("$md5$ab$x", 9),
            ("$P$x", 9),
            ("5f4dcc3b5aa765d61d8327deb882cf99", 9),
        ] {
            for (i, s) in schemes.iter().enumerate() {
                assert_eq!(s.matches(stored), i == owner, "{stored}");
            }
        }
    }
}
