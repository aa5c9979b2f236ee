//! The one schema both backends share. Kept in step with `migrations/*`
//! by hand; `tests/api/schema.rs` checks every column exists on both.

diesel::table! {
    centres (id) {
        id -> Text,
        name -> Text,
        institution -> Nullable<Text>,
        street -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        subdivision -> Nullable<Text>,
        country -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        coordinate_precision -> Nullable<Text>,
        coordinate_source -> Nullable<Text>,
        website -> Nullable<Text>,
        phone -> Nullable<Text>,
        referral_phone -> Nullable<Text>,
        referral_email -> Nullable<Text>,
        referral_web_form -> Nullable<Text>,
        programmes -> Text,
        services -> Text,
        languages -> Text,
        status -> Text,
        verification_status -> Text,
        last_verified -> Nullable<Text>,
        verification_method -> Nullable<Text>,
        next_review_due -> Nullable<Text>,
        sources -> Text,
        notes -> Nullable<Text>,
        revision -> BigInt,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    clinicians (id) {
        id -> Text,
        name -> Text,
        discipline -> Text,
        subtypes -> Text,
        languages -> Text,
        takes_phone_consultations -> Nullable<Bool>,
        status -> Text,
        verification_status -> Text,
        last_verified -> Nullable<Text>,
        verification_method -> Nullable<Text>,
        next_review_due -> Nullable<Text>,
        sources -> Text,
        notes -> Nullable<Text>,
        revision -> BigInt,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    affiliations (clinician_id, centre_id) {
        clinician_id -> Text,
        centre_id -> Text,
        role -> Text,
        sources -> Text,
    }
}

diesel::table! {
    facts (id) {
        id -> Text,
        subject_kind -> Text,
        subject_id -> Text,
        metric -> Text,
        value_number -> Nullable<Double>,
        value_bool -> Nullable<Bool>,
        as_of -> Text,
        source_url -> Nullable<Text>,
        source_citation -> Nullable<Text>,
        source_retrieved -> Nullable<Text>,
        attestation -> Text,
        note -> Nullable<Text>,
        recorded_at -> Text,
        revision -> BigInt,
    }
}

diesel::table! {
    directory_state (id) {
        id -> Integer,
        data_version -> BigInt,
        changes_purged_before -> BigInt,
    }
}

diesel::table! {
    seed_state (id) {
        id -> Integer,
        builtin_sha256 -> Text,
        loaded_at -> Text,
    }
}

diesel::joinable!(affiliations -> centres (centre_id));
diesel::joinable!(affiliations -> clinicians (clinician_id));
diesel::allow_tables_to_appear_in_same_query!(
    centres,
    clinicians,
    affiliations,
    facts,
    directory_state
);

diesel::table! {
    criteria_profiles (id) {
        id -> Text,
        version -> Text,
        document -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    changes (seq) {
        seq -> BigInt,
        entity_kind -> Text,
        entity_id -> Text,
        action -> Text,
        revision -> BigInt,
        changed_at -> Text,
        data_version -> Nullable<BigInt>,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        display_name -> Text,
        role -> Text,
        active -> Bool,
        created_at -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        account_id -> Text,
        token_hash -> Text,
        label -> Nullable<Text>,
        created_at -> Text,
        expires_at -> Nullable<Text>,
        revoked_at -> Nullable<Text>,
        issued_with -> Nullable<Text>,
    }
}

diesel::table! {
    proposals (id) {
        id -> BigInt,
        entity_kind -> Text,
        entity_id -> Text,
        action -> Text,
        payload -> Nullable<Text>,
        base_revision -> Nullable<BigInt>,
        changed_fields -> Text,
        reason -> Text,
        sources -> Text,
        status -> Text,
        proposed_by -> Text,
        proposed_at -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        revision -> BigInt,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        entity_kind -> Text,
        entity_id -> Text,
        action -> Text,
        entity_revision -> BigInt,
        proposal_id -> Nullable<BigInt>,
        proposed_by -> Nullable<Text>,
        approved_by -> Nullable<Text>,
        at -> Text,
        fields -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::table! {
    verifications (id) {
        id -> BigInt,
        entity_kind -> Text,
        entity_id -> Text,
        method -> Text,
        verified_on -> Text,
        next_review_due -> Text,
        source -> Text,
        note -> Nullable<Text>,
        recorded_by -> Text,
        recorded_at -> Text,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        entity_kind -> Text,
        entity_id -> Text,
        category -> Text,
        details -> Text,
        status -> Text,
        created_at -> Text,
        resolved_by -> Nullable<Text>,
        resolved_at -> Nullable<Text>,
        resolution -> Nullable<Text>,
    }
}

diesel::joinable!(api_tokens -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(accounts, api_tokens);
diesel::allow_tables_to_appear_in_same_query!(audit_log, centres);
diesel::allow_tables_to_appear_in_same_query!(audit_log, clinicians);
diesel::allow_tables_to_appear_in_same_query!(audit_log, facts);
