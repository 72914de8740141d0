//! The customer table, in SQLite (a file, the default) or PostgreSQL (by URL).
//!
//! ```sql
//! CREATE TABLE customers (id <integer key>, username TEXT UNIQUE, password_hash TEXT)
//! ```
//!
//! A hash is only ever replaced by compare-and-set on the value that was read (`UPDATE ...
//! WHERE id = ? AND password_hash = ?`): a login's upgrade never overwrites a password change
//! that landed in between, and of two concurrent upgrades of one row exactly one is stored.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// A customer row as the login path needs it.
#[derive(Debug)]
pub struct Account {
    pub id: i64,
    pub hash: String,
}

/// The table, in one of the two databases.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Store {
    /// Connects and creates the table when it is missing. `postgres://` and `postgresql://`
    /// URLs go to PostgreSQL; anything else is a SQLite URL (`sqlite:path/file.db`), whose
    /// file is created when missing.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres(
                PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(url)
                    .await?,
            )
        } else {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5));
            Self::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await?,
            )
        };
        store.create_table().await?;
        Ok(store)
    }

    async fn create_table(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(pool) => {
                sqlx::query(
                    "CREATE TABLE IF NOT EXISTS customers (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        username TEXT NOT NULL UNIQUE,
                        password_hash TEXT NOT NULL)",
                )
                .execute(pool)
                .await?;
            }
            Self::Postgres(pool) => {
                sqlx::query(
                    "CREATE TABLE IF NOT EXISTS customers (
                        id BIGSERIAL PRIMARY KEY,
                        username TEXT NOT NULL UNIQUE,
                        password_hash TEXT NOT NULL)",
                )
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// The database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        let one: i32 = match self {
            Self::Sqlite(pool) => sqlx::query_scalar("SELECT 1").fetch_one(pool).await?,
            Self::Postgres(pool) => sqlx::query_scalar("SELECT 1").fetch_one(pool).await?,
        };
        debug_assert_eq!(one, 1);
        Ok(())
    }

    /// The account named `username`, if there is one.
    pub async fn find(&self, username: &str) -> Result<Option<Account>, sqlx::Error> {
        let row: Option<(i64, String)> = match self {
            Self::Sqlite(pool) => {
                sqlx::query_as("SELECT id, password_hash FROM customers WHERE username = ?")
                    .bind(username)
                    .fetch_optional(pool)
                    .await?
            }
            Self::Postgres(pool) => {
                sqlx::query_as("SELECT id, password_hash FROM customers WHERE username = $1")
                    .bind(username)
                    .fetch_optional(pool)
                    .await?
            }
        };
        Ok(row.map(|(id, hash)| Account { id, hash }))
    }

    /// Adds an account; `None` when the username is taken.
    pub async fn insert(&self, username: &str, hash: &str) -> Result<Option<i64>, sqlx::Error> {
        match self {
            Self::Sqlite(pool) => {
                sqlx::query_scalar(
                    "INSERT INTO customers (username, password_hash) VALUES (?, ?)
                     ON CONFLICT (username) DO NOTHING RETURNING id",
                )
                .bind(username)
                .bind(hash)
                .fetch_optional(pool)
                .await
            }
            Self::Postgres(pool) => {
                sqlx::query_scalar(
                    "INSERT INTO customers (username, password_hash) VALUES ($1, $2)
                     ON CONFLICT (username) DO NOTHING RETURNING id",
                )
                .bind(username)
                .bind(hash)
                .fetch_optional(pool)
                .await
            }
        }
    }

    /// Adds many accounts in one transaction (seeding); existing usernames are kept.
    /// Deletes every row (`--seed N --fresh`, so that a load test starts from the seed).
    pub async fn clear(&self) -> Result<(), sqlx::Error> {
        let sql = "DELETE FROM customers";
        match self {
            Self::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
            Self::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        }
    }

    pub async fn insert_many(&self, rows: &[(String, String)]) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                for (username, hash) in rows {
                    sqlx::query(
                        "INSERT INTO customers (username, password_hash) VALUES (?, ?)
                         ON CONFLICT (username) DO NOTHING",
                    )
                    .bind(username)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await
            }
            Self::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for (username, hash) in rows {
                    sqlx::query(
                        "INSERT INTO customers (username, password_hash) VALUES ($1, $2)
                         ON CONFLICT (username) DO NOTHING",
                    )
                    .bind(username)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await
            }
        }
    }

    /// Replaces account `id`'s hash with `new` only if it is still `old`; false when the row
    /// changed in between (or is gone).
    pub async fn replace_hash(&self, id: i64, old: &str, new: &str) -> Result<bool, sqlx::Error> {
        let done = match self {
            Self::Sqlite(pool) => sqlx::query(
                "UPDATE customers SET password_hash = ? WHERE id = ? AND password_hash = ?",
            )
            .bind(new)
            .bind(id)
            .bind(old)
            .execute(pool)
            .await?
            .rows_affected(),
            Self::Postgres(pool) => sqlx::query(
                "UPDATE customers SET password_hash = $1 WHERE id = $2 AND password_hash = $3",
            )
            .bind(new)
            .bind(id)
            .bind(old)
            .execute(pool)
            .await?
            .rows_affected(),
        };
        Ok(done == 1)
    }

    /// Every (username, hash), for reports and tests.
    pub async fn all(&self) -> Result<Vec<(String, String)>, sqlx::Error> {
        const ALL: &str = "SELECT username, password_hash FROM customers ORDER BY id";
        match self {
            Self::Sqlite(pool) => sqlx::query_as(ALL).fetch_all(pool).await,
            Self::Postgres(pool) => sqlx::query_as(ALL).fetch_all(pool).await,
        }
    }
}
