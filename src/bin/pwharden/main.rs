//! `pwharden`: hash, verify, identify and wrap stored passwords from the command line, and
//! audit and harden whole password tables in SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! Passwords are read from standard input (all bytes to end of file, less one trailing
//! `\n` or `\r\n`), never from the command line, where other users could see them.

mod assess;
mod audit;
mod calibrate;
mod db;
mod demo;
mod demo_legacy;
mod harden;
mod screen;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
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
        #[command(flatten)]
        context: screen::ContextArgs,
    },
    /// The offline index of breached passwords (Pwned Passwords, SHA-1).
    BreachIndex {
        #[command(subcommand)]
        action: screen::BreachIndexCommand,
    },
    /// Census of a password table: rows per scheme and strength class, shared unsalted
    /// hashes, unreadable and unrecognised rows. Exit status 0, or 2 on error.
    Audit {
        #[command(flatten)]
        table: TableArgs,
        /// Print the census as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Wrap every legacy row of a password table in Argon2id, in place (and hash plaintext
    /// rows where the policy allows them). Batched compare-and-set transactions; safe to
    /// interrupt and rerun. Exit status 0 done, 1 some rows failed, 3 no failure but
    /// unrecognised or unreadable rows left untouched, 2 error.
    Harden {
        #[command(flatten)]
        table: TableArgs,
        /// Worker threads for hashing (default: every core).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// Rows per read and per transaction.
        #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        batch: u32,
        /// Print what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// After the run, read back N random rows it hardened and check each against the
        /// original it replaced (no password needed).
        #[arg(long, value_name = "N", default_value_t = 0)]
        verify_sample: usize,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Build an order site's customer table in embedded SQLite (legacy hashes of many
    /// kinds), audit it, harden it, replay a dinner rush of logins, audit again. Without
    /// --config it uses a reduced-cost demo policy (and says so).
    Demo {
        /// Customers in the table.
        #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
        rows: u32,
        /// Where to build it: sqlite:PATH, a file that must not exist yet (default: a fresh
        /// pwharden-demo.db in the temporary directory).
        #[arg(long, value_name = "URL")]
        db: Option<String>,
        /// Login attempts in the dinner rush.
        #[arg(long, value_name = "N", default_value_t = 3_000)]
        logins: usize,
        /// Worker threads (default: every core).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
    },
    /// Measure this machine and recommend Argon2id parameters (never below OWASP's
    /// minimum): latency, sustainable logins per second on all cores, peak memory, and a
    /// TOML snippet for the policy.
    Calibrate {
        /// The login latency to aim for, in milliseconds.
        #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=60_000))]
        target_ms: u64,
        /// The memory all concurrent logins may use together, in bytes.
        #[arg(long, value_name = "BYTES")]
        memory_budget: u64,
        /// The peak login rate to plan for; the report says whether it fits.
        #[arg(long, value_name = "R")]
        peak_logins_per_s: Option<f64>,
    },
}

/// Every core, unless told otherwise.
fn jobs_or_cores(jobs: Option<usize>) -> usize {
    jobs.filter(|j| *j > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
}

/// The table a command works on.
#[derive(Args, Debug)]
struct TableArgs {
    /// The database: sqlite:PATH, postgres://USER:PASSWORD@HOST:PORT/DB or
    /// mysql://USER:PASSWORD@HOST:PORT/DB (also mariadb://).
    #[arg(long, value_name = "URL")]
    db: String,
    /// The table (optionally schema.table).
    #[arg(long, value_name = "TABLE")]
    table: String,
    /// A unique key column (integer or text).
    #[arg(long, value_name = "COLUMN")]
    id_column: String,
    /// The text column holding the stored password hashes.
    #[arg(long, value_name = "COLUMN")]
    hash_column: String,
    /// A text column holding per-row salts of bare digests (read as --salt-encoding says).
    #[arg(long, value_name = "COLUMN")]
    salt_column: Option<String>,
    /// How the site combined salt and password: md5(salt.password), md5(password.salt),
    /// sha1(...), sha256(...). Required by harden when --salt-column is given.
    #[arg(long, value_name = "CONSTRUCTION", requires = "salt_column")]
    salt_construction: Option<String>,
    /// How the salt column writes the salt bytes: as text (its UTF-8 bytes), hex or base64.
    #[arg(
        long,
        value_enum,
        value_name = "ENCODING",
        default_value_t,
        requires = "salt_column"
    )]
    salt_encoding: assess::SaltEncoding,
}

impl TableArgs {
    fn spec(&self) -> Result<db::TableSpec, Failure> {
        Ok(db::TableSpec {
            table: db::Ident::parse(&self.table, "--table", true)?,
            id: db::Ident::parse(&self.id_column, "--id-column", false)?,
            hash: db::Ident::parse(&self.hash_column, "--hash-column", false)?,
            salt: self
                .salt_column
                .as_deref()
                .map(|s| db::Ident::parse(s, "--salt-column", false))
                .transpose()?,
        })
    }

    /// Checks the construction up front, so a typo is one clear error, not a failed row each.
    fn salting(&self) -> Result<assess::Salting, Failure> {
        if let Some(c) = &self.salt_construction
            && pwharden::salted_import(c, b"s", "").err()
                == Some(pwharden::Error::UnsupportedScheme)
        {
            return Err(Failure(format!(
                "--salt-construction {c:?} is not one of md5|sha1|sha256(salt.password|password.salt)"
            )));
        }
        Ok(assess::Salting {
            construction: self.salt_construction.clone(),
            encoding: self.salt_encoding,
        })
    }
}

/// Runs an async command on a small runtime (its threads do I/O only; hashing runs on
/// worker threads of its own).
fn block_on<T>(future: impl std::future::Future<Output = T>) -> Result<T, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    Ok(runtime.block_on(future))
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
    if let Command::Calibrate {
        target_ms,
        memory_budget,
        peak_logins_per_s,
    } = cli.command
    {
        let request = calibrate::Request {
            target: std::time::Duration::from_millis(target_ms),
            memory_budget,
            peak_logins_per_s: peak_logins_per_s.filter(|r| r.is_finite() && *r > 0.0),
        };
        let recommendation = calibrate::calibrate(&request).map_err(Failure)?;
        print!("{}", calibrate::report(&request, &recommendation));
        return Ok(ExitCode::SUCCESS);
    }
    // Building a breach index needs no policy (and must not need the index it builds).
    let policy = match &cli.config {
        Some(path) if !matches!(cli.command, Command::BreachIndex { .. }) => {
            Policy::from_toml_file(path)?
        }
        _ => Policy::default(),
    };
    let mut out = std::io::stdout();
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
        Command::Screen { context } => {
            let code = screen::screen(&policy, &context, &mut out)?;
            out.flush()?;
            return Ok(code);
        }
        Command::BreachIndex { action } => {
            let code = screen::breach_index(&action, &mut out)?;
            out.flush()?;
            return Ok(code);
        }
        Command::Audit { table, json } => {
            let spec = table.spec()?;
            let salting = table.salting()?;
            let shown = db::redact(&table.db);
            let census = block_on(async {
                let db = db::Db::connect(&table.db, false).await?;
                let (checked, _) = db.open_table(spec).await?;
                let census = audit::census(&db, &checked, &policy, &salting).await;
                db.close().await;
                census
            })??;
            if json {
                writeln!(out, "{}", census.to_json(&table.table, &shown))?;
            } else {
                write!(out, "{}", census.to_text(&table.table, &shown))?;
            }
        }
        Command::Harden {
            table,
            jobs,
            batch,
            dry_run,
            verify_sample,
            json,
        } => {
            let spec = table.spec()?;
            let salting = table.salting()?;
            if spec.salt.is_some() && salting.construction.is_none() {
                return Err(Failure(
                    "--salt-column needs --salt-construction for harden".to_owned(),
                ));
            }
            let jobs = jobs_or_cores(jobs);
            let opts = harden::Options {
                jobs,
                batch: batch as usize,
                dry_run,
                verify_sample,
                json,
                salting,
            };
            let policy = Arc::new(policy);
            let summary = block_on(async {
                let db = db::Db::connect(&table.db, false).await?;
                let (checked, total) = db.open_table(spec).await?;
                // Whatever stopped the run mid-way, the open transaction rolls back and the
                // same command finishes the job.
                let summary = harden::run(&db, &checked, total, policy, &opts)
                    .await
                    .map_err(|Failure(why)| {
                        Failure(format!(
                            "{why}; rows already written stay written, rerun to finish"
                        ))
                    });
                db.close().await;
                summary
            })??;
            out.flush()?;
            harden::print(&summary, &opts);
            return Ok(ExitCode::from(summary.exit_code()));
        }
        Command::Demo {
            rows,
            db,
            logins,
            jobs,
        } => {
            let opts = demo::Options {
                rows: rows as usize,
                db,
                logins,
                jobs: jobs_or_cores(jobs),
            };
            let config = cli.config.is_some().then_some(policy);
            return Ok(ExitCode::from(demo::run(&opts, config)?));
        }
        Command::Calibrate { .. } => {}
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
