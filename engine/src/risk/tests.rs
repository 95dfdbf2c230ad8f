#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::io::{read_events, read_previous_ratings, scores_frame, write_table};
use super::model::{decayed_weight, evidence_to_score};
use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const AS_OF: &str = "2026-11-01";

fn ev(event_type: EventType, occurred_on: &str, reference: &str) -> RiskEvent {
    RiskEvent {
        event_type,
        occurred_on: d(occurred_on),
        reference: reference.to_string(),
        amount_fen: None,
    }
}

fn days_before_as_of(days: i64) -> String {
    (d(AS_OF) - chrono::Duration::days(days)).to_string()
}

fn score(events: &[RiskEvent]) -> EnterpriseScore {
    score_enterprise("E1", events, d(AS_OF), &RiskParams::default())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12 * b.abs().max(1.0)
}

#[test]
fn a_fresh_event_weighs_its_full_weight() {
    assert!(close(decayed_weight(EventType::TaxArrears, 0), 0.6));
}

#[test]
fn an_event_one_half_life_old_weighs_half() {
    assert!(close(decayed_weight(EventType::TaxArrears, 180), 0.3));
}

#[test]
fn an_event_two_half_lives_old_weighs_a_quarter() {
    assert!(close(decayed_weight(EventType::DishonestDebtor, 1460), 0.5));
}

#[test]
fn decay_reaches_the_dimension_score_through_one_minus_exp() {
    let s = score(&[ev(EventType::Overdue90, &days_before_as_of(365), "r1")]);
    let expected = 100.0 * (1.0 - (-0.75_f64).exp());
    assert!(close(s.credit, expected), "{} vs {expected}", s.credit);
    assert!(close(s.composite, expected));
    assert_eq!(s.operating, 0.0);
    assert_eq!(s.judicial, 0.0);
    assert_eq!(s.ip, 0.0);
}

#[test]
fn the_composite_pools_the_evidence_of_all_four_dimensions() {
    let s = score(&[
        ev(EventType::RevenueDrop, AS_OF, "a"),
        ev(EventType::LawsuitDefendant, AS_OF, "b"),
        ev(EventType::Overdue30, AS_OF, "c"),
        ev(EventType::FeeGrace, AS_OF, "d"),
    ]);
    assert!(close(s.composite, evidence_to_score(0.5 + 0.2 + 0.5 + 0.8)));
    assert!(close(s.ip, evidence_to_score(0.8)));
}

#[test]
fn no_events_score_zero_and_rate_normal() {
    let s = score(&[]);
    assert_eq!(s.composite, 0.0);
    assert_eq!(s.rating, Rating::Normal);
}

#[test]
fn each_rating_band_starts_at_its_boundary() {
    let p = RiskParams::default();
    assert_eq!(p.rating_for(19.999_999), Rating::Normal);
    assert_eq!(p.rating_for(20.0), Rating::Watch);
    assert_eq!(p.rating_for(44.999_999), Rating::Watch);
    assert_eq!(p.rating_for(45.0), Rating::Warning);
    assert_eq!(p.rating_for(69.999_999), Rating::Warning);
    assert_eq!(p.rating_for(70.0), Rating::Critical);
    assert_eq!(p.rating_for(100.0), Rating::Critical);
}

#[test]
fn scores_either_side_of_each_boundary_get_the_band_they_fall_in() {
    // S = −ln(1 − composite/100) puts the composite just below or above each boundary.
    let p = RiskParams::default();
    for (boundary, below, at) in [
        (20.0, Rating::Normal, Rating::Watch),
        (45.0, Rating::Watch, Rating::Warning),
        (70.0, Rating::Warning, Rating::Critical),
    ] {
        let s: f64 = -(1.0_f64 - boundary / 100.0).ln();
        assert_eq!(p.rating_for(evidence_to_score(s * 0.999)), below);
        assert_eq!(p.rating_for(evidence_to_score(s * 1.001)), at);
    }
}

#[test]
fn a_fresh_lawsuit_alone_rates_normal_and_a_fresh_overdue_90_rates_warning() {
    assert_eq!(
        score(&[ev(EventType::LawsuitDefendant, AS_OF, "x")]).rating,
        Rating::Normal
    );
    assert_eq!(
        score(&[ev(EventType::RevenueDrop, AS_OF, "x")]).rating,
        Rating::Watch
    );
    assert_eq!(
        score(&[ev(EventType::Overdue90, AS_OF, "x")]).rating,
        Rating::Critical
    );
}

/// With the published weights a severe event within 365 days already scores above 70, so the floor
/// only shows when the bands are set higher; these parameters make it bind.
fn high_bands() -> RiskParams {
    RiskParams {
        warning_from: 80.0,
        critical_from: 90.0,
        ..RiskParams::default()
    }
}

#[test]
fn a_dishonest_debtor_listing_within_365_days_floors_the_rating_at_warning() {
    let events = [ev(EventType::DishonestDebtor, &days_before_as_of(365), "s")];
    let s = score_enterprise("E1", &events, d(AS_OF), &high_bands());
    assert_eq!(s.composite_rating, Rating::Watch);
    assert_eq!(s.rating, Rating::Warning);
    assert!(s.floored_by_severe_event);
}

#[test]
fn a_severe_event_older_than_365_days_no_longer_floors_the_rating() {
    let events = [ev(EventType::DishonestDebtor, &days_before_as_of(366), "s")];
    let s = score_enterprise("E1", &events, d(AS_OF), &high_bands());
    assert_eq!(s.rating, Rating::Watch);
    assert!(!s.floored_by_severe_event);
}

#[test]
fn a_bankruptcy_filing_floors_the_rating_too_but_never_lowers_it() {
    let events = [ev(
        EventType::BankruptcyFiling,
        &days_before_as_of(300),
        "b",
    )];
    let floored = score_enterprise(
        "E1",
        &events,
        d(AS_OF),
        &RiskParams {
            watch_from: 97.0,
            warning_from: 98.0,
            critical_from: 99.0,
            ..RiskParams::default()
        },
    );
    assert_eq!(floored.rating, Rating::Warning);
    let published = score(&events);
    assert_eq!(published.rating, Rating::Critical);
    assert!(!published.floored_by_severe_event);
}

#[test]
fn a_non_severe_event_does_not_floor_the_rating() {
    let events = [ev(EventType::ConsumptionBan, &days_before_as_of(700), "c")];
    let s = score_enterprise("E1", &events, d(AS_OF), &high_bands());
    assert!(!s.floored_by_severe_event);
    assert_eq!(s.rating, s.composite_rating);
}

#[test]
fn duplicate_events_count_once() {
    let once = score(&[ev(EventType::Enforcement, "2026-06-01", "court-1")]);
    let twice = score(&[
        ev(EventType::Enforcement, "2026-06-01", "court-1"),
        ev(EventType::Enforcement, "2026-06-01", "court-1"),
    ]);
    assert_eq!(once, twice);
    assert_eq!(twice.events_counted, 1);
}

#[test]
fn a_duplicate_sent_again_later_keeps_the_earliest_date_whatever_the_order() {
    let early_first = score(&[
        ev(EventType::Enforcement, "2026-01-01", "court-1"),
        ev(EventType::Enforcement, "2026-06-01", "court-1"),
    ]);
    let late_first = score(&[
        ev(EventType::Enforcement, "2026-06-01", "court-1"),
        ev(EventType::Enforcement, "2026-01-01", "court-1"),
    ]);
    let only_early = score(&[ev(EventType::Enforcement, "2026-01-01", "court-1")]);
    assert_eq!(early_first, only_early);
    assert_eq!(late_first, only_early);
}

#[test]
fn events_with_another_ref_or_type_are_not_duplicates() {
    let s = score(&[
        ev(EventType::Enforcement, "2026-06-01", "court-1"),
        ev(EventType::Enforcement, "2026-06-01", "court-2"),
        ev(EventType::LawsuitDefendant, "2026-06-01", "court-1"),
    ]);
    assert_eq!(s.events_counted, 3);
}

#[test]
fn the_scoring_kernel_ignores_events_after_as_of() {
    let s = score(&[
        ev(EventType::Overdue30, AS_OF, "a"),
        ev(EventType::Overdue90, "2026-11-02", "b"),
    ]);
    assert_eq!(s, score(&[ev(EventType::Overdue30, AS_OF, "a")]));
}

#[test]
fn the_explanation_lists_each_events_decayed_contribution_largest_first() {
    let events = [
        ev(EventType::TaxArrears, &days_before_as_of(180), "t"),
        ev(EventType::PatentFreeze, AS_OF, "p"),
        ev(EventType::TaxArrears, &days_before_as_of(180), "t"),
    ];
    let x = explain("E1", &events, d(AS_OF), &RiskParams::default());
    assert_eq!(x.model, "zr-risk-1");
    assert_eq!(x.contributions.len(), 2);
    assert_eq!(x.contributions[0].event_type, EventType::PatentFreeze);
    assert!(close(x.contributions[0].contribution, 1.5));
    assert!(close(x.contributions[1].contribution, 0.3));
    assert!(close(x.contributions[1].share_of_evidence, 0.3 / 1.8));
    let total: f64 = x.contributions.iter().map(|c| c.contribution).sum();
    assert!(close(x.score.composite, evidence_to_score(total)));
}

#[test]
fn the_parameter_digest_changes_with_the_parameters() {
    assert_eq!(
        RiskParams::default().digest(),
        RiskParams::default().digest()
    );
    assert_ne!(RiskParams::default().digest(), high_bands().digest());
}

#[test]
fn recording_an_event_after_as_of_is_refused() {
    let mut m = RiskMonitor::new(d(AS_OF), RiskParams::default());
    let e = m
        .record("E1", ev(EventType::Overdue30, "2026-11-02", "x"))
        .unwrap_err();
    assert!(
        e.to_string().contains("after the scoring date 2026-11-01"),
        "{e}"
    );
}

#[test]
fn recording_an_event_without_an_enterprise_is_refused() {
    let mut m = RiskMonitor::new(d(AS_OF), RiskParams::default());
    assert!(matches!(
        m.record(" ", ev(EventType::Overdue30, AS_OF, "x")),
        Err(RiskError::EventWithoutEnterprise)
    ));
}

#[test]
fn a_rising_rating_raises_an_alert_naming_the_events_behind_it() {
    let mut m = RiskMonitor::new(d(AS_OF), RiskParams::default());
    let first = m
        .record("E1", ev(EventType::LawsuitDefendant, "2026-10-01", "l1"))
        .unwrap();
    assert_eq!(first.score.rating, Rating::Normal);
    assert!(first.alerts.is_empty());
    let second = m
        .record("E1", ev(EventType::Overdue90, "2026-10-20", "o1"))
        .unwrap();
    let rose: Vec<&Alert> = second
        .alerts
        .iter()
        .filter(|a| matches!(a.kind, AlertKind::RatingRose { .. }))
        .collect();
    assert_eq!(rose.len(), 1);
    assert_eq!(
        rose[0].kind,
        AlertKind::RatingRose {
            from: Rating::Normal,
            to: Rating::Critical
        }
    );
    assert_eq!(rose[0].events[0].reference, "o1");
    assert_eq!(rose[0].events[1].reference, "l1");
    assert!(
        rose[0].message.contains("overdue_90 o1"),
        "{}",
        rose[0].message
    );
}

#[test]
fn a_rating_that_stays_the_same_raises_no_alert() {
    let mut m = RiskMonitor::new(d(AS_OF), RiskParams::default());
    m.record("E1", ev(EventType::Overdue90, "2026-10-20", "o1"))
        .unwrap();
    let again = m
        .record("E1", ev(EventType::Overdue30, "2026-10-21", "o2"))
        .unwrap();
    assert!(again.alerts.is_empty(), "{:?}", again.alerts);
}

#[test]
fn a_patent_entering_the_fee_grace_period_raises_an_alert_with_the_days_left() {
    let mut m = RiskMonitor::new(d(AS_OF), RiskParams::default());
    let r = m
        .record(
            "E1",
            ev(EventType::FeeGrace, "2026-08-01", "ZL201310699744.2"),
        )
        .unwrap();
    let grace: Vec<&Alert> = r
        .alerts
        .iter()
        .filter(|a| matches!(a.kind, AlertKind::FeeGrace { .. }))
        .collect();
    assert_eq!(grace.len(), 1);
    assert_eq!(
        grace[0].kind,
        AlertKind::FeeGrace {
            due_on: d("2026-08-01"),
            grace_ends_on: d("2027-02-01"),
            days_left: 92
        }
    );
    assert!(grace[0].message.contains("92 day(s)"));
    assert!(grace[0].message.contains("ZL201310699744.2"));
}

#[test]
fn a_fee_grace_event_already_seen_does_not_alert_twice() {
    let mut m = RiskMonitor::new(d(AS_OF), RiskParams::default());
    m.record("E1", ev(EventType::FeeGrace, "2026-08-01", "p1"))
        .unwrap();
    let r = m
        .record("E1", ev(EventType::FeeGrace, "2026-08-01", "p1"))
        .unwrap();
    assert!(r.alerts.is_empty(), "{:?}", r.alerts);
}

#[test]
fn a_fee_grace_period_already_over_raises_no_alert() {
    let mut m = RiskMonitor::new(d(AS_OF), RiskParams::default());
    let r = m
        .record("E1", ev(EventType::FeeGrace, "2026-04-30", "p1"))
        .unwrap();
    assert!(
        r.alerts
            .iter()
            .all(|a| !matches!(a.kind, AlertKind::FeeGrace { .. }))
    );
}

#[test]
fn an_ltv_breach_raises_an_alert() {
    let mut m = RiskMonitor::new(d(AS_OF), RiskParams::default());
    let r = m
        .record("E1", ev(EventType::LtvBreach, "2026-10-31", "loan-7"))
        .unwrap();
    assert!(r.alerts.iter().any(|a| a.kind
        == AlertKind::LtvBreach {
            breached_on: d("2026-10-31")
        }
        && a.events[0].reference == "loan-7"));
}

fn arb_event() -> impl Strategy<Value = (usize, RiskEvent)> {
    (
        0..6_usize,
        0..EventType::ALL.len(),
        0..1500_i64,
        0..4_u8,
        proptest::option::of(0..1_000_000_i64),
    )
        .prop_map(|(enterprise, t, age, r, amount_fen)| {
            (
                enterprise,
                RiskEvent {
                    event_type: EventType::ALL[t],
                    occurred_on: d(AS_OF) - chrono::Duration::days(age),
                    reference: format!("ref-{r}"),
                    amount_fen,
                },
            )
        })
}

proptest! {
    #[test]
    fn batch_and_incremental_scoring_agree_exactly_on_any_event_stream(
        stream in proptest::collection::vec(arb_event(), 0..80)
    ) {
        let as_of = d(AS_OF);
        let params = RiskParams::default();
        let mut monitor = RiskMonitor::new(as_of, params.clone());
        let mut grouped: Vec<EnterpriseEvents> = Vec::new();
        for (enterprise, event) in stream {
            let id = format!("E{enterprise}");
            let incremental = monitor.record(&id, event.clone()).unwrap().score;
            match grouped.iter_mut().find(|g| g.enterprise_id == id) {
                Some(g) => g.events.push(event),
                None => grouped.push(EnterpriseEvents { enterprise_id: id.clone(), events: vec![event] }),
            }
            // After every event the incremental score equals a batch over the prefix.
            let batch = score_batch(&grouped, as_of, &params);
            let same = batch.iter().find(|s| s.enterprise_id == id).unwrap();
            prop_assert_eq!(&incremental, same);
        }
        prop_assert_eq!(monitor.scores(), score_batch(&grouped, as_of, &params));
    }
}

fn write_file(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    path
}

const HEADER: &str = "enterprise_id,event_type,occurred_on,amount_fen,source,ref\n";

fn read_err(rows: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(&dir, "events.csv", &format!("{HEADER}{rows}"));
    read_events(&path, d(AS_OF)).unwrap_err().to_string()
}

#[test]
fn an_event_file_is_read_grouped_by_enterprise() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        &dir,
        "events.csv",
        &format!(
            "{HEADER}91310110666007217T,overdue_30,2026-10-01,120000,pboc,001\n\
             91310115591693856A,tax_arrears,2026-09-01,,tax,77\n\
             91310110666007217T,overdue_30,2026-10-01,120000,pboc,001\n"
        ),
    );
    let grouped = read_events(&path, d(AS_OF)).unwrap();
    assert_eq!(grouped.len(), 2);
    assert_eq!(grouped[0].enterprise_id, "91310110666007217T");
    assert_eq!(grouped[0].events.len(), 2);
    assert_eq!(grouped[0].events[0].reference, "001");
    assert_eq!(grouped[0].events[0].amount_fen, Some(120_000));
    assert_eq!(grouped[1].events[0].amount_fen, None);
    let scores = score_batch(&grouped, d(AS_OF), &RiskParams::default());
    assert_eq!(scores[0].events_counted, 1);
}

#[test]
fn an_unknown_event_type_is_an_error_naming_row_and_column() {
    let e = read_err("E1,overdue_30,2026-10-01,,s,1\nE1,overdue_60,2026-10-01,,s,2\n");
    assert!(e.contains("row 2, column `event_type`"), "{e}");
    assert!(e.contains("\"overdue_60\""), "{e}");
}

#[test]
fn a_date_after_as_of_is_an_error_naming_row_and_column() {
    let e = read_err("E1,overdue_30,2026-11-02,,s,1\n");
    assert!(e.contains("row 1, column `occurred_on`"), "{e}");
    assert!(e.contains("after the scoring date 2026-11-01"), "{e}");
}

#[test]
fn a_missing_enterprise_id_is_an_error_naming_row_and_column() {
    let e = read_err("E1,overdue_30,2026-10-01,,s,1\n,overdue_30,2026-10-01,,s,2\n");
    assert!(e.contains("row 2, column `enterprise_id`"), "{e}");
}

#[test]
fn a_malformed_date_is_an_error_naming_row_and_column() {
    let e = read_err("E1,overdue_30,2026/10/01,,s,1\n");
    assert!(e.contains("row 1, column `occurred_on`"), "{e}");
    assert!(e.contains("2026/10/01"), "{e}");
}

#[test]
fn a_missing_ref_is_an_error_naming_row_and_column() {
    let e = read_err("E1,overdue_30,2026-10-01,,s,\n");
    assert!(e.contains("row 1, column `ref`"), "{e}");
}

#[test]
fn a_negative_amount_is_an_error_naming_row_and_column() {
    let e = read_err("E1,overdue_30,2026-10-01,-5,s,1\n");
    assert!(e.contains("row 1, column `amount_fen`"), "{e}");
}

#[test]
fn a_file_without_a_required_column_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        &dir,
        "events.csv",
        "enterprise_id,event_type,ref\nE1,overdue_30,1\n",
    );
    let e = read_events(&path, d(AS_OF)).unwrap_err().to_string();
    assert!(e.contains("`occurred_on` is missing"), "{e}");
}

#[test]
fn scores_round_trip_through_a_file_as_previous_ratings() {
    let dir = tempfile::tempdir().unwrap();
    let scores = vec![
        score_enterprise(
            "E1",
            &[ev(EventType::Overdue90, AS_OF, "x")],
            d(AS_OF),
            &RiskParams::default(),
        ),
        score_enterprise("E2", &[], d(AS_OF), &RiskParams::default()),
    ];
    let mut df = scores_frame(&scores).unwrap();
    assert_eq!(
        df.get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>(),
        [
            "enterprise_id",
            "operating",
            "judicial",
            "credit",
            "ip",
            "composite",
            "rating"
        ]
    );
    for name in ["scores.csv", "scores.parquet"] {
        let path = dir.path().join(name);
        write_table(&mut df, &path).unwrap();
        let previous = read_previous_ratings(&path).unwrap();
        assert_eq!(previous["E1"], Rating::Critical);
        assert_eq!(previous["E2"], Rating::Normal);
    }
}

#[test]
fn a_parquet_event_file_with_a_date_column_is_read_like_csv() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.parquet");
    let epoch = d("1970-01-01");
    let days = |s: &str| (d(s) - epoch).num_days() as i32;
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("enterprise_id".into(), ["E1", "E1"]),
        Column::new("event_type".into(), ["overdue_90", "patent_freeze"]),
        Column::new(
            "occurred_on".into(),
            [days("2026-10-01"), days("2026-12-01")],
        )
        .cast(&DataType::Date)
        .unwrap(),
        Column::new("ref".into(), ["a", "b"]),
    ])
    .unwrap();
    write_table(&mut df, &path).unwrap();
    let e = read_events(&path, d(AS_OF)).unwrap_err().to_string();
    assert!(
        e.contains("row 2, column `occurred_on`: 2026-12-01 is after"),
        "{e}"
    );
    let grouped = read_events(&path, d("2026-12-31")).unwrap();
    assert_eq!(grouped[0].events[1].occurred_on, d("2026-12-01"));
    assert_eq!(grouped[0].events[1].event_type, EventType::PatentFreeze);
}
