//! Offline breached-password lookup: a compact, memory-mapped index of the SHA-1 hashes in
//! the Pwned Passwords corpus, which operators download themselves.
//!
//! pwharden never sends a password (or any hash of one) anywhere: the index is a local file,
//! and a lookup is one binary search in one bucket of it, without allocating.
//!
//! # Input: what [`BreachIndex::build`] reads
//!
//! Text in the published Pwned Passwords SHA-1 form, one hash per line, upper- or lower-case
//! hex, optionally followed by `:COUNT`; blank lines are skipped, and so are lines whose
//! count is 0 (the padding entries of the range API). Each input path is one of:
//!
//! * a file of full hashes, `SHA1HEX:COUNT` (40 hex digits), such as the concatenated,
//!   ordered-by-hash download;
//! * a range file, whose name is the 5-hex-digit prefix (`00000` or `00000.txt`) and whose
//!   lines are the 35-digit `SUFFIX:COUNT` (full 40-digit lines are accepted there too);
//! * a directory: its range files (names as above), in name order; other files in it are
//!   ignored.
//!
//! Inputs that arrive in hash order (the published files, and range files in prefix order)
//! are streamed with constant memory (8 MiB of bucket counters). Inputs out of order are read
//! a second time into memory (8 bytes per entry) and sorted there.
//!
//! # The index file (version 1)
//!
//! Little-endian integers, except the entries:
//!
//! ```text
//! offset  size  field
//!      0     8  magic "PWHBRIDX"
//!      8     4  version = 1
//!     12     4  prefix bits = 20 (the bucket is the first 20 bits of the SHA-1, 5 hex digits)
//!     16     4  entry bytes = 6
//!     20     4  key bits = 64 (the index keeps the first 64 bits of each SHA-1)
//!     24     8  N, the number of entries
//!     32     8  body offset = 64
//!     40     8  table offset = 64 + 6·N
//!     48     8  file length = table offset + 8·(2^20 + 1)
//!     56     8  zero
//!     64   6·N  entries: bits 0..48 of each 64-bit key, big-endian, sorted, no duplicates
//!      …  8·(2^20+1)  table: entry index where bucket b starts, for b = 0 ..= 2^20 (the last is N)
//! ```
//!
//! A lookup takes the first 64 bits of the password's SHA-1, reads its bucket's bounds from
//! the table (the first 20 bits), and binary-searches the bucket for the low 48 bits. Two
//! different SHA-1s that agree on their first 64 bits are one entry, so a password not in the
//! corpus is reported breached with probability N / 2^64 per lookup: about 1.1 × 10^-10
//! with the two billion hashes of the current corpus, about one wrong refusal in nine
//! billion sign-ups. Each entry costs 6 bytes (plus 8 MiB of table per index): the current
//! corpus fits in about 12 GB instead of the ~80 GB of its text.
//!
//! The file is validated when it is opened (header fields, lengths, a monotone table);
//! within that, every read is bounds-checked, so a corrupt or truncated index is an error
//! at open or, if its entries are out of order, a wrong answer, never a panic. Entries are not
//! checked for order at open (that would read the whole file).

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use memmap2::Mmap;
use sha1::{Digest, Sha1};
use zeroize::{Zeroize, Zeroizing};

use crate::ffi::os;

const MAGIC: [u8; 8] = *b"PWHBRIDX";
const VERSION: u32 = 1;
const PREFIX_BITS: u32 = 20;
const BUCKETS: usize = 1 << PREFIX_BITS;
const ENTRY_LEN: usize = 6;
const KEY_BITS: u32 = 64;
const HEADER_LEN: usize = 64;
const TABLE_LEN: u64 = 8 * (BUCKETS as u64 + 1);
const LOW_MASK: u64 = (1 << (8 * ENTRY_LEN)) - 1;

/// A breached-password index, memory-mapped read-only.
///
/// Cloning is cheap (the mapping is shared). The file must not be modified in place while it
/// is open: [`BreachIndex::build`] and [`BreachIndex::build_from_sha1`] write a temporary file
/// and rename it over the target, which is safe to do while a process has the old index open
/// (it keeps the old file until it drops the index).
///
/// ```
/// use pwharden::BreachIndex;
/// use sha1::{Digest, Sha1};
///
/// let dir = std::env::temp_dir().join(format!("pwh-doc-breach-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// // The published form: upper-case SHA-1 hex and a count.
/// let line = |password: &str| -> String {
///     let hex: String = Sha1::digest(password).iter().map(|b| format!("{b:02X}")).collect();
///     format!("{hex}:42\n")
/// };
/// let text = line("password") + &line("pizza123");
/// std::fs::write(dir.join("pwned.txt"), text)?;
///
/// BreachIndex::build(&[dir.join("pwned.txt")], dir.join("pwned.idx"))?;
/// let index = BreachIndex::open(dir.join("pwned.idx"))?;
/// assert!(index.contains_password("pizza123"));
/// assert!(!index.contains_password("correct horse battery staple"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct BreachIndex {
    map: Arc<Mmap>,
    entries: u64,
    table: usize,
}

impl std::fmt::Debug for BreachIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BreachIndex")
            .field("entries", &self.entries)
            .field("bytes", &self.map.len())
            .finish()
    }
}

/// What a build read and wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IndexSummary {
    /// Hashes read (lines with a hash and a count other than 0, or digests given).
    pub hashes: u64,
    /// Entries in the index: distinct 64-bit prefixes.
    pub entries: u64,
    /// Size of the index file in bytes.
    pub bytes: u64,
}

impl BreachIndex {
    /// Opens and validates an index made by [`BreachIndex::build`].
    ///
    /// # Errors
    /// The file cannot be opened or mapped, or it is not a valid version-1 index
    /// ([`io::ErrorKind::InvalidData`], saying which check failed).
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| context(path, e))?;
        let len = file.metadata().map_err(|e| context(path, e))?.len();
        if len < HEADER_LEN as u64 {
            return Err(invalid(path, "shorter than the header"));
        }
        let map = os::map_readonly(&file).map_err(|e| context(path, e))?;
        let (entries, table) = validate(&map).map_err(|what| invalid(path, what))?;
        Ok(Self {
            map: Arc::new(map),
            entries,
            table,
        })
    }

    /// Number of entries (distinct 64-bit hash prefixes).
    pub fn len(&self) -> u64 {
        self.entries
    }

    /// Whether the index has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Size of the index file in bytes.
    pub fn bytes(&self) -> u64 {
        self.map.len() as u64
    }

    /// Whether the SHA-1 of `password` (its bytes exactly as given) is in the index.
    ///
    /// Does not allocate; the digest is wiped before returning.
    pub fn contains_password(&self, password: impl AsRef<[u8]>) -> bool {
        let digest = sha1_digest(password.as_ref());
        self.contains_sha1(&digest)
    }

    /// Whether a SHA-1 digest is in the index (compared on its first 64 bits).
    pub fn contains_sha1(&self, digest: &[u8; 20]) -> bool {
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let key = u64::from_be_bytes(first);
        first.zeroize();
        self.lookup(key).unwrap_or(false)
    }

    /// One bucket's binary search; `None` only if a read is out of bounds (impossible after
    /// validation, but never a panic).
    fn lookup(&self, key: u64) -> Option<bool> {
        let bytes: &[u8] = &self.map;
        let bucket = usize::try_from(key >> (KEY_BITS - PREFIX_BITS)).ok()?;
        let at = self.table.checked_add(bucket.checked_mul(8)?)?;
        let mut lo = read_u64(bytes, at)?;
        let mut hi = read_u64(bytes, at.checked_add(8)?)?;
        let want = key & LOW_MASK;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let offset = usize::try_from(mid).ok()?.checked_mul(ENTRY_LEN)?;
            let entry = read_u48(bytes, HEADER_LEN.checked_add(offset)?)?;
            match entry.cmp(&want) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(true),
            }
        }
        Some(false)
    }

    /// Builds an index at `out` from Pwned Passwords text files, range files and directories
    /// of range files (see the [module documentation](self) for what is accepted).
    ///
    /// The index is written to a temporary file beside `out`, synced, then renamed over
    /// `out`, so readers never see a half-written index.
    ///
    /// # Errors
    /// An input cannot be read, or a line is not a SHA-1 hash line (the error names the file
    /// and line number, not the line); the output cannot be written.
    pub fn build<P: AsRef<Path>>(inputs: &[P], out: impl AsRef<Path>) -> io::Result<IndexSummary> {
        let sources = expand(inputs)?;
        write_atomically(out.as_ref(), |tmp| {
            let mut hashes = 0;
            let mut writer = Writer::create(tmp)?;
            let in_order = for_each_key(&sources, &mut |key| {
                hashes += 1;
                writer.push(key)
            })?;
            if in_order {
                return writer.finish(hashes);
            }
            drop(writer);
            let mut keys = Vec::new();
            for_each_key(&sources, &mut |key| {
                keys.push(key);
                Ok(true)
            })?;
            let hashes = keys.len() as u64;
            write_sorted(tmp, keys, hashes)
        })
    }

    /// Builds an index at `out` from raw SHA-1 digests (in any order), as
    /// [`BreachIndex::build`] does from text. Holds 8 bytes per digest in memory.
    ///
    /// # Errors
    /// The output cannot be written.
    pub fn build_from_sha1(
        digests: impl IntoIterator<Item = [u8; 20]>,
        out: impl AsRef<Path>,
    ) -> io::Result<IndexSummary> {
        let keys: Vec<u64> = digests
            .into_iter()
            .map(|d| {
                let mut first = [0u8; 8];
                first.copy_from_slice(&d[..8]);
                u64::from_be_bytes(first)
            })
            .collect();
        let hashes = keys.len() as u64;
        write_atomically(out.as_ref(), |tmp| write_sorted(tmp, keys, hashes))
    }
}

/// SHA-1 of `bytes` in a buffer wiped on drop; the hasher's own state wipes itself.
pub(crate) fn sha1_digest(bytes: &[u8]) -> Zeroizing<[u8; 20]> {
    let mut out = Sha1::new().chain_update(bytes).finalize();
    let mut digest = Zeroizing::new([0u8; 20]);
    digest.copy_from_slice(&out);
    out.as_mut_slice().zeroize();
    digest
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let raw: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(raw))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(raw))
}

fn read_u48(bytes: &[u8], at: usize) -> Option<u64> {
    let raw = bytes.get(at..at.checked_add(ENTRY_LEN)?)?;
    let mut wide = [0u8; 8];
    wide.get_mut(8 - ENTRY_LEN..)?.copy_from_slice(raw);
    Some(u64::from_be_bytes(wide))
}

/// Checks the header and the table; returns the entry count and the table's offset.
fn validate(bytes: &[u8]) -> Result<(u64, usize), &'static str> {
    const SHORT: &str = "shorter than the header";
    if bytes.get(..8) != Some(&MAGIC[..]) {
        return Err("not a pwharden breach index (bad magic)");
    }
    if read_u32(bytes, 8).ok_or(SHORT)? != VERSION {
        return Err("unsupported version");
    }
    if read_u32(bytes, 12).ok_or(SHORT)? != PREFIX_BITS
        || read_u32(bytes, 16).ok_or(SHORT)? as usize != ENTRY_LEN
        || read_u32(bytes, 20).ok_or(SHORT)? != KEY_BITS
    {
        return Err("unsupported layout");
    }
    let entries = read_u64(bytes, 24).ok_or(SHORT)?;
    let body = read_u64(bytes, 32).ok_or(SHORT)?;
    let table = read_u64(bytes, 40).ok_or(SHORT)?;
    let len = read_u64(bytes, 48).ok_or(SHORT)?;
    if read_u64(bytes, 56).ok_or(SHORT)? != 0 || body != HEADER_LEN as u64 {
        return Err("bad header");
    }
    let expected_table = entries
        .checked_mul(ENTRY_LEN as u64)
        .and_then(|b| b.checked_add(HEADER_LEN as u64))
        .ok_or("bad entry count")?;
    if table != expected_table || table.checked_add(TABLE_LEN) != Some(len) {
        return Err("bad lengths in the header");
    }
    if len != bytes.len() as u64 {
        return Err("truncated or extended (length differs from the header)");
    }
    let table = usize::try_from(table).map_err(|_| "too large for this platform")?;
    let mut previous = 0u64;
    for bucket in 0..=BUCKETS {
        let start = read_u64(bytes, table + 8 * bucket).ok_or("truncated table")?;
        if start < previous || start > entries || (bucket == 0 && start != 0) {
            return Err("corrupt bucket table");
        }
        previous = start;
    }
    if previous != entries {
        return Err("corrupt bucket table");
    }
    Ok((entries, table))
}

fn context(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn invalid(path: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: invalid breach index: {what}", path.display()),
    )
}

// ---------------------------------------------------------------------------------------------
// Building.

/// One input file, with its 5-digit prefix when it is a range file.
struct Source {
    path: PathBuf,
    prefix: Option<[u8; 5]>,
}

/// The 5-hex-digit prefix a range file is named after (`ABCDE` or `ABCDE.txt`).
fn range_prefix(path: &Path) -> Option<[u8; 5]> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".txt").unwrap_or(name);
    let prefix: [u8; 5] = stem.as_bytes().try_into().ok()?;
    prefix.iter().all(u8::is_ascii_hexdigit).then_some(prefix)
}

fn expand<P: AsRef<Path>>(inputs: &[P]) -> io::Result<Vec<Source>> {
    let mut sources = Vec::new();
    for input in inputs {
        let path = input.as_ref();
        if path.is_dir() {
            let mut files: Vec<PathBuf> = fs::read_dir(path)
                .map_err(|e| context(path, e))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && range_prefix(p).is_some())
                .collect();
            if files.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{}: no range files (named like 00000.txt)", path.display()),
                ));
            }
            files.sort();
            sources.extend(files.into_iter().map(|p| Source {
                prefix: range_prefix(&p),
                path: p,
            }));
        } else {
            sources.push(Source {
                path: path.to_owned(),
                prefix: range_prefix(path),
            });
        }
    }
    Ok(sources)
}

/// Calls `each` with the 64-bit key of every hash line, in input order, until it answers
/// `false`; returns whether every call answered `true`.
fn for_each_key(
    sources: &[Source],
    each: &mut dyn FnMut(u64) -> io::Result<bool>,
) -> io::Result<bool> {
    let mut line = Vec::with_capacity(128);
    for source in sources {
        let path = &source.path;
        let file = File::open(path).map_err(|e| context(path, e))?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut number = 0u64;
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| context(path, e))?;
            if read == 0 {
                break;
            }
            number += 1;
            let key = parse_line(&line, source.prefix).map_err(|what| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}:{number}: {what}", path.display()),
                )
            })?;
            if let Some(key) = key
                && !each(key)?
            {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// The key of one line; `None` for a blank line or a count of 0.
fn parse_line(line: &[u8], prefix: Option<[u8; 5]>) -> Result<Option<u64>, &'static str> {
    let line = line.trim_ascii();
    if line.is_empty() {
        return Ok(None);
    }
    let (hex, count) = match line.iter().position(|&b| b == b':') {
        Some(colon) => (&line[..colon], Some(&line[colon + 1..])),
        None => (line, None),
    };
    if let Some(count) = count {
        if count.is_empty() || count.len() > 20 || !count.iter().all(u8::is_ascii_digit) {
            return Err("bad count (expected HASH:COUNT)");
        }
        if count.iter().all(|&d| d == b'0') {
            return Ok(None);
        }
    }
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return Err("not hex (expected a SHA-1 hash)");
    }
    let mut first = [0u8; 16];
    match (hex.len(), prefix) {
        (40, _) => first.copy_from_slice(&hex[..16]),
        (35, Some(prefix)) => {
            first[..5].copy_from_slice(&prefix);
            first[5..].copy_from_slice(&hex[..11]);
        }
        (35, None) => return Err("a 35-digit suffix outside a range file named by its prefix"),
        _ => return Err("not a SHA-1 hash (expected 40 hex digits, or 35 in a range file)"),
    }
    let mut key = 0u64;
    for &digit in &first {
        let value = match digit {
            b'0'..=b'9' => digit - b'0',
            b'a'..=b'f' => digit - b'a' + 10,
            b'A'..=b'F' => digit - b'A' + 10,
            _ => return Err("not hex (expected a SHA-1 hash)"),
        };
        key = (key << 4) | u64::from(value);
    }
    Ok(Some(key))
}

/// Writes `tmp` with `write`, syncs it and renames it over `out`; removes it on failure.
fn write_atomically(
    out: &Path,
    write: impl FnOnce(&Path) -> io::Result<IndexSummary>,
) -> io::Result<IndexSummary> {
    let name = out.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a file name", out.display()),
        )
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = out.with_file_name(tmp_name);
    let result = write(&tmp).and_then(|summary| {
        fs::rename(&tmp, out).map_err(|e| context(out, e))?;
        Ok(summary)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_sorted(tmp: &Path, mut keys: Vec<u64>, hashes: u64) -> io::Result<IndexSummary> {
    keys.sort_unstable();
    keys.dedup();
    let mut writer = Writer::create(tmp)?;
    for key in keys {
        writer.push(key)?;
    }
    writer.finish(hashes)
}

/// Writes entries in key order and counts them per bucket; [`Writer::finish`] adds the table
/// and the header.
struct Writer {
    path: PathBuf,
    out: BufWriter<File>,
    counts: Vec<u64>,
    last: Option<u64>,
    entries: u64,
}

impl Writer {
    fn create(path: &Path) -> io::Result<Self> {
        let file = File::create(path).map_err(|e| context(path, e))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(&[0u8; HEADER_LEN])
            .map_err(|e| context(path, e))?;
        Ok(Self {
            path: path.to_owned(),
            out,
            counts: vec![0; BUCKETS],
            last: None,
            entries: 0,
        })
    }

    /// Appends `key`; a repeat is skipped; `false` (nothing written) when it is out of order.
    fn push(&mut self, key: u64) -> io::Result<bool> {
        match self.last {
            Some(last) if key == last => return Ok(true),
            Some(last) if key < last => return Ok(false),
            _ => {}
        }
        let bytes = (key & LOW_MASK).to_be_bytes();
        self.out
            .write_all(&bytes[8 - ENTRY_LEN..])
            .map_err(|e| context(&self.path, e))?;
        if let Some(count) = self
            .counts
            .get_mut((key >> (KEY_BITS - PREFIX_BITS)) as usize)
        {
            *count += 1;
        }
        self.last = Some(key);
        self.entries += 1;
        Ok(true)
    }

    fn finish(self, hashes: u64) -> io::Result<IndexSummary> {
        let Self {
            path,
            mut out,
            counts,
            entries,
            ..
        } = self;
        let io = |e| context(&path, e);
        let mut start = 0u64;
        for count in counts {
            out.write_all(&start.to_le_bytes()).map_err(io)?;
            start += count;
        }
        out.write_all(&start.to_le_bytes()).map_err(io)?;
        let table = HEADER_LEN as u64 + ENTRY_LEN as u64 * entries;
        let len = table + TABLE_LEN;
        let mut header = [0u8; HEADER_LEN];
        header[..8].copy_from_slice(&MAGIC);
        header[8..12].copy_from_slice(&VERSION.to_le_bytes());
        header[12..16].copy_from_slice(&PREFIX_BITS.to_le_bytes());
        header[16..20].copy_from_slice(&(ENTRY_LEN as u32).to_le_bytes());
        header[20..24].copy_from_slice(&KEY_BITS.to_le_bytes());
        header[24..32].copy_from_slice(&entries.to_le_bytes());
        header[32..40].copy_from_slice(&(HEADER_LEN as u64).to_le_bytes());
        header[40..48].copy_from_slice(&table.to_le_bytes());
        header[48..56].copy_from_slice(&len.to_le_bytes());
        let mut file = out.into_inner().map_err(|e| io(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(&header).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(IndexSummary {
            hashes,
            entries,
            bytes: len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let full = b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3861493\r\n";
        assert_eq!(parse_line(full, None), Ok(Some(0x5BAA_61E4_C9B9_3F3F)));
        let lower = b"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8";
        assert_eq!(parse_line(lower, None), Ok(Some(0x5BAA_61E4_C9B9_3F3F)));
        let suffix = b"1E4C9B93F3F0682250B6CF8331B7EE68FD8:3861493";
        assert_eq!(
            parse_line(suffix, Some(*b"5BAA6")),
            Ok(Some(0x5BAA_61E4_C9B9_3F3F))
        );
        assert_eq!(parse_line(b"  \r\n", None), Ok(None));
        assert_eq!(
            parse_line(b"1E4C9B93F3F0682250B6CF8331B7EE68FD8:0", Some(*b"5BAA6")),
            Ok(None)
        );
        for bad in [
            &b"1E4C9B93F3F0682250B6CF8331B7EE68FD8:1"[..],
            b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD:1",
            b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FDX:1",
            b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:",
            b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:-1",
            b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1:2",
            b"\xff",
        ] {
            assert!(parse_line(bad, None).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn range_file_names() {
        assert_eq!(range_prefix(Path::new("/x/ABCDE")), Some(*b"ABCDE"));
        assert_eq!(range_prefix(Path::new("abcde.txt")), Some(*b"abcde"));
        assert_eq!(range_prefix(Path::new("ABCDEF")), None);
        assert_eq!(range_prefix(Path::new("ABCDG.txt")), None);
        assert_eq!(range_prefix(Path::new("pwned.txt")), None);
    }
}
