//! The team picker every member form uses: every team shows, and those whose members
//! change elsewhere are disabled and marked (T5: IdP teams; T1: built-in teams).

use maud::{Markup, html};
use tessera_store::{Team, TeamKind};

/// A `<select>` of the org's teams; only local teams can be chosen.
pub(crate) fn team_picker(id: &str, teams: &[Team]) -> Markup {
    html! {
        select id=(id) name="team" {
            @for team in teams {
                option value=(team.id) disabled[team.kind != TeamKind::Local] {
                    (team.name)
                    @match team.kind {
                        TeamKind::IdpManaged => " (IdP-managed: members change in the IdP)",
                        TeamKind::AllUsers | TeamKind::AccountAdmins => " (built-in)",
                        TeamKind::Local => "",
                    }
                }
            }
        }
    }
}

/// A team's kind as a badge.
pub(crate) fn kind_badge(team: &Team) -> Markup {
    html! {
        @match team.kind {
            TeamKind::IdpManaged => span.badge.idp title="Managed by the IdP: renamed, deleted and given members only there" { "IdP" },
            TeamKind::AllUsers | TeamKind::AccountAdmins => span.badge { "Built-in" },
            TeamKind::Local => span.badge { "Local" },
        }
        @if team.duplicate { " " span.badge.dup title="A team of the other kind has the same name (T2)" { "Duplicate" } }
    }
}
