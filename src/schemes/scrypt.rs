//! scrypt in passlib's format (`passlib.hash.scrypt`, its default `$scrypt$` ident):
//!
//! ```text
//! $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<checksum>
//! ```
//!
//! * `ln`, `r`, `p`: decimals without leading zeros, in that order; `ln` from 1 to 31 (passlib's
//!   range), `r` and `p` at least 1 with `r·p < 2^30` (scrypt's own bound);
//! * salt and checksum: standard base64 (`+` and `/`) without padding; the salt's raw bytes
//!   (0 to 64 here; passlib allows up to 1024) are the scrypt salt, the checksum is the
//!   32-byte output `scrypt(password, salt, N = 2^ln, r, p, dkLen = 32)`.
//!
//! Before any work, the working memory `128·r·N` bytes (and the `128·r·p` bytes of the
//! parallel blocks) must fit [`Limits::scrypt_max_memory_kib`] and `p`
//! [`Limits::scrypt_max_p`], computed with checked arithmetic. passlib's other ident, `$7$`
//! (the scrypt-unix-crypt format), is not recognised.
//!
//! Split: the settings are the stored string up to (not including) the `$` before the
//! checksum; the checksum is the 43-character checksum text exactly as stored.

use base64ct::{Base64Unpadded, Encoding};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::policy::Limits;
use crate::schemes::{Legacy, Split, decimal};

/// The scheme's prefix.
const IDENT: &str = "$scrypt$";
/// Output length passlib uses (`checksum_size`).
const OUTPUT_LEN: usize = 32;
/// Longest salt accepted, in bytes.
const MAX_SALT_LEN: usize = 64;
/// Smallest `ln` (passlib's `min_rounds`; N must be at least 2).
const MIN_LOG_N: u32 = 1;
/// Largest `ln` (passlib's `max_rounds`).
const MAX_LOG_N: u32 = 31;
/// scrypt's bound on `r·p` (the final PBKDF2 output length limit).
const MAX_R_TIMES_P: u64 = 1 << 30;

/// passlib's scrypt, identify name `scrypt`.
pub(crate) struct Scrypt;

/// Parsed, bounds-checked settings.
struct Settings {
    params: scrypt::Params,
    salt: [u8; MAX_SALT_LEN],
    salt_len: usize,
}

/// Reads `name=<decimal>` from the next comma-separated field.
fn param(field: Option<&str>, name: &str) -> Result<u32> {
    let value = field
        .and_then(|kv| kv.strip_prefix(name))
        .and_then(|kv| kv.strip_prefix('='))
        .ok_or(Error::MalformedHash)?;
    decimal(value)
}

/// Refuses parameters scrypt or passlib would refuse, then costs above `limits`, without
/// any arithmetic that can overflow.
fn check(log_n: u32, r: u32, p: u32, limits: &Limits) -> Result<()> {
    let rp = u64::from(r).checked_mul(u64::from(p));
    if !(MIN_LOG_N..=MAX_LOG_N).contains(&log_n)
        || r == 0
        || p == 0
        || rp.is_none_or(|rp| rp >= MAX_R_TIMES_P)
    {
        return Err(Error::MalformedHash);
    }
    if p > limits.scrypt_max_p {
        return Err(Error::ParamsOverLimit { name: "p" });
    }
    let max_bytes = u64::from(limits.scrypt_max_memory_kib).checked_mul(1024);
    let block = u64::from(r).checked_mul(128);
    let memory = block.and_then(|b| b.checked_mul(1u64.checked_shl(log_n)?));
    let blocks = block.and_then(|b| b.checked_mul(u64::from(p)));
    let fits = |need: Option<u64>| matches!((need, max_bytes), (Some(n), Some(max)) if n <= max);
    if !fits(memory) || !fits(blocks) {
        return Err(Error::ParamsOverLimit { name: "memory" });
    }
    Ok(())
}

/// Parses `$scrypt$ln=..,r=..,p=..$<salt>` and checks it against `limits`.
fn parse_settings(settings: &str, limits: &Limits) -> Result<Settings> {
    let rest = settings.strip_prefix(IDENT).ok_or(Error::MalformedHash)?;
    let (params, salt_text) = rest.split_once('$').ok_or(Error::MalformedHash)?;
    let mut fields = params.split(',');
    let log_n = param(fields.next(), "ln")?;
    let r = param(fields.next(), "r")?;
    let p = param(fields.next(), "p")?;
    if fields.next().is_some() {
        return Err(Error::MalformedHash);
    }
    check(log_n, r, p, limits)?;
    let log_n = u8::try_from(log_n).map_err(|_| Error::MalformedHash)?;
    let params = scrypt::Params::new(log_n, r, p).map_err(|_| Error::MalformedHash)?;
    let mut salt = [0u8; MAX_SALT_LEN];
    let salt_len = Base64Unpadded::decode(salt_text, &mut salt)
        .map_err(|_| Error::MalformedHash)?
        .len();
    Ok(Settings {
        params,
        salt,
        salt_len,
    })
}

impl Legacy for Scrypt {
    fn name(&self) -> &'static str {
        "scrypt"
    }

    fn matches(&self, stored: &str) -> bool {
        stored.starts_with(IDENT)
    }

    fn split<'a>(&self, stored: &'a str, limits: &Limits) -> Result<Split<'a>> {
        let (settings, checksum) = stored.rsplit_once('$').ok_or(Error::MalformedHash)?;
        parse_settings(settings, limits)?;
        let mut out = Zeroizing::new([0u8; OUTPUT_LEN]);
        let decoded = Base64Unpadded::decode(checksum, out.as_mut_slice())
            .map_err(|_| Error::MalformedHash)?
            .len();
        if decoded != OUTPUT_LEN {
            return Err(Error::MalformedHash);
        }
        Ok(Split::borrowed(settings, checksum))
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let parsed = parse_settings(settings, limits)?;
        let salt = parsed.salt.get(..parsed.salt_len).ok_or(Error::Internal)?;
        let mut out = Zeroizing::new([0u8; OUTPUT_LEN]);
        scrypt::scrypt(password, salt, &parsed.params, out.as_mut_slice())
            .map_err(|_| Error::Internal)?;
        let mut text = Zeroizing::new(vec![0u8; Base64Unpadded::encoded_len(out.as_slice())]);
        let written = Base64Unpadded::encode(out.as_slice(), &mut text)
            .map_err(|_| Error::Internal)?
            .len();
        text.truncate(written);
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

    use super::*;
    use crate::schemes::testing;

    /// Peer: passlib 1.7.4 with the stdlib (OpenSSL) backend (see tests/vectors/PEERS.md).
    #[test]
    fn passlib_vectors() {
        let n = testing::check_file(&Scrypt, include_str!("../../tests/vectors/scrypt.tsv"));
        assert!(n >= 16, "{n}");
    }

    const GOOD: &str =
        "$scrypt$ln=10,r=8,p=1$lDJmTCllTAmhNKZ0rrVWKg$jUT0mGrk1EvyNe02GdEhlDKzlCI+RD7TgHlKY++zchY";

    #[test]
    fn split_settings_and_checksum() {
        let split = Scrypt.split(GOOD, &Limits::default()).unwrap();
        assert_eq!(
            split.settings,
            "$scrypt$ln=10,r=8,p=1$lDJmTCllTAmhNKZ0rrVWKg"
        );
        assert_eq!(
            &*split.checksum,
            b"jUT0mGrk1EvyNe02GdEhlDKzlCI+RD7TgHlKY++zchY"
        );
    }

    #[test]
    fn costs_checked_before_work() {
        let l = Limits::default();
        let with = |params: &str| GOOD.replacen("ln=10,r=8,p=1", params, 1);
        let memory = Some(Error::ParamsOverLimit { name: "memory" });
        for params in [
            // 128 · 8 · 2^19 = 512 MiB > 256 MiB.
            "ln=19,r=8,p=1",
            "ln=31,r=8,p=1",
            // 2^68 bytes: the product itself would overflow a u64.
            "ln=31,r=1073741823,p=1",
            "ln=1,r=4194304,p=1",
            // 128 · r · p of parallel blocks over the limit even with N = 2.
            "ln=1,r=1048576,p=16",
        ] {
            let s = with(params);
            assert_eq!(Scrypt.split(&s, &l).err(), memory, "{s}");
            let settings = s.rsplit_once('$').unwrap().0;
            assert_eq!(Scrypt.checksum(settings, b"pw", &l).err(), memory);
        }
        // Exactly the limit is fine: 128 · 8 · 2^18 = 256 MiB (parsed only, not run).
        assert!(Scrypt.split(&with("ln=18,r=8,p=1"), &l).is_ok());
        assert_eq!(
            Scrypt.split(&with("ln=10,r=8,p=17"), &l).err(),
            Some(Error::ParamsOverLimit { name: "p" })
        );
        let roomy = Limits {
            scrypt_max_memory_kib: u32::MAX,
            scrypt_max_p: u32::MAX,
            ..Limits::default()
        };
        for params in [
            "ln=40,r=8,p=1",
            "ln=32,r=8,p=1",
            "ln=64,r=8,p=1",
            "ln=0,r=8,p=1",
            "ln=10,r=0,p=1",
            "ln=10,r=8,p=0",
            "ln=10,r=1073741824,p=1",
            "ln=10,r=32768,p=32768",
            "ln=10,r=4294967295,p=4294967295",
        ] {
            let s = with(params);
            assert_eq!(
                Scrypt.split(&s, &roomy).err(),
                Some(Error::MalformedHash),
                "{s}"
            );
        }
    }

    #[test]
    fn hostile_strings() {
        let l = Limits::default();
        for i in 0..GOOD.len() {
            assert!(Scrypt.split(&GOOD[..i], &l).is_err(), "{}", &GOOD[..i]);
        }
        for (from, to) in [
            ("ln=10", "ln=010"),
            ("ln=10", "ln=+10"),
            ("ln=10", "ln= 10"),
            ("ln=10", "ln=1e1"),
            ("ln=10", "ln="),
            ("ln=10", "n=1024"),
            ("ln=10", "LN=10"),
            ("ln=10,r=8,p=1", "r=8,ln=10,p=1"),
            ("ln=10,r=8,p=1", "ln=10,r=8"),
            ("ln=10,r=8,p=1", "ln=10,r=8,p=1,"),
            ("ln=10,r=8,p=1", "ln=10,r=8,p=1,p=1"),
            ("ln=10,r=8,p=1", "ln=10,r=8,p=1,keyid=AA"),
            ("r=8", "r=08"),
            ("r=8", "r=99999999999"),
            ("p=1", "p=01"),
            ("$lDJm", "$$lDJm"),
            ("$scrypt$", "$scrypt$$"),
            // Salt: '.' (passlib's pbkdf2 alphabet) and padding are not this format's.
            ("lDJmTCllTAmhNKZ0rrVWKg", "lDJmTCllTAmhNKZ0rrVWKg=="),
            ("lDJmTCllTAmhNKZ0rrVWKg", "lDJm.CllTAmhNKZ0rrVWKg"),
            ("lDJmTCllTAmhNKZ0rrVWKg", "lDJmTCllTAmhNKZ0rrVWKh"),
            ("lDJmTCllTAmhNKZ0rrVWKg", "lDJmTCllTAmhNKZ0rrVWK"),
            // 65 bytes of salt.
            ("lDJmTCllTAmhNKZ0rrVWKg", &"A".repeat(87)),
            // Checksum: wrong length, padding, other alphabet, non-canonical tail bits.
            ("++zchY", "++zch"),
            ("++zchY", "++zchYAA"),
            ("++zchY", "++zchY="),
            ("++zchY", "..zchY"),
            ("++zchY", "++zchZ"),
        ] {
            let s = GOOD.replacen(from, to, 1);
            assert_ne!(s, GOOD);
            assert_eq!(
                Scrypt.split(&s, &l).err(),
                Some(Error::MalformedHash),
                "{s}"
            );
        }
        for s in [
            format!("{GOOD}$"),
            format!("{GOOD}$AAAA"),
            format!("{GOOD}\n"),
            format!("{GOOD}é"),
        ] {
            assert_eq!(
                Scrypt.split(&s, &l).err(),
                Some(Error::MalformedHash),
                "{s}"
            );
        }
        // An empty salt (passlib's min_salt_size is 0) and a 64-byte one are accepted.
        assert!(
            Scrypt
                .split(&GOOD.replacen("lDJmTCllTAmhNKZ0rrVWKg", "", 1), &l)
                .is_ok()
        );
        assert!(
            Scrypt
                .split(
                    &GOOD.replacen("lDJmTCllTAmhNKZ0rrVWKg", &"A".repeat(86), 1),
                    &l
                )
                .is_ok()
        );
        // Settings from a wrapped string are checked as strictly.
        let settings = "$scrypt$ln=10,r=8,p=1$lDJmTCllTAmhNKZ0rrVWKg";
        for bad in [
            format!("{settings}$"),
            format!("{settings}$jUT0"),
            settings.replacen("ln=10", "ln=40", 1),
            settings.replacen("ln=10", "ln=010", 1),
            settings[..21].to_owned(),
            settings[1..].to_owned(),
            String::new(),
        ] {
            assert!(Scrypt.checksum(&bad, b"pw", &l).is_err(), "{bad}");
        }
        for other in ["$7$C6..../....SodiumChloride", "scrypt$ln=10", "$scrypt"] {
            assert!(!Scrypt.matches(other), "{other}");
        }
    }
}
