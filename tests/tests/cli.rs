//! The command line: help everywhere, exit status 2 with one line on bad arguments or input,
//! users created with audit, and the audit chain checked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use zhirong_tests::{
    Backend, TestDb, on_both_backends, run, run_with_stdin, stderr, stdout, zhirong,
};

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["demo", "--help"],
        vec!["value", "--help"],
        vec!["scorecard", "fit", "--help"],
        vec!["risk", "score", "--help"],
        vec!["pool", "simulate", "--help"],
        vec!["import", "--help"],
        vec!["import", "uspto-xml", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["audit", "--help"],
        vec!["audit", "verify", "--help"],
    ] {
        let out = run(zhirong("sqlite://unused.db").args(&args));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("Usage:"),
            "{args:?}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    for (args, expected) in [
        (vec!["frobnicate"], "unrecognized subcommand"),
        (vec!["serve", "--port", "1"], "unexpected argument '--port'"),
        (
            vec!["demo", "--as-of", "2026-13-01"],
            "is not a date in the form YYYY-MM-DD",
        ),
        (
            vec![
                "user",
                "add",
                "--username",
                "x",
                "--role",
                "admin",
                "--org",
                "1",
            ],
            "--password-stdin",
        ),
        (
            vec![
                "user",
                "add",
                "--username",
                "x",
                "--role",
                "admin",
                "--org",
                "one",
                "--password-stdin",
            ],
            "invalid value 'one'",
        ),
        (vec![], "a command is required"),
    ] {
        let out = run(zhirong(&url).args(&args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?}: one line expected, got:\n{err}"
        );
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn bad_settings_exit_2_naming_the_setting() {
    let out = run(zhirong("mysql://x").args(["migrate"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("DATABASE_URL"), "{}", stderr(&out));
    let out = run(zhirong("sqlite://x.db")
        .env("ZHIRONG_MODE", "staging")
        .args(["migrate"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ZHIRONG_MODE"), "{}", stderr(&out));
}

fn migrate_says_what_it_applied(backend: Backend) {
    let db = TestDb::new(backend);
    let out = run(zhirong(&db.url).args(["migrate"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("applied 20261121000001"),
        "{}",
        stdout(&out)
    );
    let again = run(zhirong(&db.url).args(["migrate"]));
    assert!(again.status.success());
    assert!(
        stdout(&again).contains("nothing to apply"),
        "{}",
        stdout(&again)
    );
}

fn user_add_validates_creates_and_audits(backend: Backend) {
    let db = TestDb::new(backend);
    let add = |args: &[&str], password: &str| {
        let mut cmd = zhirong(&db.url);
        cmd.args(["user", "add"]).args(args).arg("--password-stdin");
        run_with_stdin(&mut cmd, password)
    };
    let ok = add(
        &["--username", "ops-admin", "--role", "admin", "--org", "1"],
        "a long enough password\n",
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("created user ops-admin"));

    for (args, password, expected) in [
        (
            vec!["--username", "ops-admin", "--role", "admin", "--org", "1"],
            "another long password\n",
            "username: \"ops-admin\" is taken",
        ),
        (
            vec!["--username", "x2", "--role", "admin", "--org", "1"],
            "a long enough password\n",
            "username: use 3 to 64",
        ),
        (
            vec!["--username", "root2", "--role", "root", "--org", "1"],
            "a long enough password\n",
            "role: \"root\" is not one of",
        ),
        (
            vec![
                "--username",
                "ent1",
                "--role",
                "enterprise_user",
                "--org",
                "1",
            ],
            "a long enough password\n",
            "org: a enterprise_user must belong to a enterprise organisation",
        ),
        (
            vec!["--username", "ghost", "--role", "admin", "--org", "42"],
            "a long enough password\n",
            "org: organisation 42 does not exist",
        ),
        (
            vec!["--username", "shorty", "--role", "admin", "--org", "1"],
            "short\n",
            "password: the password must have at least 12 characters",
        ),
        (
            vec!["--username", "empty", "--role", "admin", "--org", "1"],
            "",
            "password: standard input is empty",
        ),
    ] {
        let out = add(&args, password);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            !stderr(&out).contains("long enough password"),
            "the password is never echoed"
        );
    }

    let verify = run(zhirong(&db.url).args(["audit", "verify"]));
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(
        stdout(&verify).contains("audit chain intact: 1 rows"),
        "{}",
        stdout(&verify)
    );
}

fn audit_verify_names_the_row_that_was_tampered_with(backend: Backend) {
    let db = TestDb::new(backend);
    for name in ["alice-admin", "bob-admin", "carol-admin"] {
        let mut cmd = zhirong(&db.url);
        cmd.args([
            "user",
            "add",
            "--username",
            name,
            "--role",
            "admin",
            "--org",
            "1",
            "--password-stdin",
        ]);
        let out = run_with_stdin(&mut cmd, "a long enough password\n");
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let verify = || run(zhirong(&db.url).args(["audit", "verify"]));
    assert!(verify().status.success());

    let mut conn = db.connect();
    conn.batch_execute("UPDATE audit_log SET object_id = '999' WHERE id = 2")
        .expect("tamper");
    let out = verify();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("broken at row 2"), "{}", stderr(&out));
}

/// The audit row keeps the fields themselves next to their digests; rewriting what a row says
/// was created is caught like any other tampering.
fn audit_rows_carry_the_fields_and_verify_catches_a_rewritten_after(backend: Backend) {
    let db = TestDb::new(backend);
    let mut cmd = zhirong(&db.url);
    cmd.args([
        "user",
        "add",
        "--username",
        "dave-admin",
        "--role",
        "admin",
        "--org",
        "1",
        "--password-stdin",
    ]);
    let out = run_with_stdin(&mut cmd, "a long enough password\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let mut conn = db.connect();
    let after: Option<String> = zhirong_api::db::schema::audit_log::table
        .select(zhirong_api::db::schema::audit_log::after_json)
        .first(&mut conn)
        .expect("audit row");
    let after = after.expect("after fields recorded");
    assert!(after.contains("dave-admin"), "{after}");
    assert!(
        !after.contains("password"),
        "no secret in the audit: {after}"
    );
    conn.batch_execute(
        "UPDATE audit_log SET after_json = REPLACE(after_json, 'dave-admin', 'mallory') WHERE id = 1",
    )
    .expect("tamper");
    let out = run(zhirong(&db.url).args(["audit", "verify"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("broken at row 1"), "{}", stderr(&out));
}

on_both_backends!(
    migrate_says_what_it_applied,
    user_add_validates_creates_and_audits,
    audit_verify_names_the_row_that_was_tampered_with,
    audit_rows_carry_the_fields_and_verify_catches_a_rewritten_after
);
