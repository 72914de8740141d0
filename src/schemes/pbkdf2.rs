//! PBKDF2-HMAC strings as passlib and Django write them.
//!
//! passlib (`pbkdf2_sha1`, `pbkdf2_sha256`, `pbkdf2_sha512`):
//!
//! ```text
//! $pbkdf2$<iterations>$<salt>$<checksum>              PBKDF2-HMAC-SHA1,   20-byte output
//! $pbkdf2-sha256$<iterations>$<salt>$<checksum>       PBKDF2-HMAC-SHA256, 32-byte output
//! $pbkdf2-sha512$<iterations>$<salt>$<checksum>       PBKDF2-HMAC-SHA512, 64-byte output
//! ```
//!
//! Salt and checksum are in passlib's "adapted base64" (standard base64 with `.` for `+`,
//! no padding); the salt's raw bytes are the PBKDF2 salt and the checksum is the whole
//! output. passlib accepts salts of 0 to 1024 bytes; pwharden accepts 0 to 64.
//!
//! Django (`PBKDF2PasswordHasher`, `PBKDF2SHA1PasswordHasher`):
//!
//! ```text
//! pbkdf2_sha256$<iterations>$<salt>$<base64 hash>    PBKDF2-HMAC-SHA256, 32-byte output
//! pbkdf2_sha1$<iterations>$<salt>$<base64 hash>      PBKDF2-HMAC-SHA1,   20-byte output
//! ```
//!
//! Django's salt is text (its UTF-8 bytes are the PBKDF2 salt; Django generates 12 or 22
//! alphanumerics and refuses `$`); pwharden accepts 1 to 128 printable ASCII characters other
//! than `$`. The hash is standard base64 *with* padding, and Django compares the whole
//! re-encoded string, so only that exact text verifies.
//!
//! Iterations are a decimal without leading zeros, at least 1, and at most
//! [`Limits::pbkdf2_max_iterations`]. The password is used as given (its bytes are the HMAC
//! key, any length).
//!
//! Split: the settings are the stored string up to (not including) the `$` before the
//! checksum; the checksum is the last field's text exactly as stored.

use base64ct::{Base64, Base64Pbkdf2, Encoding};
use hmac::EagerHash;
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::policy::Limits;
use crate::schemes::{Legacy, Split, decimal};

/// Longest passlib salt accepted, in bytes (86 characters).
const MAX_PASSLIB_SALT_LEN: usize = 64;
/// Longest Django salt accepted, in characters.
const MAX_DJANGO_SALT_LEN: usize = 128;
/// Largest PBKDF2 output among the digests here (SHA-512).
const MAX_OUTPUT_LEN: usize = 64;

/// The HMAC digest of a PBKDF2 scheme.
#[derive(Clone, Copy)]
enum Prf {
    Sha1,
    Sha256,
    Sha512,
}

impl Prf {
    /// The digest's output length, which is also the stored hash length.
    fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }

    /// PBKDF2 over `password` into a zeroed-on-drop buffer of [`Prf::output_len`] bytes.
    fn derive(
        self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<Zeroizing<[u8; MAX_OUTPUT_LEN]>> {
        fn run<D: EagerHash>(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
            pbkdf2::pbkdf2_hmac::<D>(password, salt, iterations, out);
        }
        let mut buf = Zeroizing::new([0u8; MAX_OUTPUT_LEN]);
        let out = buf.get_mut(..self.output_len()).ok_or(Error::Internal)?;
        match self {
            Self::Sha1 => run::<Sha1>(password, salt, iterations, out),
            Self::Sha256 => run::<Sha256>(password, salt, iterations, out),
            Self::Sha512 => run::<Sha512>(password, salt, iterations, out),
        }
        Ok(buf)
    }
}

/// Parses an iteration count: canonical decimal, not zero, within the policy's limit.
fn iterations(text: &str, limits: &Limits) -> Result<u32> {
    let n = decimal(text)?;
    if n == 0 {
        return Err(Error::MalformedHash);
    }
    if n > limits.pbkdf2_max_iterations {
        return Err(Error::ParamsOverLimit { name: "iterations" });
    }
    Ok(n)
}

/// Splits `stored` before its last `$` into settings and checksum text.
fn split_last(stored: &str) -> Result<(&str, &str)> {
    stored.rsplit_once('$').ok_or(Error::MalformedHash)
}

/// Checks that `text` is canonical text of encoding `E` for exactly `len` bytes (at most
/// [`MAX_OUTPUT_LEN`]); the decoded bytes are wiped.
fn decode_exact<E: Encoding>(text: &str, len: usize) -> Result<()> {
    let mut buf = Zeroizing::new([0u8; MAX_OUTPUT_LEN]);
    let out = buf.get_mut(..len).ok_or(Error::Internal)?;
    let decoded = E::decode(text, out)
        .map_err(|_| Error::MalformedHash)?
        .len();
    if decoded != len {
        return Err(Error::MalformedHash);
    }
    Ok(())
}

/// Encodes password-derived bytes as text in memory that is zeroed on drop.
fn encode_zeroizing<E: Encoding>(bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let mut text = Zeroizing::new(vec![0u8; E::encoded_len(bytes)]);
    let written = E::encode(bytes, &mut text)
        .map_err(|_| Error::Internal)?
        .len();
    text.truncate(written);
    Ok(text)
}

/// passlib's `$pbkdf2[-sha256|-sha512]$` strings.
pub(crate) struct Passlib {
    name: &'static str,
    ident: &'static str,
    prf: Prf,
}

/// passlib `pbkdf2_sha1`, identify name `pbkdf2-sha1`.
pub(crate) static PASSLIB_SHA1: Passlib = Passlib {
    name: "pbkdf2-sha1",
    ident: "$pbkdf2$",
    prf: Prf::Sha1,
};
/// passlib `pbkdf2_sha256`, identify name `pbkdf2-sha256`.
pub(crate) static PASSLIB_SHA256: Passlib = Passlib {
    name: "pbkdf2-sha256",
    ident: "$pbkdf2-sha256$",
    prf: Prf::Sha256,
};
/// passlib `pbkdf2_sha512`, identify name `pbkdf2-sha512`.
pub(crate) static PASSLIB_SHA512: Passlib = Passlib {
    name: "pbkdf2-sha512",
    ident: "$pbkdf2-sha512$",
    prf: Prf::Sha512,
};

/// Parsed passlib settings: iterations and raw salt.
struct PasslibSettings {
    iterations: u32,
    salt: [u8; MAX_PASSLIB_SALT_LEN],
    salt_len: usize,
}

impl Passlib {
    /// Parses `<ident><iterations>$<salt>` and checks the iterations against `limits`.
    fn parse_settings(&self, settings: &str, limits: &Limits) -> Result<PasslibSettings> {
        let rest = settings
            .strip_prefix(self.ident)
            .ok_or(Error::MalformedHash)?;
        let (count, salt_text) = rest.split_once('$').ok_or(Error::MalformedHash)?;
        let iterations = iterations(count, limits)?;
        let mut salt = [0u8; MAX_PASSLIB_SALT_LEN];
        let salt_len = Base64Pbkdf2::decode(salt_text, &mut salt)
            .map_err(|_| Error::MalformedHash)?
            .len();
        Ok(PasslibSettings {
            iterations,
            salt,
            salt_len,
        })
    }
}

impl Legacy for Passlib {
    fn name(&self) -> &'static str {
        self.name
    }

    fn matches(&self, stored: &str) -> bool {
        stored.starts_with(self.ident)
    }

    fn split<'a>(&self, stored: &'a str, limits: &Limits) -> Result<Split<'a>> {
        let (settings, checksum) = split_last(stored)?;
        self.parse_settings(settings, limits)?;
        decode_exact::<Base64Pbkdf2>(checksum, self.prf.output_len())?;
        Ok(Split::borrowed(settings, checksum))
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let parsed = self.parse_settings(settings, limits)?;
        let salt = parsed.salt.get(..parsed.salt_len).ok_or(Error::Internal)?;
        let out = self.prf.derive(password, salt, parsed.iterations)?;
        encode_zeroizing::<Base64Pbkdf2>(out.get(..self.prf.output_len()).ok_or(Error::Internal)?)
    }
}

/// Django's `pbkdf2_sha256$` / `pbkdf2_sha1$` strings.
pub(crate) struct Django {
    name: &'static str,
    algorithm: &'static str,
    prf: Prf,
}

/// Django `PBKDF2PasswordHasher`, identify name `django-pbkdf2-sha256`.
pub(crate) static DJANGO_SHA256: Django = Django {
    name: "django-pbkdf2-sha256",
    algorithm: "pbkdf2_sha256$",
    prf: Prf::Sha256,
};
/// Django `PBKDF2SHA1PasswordHasher`, identify name `django-pbkdf2-sha1`.
pub(crate) static DJANGO_SHA1: Django = Django {
    name: "django-pbkdf2-sha1",
    algorithm: "pbkdf2_sha1$",
    prf: Prf::Sha1,
};

impl Django {
    /// Parses `<algorithm>$<iterations>$<salt>`, returning the iterations (checked against
    /// `limits`) and the salt text.
    fn parse_settings<'s>(&self, settings: &'s str, limits: &Limits) -> Result<(u32, &'s str)> {
        let rest = settings
            .strip_prefix(self.algorithm)
            .ok_or(Error::MalformedHash)?;
        let (count, salt) = rest.split_once('$').ok_or(Error::MalformedHash)?;
        let iterations = iterations(count, limits)?;
        let salt_ok = !salt.is_empty()
            && salt.len() <= MAX_DJANGO_SALT_LEN
            && salt.bytes().all(|b| b.is_ascii_graphic() && b != b'$');
        if !salt_ok {
            return Err(Error::MalformedHash);
        }
        Ok((iterations, salt))
    }
}

impl Legacy for Django {
    fn name(&self) -> &'static str {
        self.name
    }

    fn matches(&self, stored: &str) -> bool {
        stored.starts_with(self.algorithm)
    }

    fn split<'a>(&self, stored: &'a str, limits: &Limits) -> Result<Split<'a>> {
        let (settings, checksum) = split_last(stored)?;
        self.parse_settings(settings, limits)?;
        decode_exact::<Base64>(checksum, self.prf.output_len())?;
        Ok(Split::borrowed(settings, checksum))
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let (iterations, salt) = self.parse_settings(settings, limits)?;
        let out = self.prf.derive(password, salt.as_bytes(), iterations)?;
        encode_zeroizing::<Base64>(out.get(..self.prf.output_len()).ok_or(Error::Internal)?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

    use super::*;
    use crate::schemes::testing::{check_file, verifies};

    /// Peer: passlib 1.7.4 (see tests/vectors/PEERS.md).
    #[test]
    fn passlib_vectors() {
        for (scheme, text) in [
            (
                &PASSLIB_SHA1,
                include_str!("../../tests/vectors/pbkdf2-sha1.tsv"),
            ),
            (
                &PASSLIB_SHA256,
                include_str!("../../tests/vectors/pbkdf2-sha256.tsv"),
            ),
            (
                &PASSLIB_SHA512,
                include_str!("../../tests/vectors/pbkdf2-sha512.tsv"),
            ),
        ] {
            assert!(check_file(scheme, text) >= 14, "{}", scheme.name);
        }
    }

    /// Peer: Django 4.2.30, including its default 600000 iterations.
    #[test]
    fn django_vectors() {
        for (scheme, text) in [
            (
                &DJANGO_SHA256,
                include_str!("../../tests/vectors/django-pbkdf2-sha256.tsv"),
            ),
            (
                &DJANGO_SHA1,
                include_str!("../../tests/vectors/django-pbkdf2-sha1.tsv"),
            ),
        ] {
            assert!(check_file(scheme, text) >= 11, "{}", scheme.name);
        }
    }

    const PASSLIB: &str =
        "$pbkdf2-sha256$1000$6H3PuTdGiFGKkZKy1lorZQ$utB8DMsdUQG4i7bqEBYh1SCneYASIXoylBHJ2MrMQEw";
    const DJANGO: &str =
        "pbkdf2_sha256$1000$zecEN5MM3kLbl4XSmzMF68$cigUzy9RxdJDS3LVPGtkPWEfaTQ4oZbFD4FSk5FEVgk=";

    #[test]
    fn split_settings_and_checksum() {
        let l = Limits::default();
        let split = PASSLIB_SHA256.split(PASSLIB, &l).unwrap();
        assert_eq!(split.settings, "$pbkdf2-sha256$1000$6H3PuTdGiFGKkZKy1lorZQ");
        assert_eq!(
            &*split.checksum,
            b"utB8DMsdUQG4i7bqEBYh1SCneYASIXoylBHJ2MrMQEw"
        );
        let split = DJANGO_SHA256.split(DJANGO, &l).unwrap();
        assert_eq!(split.settings, "pbkdf2_sha256$1000$zecEN5MM3kLbl4XSmzMF68");
        assert_eq!(
            &*split.checksum,
            b"cigUzy9RxdJDS3LVPGtkPWEfaTQ4oZbFD4FSk5FEVgk="
        );
    }

    /// passlib allows an empty salt (`min_salt_size = 0`); the settings then end in `$`.
    #[test]
    fn passlib_empty_salt_round_trips_its_settings() {
        let l = Limits::default();
        let settings = "$pbkdf2-sha256$1000$";
        let checksum = PASSLIB_SHA256.checksum(settings, b"password", &l).unwrap();
        let stored = format!("{settings}${}", std::str::from_utf8(&checksum).unwrap());
        let split = PASSLIB_SHA256.split(&stored, &l).unwrap();
        assert_eq!(split.settings, settings);
        assert!(verifies(&PASSLIB_SHA256, b"password", &stored));
    }

    #[test]
    fn hostile_strings() {
        let l = Limits::default();
        let all: [&dyn Legacy; 5] = [
            &PASSLIB_SHA1,
            &PASSLIB_SHA256,
            &PASSLIB_SHA512,
            &DJANGO_SHA256,
            &DJANGO_SHA1,
        ];
        for (scheme, good) in [
            (&PASSLIB_SHA256 as &dyn Legacy, PASSLIB),
            (&DJANGO_SHA256, DJANGO),
        ] {
            for i in 0..good.len() {
                assert!(scheme.split(&good[..i], &l).is_err(), "{}", &good[..i]);
            }
            for (from, to) in [("$1000$", "$4000000000$"), ("$1000$", "$2000001$")] {
                let s = good.replacen(from, to, 1);
                let want = Some(Error::ParamsOverLimit { name: "iterations" });
                assert_eq!(scheme.split(&s, &l).err(), want, "{s}");
                let settings = s.rsplit_once('$').unwrap().0;
                assert_eq!(scheme.checksum(settings, b"pw", &l).err(), want);
            }
            for (from, to) in [
                ("$1000$", "$0$"),
                ("$1000$", "$01000$"),
                ("$1000$", "$+1000$"),
                ("$1000$", "$1000 $"),
                ("$1000$", "$1e3$"),
                ("$1000$", "$$"),
                ("$1000$", "$99999999999$"),
                ("$1000$", "$1000$$"),
                ("$1000$", "$1000$x$"),
            ] {
                let s = good.replacen(from, to, 1);
                assert_eq!(
                    scheme.split(&s, &l).err(),
                    Some(Error::MalformedHash),
                    "{s}"
                );
            }
            for s in [
                format!("{good}$"),
                format!("{good}$x"),
                format!("{good}x"),
                format!("{good}\n"),
                format!("{good}AAAA"),
                format!("{}{}", &good[..good.len() - 2], "é"),
            ] {
                assert_eq!(
                    scheme.split(&s, &l).err(),
                    Some(Error::MalformedHash),
                    "{s}"
                );
            }
            // Settings that come back from a wrapped string are checked as strictly.
            let settings = scheme.split(good, &l).unwrap().settings.into_owned();
            for bad in [
                format!("{settings}$"),
                format!("{settings}$x"),
                settings.replacen("$1000$", "$0$", 1),
                settings.replacen("$1000$", "$01000$", 1),
                settings[..settings.len() - 23].to_owned(),
                settings[1..].to_owned(),
                String::new(),
            ] {
                assert!(scheme.checksum(&bad, b"pw", &l).is_err(), "{bad}");
            }
        }
        // Alphabets: passlib writes '.', never '+', and no padding; Django pads.
        for bad in [
            PASSLIB.replacen('.', "+", 1).replacen("utB8", "ut+8", 1),
            PASSLIB.replacen("6H3P", "6H+P", 1),
            PASSLIB.replacen("ZQ$", "ZQ==$", 1),
            format!("{PASSLIB}="),
            PASSLIB.replacen("6H3P", "6H-P", 1),
            PASSLIB.replacen("6H3P", "6H3", 1),
            // Checksum of the wrong length for SHA-256 (one byte short, one byte long).
            PASSLIB.replacen("MQEw", "MQE", 1),
            format!("{PASSLIB}AA"),
            // Non-canonical trailing bits ('w' -> 'x' in a 2-bit tail).
            PASSLIB.replacen("MQEw", "MQEx", 1),
            // Salt over 64 bytes (88 characters).
            PASSLIB.replacen("6H3PuTdGiFGKkZKy1lorZQ", &"A".repeat(88), 1),
        ] {
            assert_eq!(
                PASSLIB_SHA256.split(&bad, &l).err(),
                Some(Error::MalformedHash),
                "{bad}"
            );
        }
        // 64 bytes of salt is fine.
        let salt64 = PASSLIB.replacen("6H3PuTdGiFGKkZKy1lorZQ", &"A".repeat(86), 1);
        assert!(PASSLIB_SHA256.split(&salt64, &l).is_ok());
        for bad in [
            DJANGO.replacen('=', "", 1),
            DJANGO.replacen("Vgk=", "Vg==", 1),
            DJANGO.replacen("cigU", "ci_U", 1),
            DJANGO.replacen("cigU", "ci.U", 1),
            DJANGO.replacen("zecEN5", "zec N5", 1),
            DJANGO.replacen("zecEN5", "zecé5", 1),
            DJANGO.replacen("zecEN5MM3kLbl4XSmzMF68", &"s".repeat(129), 1),
            DJANGO.replacen("zecEN5MM3kLbl4XSmzMF68", "", 1),
            // A SHA-1-length hash under the SHA-256 name.
            "pbkdf2_sha256$1000$IAh5LOEuMNv9gq65DW87Ye$Pi57yNYfUnmjW9gHeaaAxQWk9wE=".to_owned(),
        ] {
            assert_eq!(
                DJANGO_SHA256.split(&bad, &l).err(),
                Some(Error::MalformedHash),
                "{bad}"
            );
        }
        // Shapes: each string belongs to exactly one scheme.
        for s in [
            "$pbkdf2$1$a$b",
            "$pbkdf2-sha256$1$a$b",
            "$pbkdf2-sha512$1$a$b",
            "pbkdf2_sha256$1$a$b",
            "pbkdf2_sha1$1$a$b",
        ] {
            assert_eq!(all.iter().filter(|x| x.matches(s)).count(), 1, "{s}");
        }
        for s in [
            "$pbkdf2-sha384$1$a$b",
            "pbkdf2$1$a$b",
            "$pbkdf2",
            "pbkdf2_sha512$1$a$b",
        ] {
            assert_eq!(all.iter().filter(|x| x.matches(s)).count(), 0, "{s}");
        }
    }
}
