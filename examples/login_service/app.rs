//! The HTTP side: routes, handlers, the per-username failure throttle.
//!
//! | route | body | answers |
//! | --- | --- | --- |
//! | `POST /signup` | `username`, `password` | 201, 409 taken, 422 password or username out of bounds, 503 |
//! | `POST /login` | `username`, `password` | 200 (with `password_change_required` when the policy's breach check flags it), 401, 429, 503 |
//! | `POST /password` | `username`, `old_password`, `new_password` | 200, 401, 409 changed meanwhile, 422, 429, 503 |
//! | `GET /healthz` | | 200, 503 when the database does not answer |
//!
//! Bodies are JSON or `application/x-www-form-urlencoded`. 503 (the policy's admission is
//! full) and 429 (too many failed logins for that username) carry `Retry-After`.
//!
//! Logs are one JSON object per event: `event`, `outcome`, `user_id` (known accounts only),
//! `upgraded`, `latency_ms`. They never carry a password, nor the username of a failed
//! lookup (people type passwords into the username field).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Form, FromRequest, Json, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use pwharden::asynchronous::AsyncPolicy;
use pwharden::{Error, Verdict};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::store::Store;

/// What the handlers share.
#[derive(Clone, Debug)]
pub struct AppState {
    pub policy: AsyncPolicy,
    pub store: Store,
    pub throttle: Arc<Throttle>,
    /// Seconds a client is told to wait after a 503.
    pub retry_after_secs: u64,
}

/// The service's routes over `state`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/signup", post(signup))
        .route("/login", post(login))
        .route("/password", post(change_password))
        .route("/healthz", get(healthz))
        .with_state(state)
}

/// A password from a request body: zeroed when dropped, never printed.
///
/// Copies made before it exists (the request's body buffer, serde's unescaping) are not
/// pwharden's to zero.
pub struct Password(Zeroizing<String>);

impl Password {
    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Self(Zeroizing::new(s)))
    }
}

#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: Password,
}

#[derive(Debug, Deserialize)]
pub struct PasswordChange {
    pub username: String,
    pub old_password: Password,
    pub new_password: Password,
}

/// A JSON or form body, by `Content-Type`. A body that does not parse is a bare 400: the
/// parser's message could quote the body back.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        let parsed = if form {
            Form::<T>::from_request(req, state)
                .await
                .map(|Form(t)| t)
                .ok()
        } else {
            Json::<T>::from_request(req, state)
                .await
                .map(|Json(t)| t)
                .ok()
        };
        parsed
            .map(Body)
            .ok_or_else(|| answer(StatusCode::BAD_REQUEST, "malformed request"))
    }
}

/// At most `limit` failed logins per username within `window`; then 429 until the window
/// ends. Usernames are counted whether or not the account exists, so a 429 does not tell
/// that either. At most `capacity` usernames are tracked: when full, expired entries are
/// dropped, and if none has expired a new username is not tracked (fails open: the
/// admission gate still bounds the work).
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    capacity: usize,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Throttle {
    /// `limit` 0 turns the throttle off.
    pub fn new(limit: u32, window: Duration, capacity: usize) -> Self {
        Self {
            limit,
            window,
            capacity,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, u32)>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How long `username` must wait, if it is over the limit.
    pub fn blocked(&self, username: &str) -> Option<Duration> {
        if self.limit == 0 {
            return None;
        }
        let (since, count) = *self.lock().get(username)?;
        let left = self.window.saturating_sub(since.elapsed());
        (count >= self.limit && !left.is_zero()).then_some(left)
    }

    fn failed(&self, username: &str) {
        if self.limit == 0 {
            return;
        }
        let mut map = self.lock();
        if !map.contains_key(username) && map.len() >= self.capacity {
            let window = self.window;
            map.retain(|_, (since, _)| since.elapsed() < window);
            if map.len() >= self.capacity {
                tracing::warn!(event = "throttle", outcome = "full");
                return;
            }
        }
        let entry = map
            .entry(username.to_owned())
            .or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= self.window {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }

    fn succeeded(&self, username: &str) {
        if self.limit > 0 {
            self.lock().remove(username);
        }
    }
}

fn answer(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "message": message }))).into_response()
}

fn with_retry_after(status: StatusCode, message: &str, wait: Duration) -> Response {
    let mut response = answer(status, message);
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    response
}

fn busy(state: &AppState) -> Response {
    with_retry_after(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy, retry later",
        Duration::from_secs(state.retry_after_secs),
    )
}

fn internal(event: &str, error: &dyn std::fmt::Display) -> Response {
    tracing::error!(event, outcome = "error", error = %error);
    answer(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

fn millis(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

fn valid_username(username: &str) -> bool {
    (1..=64).contains(&username.len()) && !username.chars().any(char::is_control)
}

/// The outcome of checking a username and password, for login and password change.
enum Checked {
    /// Right password for this account (with a replacement hash when one is due, and
    /// whether the policy's breach check found the password).
    Valid(crate::store::Account, Option<String>, bool),
    /// Wrong password, or no such account (`None`).
    Invalid(Option<i64>),
    /// Answered already (429, 503, 500).
    Answered(Response),
}

/// Throttle, look up, verify (the unknown-user path when there is no such account).
async fn check(state: &AppState, event: &str, username: &str, password: &Password) -> Checked {
    if let Some(wait) = state.throttle.blocked(username) {
        tracing::info!(event, outcome = "throttled");
        return Checked::Answered(with_retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            "too many failed attempts, retry later",
            wait,
        ));
    }
    let account = match state.store.find(username).await {
        Ok(account) => account,
        Err(e) => return Checked::Answered(internal(event, &e)),
    };
    let verdict = match &account {
        Some(account) => state.policy.verify(password.bytes(), &account.hash).await,
        None => state.policy.verify_unknown_user(password.bytes()).await,
    };
    match (verdict, account) {
        (Ok(Verdict::Invalid), account)
        | (Err(Error::PasswordTooLong | Error::PasswordTooShort), account)
        | (Ok(_), account @ None) => {
            state.throttle.failed(username);
            Checked::Invalid(account.map(|a| a.id))
        }
        (Ok(verdict), Some(account)) => {
            state.throttle.succeeded(username);
            let replacement = verdict.replacement().map(str::to_owned);
            Checked::Valid(account, replacement, verdict.is_compromised())
        }
        (Err(Error::Busy), _) => {
            tracing::info!(event, outcome = "busy");
            Checked::Answered(busy(state))
        }
        (Err(e), account) => {
            // A stored string the policy cannot judge: the row needs attention, the
            // password is not at fault.
            tracing::error!(event, outcome = "error", user_id = account.map(|a| a.id), error = %e);
            Checked::Answered(answer(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
        }
    }
}

async fn login(State(state): State<AppState>, Body(req): Body<Credentials>) -> Response {
    let started = Instant::now();
    match check(&state, "login", &req.username, &req.password).await {
        Checked::Valid(account, replacement, compromised) => {
            let upgraded = match replacement {
                None => false,
                // Compare-and-set: only over the value this login verified.
                Some(new) => match state
                    .store
                    .replace_hash(account.id, &account.hash, &new)
                    .await
                {
                    Ok(stored) => stored,
                    Err(e) => {
                        // The login stands; the upgrade is retried at the next one.
                        tracing::warn!(event = "upgrade", outcome = "error", user_id = account.id, error = %e);
                        false
                    }
                },
            };
            tracing::info!(
                event = "login",
                outcome = "valid",
                user_id = account.id,
                upgraded,
                compromised,
                latency_ms = millis(started)
            );
            if compromised {
                // The policy's breach check (off by default) found the password: logged in,
                // and told to change it.
                let body = serde_json::json!({
                    "message": "welcome; this password appears in a breach, change it",
                    "password_change_required": true,
                });
                return (StatusCode::OK, Json(body)).into_response();
            }
            answer(StatusCode::OK, "welcome")
        }
        Checked::Invalid(user_id) => {
            tracing::info!(
                event = "login",
                outcome = "invalid",
                user_id,
                latency_ms = millis(started)
            );
            answer(StatusCode::UNAUTHORIZED, "invalid username or password")
        }
        Checked::Answered(response) => response,
    }
}

/// Hashes a new password (sign-up, password change), or the answer to give instead: 503 when
/// busy, 422 for a password outside the length limits, 500 otherwise.
async fn hash_new(state: &AppState, event: &str, password: &Password) -> Result<String, Response> {
    match state.policy.hash(password.bytes()).await {
        Ok(hash) => Ok(hash),
        Err(Error::Busy) => {
            tracing::info!(event, outcome = "busy");
            Err(busy(state))
        }
        Err(e @ (Error::PasswordTooLong | Error::PasswordTooShort)) => {
            Err(answer(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()))
        }
        Err(e) => Err(internal(event, &e)),
    }
}

async fn signup(State(state): State<AppState>, Body(req): Body<Credentials>) -> Response {
    let started = Instant::now();
    if !valid_username(&req.username) {
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            "username: 1 to 64 bytes, no control characters",
        );
    }
    let hash = match hash_new(&state, "signup", &req.password).await {
        Ok(hash) => hash,
        Err(response) => return response,
    };
    match state.store.insert(&req.username, &hash).await {
        Ok(Some(id)) => {
            tracing::info!(
                event = "signup",
                outcome = "created",
                user_id = id,
                latency_ms = millis(started)
            );
            answer(StatusCode::CREATED, "created")
        }
        Ok(None) => {
            tracing::info!(
                event = "signup",
                outcome = "taken",
                latency_ms = millis(started)
            );
            answer(StatusCode::CONFLICT, "username taken")
        }
        Err(e) => internal("signup", &e),
    }
}

async fn change_password(
    State(state): State<AppState>,
    Body(req): Body<PasswordChange>,
) -> Response {
    let started = Instant::now();
    let account = match check(&state, "password_change", &req.username, &req.old_password).await {
        Checked::Valid(account, _, _) => account,
        Checked::Invalid(user_id) => {
            tracing::info!(
                event = "password_change",
                outcome = "invalid",
                user_id,
                latency_ms = millis(started)
            );
            return answer(StatusCode::UNAUTHORIZED, "invalid username or password");
        }
        Checked::Answered(response) => return response,
    };
    let hash = match hash_new(&state, "password_change", &req.new_password).await {
        Ok(hash) => hash,
        Err(response) => return response,
    };
    match state
        .store
        .replace_hash(account.id, &account.hash, &hash)
        .await
    {
        Ok(true) => {
            tracing::info!(
                event = "password_change",
                outcome = "changed",
                user_id = account.id,
                latency_ms = millis(started)
            );
            answer(StatusCode::OK, "password changed")
        }
        Ok(false) => {
            tracing::info!(
                event = "password_change",
                outcome = "conflict",
                user_id = account.id
            );
            answer(
                StatusCode::CONFLICT,
                "the password changed meanwhile; try again",
            )
        }
        Err(e) => internal("password_change", &e),
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => answer(StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(event = "healthz", outcome = "error", error = %e);
            answer(StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
