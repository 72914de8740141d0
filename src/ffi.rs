//! Everything in pwharden that needs `unsafe` lives under this module, each use with its
//! own `// SAFETY:` comment.
//!
//! * [`os`]: calls into the operating system (memory-mapping the breach index).

pub(crate) mod os;
