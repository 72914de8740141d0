//! bcrypt as OpenBSD, crypt_blowfish (PHP, libxcrypt), pyca/bcrypt and passlib write it, and
//! Django's `BCryptSHA256PasswordHasher` on top of it.
//!
//! ```text
//! $2b$CC$SSSSSSSSSSSSSSSSSSSSSSHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH          (60 characters)
//! bcrypt_sha256$$2b$CC$SSSSSSSSSSSSSSSSSSSSSSHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
//! ```
//!
//! * the ident is `$2a$`, `$2b$` or `$2y$`: one algorithm under three names (crypt_blowfish
//!   writes `$2y$`, OpenBSD and pyca/bcrypt `$2b$`, older systems `$2a$`). `$2x$` (the
//!   sign-extension bug that crypt_blowfish keeps for old hashes) and the original `$2$` are
//!   recognised and refused with [`Error::UnsupportedScheme`];
//! * `CC` is the cost, exactly two decimal digits, 04 to 31: 2^CC rounds of key expansion;
//! * `S` is the 16-byte salt in 22 characters of bcrypt's base64 (`./A-Za-z0-9`, no
//!   padding), `H` the first 23 bytes of the encrypted "OrpheanBeholderScryDoubt" in 31.
//!
//! The Blowfish key is the password followed by one NUL byte, cut to its first 72 bytes: a
//! password of 72 bytes or more loses its terminator and everything past byte 72, exactly as
//! every peer does. NUL bytes inside the password are kept (as pyca/bcrypt 4 and the Rust
//! `bcrypt` crate do); C implementations would stop at the first one. Django's variant hashes
//! first: the key is the lower-case hex SHA-256 of the password (64 ASCII bytes, so nothing
//! is truncated).
//!
//! Split: the settings are the stored string up to and including the salt (ident kept as
//! stored, with Django's `bcrypt_sha256$` prefix for that scheme); the checksum is the
//! 31-character hash text exactly as stored.

use base64ct::{Base64Bcrypt, Encoding};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::policy::Limits;
use crate::schemes::{Legacy, Split, hex_lower};

/// Length of `$2b$CC$` plus the 22-character salt: the settings of a plain bcrypt string.
const SETTINGS_LEN: usize = 29;
/// Length of the hash text after the salt.
const CHECKSUM_LEN: usize = 31;
/// Bytes of the Blowfish output that bcrypt keeps.
const OUTPUT_LEN: usize = 23;
/// bcrypt uses at most this many key bytes.
const MAX_KEY_LEN: usize = 72;
/// bcrypt's own cost range.
const MIN_COST: u32 = 4;
const MAX_COST: u32 = 31;
/// Django's `BCryptSHA256PasswordHasher.algorithm`, with its separator.
const DJANGO_PREFIX: &str = "bcrypt_sha256$";

/// Plain bcrypt (`$2a$`, `$2b$`, `$2y$`), identify name `bcrypt`.
pub(crate) struct Bcrypt;

/// Django's `bcrypt_sha256$` + bcrypt over the hex SHA-256 of the password, identify name
/// `django-bcrypt-sha256`.
pub(crate) struct DjangoBcryptSha256;

/// Parsed, bounds-checked bcrypt settings.
struct Settings {
    cost: u32,
    salt: [u8; 16],
}

/// Whether `stored` starts with a bcrypt ident, including the refused `$2x$` and `$2$`.
fn has_ident(stored: &str) -> bool {
    ["$2a$", "$2b$", "$2y$", "$2x$", "$2$"]
        .iter()
        .any(|ident| stored.starts_with(ident))
}

/// Parses `$2b$CC$<22-character salt>` (exactly that, nothing after it) and checks the cost
/// against `limits`.
fn parse_settings(settings: &str, limits: &Limits) -> Result<Settings> {
    if ["$2x$", "$2$"]
        .iter()
        .any(|ident| settings.starts_with(ident))
    {
        return Err(Error::UnsupportedScheme);
    }
    if !["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|ident| settings.starts_with(ident))
    {
        return Err(Error::MalformedHash);
    }
    let bytes = settings.as_bytes();
    if bytes.len() != SETTINGS_LEN {
        return Err(Error::MalformedHash);
    }
    let cost = match bytes.get(4..7) {
        Some(&[tens @ b'0'..=b'9', units @ b'0'..=b'9', b'$']) => {
            u32::from(tens - b'0') * 10 + u32::from(units - b'0')
        }
        _ => return Err(Error::MalformedHash),
    };
    if !(MIN_COST..=MAX_COST).contains(&cost) {
        return Err(Error::MalformedHash);
    }
    if cost > limits.bcrypt_max_cost {
        return Err(Error::ParamsOverLimit { name: "cost" });
    }
    let salt = decode_salt(bytes.get(7..).ok_or(Error::MalformedHash)?)?;
    Ok(Settings { cost, salt })
}

/// Decodes the 22-character salt. Its last character carries 4 bits that no byte uses;
/// every bcrypt implementation ignores them, and passlib accepts (and warns about) salts
/// that some old generators wrote with those bits set, so they are cleared here before the
/// strict decoder sees them. base64ct has the alphabet but no such leniency; this is the one
/// hand-written step.
fn decode_salt(text: &[u8]) -> Result<[u8; 16]> {
    let mut chars = [0u8; 22];
    if text.len() != chars.len() {
        return Err(Error::MalformedHash);
    }
    chars.copy_from_slice(text);
    if let Some(last) = chars.last_mut() {
        // Position in `./A-Za-z0-9`, then the character with the same top two bits and
        // zero low bits.
        let value = match *last {
            b'.' => 0,
            b'/' => 1,
            c @ b'A'..=b'Z' => c - b'A' + 2,
            c @ b'a'..=b'z' => c - b'a' + 28,
            c @ b'0'..=b'9' => c - b'0' + 54,
            _ => return Err(Error::MalformedHash),
        };
        *last = [b'.', b'O', b'e', b'u']
            .get(usize::from(value >> 4))
            .copied()
            .ok_or(Error::MalformedHash)?;
    }
    let mut salt = [0u8; 16];
    let decoded = Base64Bcrypt::decode(chars, &mut salt)
        .map_err(|_| Error::MalformedHash)?
        .len();
    if decoded != salt.len() {
        return Err(Error::MalformedHash);
    }
    Ok(salt)
}

/// Checks that `text` is 31 characters of canonical bcrypt base64 (23 bytes).
fn check_checksum(text: &str) -> Result<()> {
    let mut out = Zeroizing::new([0u8; OUTPUT_LEN]);
    let decoded = Base64Bcrypt::decode(text, out.as_mut_slice())
        .map_err(|_| Error::MalformedHash)?
        .len();
    if text.len() != CHECKSUM_LEN || decoded != OUTPUT_LEN {
        return Err(Error::MalformedHash);
    }
    Ok(())
}

/// Splits a plain bcrypt string (without any prefix) at the end of its salt, validating both
/// parts.
fn split_plain<'a>(text: &'a str, limits: &Limits) -> Result<(&'a str, &'a str)> {
    // Refuse `$2x$` and `$2$` by their ident before judging the length.
    let settings = text.get(..SETTINGS_LEN.min(text.len())).unwrap_or(text);
    parse_settings(settings, limits)?;
    let checksum = text.get(SETTINGS_LEN..).ok_or(Error::MalformedHash)?;
    check_checksum(checksum)?;
    Ok((settings, checksum))
}

/// Runs bcrypt over `key` under `settings` and returns the 31-character hash text.
///
/// The Blowfish key is `key` followed by a NUL byte, cut to 72 bytes: the truncation every
/// peer applies, made explicit here (the crate's raw function accepts only 1 to 72 bytes).
fn hash_text(settings: &Settings, key: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new([0u8; MAX_KEY_LEN]);
    let copied = key.len().min(MAX_KEY_LEN);
    buf.get_mut(..copied)
        .ok_or(Error::Internal)?
        .copy_from_slice(key.get(..copied).ok_or(Error::Internal)?);
    // The byte after the password is already the NUL terminator, when there is room for it.
    let used = (copied + 1).min(MAX_KEY_LEN);
    let key = buf.get(..used).ok_or(Error::Internal)?;
    let raw = Zeroizing::new(bcrypt::bcrypt(settings.cost, settings.salt, key));
    let mut text = Zeroizing::new(vec![0u8; CHECKSUM_LEN]);
    let encoded = Base64Bcrypt::encode(raw.get(..OUTPUT_LEN).ok_or(Error::Internal)?, &mut text)
        .map_err(|_| Error::Internal)?
        .len();
    if encoded != CHECKSUM_LEN {
        return Err(Error::Internal);
    }
    Ok(text)
}

impl Legacy for Bcrypt {
    fn name(&self) -> &'static str {
        "bcrypt"
    }

    fn matches(&self, stored: &str) -> bool {
        has_ident(stored)
    }

    fn split<'a>(&self, stored: &'a str, limits: &Limits) -> Result<Split<'a>> {
        let (settings, checksum) = split_plain(stored, limits)?;
        Ok(Split::borrowed(settings, checksum))
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let settings = parse_settings(settings, limits)?;
        hash_text(&settings, password)
    }
}

impl Legacy for DjangoBcryptSha256 {
    fn name(&self) -> &'static str {
        "django-bcrypt-sha256"
    }

    fn matches(&self, stored: &str) -> bool {
        stored.starts_with(DJANGO_PREFIX)
    }

    fn split<'a>(&self, stored: &'a str, limits: &Limits) -> Result<Split<'a>> {
        let inner = stored
            .strip_prefix(DJANGO_PREFIX)
            .ok_or(Error::MalformedHash)?;
        let (_, checksum) = split_plain(inner, limits)?;
        let settings = stored
            .get(..DJANGO_PREFIX.len() + SETTINGS_LEN)
            .ok_or(Error::MalformedHash)?;
        Ok(Split::borrowed(settings, checksum))
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let inner = settings
            .strip_prefix(DJANGO_PREFIX)
            .ok_or(Error::MalformedHash)?;
        let settings = parse_settings(inner, limits)?;
        let mut digest = Zeroizing::new([0u8; 32]);
        let mut hasher = Sha256::new();
        hasher.update(password);
        hasher.finalize_into((&mut *digest).into());
        let key = hex_lower(digest.as_slice());
        hash_text(&settings, &key)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

    use super::*;
    use crate::schemes::testing::{check_file, vectors, verifies};

    /// Peers: passlib 1.7.4, pyca/bcrypt 4.0.1, libxcrypt 4.4.33, PHP 8.2 (see PEERS.md).
    #[test]
    fn bcrypt_vectors() {
        let n = check_file(&Bcrypt, include_str!("../../tests/vectors/bcrypt.tsv"));
        assert!(n >= 30, "{n}");
    }

    /// Peer: Django 4.2.30 BCryptSHA256PasswordHasher.
    #[test]
    fn django_bcrypt_sha256_vectors() {
        let n = check_file(
            &DjangoBcryptSha256,
            include_str!("../../tests/vectors/django-bcrypt-sha256.tsv"),
        );
        assert!(n >= 10, "{n}");
    }

    /// The 72-, 73- and 200-byte vectors: only the first 72 bytes count for bcrypt, and all
    /// of them count for Django's SHA-256 pre-hash.
    #[test]
    fn truncation_at_72_bytes() {
        let rows = vectors(include_str!("../../tests/vectors/bcrypt.tsv"));
        let mut long = 0;
        for (line, pw, stored) in rows.iter().filter(|(_, pw, _)| pw.len() >= 72) {
            long += 1;
            let mut tail_changed = pw.clone();
            tail_changed.extend_from_slice(b"-more");
            assert!(verifies(&Bcrypt, &tail_changed, stored), "line {line}");
            let mut byte_72_changed = pw.clone();
            byte_72_changed[71] ^= 1;
            assert!(!verifies(&Bcrypt, &byte_72_changed, stored), "line {line}");
        }
        assert!(long >= 6, "{long}");
        // 71 bytes: the NUL terminator is the 72nd key byte, so the 72-byte password differs.
        for (line, pw, stored) in rows.iter().filter(|(_, pw, _)| pw.len() == 72) {
            assert!(!verifies(&Bcrypt, &pw[..71], stored), "line {line}");
        }

        let rows = vectors(include_str!("../../tests/vectors/django-bcrypt-sha256.tsv"));
        let mut long = 0;
        for (line, pw, stored) in rows.iter().filter(|(_, pw, _)| pw.len() > 72) {
            long += 1;
            let mut tail_changed = pw.clone();
            *tail_changed.last_mut().unwrap() ^= 1;
            assert!(
                !verifies(&DjangoBcryptSha256, &tail_changed, stored),
                "line {line}"
            );
        }
        assert!(long >= 2, "{long}");
    }

    const GOOD: &str = "$2b$04$u9JmM0qr3sAb78TsQIpi9e.OZCY2NihWr5dvuTlWcuhfSruvnG0ky";

    #[test]
    fn split_keeps_ident_and_text() {
        let l = Limits::default();
        for ident in ["2a", "2b", "2y"] {
            let stored = GOOD.replacen("2b", ident, 1);
            let split = Bcrypt.split(&stored, &l).unwrap();
            assert_eq!(split.settings, &stored[..29]);
            assert_eq!(&*split.checksum, &stored.as_bytes()[29..]);
        }
        let django = format!("bcrypt_sha256${GOOD}");
        let split = DjangoBcryptSha256.split(&django, &l).unwrap();
        assert_eq!(split.settings, &django[..43]);
        assert_eq!(&*split.checksum, &GOOD.as_bytes()[29..]);
    }

    #[test]
    fn same_result_for_every_ident() {
        let l = Limits::default();
        let b = Bcrypt.checksum(&GOOD[..29], b"password", &l).unwrap();
        for ident in ["2a", "2y"] {
            let settings = GOOD[..29].replacen("2b", ident, 1);
            assert_eq!(*Bcrypt.checksum(&settings, b"password", &l).unwrap(), *b);
        }
        assert_eq!(&*b, &GOOD.as_bytes()[29..]);
    }

    #[test]
    fn buggy_and_original_idents_refused() {
        let l = Limits::default();
        for stored in [
            GOOD.replacen("$2b$", "$2x$", 1),
            GOOD.replacen("$2b$", "$2$", 1),
            "$2x$".to_owned(),
            "$2$".to_owned(),
        ] {
            assert!(Bcrypt.matches(&stored), "{stored}");
            assert_eq!(
                Bcrypt.split(&stored, &l).err(),
                Some(Error::UnsupportedScheme),
                "{stored}"
            );
            assert_eq!(
                Bcrypt.checksum(&stored, b"pw", &l).err(),
                Some(Error::UnsupportedScheme)
            );
        }
        let django = format!("bcrypt_sha256${}", GOOD.replacen("$2b$", "$2x$", 1));
        assert_eq!(
            DjangoBcryptSha256.split(&django, &l).err(),
            Some(Error::UnsupportedScheme)
        );
    }

    /// Salts whose unused low bits are set verify as their canonical form does (as in
    /// crypt_blowfish and passlib); a checksum with such bits set is malformed.
    #[test]
    fn salt_padding_bits_ignored() {
        let l = Limits::default();
        // GOOD's salt ends in 'e' (value 32); 'f' .. 't' share its top bits.
        assert_eq!(&GOOD[28..29], "e");
        for c in ['f', 'k', 't'] {
            let stored = format!("{}{c}{}", &GOOD[..28], &GOOD[29..]);
            assert!(verifies(&Bcrypt, b"password", &stored), "{stored}");
            let split = Bcrypt.split(&stored, &l).unwrap();
            assert_eq!(split.settings, &stored[..29]);
        }
        // 'u' has different top bits: a different salt.
        let other = format!("{}u{}", &GOOD[..28], &GOOD[29..]);
        assert!(!verifies(&Bcrypt, b"password", &other));
        // The checksum's last character ('y', value 50) has 2 unused bits; 'z' sets one.
        let bad = format!("{}z", &GOOD[..59]);
        assert_eq!(Bcrypt.split(&bad, &l).err(), Some(Error::MalformedHash));
    }

    #[test]
    fn embedded_nul_is_part_of_the_password() {
        let l = Limits::default();
        let a = Bcrypt.checksum(&GOOD[..29], b"pass\0word", &l).unwrap();
        let b = Bcrypt.checksum(&GOOD[..29], b"pass", &l).unwrap();
        assert_ne!(*a, *b);
        // The empty password still has its terminator as the key.
        assert_eq!(
            Bcrypt.checksum(&GOOD[..29], b"", &l).unwrap().len(),
            CHECKSUM_LEN
        );
    }

    #[test]
    fn hostile_strings() {
        let l = Limits::default();
        let django = format!("bcrypt_sha256${GOOD}");
        for i in 0..GOOD.len() {
            assert!(Bcrypt.split(&GOOD[..i], &l).is_err(), "{}", &GOOD[..i]);
            assert!(Bcrypt.checksum(&GOOD[..i.min(28)], b"pw", &l).is_err());
        }
        for i in 0..django.len() {
            assert!(DjangoBcryptSha256.split(&django[..i], &l).is_err(), "{i}");
        }
        let over = |s: String| {
            assert_eq!(
                Bcrypt.split(&s, &l).err(),
                Some(Error::ParamsOverLimit { name: "cost" }),
                "{s}"
            );
            assert_eq!(
                Bcrypt.checksum(&s[..29], b"pw", &l).err(),
                Some(Error::ParamsOverLimit { name: "cost" })
            );
        };
        over(GOOD.replacen("$04$", "$31$", 1));
        over(GOOD.replacen("$04$", "$17$", 1));
        let over_django = format!("bcrypt_sha256${}", GOOD.replacen("$04$", "$31$", 1));
        assert_eq!(
            DjangoBcryptSha256.split(&over_django, &l).err(),
            Some(Error::ParamsOverLimit { name: "cost" })
        );
        for bad in [
            GOOD.replacen("$04$", "$03$", 1),
            GOOD.replacen("$04$", "$32$", 1),
            GOOD.replacen("$04$", "$99$", 1),
            GOOD.replacen("$04$", "$4$", 1),
            GOOD.replacen("$04$", "$004$", 1),
            GOOD.replacen("$04$", "$+4$", 1),
            GOOD.replacen("$04$", "$ 4$", 1),
            GOOD.replacen("$04$", "$04,", 1),
            GOOD.replacen("$2b$", "$2c$", 1),
            GOOD.replacen("$2b$", "$2B$", 1),
            format!("{GOOD}x"),
            format!("{GOOD}$"),
            format!("{GOOD}\n"),
            format!("{}+{}", &GOOD[..10], &GOOD[11..]),
            format!("{}={}", &GOOD[..40], &GOOD[41..]),
            format!("{}é{}", &GOOD[..20], &GOOD[22..]),
            format!("{}é{}", &GOOD[..28], &GOOD[30..]),
            GOOD.replace('.', "$"),
            format!("bcrypt_sha256${GOOD}"),
        ] {
            assert_eq!(
                Bcrypt.split(&bad, &l).err(),
                Some(Error::MalformedHash),
                "{bad}"
            );
        }
        for bad in [
            format!("bcrypt_sha256$${GOOD}"),
            format!("bcrypt_sha256${GOOD}x"),
            format!("bcrypt_sha256$bcrypt_sha256${GOOD}"),
            format!("bcrypt_sha256$ {GOOD}"),
            "bcrypt_sha256$".to_owned(),
        ] {
            assert_eq!(
                DjangoBcryptSha256.split(&bad, &l).err(),
                Some(Error::MalformedHash),
                "{bad}"
            );
        }
        // Settings that come back from a wrapped string are checked as strictly.
        for bad in [&GOOD[..30], &GOOD[1..30], "", "$2b$04$"] {
            assert!(Bcrypt.checksum(bad, b"pw", &l).is_err(), "{bad}");
            assert!(
                DjangoBcryptSha256
                    .checksum(&format!("bcrypt_sha256${bad}"), b"pw", &l)
                    .is_err()
            );
        }
        assert!(DjangoBcryptSha256.checksum(&GOOD[..29], b"pw", &l).is_err());
    }

    #[test]
    fn shapes_do_not_overlap() {
        let django = format!("bcrypt_sha256${GOOD}");
        assert!(Bcrypt.matches(GOOD) && !DjangoBcryptSha256.matches(GOOD));
        assert!(DjangoBcryptSha256.matches(&django) && !Bcrypt.matches(&django));
        for other in ["$2", "$1$abc", "2b$04$", "$pbkdf2$1$a$b", "bcrypt$$2b$04$"] {
            assert!(!Bcrypt.matches(other) && !DjangoBcryptSha256.matches(other));
        }
    }
}
