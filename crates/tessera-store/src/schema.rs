//! Diesel table definitions, written to match both migration sets.

diesel::table! {
    orgs (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        sso_enabled -> Bool,
        connection_mode -> Nullable<Text>,
        walkthrough_step -> Text,
        walkthrough_mode -> Nullable<Text>,
        allow_idp_initiated -> Bool,
        allow_sha1 -> Bool,
        salesforce_profile_import -> Bool,
        salesforce_invitations -> Bool,
        connected_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        org_id -> Text,
        email -> Text,
        email_normalized -> Text,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        display_name -> Nullable<Text>,
        status -> Text,
        role -> Text,
        login_method -> Text,
        password_hash -> Nullable<Text>,
        idp_email_normalized -> Nullable<Text>,
        scim_id -> Nullable<Text>,
        scim_user_name_normalized -> Nullable<Text>,
        external_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        first_login_at -> Nullable<Timestamp>,
        deactivated_at -> Nullable<Timestamp>,
        version -> BigInt,
        scim_attributes -> Nullable<Text>,
        scim_user_name -> Nullable<Text>,
    }
}

diesel::table! {
    teams (id) {
        id -> Text,
        org_id -> Text,
        name -> Text,
        name_normalized -> Text,
        description -> Text,
        access_settings -> Text,
        built_in -> Nullable<Text>,
        idp_managed -> Bool,
        scim_id -> Nullable<Text>,
        external_id -> Nullable<Text>,
        duplicate -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    memberships (team_id, user_id) {
        team_id -> Text,
        user_id -> Text,
        org_id -> Text,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pending_memberships (team_id, member_ref) {
        team_id -> Text,
        member_ref -> Text,
        org_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idp_connections (org_id) {
        org_id -> Text,
        entity_id -> Text,
        sso_url -> Text,
        certificates -> Text,
        metadata_xml -> Nullable<Text>,
        attribute_overrides -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        want_authn_requests_signed -> Bool,
    }
}

diesel::table! {
    scim_tokens (id) {
        id -> Text,
        org_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        org_id -> Text,
        user_id -> Text,
        kind -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        parent_hash -> Nullable<Text>,
    }
}

diesel::table! {
    saml_replay_cache (org_id, assertion_id) {
        org_id -> Text,
        assertion_id -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    saml_requests (id) {
        id -> Text,
        org_id -> Text,
        relay_state -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        browser_hash -> Nullable<Text>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        org_id -> Text,
        user_id -> Text,
        email -> Text,
        reason -> Text,
        token_hash -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        accepted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sp_keys (id) {
        id -> Text,
        private_key_pem -> Text,
        certificate_pem -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        org_id -> Text,
        at -> Timestamp,
        actor -> Text,
        source -> Text,
        action -> Text,
        target_kind -> Text,
        target_id -> Nullable<Text>,
        target_label -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    mapping_exports (id) {
        id -> Text,
        org_id -> Text,
        rows -> Text,
        links -> Nullable<Text>,
        created_at -> Timestamp,
        uploaded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    admin_tokens (id) {
        id -> Text,
        org_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (key_hash) {
        key_hash -> Text,
        window_started_at -> Timestamp,
        failures -> Integer,
    }
}

// --- events (issue #11) ---

diesel::table! {
    event_counters (org_id) {
        org_id -> Text,
        last_seq -> BigInt,
    }
}

diesel::table! {
    events (org_id, seq) {
        org_id -> Text,
        seq -> BigInt,
        id -> Text,
        event_type -> Text,
        occurred_at -> Timestamp,
        source -> Text,
        data -> Text,
    }
}

// --- webhooks (issue #11) ---

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        org_id -> Text,
        url -> Text,
        secret -> Text,
        types -> Text,
        enabled -> Bool,
        created_at -> Timestamp,
        cursor_seq -> BigInt,
        attempts -> Integer,
        first_failure_at -> Nullable<Timestamp>,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    salesforce_states (state_hash) {
        state_hash -> Text,
        org_id -> Text,
        environment -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        next -> Text,
        browser_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> BigInt,
        endpoint_id -> Text,
        event_id -> Text,
        seq -> BigInt,
        attempt -> Integer,
        at -> Timestamp,
        status -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> BigInt,
    }
}

diesel::table! {
    webhook_dead_letters (id) {
        id -> BigInt,
        endpoint_id -> Text,
        event_id -> Text,
        seq -> BigInt,
        attempts -> Integer,
        first_failure_at -> Timestamp,
        dead_at -> Timestamp,
        last_error -> Text,
    }
}

diesel::table! {
    diagnostic_lines (id) {
        id -> BigInt,
        org_id -> Text,
        channel -> Text,
        at -> Timestamp,
        method -> Nullable<Text>,
        path -> Nullable<Text>,
        status -> Nullable<Integer>,
        user_agent -> Nullable<Text>,
        outcome -> Nullable<Text>,
        reason -> Nullable<Text>,
        detail -> Nullable<Text>,
        email -> Nullable<Text>,
    }
}

diesel::table! {
    expiry_notices (org_id, item, within_days) {
        org_id -> Text,
        item -> Text,
        within_days -> Integer,
        noticed_at -> Timestamp,
    }
}

diesel::table! {
    salesforce_links (user_id) {
        user_id -> Text,
        org_id -> Text,
        salesforce_org_id -> Text,
        salesforce_user_id -> Text,
        environment -> Text,
        linked_at -> Timestamp,
    }
}

diesel::joinable!(users -> orgs (org_id));
diesel::joinable!(teams -> orgs (org_id));
diesel::joinable!(memberships -> teams (team_id));
diesel::joinable!(memberships -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    orgs,
    users,
    teams,
    memberships,
    pending_memberships,
    idp_connections,
    scim_tokens,
    sessions,
    saml_replay_cache,
    saml_requests,
    invitations,
    audit_log,
    mapping_exports,
    admin_tokens,
    sp_keys,
    login_throttle,
    event_counters,
    events,
    webhook_endpoints,
    webhook_attempts,
    webhook_dead_letters,
    diagnostic_lines,
    expiry_notices,
    salesforce_states,
    salesforce_links,
);
