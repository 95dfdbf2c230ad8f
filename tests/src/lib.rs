//! Helpers for the end-to-end suites: a fresh database per test on either backend, the real
//! `zhirong` binary, a server started on a free port, and plain HTTP/1.1 on loopback.
//!
//! PostgreSQL tests need `ZHIRONG_TEST_PG`, an admin URL of a server they may create databases
//! on; `scripts/test` starts a throwaway one and sets it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use zhirong_api::db::{DatabaseUrl, DbConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database of its own for one test, removed when dropped.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn pg_admin_url() -> String {
    std::env::var("ZHIRONG_TEST_PG").unwrap_or_else(|_| {
        panic!("ZHIRONG_TEST_PG is not set: run the suite with scripts/test, which starts a throwaway PostgreSQL")
    })
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("zhirong.db").display());
                Self {
                    url,
                    backend,
                    _dir: Some(dir),
                    pg_admin: None,
                }
            }
            Backend::Postgres => {
                let admin = pg_admin_url();
                let name = format!(
                    "zr_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    uuid_like()
                );
                let mut conn =
                    PgConnection::establish(&admin).expect("connect to the test PostgreSQL");
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .expect("admin URL has a database");
                let url = format!("{base}/{name}");
                Self {
                    url,
                    backend,
                    _dir: None,
                    pg_admin: Some((admin, name)),
                }
            }
        }
    }

    pub fn connect(&self) -> DbConnection {
        DatabaseUrl::parse(&self.url)
            .expect("url")
            .connect()
            .expect("connect")
    }

    /// Makes the database disappear under a running server (PostgreSQL: drop it, forcing its
    /// connections closed).
    pub fn destroy(&mut self) {
        if let Some((admin, name)) = self.pg_admin.take() {
            let mut conn = PgConnection::establish(&admin).expect("connect admin");
            conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .expect("drop database");
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.destroy();
    }
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{nanos:x}")
}

/// The `zhirong` binary: `ZHIRONG_BIN` when set (to test a release build, say), else the one
/// built beside this test executable.
pub fn zhirong_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("ZHIRONG_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test> -> target/<profile>/zhirong
    let profile_dir = exe.parent().and_then(|p| p.parent()).expect("target dir");
    let bin = profile_dir.join("zhirong");
    assert!(
        bin.exists(),
        "{} is missing: build it first (cargo build --workspace --bins)",
        bin.display()
    );
    bin
}

/// A `zhirong` command pointed at `db`, with a clean environment for the settings it reads.
pub fn zhirong(db_url: &str) -> Command {
    let mut cmd = Command::new(zhirong_bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("ZHIRONG_") || k == "DATABASE_URL" {
            cmd.env_remove(k);
        }
    }
    cmd.env("DATABASE_URL", db_url).env("RUST_LOG", "warn");
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("run zhirong")
}

pub fn run_with_stdin(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JWT secret the test servers sign with, so tests can forge tokens of every kind.
pub const TEST_JWT_SECRET: &str = "test-secret-for-forging-tokens-in-tests";

/// A running `zhirong serve`, killed when dropped.
pub struct Server {
    pub addr: SocketAddr,
    child: Child,
}

impl Server {
    /// Starts `zhirong serve --bind 127.0.0.1:0` in demo mode and waits for its address.
    pub fn start(db_url: &str) -> Self {
        Self::start_logging(db_url, None)
    }

    /// The same, with extra environment variables.
    pub fn start_with_env(db_url: &str, env: &[(&str, &str)]) -> Self {
        Self::spawn(db_url, None, env)
    }

    /// The same, writing the server's log (standard error, at debug level) to `log`.
    pub fn start_logging(db_url: &str, log: Option<&std::path::Path>) -> Self {
        Self::spawn(db_url, log, &[])
    }

    fn spawn(db_url: &str, log: Option<&std::path::Path>, env: &[(&str, &str)]) -> Self {
        let stderr_to = match log {
            Some(path) => Stdio::from(std::fs::File::create(path).expect("log file")),
            None => Stdio::null(),
        };
        let mut child = zhirong(db_url)
            .env("RUST_LOG", if log.is_some() { "debug" } else { "warn" })
            .env("ZHIRONG_MODE", "demo")
            .env("ZHIRONG_JWT_SECRET", TEST_JWT_SECRET)
            .envs(env.iter().copied())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr_to)
            .spawn()
            .expect("spawn server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = lines
            .next()
            .expect("server printed nothing")
            .expect("read line");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Self { addr, child }
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        http_get(self.addr, path)
    }

    /// The server's peak resident memory so far, in bytes (VmHWM of /proc/<pid>/status).
    pub fn peak_rss_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
            .expect("VmHWM in /proc status")
    }

    pub fn client(&self) -> Client {
        Client {
            addr: self.addr,
            token: None,
        }
    }

    /// Kills the server with SIGKILL, as a power cut or the OOM killer would: no shutdown runs.
    pub fn crash(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("wait");
    }

    /// Whether the process is still running (it has not exited on its own).
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop within 20 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body as sent (`body` is its lossy UTF-8 text), for downloads such as .xlsx.
    pub bytes: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A plain HTTP/1.1 GET over loopback (`Connection: close`, body read to the end).
pub fn http_get(addr: SocketAddr, path: &str) -> HttpResponse {
    http_request(addr, "GET", path, &[], None)
}

/// Any request over loopback, with extra headers and an optional JSON body.
pub fn http_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> HttpResponse {
    http_request_bytes(addr, method, path, headers, body.map(str::as_bytes))
}

/// The same with a body of any bytes; a `Content-Type` among `headers` replaces the JSON default.
pub fn http_request_bytes(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> HttpResponse {
    try_http_request_bytes(addr, method, path, headers, body)
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// [`http_request_bytes`] that reports a connection refused, reset or cut short (a server killed
/// mid-request, say) as an error instead of panicking.
pub fn try_http_request_bytes(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> std::io::Result<HttpResponse> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept-Encoding: identity\r\n"
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or(b"");
    if method != "GET" {
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            head.push_str("Content-Type: application/json\r\n");
        }
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // The server may answer (413, 400) and close before it has read a large body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("no status line in {} bytes", raw.len()),
            )
        })?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    let bytes = match raw.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(at) if !chunked => raw[at + 4..].to_vec(),
        _ => body.clone().into_bytes(),
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
        bytes,
    })
}

/// A caller with (optionally) a bearer token.
#[derive(Clone)]
pub struct Client {
    pub addr: SocketAddr,
    pub token: Option<String>,
}

impl Client {
    pub fn with_token(&self, token: &str) -> Client {
        Client {
            addr: self.addr,
            token: Some(token.to_string()),
        }
    }

    fn headers<'a>(
        &'a self,
        auth: &'a mut String,
        extra: &[(&'a str, &'a str)],
    ) -> Vec<(&'a str, &'a str)> {
        let mut h: Vec<(&str, &str)> = extra.to_vec();
        if let Some(t) = &self.token {
            *auth = format!("Bearer {t}");
            h.push(("Authorization", auth.as_str()));
        }
        h
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        let mut auth = String::new();
        let h = self.headers(&mut auth, &[]);
        http_request(self.addr, "GET", path, &h, None)
    }

    pub fn post(&self, path: &str, body: &serde_json::Value) -> HttpResponse {
        self.post_with(path, body, &[])
    }

    pub fn post_with(
        &self,
        path: &str,
        body: &serde_json::Value,
        extra: &[(&str, &str)],
    ) -> HttpResponse {
        let mut auth = String::new();
        let h = self.headers(&mut auth, extra);
        http_request(self.addr, "POST", path, &h, Some(&body.to_string()))
    }

    /// [`Client::post`] that returns a lost connection as an error (see [`try_http_request_bytes`]).
    pub fn try_post(&self, path: &str, body: &serde_json::Value) -> std::io::Result<HttpResponse> {
        let mut auth = String::new();
        let h = self.headers(&mut auth, &[]);
        try_http_request_bytes(
            self.addr,
            "POST",
            path,
            &h,
            Some(body.to_string().as_bytes()),
        )
    }

    /// [`Client::get`] that returns a lost connection as an error.
    pub fn try_get(&self, path: &str) -> std::io::Result<HttpResponse> {
        let mut auth = String::new();
        let h = self.headers(&mut auth, &[]);
        try_http_request_bytes(self.addr, "GET", path, &h, None)
    }

    pub fn put(&self, path: &str, body: &serde_json::Value) -> HttpResponse {
        let mut auth = String::new();
        let h = self.headers(&mut auth, &[]);
        http_request(self.addr, "PUT", path, &h, Some(&body.to_string()))
    }

    pub fn delete(&self, path: &str) -> HttpResponse {
        let mut auth = String::new();
        let h = self.headers(&mut auth, &[]);
        http_request(self.addr, "DELETE", path, &h, Some(""))
    }

    /// POSTs `bytes` as the file field `file` of a multipart form.
    pub fn upload(&self, path: &str, filename: &str, bytes: &[u8]) -> HttpResponse {
        self.upload_with(path, filename, bytes, &[])
    }

    /// [`Client::upload`] with extra headers (an `Idempotency-Key`, say).
    pub fn upload_with(
        &self,
        path: &str,
        filename: &str,
        bytes: &[u8],
        extra: &[(&str, &str)],
    ) -> HttpResponse {
        let boundary = "zhirong-test-boundary-7e3f";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let mut auth = String::new();
        let mut headers = vec![("Content-Type", content_type.as_str())];
        headers.extend_from_slice(extra);
        let h = self.headers(&mut auth, &headers);
        http_request_bytes(self.addr, "POST", path, &h, Some(&body))
    }

    /// Logs in and returns a client carrying the access token, and the whole token response.
    pub fn login(&self, username: &str, password: &str) -> (Client, serde_json::Value) {
        let res = self.post(
            "/api/auth/login",
            &serde_json::json!({"username": username, "password": password}),
        );
        assert_eq!(res.status, 200, "login {username}: {}", res.body);
        let json = res.json();
        let token = json["access_token"]
            .as_str()
            .expect("access_token")
            .to_string();
        (self.with_token(&token), json)
    }
}

/// The demo logins and their password.
pub const DEMO_PASSWORD: &str = "zhirong-demo";
pub const DEMO_USERS: [(&str, &str); 6] = [
    ("demo-enterprise", "enterprise_user"),
    ("demo-officer", "bank_officer"),
    ("demo-manager", "bank_manager"),
    ("demo-gov-officer", "gov_officer"),
    ("demo-gov-manager", "gov_manager"),
    ("demo-admin", "admin"),
];

/// Loads the demo data set into `db` through the binary.
pub fn load_demo(db: &TestDb) {
    let out = run(zhirong(&db.url).args(["demo"]));
    assert!(out.status.success(), "demo: {}", stderr(&out));
}

/// The server in this process, on a clock the test moves by hand.
pub struct InProcessServer {
    pub addr: SocketAddr,
    pub clock: std::sync::Arc<zhirong_api::clock::ManualClock>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InProcessServer {
    pub fn start(db: &TestDb, start: chrono::NaiveDateTime) -> Self {
        Self::start_with_env(db, start, &[])
    }

    /// The same, with extra settings given as environment variables.
    pub fn start_with_env(db: &TestDb, start: chrono::NaiveDateTime, env: &[(&str, &str)]) -> Self {
        use std::sync::Arc;
        let mut vars: std::collections::HashMap<String, String> = [
            ("DATABASE_URL".to_string(), db.url.clone()),
            (
                "ZHIRONG_JWT_SECRET".to_string(),
                TEST_JWT_SECRET.to_string(),
            ),
        ]
        .into_iter()
        .collect();
        vars.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let mut settings =
            zhirong_api::config::Settings::from_sources(None, &vars).expect("settings");
        settings.workers = 1;
        let pool = zhirong_api::db::open_pool(&settings.database_url, 4).expect("pool");
        zhirong_api::db::migrate::run_pending(&mut pool.get().expect("conn")).expect("migrate");
        let clock = Arc::new(zhirong_api::clock::ManualClock::new(start));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = std::sync::mpsc::channel();
        let server_clock: Arc<dyn zhirong_api::clock::Clock> = clock.clone();
        let settings = Arc::new(settings);
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server =
                    zhirong_api::startup::run_with_clock(listener, settings, pool, server_clock)
                        .expect("server");
                tx.send(server.handle()).expect("send handle");
                let _ = server.await;
            });
        });
        let handle = rx.recv().expect("server handle");
        Self {
            addr,
            clock,
            handle,
            thread: Some(thread),
        }
    }

    pub fn client(&self) -> Client {
        Client {
            addr: self.addr,
            token: None,
        }
    }
}

impl Drop for InProcessServer {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.handle.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The principal of an existing user, as the service would build it from a token.
pub fn principal_of(db: &TestDb, username: &str) -> zhirong_api::auth::Principal {
    use diesel::prelude::*;
    use zhirong_api::db::schema::users;
    let mut conn = db.connect();
    let (id, role, org): (i64, String, i64) = users::table
        .filter(users::username.eq(username))
        .select((users::id, users::role, users::org_id))
        .first(&mut conn)
        .expect("user exists");
    zhirong_api::auth::Principal {
        user_id: id,
        username: username.into(),
        role: zhirong_api::auth::Role::parse(&role).expect("role"),
        org_id: org,
        session: "test".into(),
    }
}

/// A pending maker-checker proposal by `by` for its organisation, decided by `required`.
pub fn propose_as(
    db: &TestDb,
    by: &zhirong_api::auth::Principal,
    required: zhirong_api::auth::Role,
) -> i64 {
    use zhirong_api::services::proposals::{self, NewProposal};
    // One pending proposal per object: each made here names an object of its own.
    static NEXT_OBJECT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1_000_000);
    let object = NEXT_OBJECT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut conn = db.connect();
    let payload = serde_json::json!({"amount_fen": 100});
    // Proposals are made inside the transaction of the change they propose.
    zhirong_api::db::write_tx(&mut conn, |conn| {
        proposals::propose(
            conn,
            by,
            &NewProposal {
                kind: "loan.approve",
                object_type: "application",
                object_id: object.to_string(),
                payload: &payload,
                required_role: required,
            },
            chrono::Utc::now().naive_utc(),
            "test",
        )
    })
    .expect("propose")
}

/// base64url without padding, for forging tokens by hand.
pub fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        for c in chars.iter().take(chunk.len() + 1) {
            out.push(A[*c as usize] as char);
        }
    }
    out
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n.min(rest.len())]);
        s = rest.get(n + 2..).unwrap_or("");
    }
    out
}

/// Runs each named test function once per backend, as `name::sqlite` and `name::postgres`:
/// `on_both_backends!(migrations_apply_and_revert);` for `fn migrations_apply_and_revert(b: Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::Backend::Sqlite)
            }
            #[test]
            fn postgres() {
                super::$name($crate::Backend::Postgres)
            }
        })*
    };
}

/// An Excel workbook (.xlsx) with one sheet, written by the service's own exporter: the first
/// row is the header; a JSON number becomes a number cell, null an empty cell, anything else text.
pub fn xlsx(rows: &[Vec<serde_json::Value>]) -> Vec<u8> {
    use zhirong_api::export::{Cell, Table};
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Cell::Num(n.as_f64().unwrap_or(f64::NAN)), Cell::Int),
        serde_json::Value::Null => Cell::Empty,
        serde_json::Value::String(s) => Cell::text(s.as_str()),
        other => Cell::text(other.to_string()),
    };
    let (headers, body) = rows.split_first().map_or((Vec::new(), &[][..]), |(h, b)| {
        (
            h.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect(),
            b,
        )
    });
    Table {
        sheet: "patents".into(),
        headers,
        rows: body.iter().map(|r| r.iter().map(cell).collect()).collect(),
    }
    .to_xlsx()
    .expect("xlsx")
}

/// The demo provider (`zhirong feed serve-demo`) on a free loopback port, serving `backlog`
/// records and no more; stopped when dropped.
pub struct DemoProvider {
    child: Child,
    pub addr: SocketAddr,
    /// The pledged patent whose fee lapses in the stream's first record.
    pub first_pledged: String,
}

impl DemoProvider {
    pub fn start(backlog: u64) -> Self {
        let free = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        let addr = free.local_addr().expect("address");
        drop(free);
        let mut child = Command::new(zhirong_bin())
            .args(["feed", "serve-demo", "--bind", &addr.to_string()])
            .args(["--backlog", &backlog.to_string(), "--per-minute", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn the demo provider");
        // It prints one line once it listens, ending with the first record's patent.
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the demo provider's first line");
        let first_pledged = line
            .trim()
            .rsplit(' ')
            .next()
            .unwrap_or("")
            .trim_end_matches(')')
            .to_string();
        Self {
            child,
            addr,
            first_pledged,
        }
    }
}

impl Drop for DemoProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The body of `POST /api/enterprise/patents` for an ordinary valid invention patent (filed
/// 2020, granted 2022, H04L, fees paid until `fee_paid_until`, RMB 5 m revenue), numbered
/// `serial` of 2020 and titled `title`.
pub fn plain_patent(serial: u32, title: &str, fee_paid_until: &str) -> serde_json::Value {
    use zhirong_api::domain::PatentNumber;
    use zhirong_engine::valuation::PatentType;
    let number = PatentNumber::new_style(2020, PatentType::Invention, serial).to_string();
    serde_json::json!({"patent_number": number, "patent_type": "invention", "title": title,
        "filing_date": "2020-03-01", "grant_date": "2022-05-10", "legal_status": "valid",
        "ipc_main": "H04L 9/32", "claims": 8, "forward_citations": 3, "backward_citations": 6,
        "family_size": 1, "inventors": 2, "transfers": 0, "licenses": 0, "litigations": 0,
        "invalidation_requests": 0, "fee_paid_until": fee_paid_until,
        "revenue_fen": 500_000_000i64})
}
