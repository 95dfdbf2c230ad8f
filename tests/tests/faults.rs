//! Faults, on the real binary: the server killed with SIGKILL in the middle of a burst of
//! application submissions and repayments, twenty times on each backend, keeps every write it
//! acknowledged and none half-written; PostgreSQL stopped and started under load gives clean
//! 503s and then recovers without restarting zhirong; a read-only SQLite file is refused at
//! start-up with the reason, and a full disk gives 503 DISK_FULL, saves nothing, and recovers
//! when space comes back.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;
use zhirong_api::db::schema::{applications, audit_log, loans, patents, pledges, repayments};
use zhirong_api::db::{DatabaseUrl, DbConnection, audit};
use zhirong_api::domain::PatentNumber;
use zhirong_engine::valuation::PatentType;
use zhirong_tests::{
    Backend, Client, DEMO_PASSWORD, Server, TestDb, load_demo, plain_patent, principal_of, run,
    stderr, zhirong,
};

const CYCLES: usize = 20;
/// The applications the burst makes say so in their purpose.
const PURPOSE: &str = "故障测试：研发投入";
/// Repayments of the burst carry interest from this amount up, each a different one, so each can
/// be found again; each pays 1 fen of principal.
const INTEREST_MARK: i64 = 7_000_000;

fn china_today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .to_string()
}

/// What the server answered 2xx to, shared by the burst's threads.
#[derive(Default)]
struct Acknowledged {
    patents: Vec<String>,
    applications: Vec<i64>,
    submitted: Vec<i64>,
    repayments: Vec<(i64, i64)>,
    /// Answers that are neither an acknowledgement nor the crash (a 4xx or 5xx): each is a bug.
    unexpected: Vec<String>,
}

impl Acknowledged {
    fn count(&self) -> usize {
        self.patents.len() + self.applications.len() + self.submitted.len() + self.repayments.len()
    }
}

/// One answer of the burst: Some(body) when acknowledged with `want`, None when the connection
/// was lost (the crash), and the unexpected answers noted.
fn acknowledged(
    res: std::io::Result<zhirong_tests::HttpResponse>,
    want: u16,
    what: &str,
    acked: &Mutex<Acknowledged>,
) -> Option<serde_json::Value> {
    match res {
        Ok(r) if r.status == want => Some(r.json()),
        Ok(r) => {
            acked
                .lock()
                .unwrap()
                .unexpected
                .push(format!("{what}: {} {}", r.status, r.body));
            None
        }
        Err(_) => None,
    }
}

/// An enterprise's loop: a patent, an application pledging it, its submission; again.
fn enterprise_burst(
    me: Client,
    bank: i64,
    serials: Arc<AtomicI64>,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Acknowledged>>,
) {
    let fee_paid_until = (chrono::Utc::now() + chrono::Duration::days(300))
        .date_naive()
        .to_string();
    while !stop.load(Ordering::SeqCst) {
        let serial = u32::try_from(serials.fetch_add(1, Ordering::SeqCst)).unwrap();
        let body = plain_patent(serial, "故障测试专利", &fee_paid_until);
        let res = me.try_post("/api/enterprise/patents", &body);
        let Some(patent) = acknowledged(res, 201, "patent", &acked) else {
            return;
        };
        let number = body["patent_number"].as_str().unwrap().to_string();
        acked.lock().unwrap().patents.push(number);
        let res = me.try_post(
            "/api/enterprise/applications",
            &json!({"bank_id": bank, "amount_fen": 100_000, "term_months": 12, "purpose": PURPOSE,
                "patent_ids": [patent["id"]]}),
        );
        let Some(app) = acknowledged(res, 201, "application", &acked) else {
            return;
        };
        let app = app["id"].as_i64().unwrap();
        acked.lock().unwrap().applications.push(app);
        let res = me.try_post(
            &format!("/api/enterprise/applications/{app}/submit"),
            &json!({}),
        );
        if acknowledged(res, 200, "submission", &acked).is_none() {
            return;
        }
        acked.lock().unwrap().submitted.push(app);
    }
}

/// A bank officer's loop: repayments of 1 fen on one loan, each with its own interest amount.
fn repayment_burst(
    officer: Client,
    loan: i64,
    marks: Arc<AtomicI64>,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Acknowledged>>,
) {
    let today = china_today();
    while !stop.load(Ordering::SeqCst) {
        let mark = marks.fetch_add(1, Ordering::SeqCst);
        let res = officer.try_post(
            &format!("/api/bank/loans/{loan}/repayments"),
            &json!({"paid_on": today, "principal_fen": 1, "interest_fen": mark}),
        );
        if acknowledged(res, 201, "repayment", &acked).is_none() {
            return;
        }
        acked.lock().unwrap().repayments.push((loan, mark));
    }
}

/// The loans the burst repays, with their outstanding principal and repayment audit rows before.
struct LoanBaseline {
    outstanding: HashMap<i64, i64>,
    audit_rows: HashMap<i64, i64>,
}

fn repayment_audit_rows(conn: &mut DbConnection, loan: i64) -> i64 {
    audit_log::table
        .filter(audit_log::action.eq("loan.repayment"))
        .filter(audit_log::object_id.eq(loan.to_string()))
        .count()
        .get_result(conn)
        .unwrap()
}

/// Everything acknowledged is there; nothing is there half-written; the audit chain holds.
fn check_nothing_lost(db: &TestDb, acked: &Acknowledged, base: &LoanBaseline, cycle: usize) {
    let mut conn = db.connect();
    for number in &acked.patents {
        let n: i64 = patents::table
            .filter(patents::patent_number.eq(number))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(n, 1, "cycle {cycle}: acknowledged patent {number} is lost");
    }
    for app in &acked.applications {
        let status: Option<String> = applications::table
            .find(app)
            .select(applications::status)
            .first(&mut conn)
            .optional()
            .unwrap();
        assert!(
            status.is_some(),
            "cycle {cycle}: acknowledged application {app} is lost"
        );
    }
    for app in &acked.submitted {
        let status: String = applications::table
            .find(app)
            .select(applications::status)
            .first(&mut conn)
            .unwrap();
        assert_eq!(
            status, "submitted",
            "cycle {cycle}: acknowledged submission of {app} is lost"
        );
    }
    // Every application of the burst in the database, acknowledged or not, is whole: its pledge,
    // its audit row, and when submitted the submission's audit row and time.
    let apps: Vec<(i64, String, Option<chrono::NaiveDateTime>)> = applications::table
        .filter(applications::purpose.eq(PURPOSE))
        .select((
            applications::id,
            applications::status,
            applications::submitted_at,
        ))
        .load(&mut conn)
        .unwrap();
    for (app, status, submitted_at) in &apps {
        let pledged: i64 = pledges::table
            .filter(pledges::application_id.eq(app))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(pledged, 1, "cycle {cycle}: application {app} has no pledge");
        let audited = |action: &str, conn: &mut DbConnection| -> i64 {
            audit_log::table
                .filter(audit_log::action.eq(action))
                .filter(audit_log::object_id.eq(app.to_string()))
                .count()
                .get_result(conn)
                .unwrap()
        };
        assert_eq!(
            audited("application.create", &mut conn),
            1,
            "cycle {cycle}: {app}"
        );
        let submitted = status == "submitted";
        assert_eq!(submitted, submitted_at.is_some(), "cycle {cycle}: {app}");
        assert_eq!(
            audited("application.submit", &mut conn),
            i64::from(submitted),
            "cycle {cycle}: application {app} is {status}"
        );
    }
    for (loan, mark) in &acked.repayments {
        let n: i64 = repayments::table
            .filter(repayments::loan_id.eq(loan))
            .filter(repayments::interest_fen.eq(mark))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(
            n, 1,
            "cycle {cycle}: acknowledged repayment {mark} on loan {loan} is lost"
        );
    }
    // Each loan's outstanding principal went down by exactly the burst's repayments on it, and
    // each has its audit row: no repayment without its loan update or the other way round.
    for (&loan, &before) in &base.outstanding {
        let now: i64 = loans::table
            .find(loan)
            .select(loans::outstanding_fen)
            .first(&mut conn)
            .unwrap();
        let paid: Vec<i64> = repayments::table
            .filter(repayments::loan_id.eq(loan))
            .filter(repayments::interest_fen.ge(INTEREST_MARK))
            .select(repayments::principal_fen)
            .load(&mut conn)
            .unwrap();
        assert_eq!(
            before - now,
            paid.iter().sum::<i64>(),
            "cycle {cycle}: loan {loan}"
        );
        assert_eq!(
            repayment_audit_rows(&mut conn, loan) - base.audit_rows[&loan],
            i64::try_from(paid.len()).unwrap(),
            "cycle {cycle}: loan {loan}'s repayments and audit rows"
        );
    }
    match audit::verify(&mut conn).unwrap() {
        Ok(_) => {}
        Err(broken) => panic!("cycle {cycle}: audit chain broken: {broken:?}"),
    }
}

fn acknowledged_writes_survive_kill_9(backend: Backend) {
    let db = TestDb::new(backend);
    load_demo(&db);
    let bank = principal_of(&db, "demo-officer").org_id;
    let mut conn = db.connect();
    let test_loans: Vec<(i64, i64)> = loans::table
        .filter(loans::bank_id.eq(bank))
        .filter(loans::status.eq_any(["active", "overdue"]))
        .filter(loans::outstanding_fen.gt(100_000))
        .order(loans::id)
        .select((loans::id, loans::outstanding_fen))
        .limit(2)
        .load(&mut conn)
        .unwrap();
    assert_eq!(test_loans.len(), 2, "the demo bank has live loans");
    let base = LoanBaseline {
        outstanding: test_loans.iter().copied().collect(),
        audit_rows: test_loans
            .iter()
            .map(|&(l, _)| (l, repayment_audit_rows(&mut conn, l)))
            .collect(),
    };
    drop(conn);
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let serials = Arc::new(AtomicI64::new(9_800_000));
    let marks = Arc::new(AtomicI64::new(INTEREST_MARK));
    let mut crashed_mid_write = 0;
    for cycle in 0..CYCLES {
        let server = Server::start(&db.url);
        // After a restart: the server is up on the data the last one left behind.
        check_nothing_lost(&db, &acked.lock().unwrap(), &base, cycle);
        let me = server.client().login("demo-enterprise", DEMO_PASSWORD).0;
        let officer = server.client().login("demo-officer", DEMO_PASSWORD).0;
        let stop = Arc::new(AtomicBool::new(false));
        let before = acked.lock().unwrap().count();
        let mut threads = Vec::new();
        for _ in 0..2 {
            let (me, serials, stop, acked) =
                (me.clone(), serials.clone(), stop.clone(), acked.clone());
            threads.push(std::thread::spawn(move || {
                enterprise_burst(me, bank, serials, stop, acked)
            }));
        }
        for &(loan, _) in &test_loans {
            let (officer, marks, stop, acked) =
                (officer.clone(), marks.clone(), stop.clone(), acked.clone());
            threads.push(std::thread::spawn(move || {
                repayment_burst(officer, loan, marks, stop, acked)
            }));
        }
        // Kill it once the burst is going, at a moment that moves from cycle to cycle.
        let deadline = Instant::now() + Duration::from_secs(30);
        while acked.lock().unwrap().count() < before + 4 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis((cycle as u64 * 37) % 250 + 10));
        let in_flight = threads.iter().filter(|t| !t.is_finished()).count();
        server.crash();
        stop.store(true, Ordering::SeqCst);
        for t in threads {
            t.join().unwrap();
        }
        if in_flight > 0 {
            crashed_mid_write += 1;
        }
        let a = acked.lock().unwrap();
        assert!(a.unexpected.is_empty(), "cycle {cycle}: {:?}", a.unexpected);
        assert!(
            a.count() >= before + 4,
            "cycle {cycle}: the burst made no progress in 30 s"
        );
    }
    assert_eq!(crashed_mid_write, CYCLES, "every kill hit a running burst");
    // The last crash, checked after a restart too.
    let server = Server::start(&db.url);
    check_nothing_lost(&db, &acked.lock().unwrap(), &base, CYCLES);
    assert_eq!(server.get("/readyz").status, 200);
    let a = acked.lock().unwrap();
    eprintln!(
        "{backend:?}: {CYCLES} kill -9 cycles, {} acknowledged writes ({} patents, {} applications, {} submissions, {} repayments), none lost",
        a.count(),
        a.patents.len(),
        a.applications.len(),
        a.submitted.len(),
        a.repayments.len()
    );
}

zhirong_tests::on_both_backends!(acknowledged_writes_survive_kill_9);

/// A PostgreSQL server of the test's own (the suite's shared one must stay up), stopped when
/// dropped.
struct OwnPostgres {
    url: String,
    dir: String,
}

fn pg_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-throwaway")
}

impl OwnPostgres {
    fn start() -> Self {
        let out = Command::new(pg_script()).output().expect("pg-throwaway");
        assert!(out.status.success(), "pg-throwaway: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let (url, dir) = (lines.next().unwrap(), lines.next().unwrap());
        Self {
            url: url.to_string(),
            dir: dir.to_string(),
        }
    }

    fn down(&self) {
        let out = Command::new(pg_script())
            .args(["--down", &self.dir])
            .output()
            .unwrap();
        assert!(out.status.success(), "stop: {}", stderr(&out));
    }

    fn up(&self) {
        let out = Command::new(pg_script())
            .args(["--up", &self.dir])
            .output()
            .unwrap();
        assert!(out.status.success(), "start: {}", stderr(&out));
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = Command::new(pg_script())
            .args(["--stop", &self.dir])
            .output();
    }
}

/// One answer under load: its status and error code, or "lost" when the connection failed.
#[derive(Debug, Clone)]
struct Answer {
    at: Instant,
    status: u16,
    code: String,
    took: Duration,
}

#[test]
fn postgres_stopped_under_load_gives_503_and_recovers_without_a_restart() {
    let pg = OwnPostgres::start();
    let out = run(zhirong(&pg.url).args(["demo"]));
    assert!(out.status.success(), "demo: {}", stderr(&out));
    let mut server = Server::start(&pg.url);
    let me = server.client().login("demo-enterprise", DEMO_PASSWORD).0;
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(Vec::<Answer>::new()));
    let mut threads = Vec::new();
    for path in [
        "/api/enterprise/patents",
        "/api/enterprise/loans",
        "/readyz",
    ] {
        let (me, stop, answers) = (me.clone(), stop.clone(), answers.clone());
        threads.push(std::thread::spawn(move || {
            let started = Instant::now();
            // Bounded: until told, and never more than two minutes or 20,000 requests.
            for _ in 0..20_000 {
                if stop.load(Ordering::SeqCst) || started.elapsed() > Duration::from_secs(120) {
                    break;
                }
                let at = Instant::now();
                let answer = match me.try_get(path) {
                    Ok(r) => Answer {
                        at,
                        status: r.status,
                        code: serde_json::from_str::<serde_json::Value>(&r.body)
                            .ok()
                            .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
                            .unwrap_or_default(),
                        took: at.elapsed(),
                    },
                    Err(e) => Answer {
                        at,
                        status: 0,
                        code: e.to_string(),
                        took: at.elapsed(),
                    },
                };
                answers.lock().unwrap().push(answer);
                std::thread::sleep(Duration::from_millis(20));
            }
        }));
    }
    std::thread::sleep(Duration::from_secs(1));
    let down_at = Instant::now();
    pg.down();
    let down_done = Instant::now();
    std::thread::sleep(Duration::from_secs(8));
    let up_at = Instant::now();
    pg.up();
    // Recovered: the first success of each path after the restart, then a second of successes.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ok_after_up = {
            let a = answers.lock().unwrap();
            a.iter().filter(|x| x.at > up_at && x.status == 200).count()
        };
        if ok_after_up >= 30 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::SeqCst);
    for t in threads {
        t.join().unwrap();
    }
    assert!(
        server.is_running(),
        "zhirong exited while PostgreSQL was down"
    );
    let answers = answers.lock().unwrap().clone();
    let before: Vec<&Answer> = answers.iter().filter(|a| a.at < down_at).collect();
    assert!(
        !before.is_empty() && before.iter().all(|a| a.status == 200),
        "{before:?}"
    );
    // While it was down (allowing for the stop to take hold): only 503s with a code, each within
    // the pool's wait of 5 s and a margin; never a 500, never a dropped connection.
    let during: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.at > down_done && a.at + a.took < up_at)
        .collect();
    assert!(during.len() >= 3, "requests while down: {during:?}");
    for a in &during {
        assert_eq!(a.status, 503, "while PostgreSQL was down: {a:?}");
        assert!(
            ["UNAVAILABLE", "DATABASE_UNAVAILABLE"].contains(&a.code.as_str()),
            "{a:?}"
        );
        assert!(a.took < Duration::from_secs(8), "{a:?}");
    }
    assert!(
        answers.iter().all(|a| a.status != 500 && a.status != 0),
        "a 500 or a dropped connection: {:?}",
        answers.iter().find(|a| a.status == 500 || a.status == 0)
    );
    // After: 200s again, and a few seconds after the first, nothing but 200s.
    let after: Vec<&Answer> = answers.iter().filter(|a| a.at > up_at).collect();
    let first_ok = after
        .iter()
        .position(|a| a.status == 200)
        .expect("a success after PostgreSQL came back");
    let recovered_in = after[first_ok].at + after[first_ok].took - up_at;
    let ok_after = after[first_ok..].iter().filter(|a| a.status == 200).count();
    assert!(
        ok_after >= 30,
        "only {ok_after} successes after recovery: {:?}",
        &after[first_ok..]
    );
    let late_failures: Vec<&&Answer> = after[first_ok..]
        .iter()
        .filter(|a| a.at > after[first_ok].at + Duration::from_secs(6) && a.status != 200)
        .collect();
    assert!(late_failures.is_empty(), "{late_failures:?}");
    // Writes work again too.
    let res = me.put(
        "/api/enterprise/financials/2024",
        &json!({"revenue_fen": 1_000_000_000i64, "profit_fen": 80_000_000i64,
            "assets_fen": 2_000_000_000i64, "liabilities_fen": 900_000_000i64, "headcount": 40}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    eprintln!(
        "PostgreSQL down {:.1} s: {} answers while down, all 503; recovered {:.1} s after it came back",
        (up_at - down_at).as_secs_f64(),
        during.len(),
        recovered_in.as_secs_f64()
    );
}

/// A tmpfs of the test's own (as root, which the suite runs as), unmounted when dropped: a
/// filesystem that can be made read-only or filled up without touching the machine's.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs, which needs root (scripts/test runs as root): {}",
            stderr(&out)
        );
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, option: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{option}")])
            .arg(self.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "remount {option}: {}", stderr(&out));
    }

    /// Writes a file until the filesystem has no block left.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.path().join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        for chunk in [1 << 20, 4096, 512] {
            let block = vec![0u8; chunk];
            while f.write_all(&block).is_ok() {}
        }
        let _ = f.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .output();
    }
}

#[test]
fn read_only_sqlite_is_refused_at_start_up_with_the_reason() {
    let disk = SmallDisk::mount("64m");
    let url = format!("sqlite://{}", disk.path().join("zhirong.db").display());
    let out = run(zhirong(&url).args(["migrate"]));
    assert!(out.status.success(), "migrate: {}", stderr(&out));
    disk.remount("ro");
    let out =
        run(zhirong(&url)
            .env("ZHIRONG_MODE", "demo")
            .args(["serve", "--bind", "127.0.0.1:0"]));
    let err = stderr(&out);
    assert!(
        !out.status.success(),
        "served from a read-only database: {err}"
    );
    assert!(
        err.contains("cannot be opened for writing (Read-only file system"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    disk.remount("rw");
}

#[test]
fn a_full_disk_gives_503_saves_nothing_and_recovers_when_space_returns() {
    let disk = SmallDisk::mount("96m");
    let url = format!("sqlite://{}", disk.path().join("zhirong.db").display());
    let out = run(zhirong(&url).args(["demo"]));
    assert!(out.status.success(), "demo: {}", stderr(&out));
    // Start from an empty write-ahead log, so the next writes need new blocks.
    let mut conn = DatabaseUrl::parse(&url).unwrap().connect().unwrap();
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn,
        "PRAGMA wal_checkpoint(TRUNCATE)",
    )
    .unwrap();
    drop(conn);
    let mut server = Server::start(&url);
    let me = server.client().login("demo-enterprise", DEMO_PASSWORD).0;
    let filler = disk.fill();
    let fee_paid_until = (chrono::Utc::now() + chrono::Duration::days(300))
        .date_naive()
        .to_string();
    let patent = |serial: u32| {
        json!({"patent_number": PatentNumber::new_style(2021, PatentType::Invention, serial).to_string(),
            "patent_type": "invention", "title": "磁盘已满测试专利".repeat(35), "filing_date": "2021-03-01",
            "grant_date": "2023-05-10", "legal_status": "valid", "ipc_main": "G06F 16/00", "claims": 8,
            "forward_citations": 3, "backward_citations": 6, "family_size": 1, "inventors": 2,
            "transfers": 0, "licenses": 0, "litigations": 0, "invalidation_requests": 0,
            "fee_paid_until": fee_paid_until, "revenue_fen": 500_000_000i64})
    };
    // Bounded: the write-ahead log fills within a few pages; 500 writes is far more than enough.
    let mut refused = None;
    let mut saved = Vec::new();
    for serial in 9_900_000..9_900_500 {
        let res = me.post("/api/enterprise/patents", &patent(serial));
        match res.status {
            201 => saved.push(serial),
            503 => {
                refused = Some((serial, res));
                break;
            }
            other => panic!("a write on a full disk answered {other}: {}", res.body),
        }
    }
    let (serial, res) = refused.expect("no write was refused on a full disk");
    let body = res.json();
    assert_eq!(body["error"]["code"], "DISK_FULL", "{}", res.body);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("disk is full"),
        "{}",
        res.body
    );
    assert_eq!(res.header("Retry-After"), Some("5"));
    // Reads still work; the refused patent is not there, half or whole.
    let list = me.get("/api/enterprise/patents");
    assert_eq!(list.status, 200, "{}", list.body);
    let refused_number = PatentNumber::new_style(2021, PatentType::Invention, serial).to_string();
    assert!(!list.body.contains(&refused_number));
    std::fs::remove_file(filler).unwrap();
    // Space is back: the same write succeeds, on the same server.
    let res = me.post("/api/enterprise/patents", &patent(serial));
    assert_eq!(res.status, 201, "{}", res.body);
    assert!(server.is_running());
    let mut conn = DatabaseUrl::parse(&url).unwrap().connect().unwrap();
    let ours: Vec<String> = patents::table
        .filter(patents::title.eq("磁盘已满测试专利".repeat(35)))
        .select(patents::id)
        .load::<i64>(&mut conn)
        .unwrap()
        .iter()
        .map(i64::to_string)
        .collect();
    assert_eq!(ours.len(), saved.len() + 1);
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("patent.create"))
        .filter(audit_log::object_id.eq_any(&ours))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(audited, i64::try_from(ours.len()).unwrap());
    assert!(audit::verify(&mut conn).unwrap().is_ok());
    eprintln!(
        "full disk: {} writes fitted, then 503 DISK_FULL; after freeing space the write succeeded",
        saved.len()
    );
}
