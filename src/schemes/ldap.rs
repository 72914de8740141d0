//! RFC 2307-style `userPassword` values as OpenLDAP's `slappasswd` (liblutil `passwd.c`)
//! and passlib's `ldap_md5`, `ldap_salted_md5`, `ldap_sha1` and `ldap_salted_sha1` write them.
//!
//! | name | stored | construction | settings | checksum |
//! | --- | --- | --- | --- | --- |
//! | `ldap-md5` | `{MD5}` + base64 | `base64(MD5(password))` | empty | the base64 text |
//! | `ldap-smd5` | `{SMD5}` + base64 | `base64(MD5(password ‖ salt) ‖ salt)` | base64(salt) | the base64 text |
//! | `ldap-sha` | `{SHA}` + base64 | `base64(SHA1(password))` | empty | the base64 text |
//! | `ldap-ssha` | `{SSHA}` + base64 | `base64(SHA1(password ‖ salt) ‖ salt)` | base64(salt) | the base64 text |
//!
//! All base64 here is the standard alphabet with `=` padding, and must be canonical (no
//! missing padding, no stray bits in the last character); the checksum is the base64 text
//! exactly as stored, salt included, which is what the old system recomputes for the right
//! password. Settings are the salt alone, in the same base64.
//!
//! The scheme tag is matched without regard to case (`{ssha}` too), as OpenLDAP does
//! (`ber_bvstrcasecmp` on the scheme name); passlib only accepts upper case.
//!
//! Salts: OpenLDAP and passlib write 4 bytes; 389 Directory Server and others write 8, and
//! some 16. pwharden accepts [`MIN_SALT_LEN`] to [`MAX_SALT_LEN`] bytes (passlib reads 4 to
//! 16, OpenLDAP any non-empty salt).

use std::borrow::Cow;

use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use super::digest::{Alg, base64_zeroizing, no_settings};
use super::{Legacy, Split};
use crate::error::{Error, Result};
use crate::policy::Limits;

/// Shortest salt accepted in `{SMD5}`/`{SSHA}` values, in bytes.
pub(crate) const MIN_SALT_LEN: usize = 4;
/// Longest salt accepted in `{SMD5}`/`{SSHA}` values, in bytes.
pub(crate) const MAX_SALT_LEN: usize = 64;
/// Largest decoded blob: a SHA-1 digest and the longest salt.
const MAX_BLOB_LEN: usize = 20 + MAX_SALT_LEN;

/// One `{SCHEME}base64` format.
pub(crate) struct Ldap {
    name: &'static str,
    /// The scheme tag in its usual (upper) case, braces included.
    prefix: &'static str,
    alg: Alg,
    salted: bool,
}

/// `ldap-md5`: `{MD5}` + base64(MD5(password)).
pub(crate) static LDAP_MD5: Ldap = Ldap {
    name: "ldap-md5",
    prefix: "{MD5}",
    alg: Alg::Md5,
    salted: false,
};
/// `ldap-smd5`: `{SMD5}` + base64(MD5(password ‖ salt) ‖ salt).
pub(crate) static LDAP_SMD5: Ldap = Ldap {
    name: "ldap-smd5",
    prefix: "{SMD5}",
    alg: Alg::Md5,
    salted: true,
};
/// `ldap-sha`: `{SHA}` + base64(SHA1(password)).
pub(crate) static LDAP_SHA: Ldap = Ldap {
    name: "ldap-sha",
    prefix: "{SHA}",
    alg: Alg::Sha1,
    salted: false,
};
/// `ldap-ssha`: `{SSHA}` + base64(SHA1(password ‖ salt) ‖ salt).
pub(crate) static LDAP_SSHA: Ldap = Ldap {
    name: "ldap-ssha",
    prefix: "{SSHA}",
    alg: Alg::Sha1,
    salted: true,
};

/// Decodes canonical padded base64 of at most `N` bytes into a fixed buffer; returns the
/// buffer and the decoded length.
fn decode<const N: usize>(text: &str) -> Result<([u8; N], usize)> {
    let mut buf = [0u8; N];
    let len = Base64::decode(text, &mut buf)
        .map_err(|_| Error::MalformedHash)?
        .len();
    Ok((buf, len))
}

/// Decodes and bounds-checks the salt in a salted scheme's settings.
fn salt_from_settings(settings: &str) -> Result<([u8; MAX_SALT_LEN], usize)> {
    let (salt, len) = decode::<MAX_SALT_LEN>(settings)?;
    if len < MIN_SALT_LEN {
        return Err(Error::MalformedHash);
    }
    Ok((salt, len))
}

impl Legacy for Ldap {
    fn name(&self) -> &'static str {
        self.name
    }

    fn matches(&self, stored: &str) -> bool {
        stored
            .get(..self.prefix.len())
            .is_some_and(|tag| tag.eq_ignore_ascii_case(self.prefix))
    }

    fn split<'a>(&self, stored: &'a str, _limits: &Limits) -> Result<Split<'a>> {
        if !self.matches(stored) {
            return Err(Error::MalformedHash);
        }
        let blob = stored
            .get(self.prefix.len()..)
            .ok_or(Error::MalformedHash)?;
        let (bytes, len) = decode::<MAX_BLOB_LEN>(blob)?;
        let settings = if self.salted {
            let salt = len
                .checked_sub(self.alg.len())
                .and_then(|salt_len| bytes.get(self.alg.len()..self.alg.len() + salt_len))
                .filter(|salt| (MIN_SALT_LEN..=MAX_SALT_LEN).contains(&salt.len()))
                .ok_or(Error::MalformedHash)?;
            Cow::Owned(Base64::encode_string(salt))
        } else {
            if len != self.alg.len() {
                return Err(Error::MalformedHash);
            }
            Cow::Borrowed("")
        };
        Ok(Split {
            settings,
            checksum: Cow::Borrowed(blob.as_bytes()),
        })
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        _limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        if !self.salted {
            no_settings(settings)?;
            return base64_zeroizing(&self.alg.digest(&[password]));
        }
        let (salt, len) = salt_from_settings(settings)?;
        let salt = salt.get(..len).ok_or(Error::MalformedHash)?;
        // Sized up front so that no reallocation leaves a copy of the digest behind.
        let mut blob = Zeroizing::new(Vec::with_capacity(self.alg.len() + salt.len()));
        blob.extend_from_slice(&self.alg.digest(&[password, salt]));
        blob.extend_from_slice(salt);
        base64_zeroizing(&blob)
    }
}

#[cfg(test)]
mod tests {
    use super::super::digest::testing::{
        cheap_policy, check_file, refused, round_trip, scheme_of, verifies,
    };
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn ldap_md5_vectors() {
        check_file("ldap-md5", include_str!("../../tests/vectors/ldap-md5.tsv"));
    }

    #[test]
    fn ldap_smd5_vectors() {
        check_file(
            "ldap-smd5",
            include_str!("../../tests/vectors/ldap-smd5.tsv"),
        );
    }

    #[test]
    fn ldap_sha_vectors() {
        check_file("ldap-sha", include_str!("../../tests/vectors/ldap-sha.tsv"));
    }

    #[test]
    fn ldap_ssha_vectors() {
        check_file(
            "ldap-ssha",
            include_str!("../../tests/vectors/ldap-ssha.tsv"),
        );
    }

    // passlib output for "password", from the vector files (4- and 8-byte salts).
    const PASSWORD: &[u8] = b"password";
    const MD5: &str = "{MD5}X03MO1qnZdYdgyfeuILPmQ==";
    const SHA: &str = "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=";
    const SMD5: &str = "{SMD5}y6T4NYtl1b9QodH6pi1v44zRuhc=";
    const SSHA: &str = "{SSHA}o/uyIFAP1miDffTvPbLJVEcetauaM8bY";
    const SSHA8: &str = "{SSHA}pgXBNvYBxSB4/ZxhOGKOlj6Vb7RIaW1NaS2FcA==";

    #[test]
    fn split_gives_salt_and_whole_blob() {
        let split = LDAP_SSHA.split(SSHA, &limits()).unwrap();
        // The last 4 of the 24 decoded bytes, re-encoded.
        let blob = Base64::decode_vec(&SSHA[6..]).unwrap();
        assert_eq!(split.settings, Base64::encode_string(&blob[20..]));
        assert_eq!(split.checksum.as_ref(), &SSHA.as_bytes()[6..]);
        let split = LDAP_SHA.split(SHA, &limits()).unwrap();
        assert_eq!(split.settings, "");
        assert_eq!(split.checksum.as_ref(), &SHA.as_bytes()[5..]);
    }

    #[test]
    fn scheme_tag_is_case_insensitive() {
        for (stored, name) in [
            (MD5, "ldap-md5"),
            (SHA, "ldap-sha"),
            (SMD5, "ldap-smd5"),
            (SSHA, "ldap-ssha"),
        ] {
            let close = stored.find('}').unwrap();
            let lower = stored[..close].to_ascii_lowercase();
            // Alternating case, such as "{sSh" for "{SSHA".
            let mixed: String = lower
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c
                    } else {
                        c.to_ascii_uppercase()
                    }
                })
                .collect();
            for tag in [lower, mixed] {
                let other = format!("{tag}{}", &stored[close..]);
                let scheme = scheme_of(&other);
                assert_eq!(scheme.name(), name);
                assert!(verifies(scheme, &other, PASSWORD));
                assert!(!verifies(scheme, &other, b"passwore"));
            }
        }
    }

    #[test]
    fn tags_do_not_overlap() {
        for stored in [MD5, SHA, SMD5, SSHA] {
            let n = crate::schemes::LEGACY
                .iter()
                .filter(|s| s.matches(stored))
                .count();
            assert_eq!(n, 1, "{stored}");
        }
        assert!(!LDAP_SHA.matches("{SHA256}abc"));
        assert!(!LDAP_SSHA.matches("{SSHA512}abc"));
        assert!(!LDAP_MD5.matches("{CRYPT}$1$abc"));
    }

    #[test]
    fn refuses_hostile_strings() {
        for (scheme, stored) in [
            (&LDAP_MD5, MD5),
            (&LDAP_SHA, SHA),
            (&LDAP_SMD5, SMD5),
            (&LDAP_SSHA, SSHA),
            (&LDAP_SSHA, SSHA8),
        ] {
            for n in 0..stored.len() {
                // A salted blob cut on a 4-character boundary is well formed (a shorter
                // salt); it must then fail to verify.
                refused(scheme, &stored[..n], PASSWORD);
            }
            let blob = &stored[stored.find('}').unwrap() + 1..];
            let tag = &stored[..stored.len() - blob.len()];
            let unpadded = blob.trim_end_matches('=');
            for bad in [
                format!("{stored}="),
                format!("{stored}A"),
                format!("{stored}AAAA"),
                format!("{stored}\n"),
                format!("{stored}$"),
                format!("{tag} {blob}"),
                format!("{tag}{}", blob.replace('/', "_")),
                format!("{tag}{}", blob.replace('+', "-")),
                format!("{tag}{unpadded}"),
                format!("{tag}{}!", &blob[..blob.len() - 1]),
            ] {
                if bad != stored {
                    refused(scheme, &bad, PASSWORD);
                }
            }
            assert!(scheme.split("{XYZ}abcd", &limits()).is_err());
        }
        // Non-canonical trailing bits: 'Q' (010000) -> 'R' (010001) before "==".
        let bits = MD5.replace("mQ==", "mR==");
        assert_eq!(
            LDAP_MD5.split(&bits, &limits()).err(),
            Some(Error::MalformedHash)
        );
        // Unsalted blobs of the wrong length.
        let sha_as_md5 = format!("{{MD5}}{}", &SHA[5..]);
        assert_eq!(
            LDAP_MD5.split(&sha_as_md5, &limits()).err(),
            Some(Error::MalformedHash)
        );
        // Salts outside 4..=64 bytes.
        for salt_len in [0usize, 1, 3, MAX_SALT_LEN + 1, 200] {
            let blob = Base64::encode_string(&vec![7u8; 20 + salt_len]);
            let stored = format!("{{SSHA}}{blob}");
            assert_eq!(
                LDAP_SSHA.split(&stored, &limits()).err(),
                Some(Error::MalformedHash),
                "{salt_len}"
            );
        }
        for salt_len in [MIN_SALT_LEN, MAX_SALT_LEN] {
            let blob = Base64::encode_string(&vec![7u8; 16 + salt_len]);
            assert!(
                LDAP_SMD5
                    .split(&format!("{{SMD5}}{blob}"), &limits())
                    .is_ok()
            );
        }
    }

    #[test]
    fn checksum_validates_settings() {
        for settings in [
            "",
            "AAA=",     // 2 bytes: too short
            "AAAAAA",   // unpadded
            "AAAAAB==", // non-canonical
            "AAAA$AAAA",
            "AAAAAA==$",
        ] {
            assert_eq!(
                LDAP_SSHA.checksum(settings, PASSWORD, &limits()).err(),
                Some(Error::MalformedHash),
                "{settings:?}"
            );
        }
        let too_long = Base64::encode_string(&[1u8; MAX_SALT_LEN + 1]);
        assert!(LDAP_SMD5.checksum(&too_long, PASSWORD, &limits()).is_err());
        assert!(LDAP_SHA.checksum("AAAAAA==", PASSWORD, &limits()).is_err());
    }

    #[test]
    fn through_the_policy() {
        let policy = cheap_policy();
        round_trip(&policy, "ldap-md5", MD5, PASSWORD);
        round_trip(&policy, "ldap-sha", SHA, PASSWORD);
        round_trip(&policy, "ldap-smd5", SMD5, PASSWORD);
        round_trip(&policy, "ldap-ssha", SSHA, PASSWORD);
        round_trip(&policy, "ldap-ssha", SSHA8, PASSWORD);
        round_trip(
            &policy,
            "ldap-ssha",
            &SSHA.replace("{SSHA}", "{ssha}"),
            PASSWORD,
        );
    }
}
