//! `pwharden screen` (NIST SP 800-63B checks of a new password) and
//! `pwharden breach-index build` (the offline index of breached passwords).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use pwharden::{BreachIndex, Context, Policy};

use crate::{Failure, read_password};

/// What the site knows about the customer (`pwharden screen`'s options).
#[derive(Args, Debug)]
pub(crate) struct ContextArgs {
    /// The customer's e-mail address.
    #[arg(long, value_name = "E")]
    email: Option<String>,
    /// One of the customer's names (repeatable).
    #[arg(long, value_name = "N")]
    name: Vec<String>,
    /// The customer's phone number (only its digits are used).
    #[arg(long, value_name = "P")]
    phone: Option<String>,
    /// Another word the password should not be built from (repeatable).
    #[arg(long, value_name = "W")]
    word: Vec<String>,
}

#[derive(Subcommand)]
pub(crate) enum BreachIndexCommand {
    /// Build an index from Pwned Passwords SHA-1 text: files of `SHA1HEX:COUNT` lines,
    /// range files named by their 5-hex-digit prefix, or directories of range files. Prints
    /// what was read and written.
    Build {
        /// Input files or directories.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The index to write (replaced atomically).
        #[arg(long, value_name = "INDEX")]
        out: PathBuf,
    },
}

/// Screens the password on stdin: `ok` (exit 0), or one `code: message` line per reason
/// (exit 1).
pub(crate) fn screen(
    policy: &Policy,
    args: &ContextArgs,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let password = read_password()?;
    let names: Vec<&str> = args.name.iter().map(String::as_str).collect();
    let words: Vec<&str> = args.word.iter().map(String::as_str).collect();
    let mut context = Context::new().names(&names).words(&words);
    if let Some(email) = &args.email {
        context = context.email(email);
    }
    if let Some(phone) = &args.phone {
        context = context.phone(phone);
    }
    match policy.screen(&*password, &context) {
        Ok(()) => {
            writeln!(out, "ok")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(rejections) => {
            for reason in &rejections {
                writeln!(out, "{}: {reason}", reason.code())?;
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// Builds a breach index and prints what was read and written.
pub(crate) fn breach_index(
    command: &BreachIndexCommand,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let BreachIndexCommand::Build { files, out: index } = command;
    let summary = BreachIndex::build(files, index)?;
    writeln!(
        out,
        "{}: {} hashes read, {} entries, {} bytes ({:.2} bytes per entry)",
        index.display(),
        summary.hashes,
        summary.entries,
        summary.bytes,
        summary.bytes as f64 / summary.entries.max(1) as f64
    )?;
    Ok(ExitCode::SUCCESS)
}
