//! `zhirong scorecard`: fit, apply and report on the German credit fixture through the real binary;
//! bad input exits 2 with one line that says what is wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use zhirong_tests::{run, stderr, stdout, zhirong};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/fixtures/scorecard")
        .join(name)
        .display()
        .to_string()
}

fn scorecard(args: &[&str]) -> std::process::Output {
    let mut cmd = zhirong("sqlite://unused.db");
    cmd.arg("scorecard").args(args);
    run(&mut cmd)
}

#[test]
fn fit_apply_and_report_work_end_to_end_on_german_credit() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json").display().to_string();
    let scores = dir.path().join("scores.csv").display().to_string();
    let data = fixture("germancredit.csv");
    let out = scorecard(&[
        "fit",
        "--data",
        &data,
        "--target",
        "creditability",
        "--breaks",
        &fixture("breaks.json"),
        "--exclude",
        "foreign_worker,telephone",
        "--out",
        &model,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("training AUC"), "{}", stdout(&out));

    let out = scorecard(&[
        "apply", "--model", &model, "--data", &data, "--out", &scores,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(&scores).unwrap();
    let mut lines = written.lines();
    assert_eq!(lines.next(), Some("score,pd"));
    assert_eq!(lines.count(), 1000, "one row per input row");

    let out = scorecard(&["report", "--model", &model, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("variable,bin,count,good,bad,woe,bin_iv,total_iv\n"));
    let out = scorecard(&["report", "--model", &model]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(report["metrics"]["auc"].as_f64().unwrap() > 0.7);
}

#[test]
fn bad_input_exits_2_with_one_line_saying_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let data = fixture("germancredit.csv");
    let model = dir.path().join("model.json").display().to_string();
    let out = scorecard(&[
        "fit",
        "--data",
        &data,
        "--target",
        "creditability",
        "--out",
        &model,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A model file from another version.
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    json["format_version"] = serde_json::Value::from(99);
    let old = dir.path().join("old.json").display().to_string();
    std::fs::write(&old, json.to_string()).unwrap();
    // An unseen category at apply time.
    let unseen = dir.path().join("unseen.csv").display().to_string();
    let text = std::fs::read_to_string(&data).unwrap();
    std::fs::write(&unseen, text.replacen("\n... < 0 DM,", "\nhouseboat,", 1)).unwrap();
    let scores = dir.path().join("s.csv").display().to_string();
    // A column with every value missing.
    let empty = dir.path().join("empty.csv").display().to_string();
    let mut lines = text.lines();
    let mut with_empty = format!("{},blank\n", lines.next().unwrap());
    for l in lines {
        with_empty.push_str(&format!("{l},\n"));
    }
    std::fs::write(&empty, with_empty).unwrap();

    for (args, expected) in [
        (
            vec!["fit", "--data", &data, "--target", "nope", "--out", &model],
            "target column \"nope\" is not in the data",
        ),
        (
            vec![
                "fit", "--data", &data, "--target", "housing", "--out", &model,
            ],
            "must have exactly two values",
        ),
        (
            vec!["apply", "--model", &old, "--data", &data, "--out", &scores],
            "zhirong-scorecard version 99; this build reads zhirong-scorecard version 1",
        ),
        (
            vec![
                "apply", "--model", &model, "--data", &unseen, "--out", &scores,
            ],
            "\"houseboat\", a category the model did not see in training",
        ),
        (
            vec![
                "fit",
                "--data",
                &empty,
                "--target",
                "creditability",
                "--out",
                &model,
            ],
            "column \"blank\" has no values (every value is missing)",
        ),
        (
            vec![
                "fit",
                "--data",
                "missing.csv",
                "--target",
                "y",
                "--out",
                &model,
            ],
            "missing.csv",
        ),
    ] {
        let out = scorecard(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let message = stderr(&out);
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}
