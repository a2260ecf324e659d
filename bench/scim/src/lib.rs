//! Shared pieces of the SCIM load harness: seeding an org with a SCIM token, running
//! `tessera-server` on loopback, and timing requests from several client threads.

mod seed;
mod server;
mod timing;

pub use seed::seed_org;
pub use server::ServerProcess;
pub use timing::{Measurement, run_parallel};
