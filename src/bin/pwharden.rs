//! `pwharden`: hash, verify, identify and wrap stored passwords from the command line.
//!
//! Passwords are read from standard input (all bytes to end of file, less one trailing
//! `\n` or `\r\n`), never from the command line, where other users could see them.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pwharden::{BreachIndex, Context, Policy, Verdict};
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
    /// Check the password on stdin against STORED. Prints `valid` or `invalid` (or
    /// `compromised`: right but in the breach index, when the policy's `compromised_check` is
    /// on), and on a second line the replacement stored string when an upgrade is due. Exit
    /// status 0 valid or compromised, 1 invalid, 2 error.
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
    /// Screen the new password on stdin (NIST SP 800-63B): prints `ok`, or one line
    /// `CODE: message` per reason. Exit status 0 ok, 1 refused, 2 error.
    Screen {
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
    },
    /// The offline index of breached passwords (Pwned Passwords, SHA-1).
    BreachIndex {
        #[command(subcommand)]
        action: BreachIndexCommand,
    },
}

#[derive(Subcommand)]
enum BreachIndexCommand {
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
    // Building a breach index needs no policy (and must not need the index it builds).
    let policy = match &cli.config {
        Some(path) if !matches!(cli.command, Command::BreachIndex { .. }) => {
            Policy::from_toml_file(path)?
        }
        _ => Policy::default(),
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
                Verdict::ValidCompromised(None) => writeln!(out, "compromised")?,
                Verdict::ValidCompromised(Some(replacement)) => {
                    writeln!(out, "compromised\n{replacement}")?;
                }
                _ => writeln!(out, "valid")?,
            }
        }
        Command::Identify { stored } => writeln!(out, "{}", policy.identify(&stored)?)?,
        Command::Wrap { stored } => writeln!(out, "{}", policy.wrap(&stored)?)?,
        Command::Screen {
            email,
            name,
            phone,
            word,
        } => {
            let password = read_password()?;
            let names: Vec<&str> = name.iter().map(String::as_str).collect();
            let words: Vec<&str> = word.iter().map(String::as_str).collect();
            let mut context = Context::new().names(&names).words(&words);
            if let Some(email) = &email {
                context = context.email(email);
            }
            if let Some(phone) = &phone {
                context = context.phone(phone);
            }
            match policy.screen(&*password, &context) {
                Ok(()) => writeln!(out, "ok")?,
                Err(rejections) => {
                    for reason in &rejections {
                        writeln!(out, "{}: {reason}", reason.code())?;
                    }
                    out.flush()?;
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::BreachIndex {
            action: BreachIndexCommand::Build { files, out: index },
        } => {
            let summary = BreachIndex::build(&files, &index)?;
            writeln!(
                out,
                "{}: {} hashes read, {} entries, {} bytes ({:.2} bytes per entry)",
                index.display(),
                summary.hashes,
                summary.entries,
                summary.bytes,
                summary.bytes as f64 / summary.entries.max(1) as f64
            )?;
        }
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
