//! phpass portable hashes (`$P$`, `$H$`: WordPress, phpBB3, many PHP applications) and
//! Drupal 7's SHA-512 variant (`$S$`).
//!
//! Grammar accepted, strictly (fixed layout, no separators after the prefix):
//!
//! ```text
//! $P$ C SSSSSSSS HHHHHHHHHHHHHHHHHHHHHH                          34 characters
//! $H$ C SSSSSSSS HHHHHHHHHHHHHHHHHHHHHH                          34 characters
//! $S$ C SSSSSSSS HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH     55 characters
//! ```
//!
//! * `C` is one character of phpass's `itoa64` alphabet `./0-9A-Za-z` whose position is the
//!   base-2 logarithm of the iteration count; both phpass and Drupal 7 refuse positions
//!   outside 7..=30, so those are malformed here. The count is checked against
//!   [`Limits::phpass_max_log2_rounds`] before any work.
//! * `S` is the 8-character salt, taken as text (phpass writes it from the same alphabet and
//!   nothing else is accepted here).
//! * `H` is the checksum in the crypt base64 ([`crypt_b64`]; phpass's `encode64` has the
//!   same bit order). phpass writes all 16 MD5 bytes (22 characters, so the last character
//!   carries two bits and must have the others clear); Drupal 7 writes the 64 SHA-512 bytes
//!   (86 characters) and keeps the first 43, which cut a group, so any 43 alphabet
//!   characters can occur.
//!
//! Settings are the first 12 characters (`$P$` + `C` + salt); the checksum is the text after
//! them, exactly as written.
//!
//! Construction (phpass 0.5 `crypt_private`, Drupal 7 `_password_crypt`):
//! `h = H(salt . pw)`, then `2^count` times `h = H(h . pw)`, with H = MD5 (phpass) or SHA-512
//! (Drupal 7). phpass refuses passwords over 4096 bytes and Drupal 7 over 512 bytes
//! (`CheckPassword` / `user_check_password` answer false): such a password never matches
//! here either.
//!
//! No maintained crate implements this: the `phpass` crate (0.1.3) is built on the old `md5`
//! 0.7 crate, zeroizes nothing and has no Drupal variant. So the ten lines of iteration are
//! written here over md-5 0.11 and sha2 0.11; the encoding is base64ct's `Base64ShaCrypt`.

use md5::Md5;
use sha2::Sha512;
use sha2::digest::{Digest, FixedOutputReset, Output};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::policy::Limits;
use crate::schemes::crypt_b64::{self, all_crypt_chars};
use crate::schemes::{Legacy, Split};

/// Length of the settings: prefix, count character, salt.
const SETTINGS_LEN: usize = 12;
/// Smallest log2 count phpass and Drupal 7 accept.
const MIN_LOG2: u32 = 7;
/// Largest log2 count phpass and Drupal 7 accept.
const MAX_LOG2: u32 = 30;
/// Longest password phpass 0.5's `CheckPassword` looks at.
const PHPASS_MAX_PASSWORD: usize = 4096;
/// Drupal 7's `DRUPAL_MAX_PASSWORD_LENGTH`.
const DRUPAL_MAX_PASSWORD: usize = 512;
/// Characters of the SHA-512 checksum Drupal 7 keeps (`DRUPAL_HASH_LENGTH` 55 less 12).
const DRUPAL_CHECKSUM_LEN: usize = 43;

/// phpass portable hashes, `$P$` (phpass itself, WordPress before 6.8) and `$H$` (phpBB3):
/// iterated MD5 as in the module documentation.
pub(crate) struct Phpass;

/// Drupal 7's `$S$` hashes (`includes/password.inc`): phpass's construction with SHA-512,
/// the encoded checksum cut so that the whole string is 55 characters.
pub(crate) struct Drupal7;

/// The phpass scheme.
pub(crate) const PHPASS: Phpass = Phpass;

/// The Drupal 7 scheme.
pub(crate) const DRUPAL7: Drupal7 = Drupal7;

/// Parsed settings: log2 of the iteration count and the salt.
struct Parsed<'a> {
    /// Base-2 logarithm of the iteration count (7..=30, within the limit).
    log2: u32,
    /// The 8-character salt, as text.
    salt: &'a [u8],
}

/// Parses the 12-character settings at the start of `text` (whose prefix the caller has
/// checked) and checks the count against `limits`; returns them and the rest of `text`.
fn parse<'a>(text: &'a str, limits: &Limits) -> Result<(Parsed<'a>, &'a str)> {
    let settings = text.get(..SETTINGS_LEN).ok_or(Error::MalformedHash)?;
    let rest = text.get(SETTINGS_LEN..).ok_or(Error::MalformedHash)?;
    let count = settings.as_bytes().get(3).copied();
    let log2 = count
        .and_then(crypt_b64::value_of)
        .map(u32::from)
        .ok_or(Error::MalformedHash)?;
    if !(MIN_LOG2..=MAX_LOG2).contains(&log2) {
        return Err(Error::MalformedHash);
    }
    let salt = settings.get(4..).ok_or(Error::MalformedHash)?;
    if !all_crypt_chars(salt) {
        return Err(Error::MalformedHash);
    }
    if log2 > limits.phpass_max_log2_rounds {
        return Err(Error::ParamsOverLimit { name: "rounds" });
    }
    Ok((
        Parsed {
            log2,
            salt: salt.as_bytes(),
        },
        rest,
    ))
}

/// `h = D(salt . pw)`, then `2^log2` times `h = D(h . pw)`; the result is zeroed on drop.
fn iterate<D, const N: usize>(salt: &[u8], password: &[u8], log2: u32) -> Result<Zeroizing<[u8; N]>>
where
    D: Digest + FixedOutputReset,
{
    let rounds = 1u64.checked_shl(log2).ok_or(Error::Internal)?;
    let mut hash = Zeroizing::new([0u8; N]);
    let mut hasher = D::new();
    Digest::update(&mut hasher, salt);
    Digest::update(&mut hasher, password);
    let out = <&mut Output<D>>::try_from(hash.as_mut_slice()).map_err(|_| Error::Internal)?;
    Digest::finalize_into_reset(&mut hasher, out);
    for _ in 0..rounds {
        Digest::update(&mut hasher, hash.as_slice());
        Digest::update(&mut hasher, password);
        let out = <&mut Output<D>>::try_from(hash.as_mut_slice()).map_err(|_| Error::Internal)?;
        Digest::finalize_into_reset(&mut hasher, out);
    }
    Ok(hash)
}

/// Splits a fixed-layout string after checking its prefix.
fn split_with<'a>(
    stored: &'a str,
    prefixes: &[&str],
    limits: &Limits,
    check_checksum: impl Fn(&str) -> Result<()>,
) -> Result<Split<'a>> {
    if !prefixes.iter().any(|p| stored.starts_with(p)) {
        return Err(Error::MalformedHash);
    }
    let (_, checksum) = parse(stored, limits)?;
    check_checksum(checksum)?;
    Ok(Split::borrowed(
        stored.get(..SETTINGS_LEN).ok_or(Error::Internal)?,
        checksum,
    ))
}

/// Parses settings read back (for example from a wrapped string): prefix, then exactly the
/// 12 characters.
fn parse_settings<'a>(settings: &'a str, prefixes: &[&str], limits: &Limits) -> Result<Parsed<'a>> {
    if !prefixes.iter().any(|p| settings.starts_with(p)) {
        return Err(Error::MalformedHash);
    }
    let (parsed, rest) = parse(settings, limits)?;
    if !rest.is_empty() {
        return Err(Error::MalformedHash);
    }
    Ok(parsed)
}

/// phpass's two prefixes.
const PHPASS_PREFIXES: [&str; 2] = ["$P$", "$H$"];
/// Drupal 7's prefix.
const DRUPAL_PREFIXES: [&str; 1] = ["$S$"];

impl Legacy for Phpass {
    fn name(&self) -> &'static str {
        "phpass"
    }

    fn matches(&self, stored: &str) -> bool {
        PHPASS_PREFIXES.iter().any(|p| stored.starts_with(p))
    }

    fn split<'a>(&self, stored: &'a str, limits: &Limits) -> Result<Split<'a>> {
        split_with(stored, &PHPASS_PREFIXES, limits, |checksum| {
            crypt_b64::check_canonical(checksum, 16)
        })
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let parsed = parse_settings(settings, &PHPASS_PREFIXES, limits)?;
        if password.len() > PHPASS_MAX_PASSWORD {
            return Ok(Zeroizing::new(Vec::new()));
        }
        let hash = iterate::<Md5, 16>(parsed.salt, password, parsed.log2)?;
        crypt_b64::encode(hash.as_slice())
    }
}

impl Legacy for Drupal7 {
    fn name(&self) -> &'static str {
        "drupal7"
    }

    fn matches(&self, stored: &str) -> bool {
        stored.starts_with("$S$")
    }

    fn split<'a>(&self, stored: &'a str, limits: &Limits) -> Result<Split<'a>> {
        split_with(stored, &DRUPAL_PREFIXES, limits, |checksum| {
            if checksum.len() == DRUPAL_CHECKSUM_LEN && all_crypt_chars(checksum) {
                Ok(())
            } else {
                Err(Error::MalformedHash)
            }
        })
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let parsed = parse_settings(settings, &DRUPAL_PREFIXES, limits)?;
        if password.len() > DRUPAL_MAX_PASSWORD {
            return Ok(Zeroizing::new(Vec::new()));
        }
        let hash = iterate::<Sha512, 64>(parsed.salt, password, parsed.log2)?;
        let mut text = crypt_b64::encode(hash.as_slice())?;
        text.truncate(DRUPAL_CHECKSUM_LEN);
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schemes::checksum_eq;
    use crate::schemes::crypt_b64::test_vectors::vectors;

    fn limits() -> Limits {
        Limits::default()
    }

    fn check_vectors(scheme: &dyn Legacy, file: &str) -> usize {
        let l = limits();
        let all = vectors(file);
        for v in &all {
            assert!(scheme.matches(&v.stored), "{}", v.stored);
            let split = scheme.split(&v.stored, &l).unwrap();
            assert_eq!(split.settings, &v.stored[..12]);
            assert_eq!(split.checksum.as_ref(), &v.stored.as_bytes()[12..]);
            let good = scheme.checksum(&split.settings, &v.password, &l).unwrap();
            assert!(checksum_eq(&good, &split.checksum), "{}", v.stored);
            let mut wrong = v.password.clone();
            wrong.push(b'!');
            let bad = scheme.checksum(&split.settings, &wrong, &l).unwrap();
            assert!(!checksum_eq(&bad, &split.checksum), "{}", v.stored);
        }
        all.len()
    }

    #[test]
    fn phpass_vectors() {
        assert_eq!(
            check_vectors(&PHPASS, include_str!("../../tests/vectors/phpass.tsv")),
            18
        );
    }

    #[test]
    fn drupal7_vectors() {
        assert_eq!(
            check_vectors(&DRUPAL7, include_str!("../../tests/vectors/drupal7.tsv")),
            16
        );
    }

    const P: &str = "$P$6mI9wABsb4QiZVZtzbrYVVIvLONFoN/";
    const S: &str = "$S$5wqIu2X4MCwSYhwMlo/2rXfrrRl5zDx5iqSnu/SdthI22513sajw";

    #[test]
    fn truncations() {
        let l = limits();
        for (scheme, stored) in [(&PHPASS as &dyn Legacy, P), (&DRUPAL7, S)] {
            for end in 0..stored.len() {
                assert!(scheme.split(&stored[..end], &l).is_err(), "{end}");
            }
            for end in 0..SETTINGS_LEN {
                assert!(scheme.checksum(&stored[..end], b"pw", &l).is_err());
            }
            assert!(scheme.checksum(&stored[..SETTINGS_LEN], b"pw", &l).is_ok());
            assert!(scheme.checksum(stored, b"pw", &l).is_err());
        }
    }

    fn with_count(stored: &str, count: char) -> String {
        format!("{}{count}{}", &stored[..3], &stored[4..])
    }

    #[test]
    fn counts() {
        let l = limits();
        let over = Err(Error::ParamsOverLimit { name: "rounds" });
        let bad: Result<()> = Err(Error::MalformedHash);
        for (scheme, stored) in [(&PHPASS as &dyn Legacy, P), (&DRUPAL7, S)] {
            // 'z' = 63, '.' = 0, '4' = 6: outside 7..=30.
            for c in ['z', 'T', '.', '/', '4'] {
                let s = with_count(stored, c);
                assert_eq!(scheme.split(&s, &l).map(|_| ()), bad, "{s}");
                assert_eq!(scheme.checksum(&s[..12], b"pw", &l).map(|_| ()), bad);
            }
            // 'S' = 30 (the format's maximum), 'J' = 21: over the default limit of 20.
            for c in ['S', 'J'] {
                let s = with_count(stored, c);
                assert_eq!(scheme.split(&s, &l).map(|_| ()), over, "{s}");
                assert_eq!(scheme.checksum(&s[..12], b"pw", &l).map(|_| ()), over);
            }
            // 'I' = 20 is allowed (split only: no work).
            assert!(scheme.split(&with_count(stored, 'I'), &l).is_ok());
            for c in ['$', '!', 'é'] {
                let s = with_count(stored, c);
                assert!(scheme.split(&s, &l).is_err(), "{s}");
            }
        }
    }

    #[test]
    fn fields_hostile() {
        let l = limits();
        for s in [
            format!("{P}x"),
            format!("{P}$"),
            format!("{}x", &P[..P.len() - 1]),
            format!("{}2", &P[..P.len() - 1]),
            P.replace("mI9w", "mI:w"),
            P.replace("mI9w", "mI$w"),
            P.replace("mI9w", "mI w"),
            P.replace("YVVI", "YV_I"),
            P.replace("$P$", "$p$"),
            P.replace("$P$", "$Q$"),
            format!(" {P}"),
            P.replace("ABsb", "ABé"),
        ] {
            assert!(PHPASS.split(&s, &l).is_err(), "{s}");
        }
        for s in [
            format!("{S}x"),
            format!("{S}$"),
            format!("{}_", &S[..S.len() - 1]),
            S.replace("Iu2X", "Iu$X"),
            S.replace("$S$", "$P$"),
            S.replace("MCwS", "MCw="),
        ] {
            assert!(DRUPAL7.split(&s, &l).is_err(), "{s}");
        }
        // Drupal's cut checksum may end in any alphabet character.
        assert!(
            DRUPAL7
                .split(&format!("{}z", &S[..S.len() - 1]), &l)
                .is_ok()
        );
        // Settings read back are validated again.
        assert!(PHPASS.checksum("$S$5wqIu2X4M", b"pw", &l).is_err());
        assert!(DRUPAL7.checksum("$P$5wqIu2X4M", b"pw", &l).is_err());
        assert!(PHPASS.checksum("$P$5wqIu2X4M$", b"pw", &l).is_err());
    }

    #[test]
    fn long_passwords_never_match() {
        let l = limits();
        let pw = vec![b'a'; DRUPAL_MAX_PASSWORD + 1];
        assert!(DRUPAL7.checksum(&S[..12], &pw, &l).unwrap().is_empty());
        assert!(!PHPASS.checksum(&P[..12], &pw, &l).unwrap().is_empty());
        let pw = vec![b'a'; PHPASS_MAX_PASSWORD + 1];
        assert!(PHPASS.checksum(&P[..12], &pw, &l).unwrap().is_empty());
    }

    #[test]
    fn shapes_do_not_overlap() {
        for (stored, p, d) in [
            (P, true, false),
            ("$H$x", true, false),
            (S, false, true),
            ("$1$ab$x", false, false),
            ("$2y$10$x", false, false),
            ("U$S$x", false, false),
        ] {
            assert_eq!(PHPASS.matches(stored), p, "{stored}");
            assert_eq!(DRUPAL7.matches(stored), d, "{stored}");
        }
    }
}
