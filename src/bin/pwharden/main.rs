//! `pwharden`: hash, verify, identify and wrap stored passwords from the command line.
//!
//! Passwords are read from standard input (all bytes to end of file, less one trailing
//! `\n` or `\r\n`), never from the command line, where other users could see them.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pwharden::{Policy, Verdict};
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(
    name = "pwharden",
    version,
    about = "Make stored customer passwords worthless to whoever steals them"
)]
struct Cli {
    /// The policy, in TOML (defaults: OWASP's Argon2id parameters, no pepper).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Hash the password on stdin; print the stored string.
    Hash,
    /// Check the password on stdin against STORED. Prints `valid` or `invalid`, and on a
    /// second line the replacement stored string when an upgrade is due. Exit status 0 valid,
    /// 1 invalid, 2 error.
    Verify {
        /// The stored string.
        stored: String,
    },
    /// Print the scheme of STORED.
    Identify {
        /// The stored string.
        stored: String,
    },
    /// Wrap a legacy STORED string in Argon2id (no password needed); print the result.
    Wrap {
        /// The stored string.
        stored: String,
    },
}

/// A failure, as the one line printed on stderr.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Self(e.to_string())
    }
}

fn read_password() -> Result<Zeroizing<Vec<u8>>, Failure> {
    let mut password = Zeroizing::new(Vec::with_capacity(4096));
    std::io::stdin()
        .lock()
        .take(64 * 1024)
        .read_to_end(&mut password)
        .map_err(|e| Failure(format!("cannot read the password from stdin: {e}")))?;
    let trailer = if password.ends_with(b"\r\n") {
        2
    } else {
        usize::from(password.ends_with(b"\n"))
    };
    let keep = password.len() - trailer;
    password.truncate(keep);
    Ok(password)
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let policy = match &cli.config {
        Some(path) => Policy::from_toml_file(path)?,
        None => Policy::default(),
    };
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Hash => {
            let password = read_password()?;
            writeln!(out, "{}", policy.hash(&*password)?)?;
        }
        Command::Verify { stored } => {
            let password = read_password()?;
            let verdict = policy.verify(&*password, &stored)?;
            match &verdict {
                Verdict::Invalid => {
                    writeln!(out, "invalid")?;
                    return Ok(ExitCode::from(1));
                }
                Verdict::Valid => writeln!(out, "valid")?,
                Verdict::ValidUpgrade(replacement) => writeln!(out, "valid\n{replacement}")?,
                _ => writeln!(out, "valid")?,
            }
        }
        Command::Identify { stored } => writeln!(out, "{}", policy.identify(&stored)?)?,
        Command::Wrap { stored } => writeln!(out, "{}", policy.wrap(&stored)?)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure(reason)) => {
            let line = reason.lines().next().unwrap_or("error");
            eprintln!("pwharden: {line}");
            ExitCode::from(2)
        }
    }
}
