//! The database layer of `audit`, `harden` and `demo`: one [`Db`] over SQLite, PostgreSQL
//! and MySQL/MariaDB (sqlx), and the few statements the commands need.
//!
//! Identifiers (table and column names) cannot be bound as parameters, so they are checked
//! against a plain-identifier grammar ([`Ident::parse`]) and then quoted for the database;
//! every value is bound. Integer ids are read as 64-bit integers, text ids as text; the
//! hash and salt columns must be text columns.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row as _};

use crate::Failure;

/// Runs `$body` with `$p` bound to the pool of whichever database `$db` is. The body is
/// type-checked once per database, so the same text serves all three.
macro_rules! with_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            Db::Sqlite($p) => $body,
            Db::Postgres($p) => $body,
            Db::MySql($p) => $body,
        }
    };
}

/// Binds an [`Id`] to a query as the type it was read as.
macro_rules! bind_id {
    ($query:expr, $id:expr) => {
        match $id {
            Id::Int(i) => $query.bind(*i),
            Id::Text(s) => $query.bind(s.as_str()),
        }
    };
}

/// A connection pool to one of the supported databases.
#[derive(Clone)]
pub enum Db {
    /// `sqlite:PATH` (the bundled SQLite library).
    Sqlite(SqlitePool),
    /// `postgres://…` or `postgresql://…`.
    Postgres(PgPool),
    /// `mysql://…` or `mariadb://…`.
    MySql(MySqlPool),
}

/// Which SQL dialect a [`Db`] speaks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Sqlite,
    Postgres,
    MySql,
}

/// A URL with any password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            let masked = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{masked}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

impl Db {
    /// Connects to `url`. SQLite files must exist unless `create` is set (the demo's new
    /// database, which gets write-ahead logging, as a web application's would).
    pub async fn connect(url: &str, create: bool) -> Result<Self, Failure> {
        let shown = redact(url);
        let fail = |e: sqlx::Error| Failure(format!("cannot connect to {shown}: {}", one_line(&e)));
        let timeout = Duration::from_secs(10);
        if let Some(rest) = url.strip_prefix("sqlite:") {
            if rest.is_empty() || rest.trim_start_matches('/').is_empty() {
                return Err(Failure(
                    "sqlite URL without a path (use sqlite:PATH)".into(),
                ));
            }
            let options = SqliteConnectOptions::from_str(url)
                .map_err(fail)?
                .create_if_missing(create)
                .busy_timeout(Duration::from_secs(30));
            let options = if create {
                options
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
            } else {
                options
            };
            probe(&options, &shown).await?;
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .map_err(fail)?;
            Ok(Self::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(fail)?;
            probe(&options, &shown).await?;
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .map_err(fail)?;
            Ok(Self::Postgres(pool))
        } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            let url = url.replacen("mariadb://", "mysql://", 1);
            let options = MySqlConnectOptions::from_str(&url).map_err(fail)?;
            probe(&options, &shown).await?;
            let pool = MySqlPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .map_err(fail)?;
            Ok(Self::MySql(pool))
        } else {
            Err(Failure(format!(
                "unsupported database URL {shown:?}: use sqlite:PATH, postgres://… or mysql://…"
            )))
        }
    }

    /// The dialect.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Sqlite(_) => Kind::Sqlite,
            Self::Postgres(_) => Kind::Postgres,
            Self::MySql(_) => Kind::MySql,
        }
    }

    /// Closes every connection (waits for them to be returned).
    pub async fn close(&self) {
        with_pool!(self, p => p.close().await);
    }

    /// The columns of `table`: name, data type and maximum length in characters (if any).
    async fn columns(&self, table: &Ident) -> Result<Vec<ColumnInfo>, Failure> {
        let (schema, name) = (table.schema.as_deref(), table.name.as_str());
        let rows = match self {
            Self::Sqlite(p) => {
                let sql = "SELECT name, type FROM pragma_table_info(?1, coalesce(?2, 'main'))";
                sqlx::query(sql)
                    .bind(name)
                    .bind(schema)
                    .fetch_all(p)
                    .await
                    .map_err(db_error)?
                    .iter()
                    .map(|r| {
                        Ok(ColumnInfo {
                            name: r.try_get::<String, _>(0)?,
                            data_type: r.try_get::<String, _>(1)?,
                            max_len: None,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            }
            Self::Postgres(p) => {
                let sql = "SELECT column_name::text, data_type::text, \
                           character_maximum_length::bigint \
                           FROM information_schema.columns \
                           WHERE table_schema = coalesce($1, current_schema()) AND table_name = $2";
                sqlx::query(sql)
                    .bind(schema)
                    .bind(name)
                    .fetch_all(p)
                    .await
                    .map_err(db_error)?
                    .iter()
                    .map(|r| {
                        Ok(ColumnInfo {
                            name: r.try_get::<String, _>(0)?,
                            data_type: r.try_get::<String, _>(1)?,
                            max_len: r.try_get::<Option<i64>, _>(2)?,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            }
            Self::MySql(p) => {
                let sql = "SELECT CAST(column_name AS CHAR), CAST(data_type AS CHAR), \
                           CAST(character_maximum_length AS SIGNED) \
                           FROM information_schema.columns \
                           WHERE table_schema = coalesce(?, DATABASE()) AND table_name = ?";
                sqlx::query(sql)
                    .bind(schema)
                    .bind(name)
                    .fetch_all(p)
                    .await
                    .map_err(db_error)?
                    .iter()
                    .map(|r| {
                        Ok(ColumnInfo {
                            name: r.try_get::<String, _>(0)?,
                            data_type: r.try_get::<String, _>(1)?,
                            max_len: r.try_get::<Option<i64>, _>(2)?,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            }
        };
        rows.map_err(db_error)
    }

    /// Checks that the table and columns exist with usable types, and that the id column is
    /// a unique key; returns the table with what was learnt, and its row count.
    pub async fn open_table(&self, spec: TableSpec) -> Result<(Table, u64), Failure> {
        let kind = self.kind();
        let columns = self.columns(&spec.table).await?;
        if columns.is_empty() {
            return Err(Failure(format!("table {} not found", spec.table)));
        }
        let find = |col: &Ident, role: &str| -> Result<ColumnInfo, Failure> {
            columns
                .iter()
                .find(|c| match kind {
                    Kind::Postgres => c.name == col.name,
                    _ => c.name.eq_ignore_ascii_case(&col.name),
                })
                .cloned()
                .ok_or_else(|| {
                    Failure(format!(
                        "column {col} ({role}) not found in table {}",
                        spec.table
                    ))
                })
        };
        let id = find(&spec.id, "--id-column")?;
        let id_is_int = match column_class(kind, &id.data_type) {
            ColumnClass::Integer => true,
            ColumnClass::Text => false,
            ColumnClass::Other => {
                return Err(Failure(format!(
                    "column {} (--id-column) is {}, not an integer or text column",
                    spec.id, id.data_type
                )));
            }
        };
        let text_column = |col: &Ident, role: &str| -> Result<Option<i64>, Failure> {
            let info = find(col, role)?;
            match column_class(kind, &info.data_type) {
                ColumnClass::Text => Ok(info.max_len),
                _ => Err(Failure(format!(
                    "column {col} ({role}) is {}, not a text column",
                    if info.data_type.is_empty() {
                        "untyped"
                    } else {
                        &info.data_type
                    }
                ))),
            }
        };
        let hash_max_len = text_column(&spec.hash, "--hash-column")?;
        if let Some(salt) = &spec.salt {
            text_column(salt, "--salt-column")?;
        }
        let table = Table {
            kind,
            spec,
            id_is_int,
            hash_max_len,
        };
        let (rows, distinct) = self.count(&table).await?;
        if rows != distinct {
            return Err(Failure(format!(
                "column {} (--id-column) is not a unique key of {} ({rows} rows, {distinct} distinct non-NULL ids)",
                table.spec.id, table.spec.table
            )));
        }
        Ok((table, rows))
    }

    async fn count(&self, table: &Table) -> Result<(u64, u64), Failure> {
        let sql = format!(
            "SELECT COUNT(*), COUNT(DISTINCT {id}) FROM {t}",
            id = table.q(&table.spec.id),
            t = table.q(&table.spec.table)
        );
        let (rows, distinct): (i64, i64) = with_pool!(self, p => {
            let row = sqlx::query(AssertSqlSafe(sql)).fetch_one(p).await.map_err(db_error)?;
            (row.try_get(0).map_err(db_error)?, row.try_get(1).map_err(db_error)?)
        });
        Ok((
            u64::try_from(rows).unwrap_or(0),
            u64::try_from(distinct).unwrap_or(0),
        ))
    }

    /// Up to `limit` rows after `after` (by id order).
    pub async fn page(
        &self,
        table: &Table,
        after: Option<&Id>,
        limit: usize,
    ) -> Result<Vec<Row>, Failure> {
        let sql = table.select_sql(after.is_some(), Some(limit));
        let has_salt = table.spec.salt.is_some();
        with_pool!(self, p => {
            let query = sqlx::query(AssertSqlSafe(sql));
            let query = match after {
                Some(id) => bind_id!(query, id),
                None => query,
            };
            let rows = query.fetch_all(p).await.map_err(db_error)?;
            rows.iter()
                .map(|r| {
                    let id = if table.id_is_int {
                        Id::Int(r.try_get::<i64, _>(0).map_err(db_error)?)
                    } else {
                        Id::Text(r.try_get::<String, _>(0).map_err(db_error)?)
                    };
                    let hash = Cell::from(r.try_get::<Option<String>, _>(1));
                    let salt = has_salt.then(|| Cell::from(r.try_get::<Option<String>, _>(2)));
                    Ok(Row { id, hash, salt })
                })
                .collect()
        })
    }

    /// The hash column of the row with this id (`None` when the row is gone).
    pub async fn hash_of(&self, table: &Table, id: &Id) -> Result<Option<Cell>, Failure> {
        let sql = format!(
            "SELECT {h} FROM {t} WHERE {idc} = {ph}",
            h = table.q(&table.spec.hash),
            t = table.q(&table.spec.table),
            idc = table.q(&table.spec.id),
            ph = table.placeholder(1),
        );
        with_pool!(self, p => {
            let query = sqlx::query(AssertSqlSafe(sql));
            let row = bind_id!(query, id).fetch_optional(p).await.map_err(db_error)?;
            Ok(row.map(|r| Cell::from(r.try_get::<Option<String>, _>(0))))
        })
    }

    /// Writes `updates` in one transaction, each as a compare-and-set on the old value.
    /// Returns, per update, whether it was applied (false: the row no longer held the old
    /// value, so the application changed it and it was left alone).
    pub async fn compare_and_set(
        &self,
        table: &Table,
        updates: &[Update],
    ) -> Result<Vec<bool>, Failure> {
        if updates.is_empty() {
            return Ok(Vec::new());
        }
        let sql = table.cas_sql();
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_error)?;
            let mut applied = Vec::with_capacity(updates.len());
            for u in updates {
                let query = sqlx::query(AssertSqlSafe(sql.clone())).bind(u.new.as_str());
                let query = bind_id!(query, &u.id).bind(u.old.as_str());
                let done = query.execute(&mut *tx).await.map_err(db_error)?;
                applied.push(done.rows_affected() == 1);
            }
            tx.commit().await.map_err(db_error)?;
            Ok(applied)
        })
    }
}

/// Opens and closes one connection, so that an unreachable server or a refused login is
/// reported as what it is (a pool would only say that it timed out).
async fn probe<O>(options: &O, shown: &str) -> Result<(), Failure>
where
    O: sqlx::ConnectOptions,
    O::Connection: Sized,
{
    use sqlx::Connection as _;
    let fail = |why: String| Failure(format!("cannot connect to {shown}: {why}"));
    match tokio::time::timeout(Duration::from_secs(10), options.connect()).await {
        Err(_) => Err(fail("no answer within 10 s".to_owned())),
        Ok(Err(e)) => Err(fail(one_line(&e))),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
    }
}

/// One line of a database error, without the URL.
pub fn one_line(e: &sqlx::Error) -> String {
    let text = match e {
        sqlx::Error::Database(d) => d.message().to_owned(),
        other => other.to_string(),
    };
    text.lines().next().unwrap_or("database error").to_owned()
}

fn db_error(e: sqlx::Error) -> Failure {
    Failure(format!("database error: {}", one_line(&e)))
}

#[derive(Clone, Debug)]
struct ColumnInfo {
    name: String,
    data_type: String,
    max_len: Option<i64>,
}

enum ColumnClass {
    Integer,
    Text,
    Other,
}

fn column_class(kind: Kind, data_type: &str) -> ColumnClass {
    let t = data_type.to_ascii_lowercase();
    match kind {
        // SQLite's type affinity rules (section 3.1 of "Datatypes In SQLite").
        Kind::Sqlite => {
            if t.contains("int") {
                ColumnClass::Integer
            } else if t.contains("char") || t.contains("clob") || t.contains("text") {
                ColumnClass::Text
            } else {
                ColumnClass::Other
            }
        }
        Kind::Postgres => match t.as_str() {
            "smallint" | "integer" | "bigint" => ColumnClass::Integer,
            "text" | "character varying" | "character" => ColumnClass::Text,
            _ => ColumnClass::Other,
        },
        Kind::MySql => match t.as_str() {
            "tinyint" | "smallint" | "mediumint" | "int" | "bigint" => ColumnClass::Integer,
            "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" => {
                ColumnClass::Text
            }
            _ => ColumnClass::Other,
        },
    }
}

/// A table or column name: a plain SQL identifier, optionally qualified by a schema
/// (`schema.table`, for tables).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    schema: Option<String>,
    name: String,
}

impl Ident {
    /// Accepts `[A-Za-z_][A-Za-z0-9_$]*` of at most 63 bytes (PostgreSQL's limit), and for a
    /// table one `schema.` in front. Anything else is refused, never quoted through.
    pub fn parse(text: &str, role: &str, qualified: bool) -> Result<Self, Failure> {
        let plain = |s: &str| {
            let mut bytes = s.bytes();
            matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
                && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
                && s.len() <= 63
        };
        let bad = || {
            Failure(format!(
                "{role} {text:?} is not a plain SQL identifier (letters, digits, _ and $, at most 63{})",
                if qualified {
                    "; optionally schema.table"
                } else {
                    ""
                }
            ))
        };
        let (schema, name) = match text.split_once('.') {
            Some((s, n)) if qualified => (Some(s), n),
            _ => (None, text),
        };
        if !plain(name) || schema.is_some_and(|s| !plain(s)) {
            return Err(bad());
        }
        Ok(Self {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
        })
    }

    /// The identifier quoted for `kind` (safe: the grammar admits no quote character).
    fn quoted(&self, kind: Kind) -> String {
        let q = |s: &str| match kind {
            Kind::MySql => format!("`{s}`"),
            Kind::Sqlite | Kind::Postgres => format!("\"{s}\""),
        };
        match &self.schema {
            Some(schema) => format!("{}.{}", q(schema), q(&self.name)),
            None => q(&self.name),
        }
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "`{s}.{}`", self.name),
            None => write!(f, "`{}`", self.name),
        }
    }
}

/// The table arguments, checked.
#[derive(Clone, Debug)]
pub struct TableSpec {
    pub table: Ident,
    pub id: Ident,
    pub hash: Ident,
    pub salt: Option<Ident>,
}

/// A table whose columns have been checked.
#[derive(Clone, Debug)]
pub struct Table {
    kind: Kind,
    pub spec: TableSpec,
    id_is_int: bool,
    /// The hash column's maximum length in characters, when the database has one.
    pub hash_max_len: Option<i64>,
}

impl Table {
    fn q(&self, ident: &Ident) -> String {
        ident.quoted(self.kind)
    }

    fn placeholder(&self, n: usize) -> String {
        match self.kind {
            Kind::Postgres => format!("${n}"),
            Kind::Sqlite | Kind::MySql => "?".to_owned(),
        }
    }

    fn select_sql(&self, after: bool, limit: Option<usize>) -> String {
        let idc = self.q(&self.spec.id);
        // Integer ids are read as 64-bit integers whatever their width.
        let id_read = match (self.id_is_int, self.kind) {
            (true, Kind::Postgres) => format!("CAST({idc} AS BIGINT)"),
            (true, Kind::MySql) => format!("CAST({idc} AS SIGNED)"),
            _ => idc.clone(),
        };
        let mut sql = format!("SELECT {id_read}, {}", self.q(&self.spec.hash));
        if let Some(salt) = &self.spec.salt {
            sql.push_str(", ");
            sql.push_str(&self.q(salt));
        }
        sql.push_str(" FROM ");
        sql.push_str(&self.q(&self.spec.table));
        if after {
            sql.push_str(&format!(" WHERE {idc} > {}", self.placeholder(1)));
        }
        sql.push_str(&format!(" ORDER BY {idc}"));
        if let Some(limit) = limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        sql
    }

    fn cas_sql(&self) -> String {
        let (h, idc) = (self.q(&self.spec.hash), self.q(&self.spec.id));
        let (p1, p2, p3) = (
            self.placeholder(1),
            self.placeholder(2),
            self.placeholder(3),
        );
        // MySQL compares text by collation (often case-insensitive, PAD SPACE); the
        // compare-and-set must compare the exact bytes.
        let old = match self.kind {
            Kind::MySql => format!("CAST({h} AS BINARY) = CAST({p3} AS BINARY)"),
            Kind::Sqlite | Kind::Postgres => format!("{h} = {p3}"),
        };
        format!(
            "UPDATE {t} SET {h} = {p1} WHERE {idc} = {p2} AND {old}",
            t = self.q(&self.spec.table)
        )
    }
}

/// A row id, as read.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Id {
    Int(i64),
    Text(String),
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(i) => write!(f, "{i}"),
            Self::Text(s) => write!(f, "{s:?}"),
        }
    }
}

/// A text cell as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Null,
    Text(String),
    /// The value is not text (SQLite stores any type in any column) or not UTF-8.
    Unreadable(String),
}

impl From<Result<Option<String>, sqlx::Error>> for Cell {
    fn from(r: Result<Option<String>, sqlx::Error>) -> Self {
        match r {
            Ok(None) => Self::Null,
            Ok(Some(s)) => Self::Text(s),
            Err(e) => Self::Unreadable(unreadable_reason(&e)),
        }
    }
}

/// Why a value could not be read as text, shortly ("not text (BLOB)", "not UTF-8").
fn unreadable_reason(e: &sqlx::Error) -> String {
    let text = one_line(e);
    if let Some(rest) = text.split("compatible with SQL type `").nth(1) {
        let ty = rest.split('`').next().unwrap_or("?");
        format!("not a text value ({ty})")
    } else if text.contains("utf-8") || text.contains("UTF-8") || text.contains("utf8") {
        "not valid UTF-8".to_owned()
    } else {
        text
    }
}

/// One row of the table: id, hash and (when a salt column was named) salt.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: Id,
    pub hash: Cell,
    pub salt: Option<Cell>,
}

/// A compare-and-set: set the hash of `id` to `new` if it still is `old`.
#[derive(Clone, Debug)]
pub struct Update {
    pub id: Id,
    pub old: String,
    pub new: String,
}
