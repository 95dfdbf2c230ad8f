// The tables of migrations/{sqlite,postgres}/, in diesel's terms. Both dialects map to these types:
// SQLite's INTEGER primary keys are 64-bit, so ids are BigInt on both backends.

diesel::table! {
    organisations (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        uscc -> Nullable<Text>,
        division_code -> Nullable<Text>,
        district_org_id -> Nullable<BigInt>,
        industry -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        org_id -> BigInt,
        disabled -> Bool,
        created_at -> Timestamp,
        must_change_password -> Bool,
    }
}

diesel::table! {
    proposal_secrets (proposal_id) {
        proposal_id -> BigInt,
        password_hash -> Text,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sign_in_attempts (id) {
        id -> BigInt,
        user_id -> BigInt,
        succeeded -> Bool,
        client_address -> Text,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        locked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    proposals (id) {
        id -> BigInt,
        org_id -> BigInt,
        kind -> Text,
        object_type -> Text,
        object_id -> Text,
        payload_json -> Text,
        payload_digest -> Text,
        proposed_by -> BigInt,
        required_role -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (user_id, idem_key) {
        user_id -> BigInt,
        idem_key -> Text,
        request_digest -> Text,
        status_code -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    patents (id) {
        id -> BigInt,
        owner_org_id -> BigInt,
        patent_number -> Text,
        patent_type -> Text,
        title -> Text,
        filing_date -> Date,
        grant_date -> Nullable<Date>,
        legal_status -> Text,
        ipc_main -> Nullable<Text>,
        claims -> Integer,
        forward_citations -> Integer,
        backward_citations -> Integer,
        family_size -> Integer,
        inventors -> Integer,
        transfers -> Integer,
        licenses -> Integer,
        litigations -> Integer,
        invalidation_requests -> Integer,
        fee_paid_until -> Nullable<Date>,
        revenue_fen -> Nullable<BigInt>,
        royalty_rate -> Nullable<Double>,
        co_owners -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        co_owner_consent -> Bool,
    }
}

diesel::table! {
    annual_fee_schedule (id) {
        id -> BigInt,
        patent_type -> Text,
        year_from -> Integer,
        year_to -> Integer,
        fee_fen -> BigInt,
        valid_from -> Date,
    }
}

diesel::table! {
    valuations (id) {
        id -> BigInt,
        patent_id -> BigInt,
        requested_by_org -> BigInt,
        model_version -> Text,
        params_digest -> Text,
        inputs_digest -> Text,
        as_of -> Date,
        pvd -> Double,
        appraised_fen -> BigInt,
        collateral_fen -> BigInt,
        eligible -> Bool,
        flags -> Text,
        outputs_json -> Text,
        explanation_json -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    fund_pools (id) {
        id -> BigInt,
        district_id -> BigInt,
        name -> Text,
        size_fen -> BigInt,
        balance_fen -> BigInt,
        opened_on -> Date,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pool_banks (pool_id, bank_id) {
        pool_id -> BigInt,
        bank_id -> BigInt,
        joined_on -> Date,
    }
}

diesel::table! {
    pool_rules (id) {
        id -> BigInt,
        pool_id -> BigInt,
        version -> Integer,
        gov_share_bp -> Integer,
        bank_share_bp -> Integer,
        guarantor_share_bp -> Integer,
        insurer_share_bp -> Integer,
        per_loan_cap_fen -> BigInt,
        leverage_limit_pct -> Integer,
        effective_from -> Date,
        created_at -> Timestamp,
        eligibility_json -> Text,
    }
}

diesel::table! {
    applications (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        bank_id -> BigInt,
        pool_id -> Nullable<BigInt>,
        amount_fen -> BigInt,
        term_months -> Integer,
        purpose -> Text,
        status -> Text,
        credit_line_fen -> Nullable<BigInt>,
        proposed_rate_bp -> Nullable<Integer>,
        decision_reason -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        approved_amount_fen -> Nullable<BigInt>,
        approved_term_months -> Nullable<Integer>,
        repayment_method -> Nullable<Text>,
        conditions -> Nullable<Text>,
        reject_code -> Nullable<Text>,
    }
}

diesel::table! {
    loans (id) {
        id -> BigInt,
        application_id -> BigInt,
        enterprise_id -> BigInt,
        bank_id -> BigInt,
        guarantor_id -> Nullable<BigInt>,
        principal_fen -> BigInt,
        outstanding_fen -> BigInt,
        rate_bp -> Integer,
        term_months -> Integer,
        disbursed_on -> Date,
        maturity_date -> Date,
        status -> Text,
        days_past_due -> Integer,
        defaulted_on -> Nullable<Date>,
        closed_on -> Nullable<Date>,
        created_at -> Timestamp,
        repayment_method -> Text,
        conditions -> Nullable<Text>,
    }
}

diesel::table! {
    pledges (id) {
        id -> BigInt,
        application_id -> BigInt,
        loan_id -> Nullable<BigInt>,
        patent_id -> BigInt,
        status -> Text,
        collateral_fen -> Nullable<BigInt>,
        registration_no -> Nullable<Text>,
        registration_date -> Nullable<Date>,
        released_on -> Nullable<Date>,
        created_at -> Timestamp,
        refused_on -> Nullable<Date>,
        refusal_ground -> Nullable<Text>,
    }
}

diesel::table! {
    repayments (id) {
        id -> BigInt,
        loan_id -> BigInt,
        paid_on -> Date,
        principal_fen -> BigInt,
        interest_fen -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pool_coverage (id) {
        id -> BigInt,
        pool_id -> BigInt,
        loan_id -> BigInt,
        rule_version -> Integer,
        covered_on -> Date,
        covered_amount_fen -> BigInt,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    disposals (id) {
        id -> BigInt,
        loan_id -> BigInt,
        patent_id -> BigInt,
        method -> Text,
        counterparty -> Text,
        proceeds_fen -> BigInt,
        disposed_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    claims (id) {
        id -> BigInt,
        pool_id -> BigInt,
        loan_id -> BigInt,
        bank_id -> BigInt,
        rule_version -> Integer,
        loss_fen -> BigInt,
        recoveries_fen -> BigInt,
        claimed_fen -> BigInt,
        approved_fen -> Nullable<BigInt>,
        status -> Text,
        filed_on -> Date,
        decided_on -> Nullable<Date>,
        created_at -> Timestamp,
        decision_reason -> Nullable<Text>,
    }
}

diesel::table! {
    risk_events (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        event_type -> Text,
        occurred_on -> Date,
        amount_fen -> Nullable<BigInt>,
        patent_id -> Nullable<BigInt>,
        source -> Text,
        #[sql_name = "ref"]
        event_ref -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    alerts (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        bank_id -> Nullable<BigInt>,
        loan_id -> Nullable<BigInt>,
        patent_id -> Nullable<BigInt>,
        kind -> Text,
        severity -> Text,
        message -> Text,
        details_json -> Text,
        raised_at -> Timestamp,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by -> Nullable<BigInt>,
        read_at -> Nullable<Timestamp>,
        assigned_to -> Nullable<BigInt>,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        resolution -> Nullable<Text>,
    }
}

diesel::table! {
    disposal_cases (id) {
        id -> BigInt,
        loan_id -> BigInt,
        patent_id -> BigInt,
        bank_id -> BigInt,
        channel -> Text,
        status -> Text,
        opened_on -> Date,
        closed_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    disposal_offers (id) {
        id -> BigInt,
        case_id -> BigInt,
        bidder -> Text,
        amount_fen -> BigInt,
        offered_on -> Date,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    scorecards (id) {
        id -> BigInt,
        bank_id -> BigInt,
        name -> Text,
        source -> Text,
        model_json -> Text,
        model_digest -> Text,
        status -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        activated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        user_id -> Nullable<BigInt>,
        username -> Text,
        role -> Text,
        org_id -> Nullable<BigInt>,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        before_digest -> Text,
        after_digest -> Text,
        request_id -> Text,
        prev_hash -> Text,
        hash -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::table! {
    financial_statements (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        fiscal_year -> Integer,
        revenue_fen -> BigInt,
        profit_fen -> BigInt,
        assets_fen -> BigInt,
        liabilities_fen -> BigInt,
        headcount -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    pool_contributions (id) {
        id -> BigInt,
        pool_id -> BigInt,
        contributor_org_id -> BigInt,
        amount_fen -> BigInt,
        contributed_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    claim_recoveries (id) {
        id -> BigInt,
        claim_id -> BigInt,
        amount_fen -> BigInt,
        pool_share_fen -> BigInt,
        received_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    claim_adjustments (id) {
        id -> BigInt,
        claim_id -> BigInt,
        received_on -> Date,
        principal_fen -> BigInt,
        interest_fen -> BigInt,
        loss_before_fen -> BigInt,
        loss_after_fen -> BigInt,
        claimed_before_fen -> BigInt,
        claimed_after_fen -> BigInt,
        status_after -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pool_simulations (id) {
        id -> BigInt,
        pool_id -> BigInt,
        requested_by -> BigInt,
        params_json -> Text,
        status -> Text,
        progress -> Double,
        result_json -> Nullable<Text>,
        error -> Nullable<Text>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    whitelist_criteria (id) {
        id -> BigInt,
        district_id -> BigInt,
        version -> Integer,
        criteria_json -> Text,
        effective_from -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bank_loan_quality (id) {
        id -> BigInt,
        bank_id -> BigInt,
        period_end -> Date,
        npl_rate_bp -> Integer,
        declared_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    feed_providers (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        base_url -> Text,
        token -> Nullable<Text>,
        interval_secs -> Integer,
        max_per_sec -> Integer,
        cursor -> Nullable<Text>,
        enabled -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    feed_records (id) {
        id -> BigInt,
        provider_id -> BigInt,
        record_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    feed_quarantine (id) {
        id -> BigInt,
        provider_id -> BigInt,
        record_id -> Nullable<Text>,
        payload -> Text,
        reason -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    job_runs (id) {
        id -> BigInt,
        job -> Text,
        started_at -> Timestamp,
        finished_at -> Timestamp,
        records -> BigInt,
        errors -> BigInt,
        message -> Text,
    }
}

diesel::table! {
    patent_disputes (id) {
        id -> BigInt,
        patent_number -> Text,
        claimant_org_id -> BigInt,
        district_org_id -> BigInt,
        holder_org_id -> BigInt,
        holder_patent_id -> BigInt,
        claimant_patent_id -> Nullable<BigInt>,
        source -> Text,
        claimed_json -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    patent_change_requests (id) {
        id -> BigInt,
        patent_id -> BigInt,
        enterprise_id -> BigInt,
        bank_id -> BigInt,
        application_id -> BigInt,
        loan_id -> Nullable<BigInt>,
        before_json -> Text,
        changes_json -> Text,
        reason -> Text,
        evidence -> Nullable<Text>,
        status -> Text,
        requested_by -> BigInt,
        decision_reason -> Nullable<Text>,
        proposal_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(users -> organisations (org_id));
diesel::joinable!(proposal_secrets -> proposals (proposal_id));
diesel::joinable!(patents -> organisations (owner_org_id));
diesel::joinable!(valuations -> patents (patent_id));
diesel::joinable!(fund_pools -> organisations (district_id));
diesel::joinable!(pool_rules -> fund_pools (pool_id));
diesel::joinable!(loans -> applications (application_id));
diesel::joinable!(pledges -> patents (patent_id));
diesel::joinable!(repayments -> loans (loan_id));
diesel::joinable!(pool_coverage -> loans (loan_id));
diesel::joinable!(disposals -> loans (loan_id));
diesel::joinable!(claims -> loans (loan_id));
diesel::joinable!(claims -> fund_pools (pool_id));
diesel::joinable!(claim_recoveries -> claims (claim_id));
diesel::joinable!(claim_adjustments -> claims (claim_id));
diesel::joinable!(disposal_cases -> patents (patent_id));
diesel::joinable!(disposal_offers -> disposal_cases (case_id));
diesel::joinable!(patent_change_requests -> patents (patent_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    patents,
    annual_fee_schedule,
    valuations,
    fund_pools,
    pool_banks,
    pool_rules,
    applications,
    loans,
    pledges,
    repayments,
    pool_coverage,
    disposals,
    claims,
    risk_events,
    alerts,
    audit_log,
    refresh_tokens,
    login_throttle,
    sign_in_attempts,
    proposals,
    proposal_secrets,
    idempotency_keys,
    financial_statements,
    disposal_cases,
    disposal_offers,
    scorecards,
    pool_contributions,
    claim_recoveries,
    claim_adjustments,
    pool_simulations,
    whitelist_criteria,
    bank_loan_quality,
    feed_providers,
    feed_records,
    feed_quarantine,
    job_runs,
    patent_disputes,
    patent_change_requests,
);
