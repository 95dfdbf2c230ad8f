//! Every status the service sends has its words on screen: for each status enum of
//! `domain/status.rs`, the dashboards' catalogue (`dashboards/src/messages.ts`) has a zh-CN and an
//! English label for every value, and no label for a value the service never sends (a filter built
//! from the labels would offer it, and the service would answer 400).

use std::collections::BTreeSet;
use std::path::Path;

use zhirong_api::domain::status::{
    ApplicationStatus, ChangeRequestStatus, ClaimStatus, DisposalStatus, DisputeStatus, LoanStatus,
    OfferStatus, PledgeStatus, PoolStatus, ProposalStatus, SimulationStatus,
};

fn catalogue() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dashboards/src/messages.ts");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The keys of `group: { key: ['中文', 'English'], ... }` in the catalogue, with whether each
/// has two non-empty texts.
fn labels(text: &str, group: &str) -> Vec<(String, bool)> {
    let start = text
        .find(&format!("\n  {group}: {{"))
        .unwrap_or_else(|| panic!("no group {group} in messages.ts"));
    let body = &text[start + group.len() + 6..];
    let end = body.find("\n  }").map_or_else(
        || body.find('}').unwrap_or(body.len()),
        |e| e.min(body.find("},\n").map_or(e, |x| x + 1)),
    );
    body[..end]
        .split(['\n', ']'])
        .filter_map(|entry| {
            let entry = entry.trim().trim_start_matches(',').trim();
            let (key, value) = entry.split_once(": [")?;
            let texts: Vec<&str> = value
                .split('\'')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, t)| t)
                .collect();
            let ok = texts.len() == 2 && texts.iter().all(|t| !t.trim().is_empty());
            Some((key.trim_matches('\'').to_string(), ok))
        })
        .collect()
}

fn check(text: &str, group: &str, values: &[&str], extra: &[&str]) -> Vec<String> {
    let found = labels(text, group);
    let keys: BTreeSet<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
    let mut problems = Vec::new();
    for v in values {
        if !keys.contains(v) {
            problems.push(format!("{group}: no label for {v:?}"));
        }
    }
    for (k, ok) in &found {
        if !ok {
            problems.push(format!("{group}.{k}: not a zh-CN and an English text"));
        }
        if !values.contains(&k.as_str()) && !extra.contains(&k.as_str()) {
            problems.push(format!(
                "{group}.{k}: the service never sends {k:?} (a stale label)"
            ));
        }
    }
    problems
}

#[test]
fn every_status_the_service_sends_has_a_label_in_both_languages_and_no_other() {
    let text = catalogue();
    let strs = |all: Vec<&'static str>| all;
    let mut problems = Vec::new();
    // (group, the enum's values, labels of values the views derive themselves)
    let groups: Vec<(&str, Vec<&str>, &[&str])> = vec![
        (
            "appStatus",
            strs(ApplicationStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &["disbursed"],
        ),
        (
            "loanStatus",
            strs(LoanStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &[],
        ),
        (
            "pledge",
            strs(PledgeStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &["refused"],
        ),
        (
            "claimStatus",
            strs(ClaimStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &[],
        ),
        (
            "disputeStatus",
            strs(DisputeStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &[],
        ),
        (
            "poolStatus",
            strs(PoolStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &[],
        ),
        (
            "disposalStatus",
            strs(DisposalStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &[],
        ),
        (
            "offerStatus",
            strs(OfferStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &[],
        ),
        (
            "proposalStatus",
            strs(ProposalStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &[],
        ),
        (
            "changeStatus",
            strs(
                ChangeRequestStatus::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect(),
            ),
            &[],
        ),
        (
            "simStatus",
            strs(SimulationStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &[],
        ),
    ];
    for (group, values, extra) in &groups {
        problems.extend(check(&text, group, values, extra));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reader_sees_every_key_of_a_group() {
    let text = "\n  g: {\n    a: ['甲', 'A'],\n    'b.c': ['乙', 'B'],\n    d: ['', 'D'],\n  },\n  h: { x: ['戊', 'X'] },\n";
    assert_eq!(
        labels(text, "g"),
        vec![
            ("a".into(), true),
            ("b.c".into(), true),
            ("d".into(), false)
        ]
    );
    assert_eq!(labels(text, "h"), vec![("x".into(), true)]);
}
