//! Argon2 in the PHC string format: the only scheme pwharden creates hashes with (Argon2id),
//! and the verifier for the Argon2i/Argon2d/Argon2id strings that peers write.
//!
//! Grammar accepted, strictly and in this order (as the reference implementation and
//! argon2-cffi, libsodium and PHP write it):
//!
//! ```text
//! $argon2{id,i,d}[$v=(16|19)]$m=M,t=T,p=P[,keyid=B64][,data=B64]$SALT_B64$HASH_B64
//! ```
//!
//! A missing `v=` means version 0x10, as in the reference implementation. The parser is
//! written here rather than taken from the generic `phc` crate because that one accepts the
//! parameters in any order and repeated; pwharden also wants every bound checked on fixed-size
//! buffers before any memory is allocated.

use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
use base64ct::{Base64Unpadded, Encoding};

use crate::error::{Error, Result};
use crate::gate::Gate;
use crate::pepper::{KeyId, MAX_KEY_ID_LEN};
use crate::policy::Limits;
use crate::schemes::decimal;

/// Shortest salt accepted in a stored string (the Argon2 minimum).
pub(crate) const MIN_SALT_LEN: usize = 8;
/// Longest salt accepted in a stored string.
pub(crate) const MAX_SALT_LEN: usize = 64;
/// Shortest output accepted in a stored string (the Argon2 minimum).
pub(crate) const MIN_OUTPUT_LEN: usize = 4;
/// Longest output accepted in a stored string.
pub(crate) const MAX_OUTPUT_LEN: usize = 64;
/// Salt length of new hashes.
pub(crate) const SALT_LEN: usize = 16;
/// Output length of new hashes.
pub(crate) const OUTPUT_LEN: usize = 32;
const MAX_DATA_LEN: usize = 32;

/// Cost parameters of an Argon2 computation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Costs {
    /// Memory in KiB.
    pub m: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

/// A fixed-capacity byte buffer for the short fields of a PHC string.
#[derive(Clone, Copy)]
pub(crate) struct Field<const N: usize> {
    len: usize,
    bytes: [u8; N],
}

impl<const N: usize> Field<N> {
    fn empty() -> Self {
        Self {
            len: 0,
            bytes: [0; N],
        }
    }

    fn from_b64(text: &str, min: usize) -> Result<Self> {
        let mut field = Self::empty();
        let decoded = Base64Unpadded::decode(text, &mut field.bytes)
            .map_err(|_| Error::MalformedHash)?
            .len();
        if decoded < min {
            return Err(Error::MalformedHash);
        }
        field.len = decoded;
        Ok(field)
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

/// A parsed, bounds-checked Argon2 PHC string.
pub(crate) struct Parsed {
    pub algorithm: Algorithm,
    pub version: Version,
    pub costs: Costs,
    pub keyid: Option<KeyId>,
    pub data: Field<MAX_DATA_LEN>,
    pub salt: Field<MAX_SALT_LEN>,
    pub hash: Field<MAX_OUTPUT_LEN>,
}

/// Whether `stored` claims to be an Argon2 PHC string.
pub(crate) fn matches(stored: &str) -> bool {
    ["$argon2id$", "$argon2i$", "$argon2d$"]
        .iter()
        .any(|p| stored.starts_with(p))
}

/// Parses `stored` and checks its costs against `limits`, before anything is allocated.
pub(crate) fn parse(stored: &str, limits: &Limits) -> Result<Parsed> {
    let mut fields = stored.split('$');
    if fields.next() != Some("") {
        return Err(Error::MalformedHash);
    }
    let algorithm = match fields.next() {
        Some("argon2id") => Algorithm::Argon2id,
        Some("argon2i") => Algorithm::Argon2i,
        Some("argon2d") => Algorithm::Argon2d,
        _ => return Err(Error::UnsupportedScheme),
    };
    let mut field = fields.next().ok_or(Error::MalformedHash)?;
    let version = match field.strip_prefix("v=") {
        Some(v) => {
            let version = match decimal(v)? {
                0x10 => Version::V0x10,
                0x13 => Version::V0x13,
                _ => return Err(Error::MalformedHash),
            };
            field = fields.next().ok_or(Error::MalformedHash)?;
            version
        }
        None => Version::V0x10,
    };

    let mut params = field.split(',');
    let mut costs = [0u32; 3];
    for (slot, name) in costs.iter_mut().zip(["m", "t", "p"]) {
        let value = params
            .next()
            .and_then(|kv| kv.strip_prefix(name))
            .and_then(|kv| kv.strip_prefix('='))
            .ok_or(Error::MalformedHash)?;
        *slot = decimal(value)?;
    }
    let [m, t, p] = costs;
    let mut keyid = None;
    let mut data = Field::empty();
    let mut next = params.next();
    if let Some(value) = next.and_then(|kv| kv.strip_prefix("keyid=")) {
        let raw = Field::<MAX_KEY_ID_LEN>::from_b64(value, 1)?;
        keyid = Some(KeyId::parse(raw.as_slice()).ok_or(Error::MalformedHash)?);
        next = params.next();
    }
    if let Some(value) = next.and_then(|kv| kv.strip_prefix("data=")) {
        data = Field::from_b64(value, 1)?;
        next = params.next();
    }
    if next.is_some() {
        return Err(Error::MalformedHash);
    }

    let salt_text = fields.next().ok_or(Error::MalformedHash)?;
    #[cfg(all(feature = "fuzz-planted-bug", fuzzing))]
    planted_bug(salt_text);
    let salt = Field::from_b64(salt_text, MIN_SALT_LEN)?;
    let hash = Field::from_b64(fields.next().ok_or(Error::MalformedHash)?, MIN_OUTPUT_LEN)?;
    if fields.next().is_some() {
        return Err(Error::MalformedHash);
    }

    // Argon2's own floors, then the policy's ceilings.
    if p == 0 || t == 0 || u64::from(m) < 8 * u64::from(p) {
        return Err(Error::MalformedHash);
    }
    let costs = Costs { m, t, p };
    check_limits(costs, limits)?;
    Ok(Parsed {
        algorithm,
        version,
        costs,
        keyid,
        data,
        salt,
        hash,
    })
}

/// The planted bug of the `fuzz-planted-bug` feature (test-only, never in a release build):
/// panics on an Argon2 salt field that starts with `PWNZ`, so that `scripts/fuzz.sh --planted`
/// can show the fuzz targets reach the stored-string parser. It also needs `--cfg fuzzing`
/// (which cargo-fuzz sets), so that `--all-features` builds and tests never contain it.
///
/// The field's first four bytes are compared as one word, as a parser reads a magic number.
/// (A slice comparison such as `starts_with` becomes a `bcmp` that the code generator expands
/// after the coverage instrumentation has run, which leaves the fuzzer no hint; a word
/// compare is traced and libFuzzer tries its operand in the input.)
#[cfg(all(feature = "fuzz-planted-bug", fuzzing))]
#[allow(clippy::panic)]
fn planted_bug(salt: &str) {
    if let [a, b, c, d, ..] = *salt.as_bytes()
        && core::hint::black_box(u32::from_le_bytes([a, b, c, d])) == u32::from_le_bytes(*b"PWNZ")
    {
        panic!("fuzz-planted-bug: salt field starts with PWNZ");
    }
}

/// Refuses costs above the policy's ceilings.
pub(crate) fn check_limits(costs: Costs, limits: &Limits) -> Result<()> {
    if costs.m > limits.argon2_max_m_cost {
        return Err(Error::ParamsOverLimit { name: "m" });
    }
    if costs.t > limits.argon2_max_t_cost {
        return Err(Error::ParamsOverLimit { name: "t" });
    }
    if costs.p > limits.argon2_max_p_cost {
        return Err(Error::ParamsOverLimit { name: "p" });
    }
    Ok(())
}

/// One Argon2 computation's inputs other than the password.
pub(crate) struct Job<'a> {
    pub algorithm: Algorithm,
    pub version: Version,
    pub costs: Costs,
    pub secret: Option<&'a [u8]>,
    pub data: &'a [u8],
    pub salt: &'a [u8],
}

/// Runs Argon2 over `password` into `out` (whose length is the output length), in working
/// memory borrowed from `gate` (which also decides whether the work may run now).
pub(crate) fn derive(gate: &Gate, job: &Job<'_>, password: &[u8], out: &mut [u8]) -> Result<()> {
    let mut builder = ParamsBuilder::new();
    builder
        .m_cost(job.costs.m)
        .t_cost(job.costs.t)
        .p_cost(job.costs.p)
        .output_len(out.len());
    if !job.data.is_empty() {
        builder.data(AssociatedData::new(job.data).map_err(|_| Error::MalformedHash)?);
    }
    let params = builder.build().map_err(|_| Error::MalformedHash)?;
    let blocks = params.block_count();
    let context = match job.secret {
        Some(secret) => Argon2::new_with_secret(secret, job.algorithm, job.version, params)
            .map_err(|_| Error::Internal)?,
        None => Argon2::new(job.algorithm, job.version, params),
    };
    gate.run(blocks, |memory| {
        context
            .hash_password_into_with_memory(password, job.salt, out, memory)
            .map_err(|_| Error::Internal)
    })
}

/// The number of 1 KiB blocks Argon2 uses for `costs` (m rounded down to a multiple of 4p).
pub(crate) fn block_count(costs: Costs) -> usize {
    let lanes = costs.p.max(1) as usize;
    let m = (costs.m as usize).max(8 * lanes);
    m / (4 * lanes) * (4 * lanes)
}

/// Writes a PHC string for an Argon2 output.
pub(crate) fn encode(job: &Job<'_>, keyid: Option<&KeyId>, output: &[u8]) -> Result<String> {
    use core::fmt::Write as _;

    let name = match job.algorithm {
        Algorithm::Argon2id => "argon2id",
        Algorithm::Argon2i => "argon2i",
        Algorithm::Argon2d => "argon2d",
    };
    let mut out = String::with_capacity(128);
    let Costs { m, t, p } = job.costs;
    write!(out, "${name}$v={}$m={m},t={t},p={p}", job.version as u32)
        .map_err(|_| Error::Internal)?;
    let mut buf = [0u8; 128];
    if let Some(id) = keyid {
        out.push_str(",keyid=");
        out.push_str(b64(id.as_bytes(), &mut buf)?);
    }
    if !job.data.is_empty() {
        out.push_str(",data=");
        out.push_str(b64(job.data, &mut buf)?);
    }
    out.push('$');
    out.push_str(b64(job.salt, &mut buf)?);
    out.push('$');
    out.push_str(b64(output, &mut buf)?);
    Ok(out)
}

fn b64<'b>(bytes: &[u8], buf: &'b mut [u8]) -> Result<&'b str> {
    Base64Unpadded::encode(bytes, buf).map_err(|_| Error::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    /// RFC 9106, section 5.3: Argon2id with secret and associated data.
    #[test]
    fn rfc9106_argon2id_vector() {
        let text = include_str!("../../tests/vectors/rfc9106.txt");
        let get = |key: &str| -> Vec<u8> {
            let line = text
                .lines()
                .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
                .unwrap_or_else(|| panic!("rfc9106.txt lacks {key}"));
            decode_hex(line.trim())
        };
        let num = |key: &str| -> u32 {
            let line = text
                .lines()
                .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
                .unwrap_or_else(|| panic!("rfc9106.txt lacks {key}"));
            line.trim().parse().unwrap()
        };
        let secret = get("secret");
        let data = get("associated_data");
        let salt = get("salt");
        let tag = get("tag");
        let job = Job {
            algorithm: Algorithm::Argon2id,
            version: Version::V0x13,
            costs: Costs {
                m: num("memory"),
                t: num("passes"),
                p: num("lanes"),
            },
            secret: Some(&secret),
            data: &data,
            salt: &salt,
        };
        let mut out = vec![0u8; num("tag_length") as usize];
        let gate = Gate::new(
            crate::gate::GateConfig {
                workers: 1,
                queue: 0,
                deadline: std::time::Duration::ZERO,
            },
            block_count(job.costs),
        );
        derive(&gate, &job, &get("password"), &mut out).unwrap();
        assert_eq!(out, tag);
    }

    fn decode_hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn strict_grammar() {
        let l = limits();
        let good = "$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA";
        assert!(parse(good, &l).is_ok());
        for bad in [
            "$argon2id$v=19$t=1,m=4096,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA",
            "$argon2id$v=19$m=4096,t=1,p=1,m=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA",
            "$argon2id$v=19$m=04096,t=1,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA",
            "$argon2id$v=18$m=4096,t=1,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA",
            "$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA$",
            "$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHQ",
            "$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHQ=$YWJjZGVmZ2hpamtsbW5vcA",
            "$argon2id$v=19$m=4096,t=0,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA",
            "$argon2id$v=19$m=7,t=1,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA",
            "$argon2id$v=19$m=4096,t=1,p=1$c2FsdA$YWJjZGVmZ2hpamtsbW5vcA",
            "$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHQ$YWI",
            "argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA",
        ] {
            assert!(parse(bad, &l).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_checked_by_name() {
        let l = limits();
        let s = |m: &str, t: &str, p: &str| {
            format!("$argon2id$v=19$m={m},t={t},p={p}$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA")
        };
        assert_eq!(
            parse(&s("4194304", "1", "1"), &l).err(),
            Some(Error::ParamsOverLimit { name: "m" })
        );
        assert_eq!(
            parse(&s("4096", "1000000", "1"), &l).err(),
            Some(Error::ParamsOverLimit { name: "t" })
        );
        assert_eq!(
            parse(&s("4096", "1", "255"), &l).err(),
            Some(Error::ParamsOverLimit { name: "p" })
        );
        assert_eq!(
            parse(&s("4294967296", "1", "1"), &l).err(),
            Some(Error::MalformedHash)
        );
    }
}
