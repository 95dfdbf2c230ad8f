//! The HTTP side of a feed: one page at a time, with a timeout per request, retries with
//! exponential backoff and jitter, a circuit breaker that stops calling a provider that keeps
//! failing (and tries again after a cool-off), and a rate limit per provider. The token is sent
//! as a bearer token and never logged.

use std::time::{Duration, Instant};

use super::contract::{FeedKind, Page};

/// How hard to try. The defaults suit a provider across a network; tests shorten them.
#[derive(Debug, Clone)]
pub struct Policy {
    pub timeout: Duration,
    /// Attempts per page (1 = no retry).
    pub attempts: u32,
    /// First backoff; doubled each retry, plus up to half again of jitter.
    pub backoff: Duration,
    /// Consecutive failed fetches that open the circuit.
    pub breaker_threshold: u32,
    /// How long the circuit stays open before one trial call.
    pub breaker_cooloff: Duration,
    /// Records asked for per page.
    pub page_size: u32,
    /// The largest answer read, in bytes; a larger one is refused as it arrives.
    pub max_body_bytes: usize,
    /// Loopback, private and link-local providers are allowed (`ZHIRONG_FEEDS_ALLOW_PRIVATE`).
    pub allow_private: bool,
}

/// The default cap on a provider's answer: 8 MiB.
pub const MAX_BODY_BYTES: usize = 8 << 20;

impl Default for Policy {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            attempts: 4,
            backoff: Duration::from_millis(500),
            breaker_threshold: 3,
            breaker_cooloff: Duration::from_secs(60),
            page_size: 500,
            max_body_bytes: MAX_BODY_BYTES,
            allow_private: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error("provider unreachable: {0}")]
    Unreachable(String),
    #[error("provider timed out after {0:?}")]
    Timeout(Duration),
    #[error("provider answered HTTP {0}")]
    Status(u16),
    #[error("provider sent a page that is not the contract's JSON: {0}")]
    Malformed(String),
    #[error("provider's answer is too large (over {0} bytes)")]
    TooLarge(usize),
    #[error("provider's address is refused: {0}")]
    Refused(String),
    #[error("circuit open after {failures} failures in a row; next try in {retry_in:?}")]
    CircuitOpen { failures: u32, retry_in: Duration },
}

impl FetchError {
    /// A failure worth retrying: the provider may answer next time. A page that does not parse
    /// or a 4xx other than 429 will not change by asking again.
    fn transient(&self) -> bool {
        match self {
            FetchError::Unreachable(_) | FetchError::Timeout(_) => true,
            FetchError::Status(s) => *s >= 500 || *s == 429,
            FetchError::Malformed(_)
            | FetchError::TooLarge(_)
            | FetchError::Refused(_)
            | FetchError::CircuitOpen { .. } => false,
        }
    }
}

/// The breaker's state, kept for the life of the process.
#[derive(Debug, Clone, PartialEq)]
pub enum Circuit {
    Closed,
    Open {
        until: Instant,
    },
    /// The cool-off is over: the next call is a trial.
    HalfOpen,
}

/// A provider's client: its address, token, policy and the state of its breaker and rate limit.
pub struct FeedClient {
    /// The client for the addresses last checked (rebuilt when they change).
    http: Option<(Vec<std::net::SocketAddr>, reqwest::Client)>,
    kind: FeedKind,
    base_url: String,
    token: Option<String>,
    policy: Policy,
    min_gap: Duration,
    last_request: Option<Instant>,
    failures: u32,
    circuit: Circuit,
    /// A small xorshift state for the jitter (seeded per provider: runs are repeatable).
    jitter: u64,
}

impl std::fmt::Debug for FeedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedClient")
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("circuit", &self.circuit)
            .finish()
    }
}

impl FeedClient {
    pub fn new(
        kind: FeedKind,
        base_url: &str,
        token: Option<String>,
        max_per_sec: u32,
        policy: Policy,
        seed: u64,
    ) -> Result<Self, String> {
        super::destination::host_of(base_url)?;
        Ok(Self {
            http: None,
            kind,
            base_url: base_url.trim_end_matches('/').to_string(),
            token,
            min_gap: Duration::from_secs(1) / max_per_sec.max(1),
            policy,
            last_request: None,
            failures: 0,
            circuit: Circuit::Closed,
            jitter: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        })
    }

    pub fn circuit(&self) -> &Circuit {
        &self.circuit
    }

    pub fn kind(&self) -> FeedKind {
        self.kind
    }

    fn next_jitter(&mut self) -> f64 {
        let mut x = self.jitter;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.jitter = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The wait before retry `n` (1-based): backoff × 2^(n−1), plus up to half of that again.
    fn backoff(&mut self, n: u32) -> Duration {
        let base = self.policy.backoff * 2u32.saturating_pow(n.saturating_sub(1));
        base + base.mul_f64(0.5 * self.next_jitter())
    }

    async fn pace(&mut self) {
        if let Some(last) = self.last_request {
            let since = last.elapsed();
            if since < self.min_gap {
                tokio::time::sleep(self.min_gap - since).await;
            }
        }
        self.last_request = Some(Instant::now());
    }

    /// A client that connects only to the addresses the provider's host resolves to now, each
    /// checked (no DNS rebinding between the check and the connection), following no
    /// redirect (a redirect to the metadata service would skip the check).
    async fn checked_http(&mut self) -> Result<reqwest::Client, FetchError> {
        let (domain, addrs) = super::destination::resolve_checked(
            &self.base_url,
            self.token.is_some(),
            self.policy.allow_private,
        )
        .await
        .map_err(FetchError::Refused)?;
        if let Some((known, http)) = &self.http
            && *known == addrs
        {
            return Ok(http.clone());
        }
        let mut builder = reqwest::Client::builder()
            .timeout(self.policy.timeout)
            .connect_timeout(self.policy.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        if let Some(domain) = &domain {
            builder = builder.resolve_to_addrs(domain, &addrs);
        }
        let http = builder
            .build()
            .map_err(|e| FetchError::Unreachable(format!("HTTP client: {e}")))?;
        self.http = Some((addrs, http.clone()));
        Ok(http)
    }

    /// The answer's body, read as it arrives and refused beyond the cap.
    async fn body(&self, mut res: reqwest::Response) -> Result<Vec<u8>, FetchError> {
        let cap = self.policy.max_body_bytes;
        if res.content_length().is_some_and(|n| n > cap as u64) {
            return Err(FetchError::TooLarge(cap));
        }
        let mut body = Vec::new();
        loop {
            let chunk = res.chunk().await.map_err(|e| {
                if e.is_timeout() {
                    FetchError::Timeout(self.policy.timeout)
                } else {
                    FetchError::Unreachable(e.without_url().to_string())
                }
            })?;
            let Some(chunk) = chunk else { break };
            if body.len() + chunk.len() > cap {
                return Err(FetchError::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    async fn fetch_once(&mut self, cursor: Option<&str>) -> Result<Page, FetchError> {
        self.pace().await;
        let url = format!("{}{}", self.base_url, self.kind.path());
        let mut query: Vec<(&str, String)> = vec![("limit", self.policy.page_size.to_string())];
        if let Some(c) = cursor {
            query.push(("since", c.to_string()));
        }
        let http = self.checked_http().await?;
        let mut req = http.get(&url).query(&query);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.map_err(|e| {
            if e.is_timeout() {
                FetchError::Timeout(self.policy.timeout)
            } else {
                FetchError::Unreachable(e.without_url().to_string())
            }
        })?;
        let status = res.status().as_u16();
        if status != 200 {
            return Err(FetchError::Status(status));
        }
        let body = self.body(res).await?;
        serde_json::from_slice::<Page>(&body).map_err(|e| FetchError::Malformed(e.to_string()))
    }

    /// The register's entry of one number (`GET {base}/v1/patents/{number}`): the answer's
    /// JSON, `None` when the provider does not know the number (404). One attempt, paced, with
    /// the timeout; the caller is a person waiting.
    pub async fn lookup(&mut self, number: &str) -> Result<Option<serde_json::Value>, FetchError> {
        self.pace().await;
        // The number is digits, a dot and a check character: nothing to escape.
        let url = format!("{}/v1/patents/{number}", self.base_url);
        let http = self.checked_http().await?;
        let mut req = http.get(&url);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.map_err(|e| {
            if e.is_timeout() {
                FetchError::Timeout(self.policy.timeout)
            } else {
                FetchError::Unreachable(e.without_url().to_string())
            }
        })?;
        match res.status().as_u16() {
            200 => {}
            404 => return Ok(None),
            status => return Err(FetchError::Status(status)),
        }
        let body = self.body(res).await?;
        serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| FetchError::Malformed(e.to_string()))
    }

    /// One page after `cursor`, retried as the policy says, through the breaker.
    pub async fn fetch(&mut self, cursor: Option<&str>) -> Result<Page, FetchError> {
        if let Circuit::Open { until } = self.circuit {
            let now = Instant::now();
            if now < until {
                return Err(FetchError::CircuitOpen {
                    failures: self.failures,
                    retry_in: until - now,
                });
            }
            self.circuit = Circuit::HalfOpen;
        }
        // A trial call after the cool-off gets one attempt.
        let attempts = if self.circuit == Circuit::HalfOpen {
            1
        } else {
            self.policy.attempts.max(1)
        };
        let mut last = FetchError::Unreachable("no attempt".into());
        for attempt in 1..=attempts {
            match self.fetch_once(cursor).await {
                Ok(page) => {
                    self.failures = 0;
                    self.circuit = Circuit::Closed;
                    return Ok(page);
                }
                Err(e) => {
                    let again = e.transient() && attempt < attempts;
                    tracing::warn!(url = %self.base_url, attempt, error = %e, retry = again, "feed fetch failed");
                    last = e;
                    if !again {
                        break;
                    }
                    let wait = self.backoff(attempt);
                    tokio::time::sleep(wait).await;
                }
            }
        }
        self.failures += 1;
        if self.circuit == Circuit::HalfOpen || self.failures >= self.policy.breaker_threshold {
            self.circuit = Circuit::Open {
                until: Instant::now() + self.policy.breaker_cooloff,
            };
            tracing::warn!(url = %self.base_url, failures = self.failures, "feed circuit open");
        }
        Err(last)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn backoff_doubles_with_at_most_half_again_of_jitter() {
        let policy = Policy {
            backoff: Duration::from_millis(100),
            ..Policy::default()
        };
        let mut c =
            FeedClient::new(FeedKind::Patent, "http://127.0.0.1:1", None, 5, policy, 7).unwrap();
        for n in 1..=4u32 {
            let base = Duration::from_millis(100 * 2u64.pow(n - 1));
            let wait = c.backoff(n);
            assert!(
                wait >= base && wait <= base + base / 2,
                "retry {n}: {wait:?}"
            );
        }
    }

    #[test]
    fn the_token_does_not_show_in_debug() {
        let c = FeedClient::new(
            FeedKind::Enterprise,
            "http://127.0.0.1:1/",
            Some("s3cret-token".into()),
            5,
            Policy::default(),
            1,
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("http://127.0.0.1:1"), "{shown}");
    }
}
