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
        attestation -> Text,
        note -> Nullable<Text>,
        recorded_at -> Text,
    }
}

diesel::table! {
    directory_state (id) {
        id -> Integer,
        data_version -> BigInt,
        changes_purged_before -> BigInt,
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
    }
}
