//! The scorecard report: each variable's bins (counts, WoE, IV, points), the IV table of every
//! candidate variable, the coefficients and the training metrics, as JSON or as the CSV a bank's
//! model-validation team expects (`variable,bin,count,good,bad,woe,bin_iv,total_iv`).

use serde_json::json;

use super::REPORT_COLUMNS;
use super::model::Scorecard;

/// The report as one JSON value.
pub fn report_json(card: &Scorecard) -> serde_json::Value {
    let bins: Vec<serde_json::Value> = card
        .variables
        .iter()
        .flat_map(|v| {
            v.bins.iter().map(move |b| {
                json!({
                    "variable": v.name,
                    "bin": b.bin.label,
                    "count": b.bin.count,
                    "good": b.bin.good,
                    "bad": b.bin.bad,
                    "bad_rate": b.bin.bad as f64 / b.bin.count.max(1) as f64,
                    "woe": b.bin.woe,
                    "bin_iv": b.bin.bin_iv,
                    "total_iv": v.iv,
                    "points": b.points,
                    "zero_count_adjusted": b.bin.zero_count_adjusted,
                })
            })
        })
        .collect();
    let coefficients: Vec<serde_json::Value> = std::iter::once(json!({
        "variable": "(intercept)",
        "coefficient": card.intercept,
        "std_error": card.intercept_std_error,
        "z": card.intercept / card.intercept_std_error,
    }))
    .chain(card.variables.iter().map(|v| {
        json!({
            "variable": v.name,
            "coefficient": v.coefficient,
            "std_error": v.std_error,
            "z": v.coefficient / v.std_error,
        })
    }))
    .collect();
    json!({
        "target": card.target,
        "bad_value": card.bad_value,
        "bins": bins,
        "iv_table": card.training.candidates,
        "coefficients": coefficients,
        "scaling": {
            "points0": card.scaling.points0,
            "odds0": card.scaling.odds0,
            "pdo": card.scaling.pdo,
            "a": card.scaling.a(),
            "b": card.scaling.b(),
            "base_points": card.base_points,
        },
        "metrics": {
            "rows": card.training.rows,
            "bad": card.training.bad,
            "good": card.training.good,
            "auc": card.training.discrimination.auc,
            "ks": card.training.discrimination.ks,
            "gini": card.training.discrimination.gini,
            "log_likelihood": card.training.log_likelihood,
        },
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The bins as CSV, one row per bin of each model variable.
pub fn report_csv(card: &Scorecard) -> String {
    let mut out = REPORT_COLUMNS.join(",");
    out.push('\n');
    for v in &card.variables {
        for b in &v.bins {
            let row = [
                csv_field(&v.name),
                csv_field(&b.bin.label),
                b.bin.count.to_string(),
                b.bin.good.to_string(),
                b.bin.bad.to_string(),
                b.bin.woe.to_string(),
                b.bin.bin_iv.to_string(),
                v.iv.to_string(),
            ];
            out.push_str(&row.join(","));
            out.push('\n');
        }
    }
    out
}
