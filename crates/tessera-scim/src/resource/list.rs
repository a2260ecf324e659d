//! The ListResponse envelope (RFC 7644 §3.4.2).

use crate::urn;
use serde::Serialize;
use serde_json::Value;

/// A page of resources.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse {
    /// Always the ListResponse URN.
    pub schemas: Vec<&'static str>,
    /// Matches in total, across pages.
    pub total_results: u64,
    /// 1-based index of the first resource on this page.
    pub start_index: u64,
    /// Resources on this page.
    pub items_per_page: u64,
    /// The resources (already projected).
    #[serde(rename = "Resources")]
    pub resources: Vec<Value>,
}

impl ListResponse {
    /// A page of `resources` out of `total_results`, starting at `start_index`.
    pub fn new(resources: Vec<Value>, total_results: u64, start_index: u64) -> Self {
        Self {
            schemas: vec![urn::LIST_RESPONSE],
            total_results,
            start_index: start_index.max(1),
            items_per_page: u64::try_from(resources.len()).unwrap_or(u64::MAX),
            resources,
        }
    }
}
