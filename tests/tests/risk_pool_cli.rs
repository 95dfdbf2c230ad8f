//! `zhirong risk score` and `zhirong pool simulate`: the fixed interfaces other tools drive, and exit
//! status 2 with one line naming the row and column on bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use zhirong_tests::{run, stderr, stdout, zhirong};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn zhirong_in(dir: &Path) -> std::process::Command {
    let mut cmd = zhirong(&format!("sqlite://{}", dir.join("unused.db").display()));
    cmd.current_dir(dir);
    cmd
}

fn assert_usage_error(out: &std::process::Output, expected: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected:\n{err}"
    );
    assert!(err.contains(expected), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

const EVENTS: &str = "enterprise_id,event_type,occurred_on,amount_fen,source,ref\n\
91310110666007217T,overdue_90,2026-10-01,500000,pboc,a1\n\
91310110666007217T,fee_grace,2026-08-01,,cnipa,ZL201310699744.2\n\
91310115591693856A,lawsuit_defendant,2026-03-01,,court,c9\n\
91310115591693856A,lawsuit_defendant,2026-03-01,,court,c9\n";

#[test]
fn risk_score_writes_one_row_per_enterprise_with_the_fixed_columns() {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "events.csv", EVENTS);
    let out = run(zhirong_in(dir.path()).args([
        "risk",
        "score",
        "--events",
        "events.csv",
        "--as-of",
        "2026-11-01",
        "--out",
        "scores.csv",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let scores = std::fs::read_to_string(dir.path().join("scores.csv")).expect("scores");
    let lines: Vec<&str> = scores.lines().collect();
    assert_eq!(
        lines[0],
        "enterprise_id,operating,judicial,credit,ip,composite,rating"
    );
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("91310110666007217T,") && lines[1].ends_with(",critical"));
    assert!(lines[2].starts_with("91310115591693856A,") && lines[2].ends_with(",normal"));
    assert!(stdout(&out).contains("2 enterprises"));
}

#[test]
fn risk_score_with_a_previous_scoring_writes_the_alerts() {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "events.csv", EVENTS);
    write(
        dir.path(),
        "previous.csv",
        "enterprise_id,operating,judicial,credit,ip,composite,rating\n\
         91310110666007217T,0,0,0,0,0,normal\n",
    );
    let out = run(zhirong_in(dir.path()).args([
        "risk",
        "score",
        "--events",
        "events.csv",
        "--as-of",
        "2026-11-01",
        "--out",
        "scores.parquet",
        "--previous",
        "previous.csv",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("scores.parquet").is_file());
    let alerts = std::fs::read_to_string(dir.path().join("scores.alerts.csv")).expect("alerts");
    assert!(alerts.contains("rating_rose"), "{alerts}");
    assert!(alerts.contains("92 day(s) of grace left"), "{alerts}");
}

#[test]
fn risk_score_refuses_bad_events_with_one_line_naming_row_and_column() {
    let dir = tempfile::tempdir().expect("dir");
    for (rows, expected) in [
        (
            "E1,overdue_60,2026-10-01,x\n",
            "events row 1, column `event_type`: unknown event type \"overdue_60\"",
        ),
        (
            "E1,overdue_30,2026-10-01,x\nE1,overdue_30,2026-11-02,y\n",
            "events row 2, column `occurred_on`: 2026-11-02 is after the scoring date 2026-11-01",
        ),
        (
            ",overdue_30,2026-10-01,x\n",
            "events row 1, column `enterprise_id`",
        ),
    ] {
        write(
            dir.path(),
            "events.csv",
            &format!("enterprise_id,event_type,occurred_on,ref\n{rows}"),
        );
        let out = run(zhirong_in(dir.path()).args([
            "risk",
            "score",
            "--events",
            "events.csv",
            "--as-of",
            "2026-11-01",
            "--out",
            "scores.csv",
        ]));
        assert_usage_error(&out, expected);
    }
}

const LOANS: &str = "loan_id,pd,ead_fen,collateral_fen,ipc_section\n\
L1,0.02,1000000000,800000000,H04L\n\
L2,0.05,500000000,0,G06F\n\
L3,0.01,2000000000,4000000000,A61K\n";

#[test]
fn pool_simulate_writes_the_fixed_keys_and_repeats_with_the_same_seed() {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "loans.csv", LOANS);
    write(
        dir.path(),
        "pool.toml",
        "balance_fen = 300000000\ngov_share = 0.4\nper_loan_cap_fen = 200000000\n",
    );
    let simulate = |out: &str| {
        run(zhirong_in(dir.path()).args([
            "pool",
            "simulate",
            "--loans",
            "loans.csv",
            "--pool",
            "pool.toml",
            "--scenarios",
            "5000",
            "--seed",
            "17",
            "--rho",
            "0.2",
            "--recovery-rate",
            "0.4",
            "--out",
            out,
        ]))
    };
    let first = simulate("a.json");
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(simulate("b.json").status.code(), Some(0));
    let a = std::fs::read_to_string(dir.path().join("a.json")).expect("a");
    assert_eq!(
        a,
        std::fs::read_to_string(dir.path().join("b.json")).expect("b")
    );
    let v: serde_json::Value = serde_json::from_str(&a).expect("json");
    for key in [
        "mean_payout_fen",
        "sd_payout_fen",
        "depletion_probability",
        "expected_shortfall_fen",
        "balance_99_fen",
    ] {
        assert!(v[key].is_number(), "{key}: {v}");
    }
    for q in ["0.5", "0.95", "0.99", "0.999"] {
        assert!(v["quantiles"][q].is_i64(), "quantile {q}: {v}");
    }
    assert_eq!(v["rho"], 0.2);
    assert_eq!(v["recovery_rate"], 0.4);
}

#[test]
fn pool_simulate_with_a_stress_reports_the_baseline_and_the_ltv_breaches() {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "loans.csv", LOANS);
    write(
        dir.path(),
        "pool.toml",
        "balance_fen = 300000000\nper_loan_cap_fen = 200000000\n",
    );
    write(
        dir.path(),
        "stress.toml",
        "name = \"telecoms downturn\"\npd_multiplier = 2.0\n[value_shock]\nH = 0.5\n",
    );
    let out = run(zhirong_in(dir.path()).args([
        "pool",
        "simulate",
        "--loans",
        "loans.csv",
        "--pool",
        "pool.toml",
        "--scenarios",
        "2000",
        "--seed",
        "1",
        "--stress",
        "stress.toml",
        "--out",
        "s.json",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).expect("s"))
            .expect("json");
    assert_eq!(v["stress"]["name"], "telecoms downturn");
    let breaches = v["stress"]["ltv_breaches"].as_array().expect("breaches");
    assert!(
        breaches.iter().any(|b| b["loan_id"] == "L1"),
        "{breaches:?}"
    );
    assert!(v["stress"]["baseline"]["mean_payout_fen"].is_i64());
}

#[test]
fn pool_simulate_refuses_bad_input_with_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "loans.csv", LOANS);
    write(
        dir.path(),
        "bad_loans.csv",
        "loan_id,pd,ead_fen,collateral_fen\nL1,0.02,100,1\nL2,2,100,1\n",
    );
    write(
        dir.path(),
        "pool.toml",
        "balance_fen = 300000000\nper_loan_cap_fen = 200000000\n",
    );
    write(dir.path(), "bad_pool.toml", "balance_fen = 3\n");
    for (loans, pool, extra, expected) in [
        (
            "bad_loans.csv",
            "pool.toml",
            vec![],
            "loans row 2, column `pd`",
        ),
        (
            "loans.csv",
            "bad_pool.toml",
            vec![],
            "missing field `per_loan_cap_fen`",
        ),
        ("loans.csv", "pool.toml", vec!["--rho", "1.5"], "`rho`"),
        ("missing.csv", "pool.toml", vec![], "missing.csv"),
    ] {
        let mut cmd = zhirong_in(dir.path());
        cmd.args([
            "pool",
            "simulate",
            "--loans",
            loans,
            "--pool",
            pool,
            "--scenarios",
            "10",
            "--seed",
            "1",
            "--out",
            "x.json",
        ])
        .args(&extra);
        assert_usage_error(&run(&mut cmd), expected);
    }
}
