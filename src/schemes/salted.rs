//! Salted digests whose salt lives in another column (`md5(salt.password)` and the like,
//! common in home-grown PHP and Java systems), brought in through a self-describing import
//! string that [`salted_import`] builds from the two columns:
//!
//! ```text
//! $pwh-salted$v=1$<alg>$<order>$<enc>$<salt>$<digest>
//! ```
//!
//! * `<alg>`: `md5`, `sha1` or `sha256` (identify names `salted-md5`, `salted-sha1`,
//!   `salted-sha256`);
//! * `<order>`: `sp` for `H(salt ‖ password)`, `ps` for `H(password ‖ salt)`;
//! * `<enc>`: how the site stored the digest: `hex` (either case) or `b64` (standard
//!   alphabet, `=` padding);
//! * `<salt>`: the salt bytes exactly as in the site's column, in canonical standard padded
//!   base64 (1 to [`MAX_SALT_LEN`] bytes);
//! * `<digest>`: the digest as the site stored it.
//!
//! Settings are `v=1$<alg>$<order>$<enc>$<salt>`; the checksum is the digest in canonical
//! form: lower-case hex for `hex`, the (canonical) base64 text for `b64`.

use std::borrow::Cow;

use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use super::digest::{Alg, base64_zeroizing, is_hex};
use super::{Legacy, Split, decimal, hex_lower};
use crate::error::{Error, Result};
use crate::policy::{Limits, MAX_STORED_LEN};

/// The prefix of every import string.
pub(crate) const PREFIX: &str = "$pwh-salted$";
/// The one version of the import string.
const VERSION: &str = "v=1";
/// Longest salt accepted, in bytes.
pub(crate) const MAX_SALT_LEN: usize = 64;

/// Where the salt goes relative to the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// `H(salt ‖ password)`, written `sp`.
    SaltPassword,
    /// `H(password ‖ salt)`, written `ps`.
    PasswordSalt,
}

/// How the site stored the digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Enc {
    /// Hex digits, either case; the checksum is lower-case.
    Hex,
    /// Standard padded base64.
    B64,
}

/// One digest algorithm of the import string.
pub(crate) struct Salted {
    name: &'static str,
    /// The `<alg>` field.
    tag: &'static str,
    alg: Alg,
}

/// `salted-md5`: MD5 over salt and password, in either order.
pub(crate) static SALTED_MD5: Salted = Salted {
    name: "salted-md5",
    tag: "md5",
    alg: Alg::Md5,
};
/// `salted-sha1`: SHA-1 over salt and password, in either order.
pub(crate) static SALTED_SHA1: Salted = Salted {
    name: "salted-sha1",
    tag: "sha1",
    alg: Alg::Sha1,
};
/// `salted-sha256`: SHA-256 over salt and password, in either order.
pub(crate) static SALTED_SHA256: Salted = Salted {
    name: "salted-sha256",
    tag: "sha256",
    alg: Alg::Sha256,
};

/// Parsed settings.
struct Params {
    order: Order,
    enc: Enc,
    salt: [u8; MAX_SALT_LEN],
    salt_len: usize,
}

impl Params {
    fn salt(&self) -> &[u8] {
        self.salt.get(..self.salt_len).unwrap_or(&[])
    }
}

impl Salted {
    /// Parses `v=1$<alg>$<order>$<enc>$<salt>`, refusing another algorithm than this
    /// scheme's and any extra field.
    fn parse_settings(&self, settings: &str) -> Result<Params> {
        let mut fields = settings.split('$');
        match fields.next() {
            Some(VERSION) => {}
            // A later version (canonical number) is recognised but not supported here.
            Some(v) => {
                let version = v.strip_prefix("v=").ok_or(Error::MalformedHash)?;
                decimal(version)?;
                return Err(Error::UnsupportedScheme);
            }
            None => return Err(Error::MalformedHash),
        }
        if fields.next() != Some(self.tag) {
            return Err(Error::MalformedHash);
        }
        let order = match fields.next() {
            Some("sp") => Order::SaltPassword,
            Some("ps") => Order::PasswordSalt,
            _ => return Err(Error::MalformedHash),
        };
        let enc = match fields.next() {
            Some("hex") => Enc::Hex,
            Some("b64") => Enc::B64,
            _ => return Err(Error::MalformedHash),
        };
        let salt_b64 = fields.next().ok_or(Error::MalformedHash)?;
        if fields.next().is_some() {
            return Err(Error::MalformedHash);
        }
        let mut salt = [0u8; MAX_SALT_LEN];
        let salt_len = Base64::decode(salt_b64, &mut salt)
            .map_err(|_| Error::MalformedHash)?
            .len();
        if salt_len == 0 {
            return Err(Error::MalformedHash);
        }
        Ok(Params {
            order,
            enc,
            salt,
            salt_len,
        })
    }
}

/// Whether `digest` is canonical padded base64 of exactly `len` bytes.
fn is_b64_digest(digest: &str, len: usize) -> bool {
    let mut buf = [0u8; 64];
    Base64::decode(digest, &mut buf).is_ok_and(|d| d.len() == len)
}

impl Legacy for Salted {
    fn name(&self) -> &'static str {
        self.name
    }

    fn matches(&self, stored: &str) -> bool {
        stored
            .strip_prefix(PREFIX)
            .is_some_and(|rest| rest.split('$').nth(1) == Some(self.tag))
    }

    fn split<'a>(&self, stored: &'a str, _limits: &Limits) -> Result<Split<'a>> {
        let rest = stored.strip_prefix(PREFIX).ok_or(Error::MalformedHash)?;
        let (settings, digest) = rest.rsplit_once('$').ok_or(Error::MalformedHash)?;
        let params = self.parse_settings(settings)?;
        let checksum = match params.enc {
            Enc::Hex if is_hex(digest, 2 * self.alg.len()) => {
                Cow::Owned(digest.to_ascii_lowercase().into_bytes())
            }
            Enc::B64 if is_b64_digest(digest, self.alg.len()) => Cow::Borrowed(digest.as_bytes()),
            _ => return Err(Error::MalformedHash),
        };
        Ok(Split {
            settings: Cow::Borrowed(settings),
            checksum,
        })
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        _limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let params = self.parse_settings(settings)?;
        let salt = params.salt();
        let digest = match params.order {
            Order::SaltPassword => self.alg.digest(&[salt, password]),
            Order::PasswordSalt => self.alg.digest(&[password, salt]),
        };
        match params.enc {
            Enc::Hex => Ok(hex_lower(&digest)),
            Enc::B64 => base64_zeroizing(&digest),
        }
    }
}

/// Builds the import string for a salted digest whose salt the site kept in another column,
/// so that [`Policy`](crate::Policy) can verify (and then upgrade or wrap) it.
///
/// `construction` is one of `md5(salt.password)`, `md5(password.salt)`,
/// `sha1(salt.password)`, `sha1(password.salt)`, `sha256(salt.password)`,
/// `sha256(password.salt)` (`.` is concatenation). `salt` is the salt column's bytes exactly
/// as the site fed them to the digest (1 to 64 bytes). `digest` is the digest column as
/// stored: hex in either case (32, 40 or 64 digits) or standard padded base64 (24, 28 or 44
/// characters); its encoding is recognised by its length and kept as it is.
///
/// The result has the form `$pwh-salted$v=1$<alg>$<sp|ps>$<hex|b64>$<salt base64>$<digest>`
/// and its identify name is `salted-md5`, `salted-sha1` or `salted-sha256`.
///
/// ```
/// use pwharden::{Policy, salted_import};
///
/// // A site stored md5(salt . password) in hex, and the 4-byte salt 72 86 7f bd separately.
/// let stored = salted_import(
///     "md5(salt.password)",
///     &[0x72, 0x86, 0x7f, 0xbd],
///     "b5aeb380b44f0e681809f14e3e19249f",
/// )?;
/// assert_eq!(
///     stored,
///     "$pwh-salted$v=1$md5$sp$hex$coZ/vQ==$b5aeb380b44f0e681809f14e3e19249f"
/// );
///
/// let policy = Policy::builder().argon2(1024, 1, 1).allow_weak_target().build()?;
/// assert_eq!(policy.identify(&stored)?, "salted-md5");
/// assert!(policy.verify("password", &stored)?.is_valid());
/// assert!(!policy.verify("passwore", &stored)?.is_valid());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::UnsupportedScheme`] for any other `construction`; [`Error::MalformedHash`] for a
/// salt that is empty or longer than 64 bytes, or a digest that is not hex or canonical
/// padded base64 of the algorithm's length.
pub fn salted_import(construction: &str, salt: &[u8], digest: &str) -> Result<String> {
    let (scheme, order) = match construction {
        "md5(salt.password)" => (&SALTED_MD5, "sp"),
        "md5(password.salt)" => (&SALTED_MD5, "ps"),
        "sha1(salt.password)" => (&SALTED_SHA1, "sp"),
        "sha1(password.salt)" => (&SALTED_SHA1, "ps"),
        "sha256(salt.password)" => (&SALTED_SHA256, "sp"),
        "sha256(password.salt)" => (&SALTED_SHA256, "ps"),
        _ => return Err(Error::UnsupportedScheme),
    };
    if salt.is_empty() || salt.len() > MAX_SALT_LEN {
        return Err(Error::MalformedHash);
    }
    let len = scheme.alg.len();
    let enc = if is_hex(digest, 2 * len) {
        "hex"
    } else if is_b64_digest(digest, len) {
        "b64"
    } else {
        return Err(Error::MalformedHash);
    };
    let stored = format!(
        "{PREFIX}{VERSION}${}${order}${enc}${}${digest}",
        scheme.tag,
        Base64::encode_string(salt)
    );
    if stored.len() > MAX_STORED_LEN {
        return Err(Error::ParamsOverLimit { name: "length" });
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::super::digest::testing::{
        cheap_policy, lines, round_trip, scheme_of, unhex, verifies,
    };
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    /// tests/vectors/salted.tsv: the import string is built from the file's columns with
    /// `salted_import`, then must verify with the password and fail with others.
    #[test]
    fn salted_vectors() {
        let lines = lines(include_str!("../../tests/vectors/salted.tsv"));
        assert!(lines.len() >= 24);
        for fields in &lines {
            let [pw_hex, alg, order, salt_hex, enc, digest] = fields.as_slice() else {
                panic!("bad line {fields:?}");
            };
            let construction = match *order {
                "sp" => format!("{alg}(salt.password)"),
                "ps" => format!("{alg}(password.salt)"),
                _ => panic!("bad order {order}"),
            };
            let password = unhex(pw_hex);
            let stored = salted_import(&construction, &unhex(salt_hex), digest).unwrap();
            let enc = match *enc {
                "hex" => "hex",
                "base64" => "b64",
                _ => panic!("bad encoding {enc}"),
            };
            assert!(
                stored.starts_with(&format!("{PREFIX}v=1${alg}${order}${enc}$")),
                "{stored}"
            );
            assert!(stored.ends_with(&format!("${digest}")));
            let scheme = scheme_of(&stored);
            assert_eq!(scheme.name(), format!("salted-{alg}"));
            assert!(verifies(scheme, &stored, &password), "{stored}");
            let mut wrong = password.clone();
            wrong.push(b'!');
            assert!(!verifies(scheme, &stored, &wrong), "{stored}");
            // The other order must not verify.
            let swapped = if *order == "sp" {
                stored.replacen("$sp$", "$ps$", 1)
            } else {
                stored.replacen("$ps$", "$sp$", 1)
            };
            assert!(!verifies(scheme, &swapped, &password), "{swapped}");
            // Hex in upper case is the same digest.
            if enc == "hex" {
                let upper = format!(
                    "{}{}",
                    &stored[..stored.len() - digest.len()],
                    digest.to_ascii_uppercase()
                );
                assert!(verifies(scheme, &upper, &password));
                let split = scheme.split(&upper, &limits()).unwrap();
                assert_eq!(split.checksum.as_ref(), digest.as_bytes());
            }
        }
    }

    // From tests/vectors/salted.tsv: "password", md5, sp, salt 72867fbd, hex.
    const STORED: &str = "$pwh-salted$v=1$md5$sp$hex$coZ/vQ==$b5aeb380b44f0e681809f14e3e19249f";
    // "password", sha256, sp, salt a5f58e0f, base64.
    const STORED_B64: &str =
        "$pwh-salted$v=1$sha256$sp$b64$pfWODw==$3wYRM7B4hqKoFKEZ2I+k21zPrOZWRrt6UVqIluu/tJU=";

    #[test]
    fn split_settings_and_checksum() {
        let split = SALTED_MD5.split(STORED, &limits()).unwrap();
        assert_eq!(split.settings, "v=1$md5$sp$hex$coZ/vQ==");
        assert_eq!(split.checksum.as_ref(), b"b5aeb380b44f0e681809f14e3e19249f");
        let split = SALTED_SHA256.split(STORED_B64, &limits()).unwrap();
        assert_eq!(split.settings, "v=1$sha256$sp$b64$pfWODw==");
        assert_eq!(
            split.checksum.as_ref(),
            b"3wYRM7B4hqKoFKEZ2I+k21zPrOZWRrt6UVqIluu/tJU="
        );
        assert!(verifies(&SALTED_SHA256, STORED_B64, b"password"));
    }

    #[test]
    fn matches_by_algorithm() {
        assert!(SALTED_MD5.matches(STORED));
        assert!(!SALTED_SHA1.matches(STORED));
        assert!(!SALTED_SHA256.matches(STORED));
        assert!(SALTED_SHA256.matches(STORED_B64));
        // Unknown algorithms and versions are no scheme's.
        let sha512 = STORED.replace("$md5$", "$sha512$");
        assert!(crate::schemes::LEGACY.iter().all(|s| !s.matches(&sha512)));
        assert!(!SALTED_MD5.matches("$pwh-salted$"));
    }

    #[test]
    fn refuses_hostile_strings() {
        for n in 0..STORED.len() {
            assert!(SALTED_MD5.split(&STORED[..n], &limits()).is_err(), "{n}");
        }
        for n in 0..STORED_B64.len() {
            assert!(
                SALTED_SHA256.split(&STORED_B64[..n], &limits()).is_err(),
                "{n}"
            );
        }
        let digest = "b5aeb380b44f0e681809f14e3e19249f";
        for bad in [
            format!("{STORED}$"),
            format!("{STORED}$00"),
            format!("{STORED}0"),
            format!("{STORED}\n"),
            STORED.replace("$v=1$", "$v=01$"),
            STORED.replace("$v=1$", "$v1$"),
            STORED.replace("$v=1$", "$$"),
            STORED.replace("$md5$", "$MD5$"),
            STORED.replace("$sp$", "$SP$"),
            STORED.replace("$sp$", "$xx$"),
            STORED.replace("$sp$", "$$"),
            STORED.replace("$hex$", "$b64$"),
            STORED.replace("$hex$", "$base64$"),
            STORED.replace("$hex$", "$HEX$"),
            STORED.replace("coZ/vQ==", ""),
            STORED.replace("coZ/vQ==", "coZ/vQ"),
            STORED.replace("coZ/vQ==", "coZ/vR=="),
            STORED.replace("coZ/vQ==", "coZ_vQ=="),
            STORED.replace("coZ/vQ==", "coZ/vQ==coZ/vQ=="),
            STORED.replace("coZ/vQ==", &Base64::encode_string(&[1u8; MAX_SALT_LEN + 1])),
            STORED.replace(digest, &digest[1..]),
            STORED.replace(digest, &format!("g{}", &digest[1..])),
            STORED.replace(digest, "tar5OLRPDmgYCfFOPhkknw=="),
            STORED.replacen("$md5$sp$", "$md5$sp$sp$", 1),
            STORED.replacen("$pwh-salted$", "$pwh-salted$$", 1),
        ] {
            assert_eq!(
                SALTED_MD5.split(&bad, &limits()).err(),
                Some(Error::MalformedHash),
                "{bad:?}"
            );
        }
        assert_eq!(
            SALTED_MD5
                .split(&STORED.replace("$v=1$", "$v=2$"), &limits())
                .err(),
            Some(Error::UnsupportedScheme)
        );
        // Base64 digests must be canonical and padded.
        for bad in [
            STORED_B64.trim_end_matches('='),
            &STORED_B64.replace("tJU=", "tJV="),
            &STORED_B64.replace("tJU=", "tJU=="),
        ] {
            assert_eq!(
                SALTED_SHA256.split(bad, &limits()).err(),
                Some(Error::MalformedHash)
            );
        }
        let longest_salt = STORED.replace("coZ/vQ==", &Base64::encode_string(&[1u8; MAX_SALT_LEN]));
        assert!(SALTED_MD5.split(&longest_salt, &limits()).is_ok());
    }

    #[test]
    fn checksum_validates_settings() {
        for settings in [
            "",
            "v=1$sha1$sp$hex$coZ/vQ==", // another scheme's algorithm
            "v=1$md5$sp$hex$",
            "v=1$md5$sp$hex$coZ/vQ==$",
            "v=1$md5$sp$hex",
            "v=1$md5$ps$b64$coZ/vR==",
        ] {
            assert_eq!(
                SALTED_MD5.checksum(settings, b"password", &limits()).err(),
                Some(Error::MalformedHash),
                "{settings:?}"
            );
        }
    }

    #[test]
    fn import_refuses_bad_input() {
        let digest = "b5aeb380b44f0e681809f14e3e19249f";
        let salt = [0x72, 0x86, 0x7f, 0xbd];
        for construction in [
            "md5(salt+password)",
            "MD5(salt.password)",
            "sha512(salt.password)",
            "md5(salt.password) ",
            "md5(password)",
            "",
        ] {
            assert_eq!(
                salted_import(construction, &salt, digest).err(),
                Some(Error::UnsupportedScheme)
            );
        }
        for (salt, digest) in [
            (&[][..], digest),
            (&[0u8; MAX_SALT_LEN + 1][..], digest),
            (&salt[..], &digest[1..]),
            (&salt[..], "b5aeb380b44f0e681809f14e3e19249fb5aeb380"),
            (&salt[..], "tar5OLRPDmgYCfFOPhkknw="),
            (&salt[..], "tar5OLRPDmgYCfFOPhkknx=="),
            (&salt[..], "tar5OLRPDmgYCfFOPhkknw==\n"),
            (&salt[..], ""),
        ] {
            assert_eq!(
                salted_import("md5(salt.password)", salt, digest).err(),
                Some(Error::MalformedHash),
                "{digest:?}"
            );
        }
        // A hex digest in upper case is kept as the site stored it.
        let upper =
            salted_import("md5(salt.password)", &salt, &digest.to_ascii_uppercase()).unwrap();
        assert!(upper.ends_with("$B5AEB380B44F0E681809F14E3E19249F"));
        assert!(verifies(&SALTED_MD5, &upper, b"password"));
        // The longest import string stays within MAX_STORED_LEN.
        let longest = salted_import(
            "sha256(password.salt)",
            &[0xff; MAX_SALT_LEN],
            "P0BMrdARbd3axOoC64JuXbf2RXLo+WBM0Tqi56T2Hhw=",
        )
        .unwrap();
        assert!(longest.len() <= MAX_STORED_LEN);
    }

    #[test]
    fn through_the_policy() {
        let policy = cheap_policy();
        round_trip(&policy, "salted-md5", STORED, b"password");
        round_trip(&policy, "salted-sha256", STORED_B64, b"password");
        // From salted.tsv: "password", sha1, ps, hex.
        let sha1 = salted_import(
            "sha1(password.salt)",
            &unhex("b105d8e1dec119bfdd7bcf6c10ceb6cc2999fc988586666879a7bafcc881ec31"),
            "21e091f7eded88daaa77494bf04fcd48b42d9033",
        )
        .unwrap();
        round_trip(&policy, "salted-sha1", &sha1, b"password");
    }
}
