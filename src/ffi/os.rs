//! Operating-system calls that Rust cannot check: the read-only memory map of a breach index.

#![allow(unsafe_code)]

use std::fs::File;
use std::io;

use memmap2::Mmap;

/// Maps the whole of `file` read-only.
///
/// The caller treats the mapped bytes as untrusted input: it validates the header and
/// bounds-checks every offset it reads, so any content, corrupt or truncated, is an error or
/// a miss, never undefined behaviour in Rust terms.
///
/// # Errors
/// Whatever the operating system reports (for example an empty file on some platforms).
pub(crate) fn map_readonly(file: &File) -> io::Result<Mmap> {
    // SAFETY: `Mmap::map` is unsafe because the bytes behind the returned slice may change
    // (or vanish, with SIGBUS) if another process modifies or truncates the file while it is
    // mapped, which would break the guarantee that a `&[u8]` does not change. pwharden's
    // contract, documented on `BreachIndex`, is that an index file is never modified in
    // place: `BreachIndex::build*` write a temporary file and rename it over the old one, so
    // a mapped index keeps its inode and contents until it is unmapped. Within that contract
    // the slice is immutable for the life of the map; the content itself is untrusted and
    // validated by the caller (see above).
    unsafe { Mmap::map(file) }
}
