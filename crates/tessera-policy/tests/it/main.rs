//! The policy engine's integration tests: one table per rule (test names and
//! `// covers` comments name the rule ids), and a property test over random command
//! sequences.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

mod app_team;
mod app_user;
mod connection;
mod deps;
mod jit;
mod login;
mod memory;
mod merge_sync;
mod properties;
mod scim_group;
mod scim_user;
mod support;
