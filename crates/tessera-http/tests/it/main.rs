//! Server tests: the same `build` that `main` uses, on 127.0.0.1:0, with a fixed clock,
//! on SQLite and (when reachable) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

mod api;
mod browser;
mod connect;
mod edge;
mod events;
mod health;
mod login;
mod login_limits;
mod login_logs;
mod manage;
mod mapping_abuse;
mod pages;
mod rotation;
mod salesforce;
mod salesforce_support;
mod saml;
mod saml_guards;
mod scim_concurrency;
mod scim_embedded;
mod scim_entra_validator;
mod scim_fixtures;
mod scim_limits;
mod scim_okta_spec;
mod scim_okta_wizard;
mod scim_protocol;
mod scim_search;
mod scim_support;
mod support;
mod webhooks;
