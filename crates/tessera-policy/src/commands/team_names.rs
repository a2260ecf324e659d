//! Team names: validation (T1) and the T2 duplicate twins.

use crate::context::Ctx;
use crate::error::{PolicyError, PolicyResult};
use crate::records::{BuiltInTeam, TeamRecord, team_name_key};
use crate::view::OrgView;

/// The longest team name accepted.
const MAX_TEAM_NAME_CHARS: usize = 255;

/// A usable team name, trimmed; never a built-in team's name (T1).
pub(crate) fn validate<E>(name: &str) -> PolicyResult<String, E> {
    let trimmed = name.trim();
    let refuse = |problem| PolicyError::InvalidTeamName {
        name: name.to_owned(),
        problem,
    };
    if trimmed.is_empty() {
        return Err(refuse("it is empty"));
    }
    if trimmed.chars().count() > MAX_TEAM_NAME_CHARS {
        return Err(refuse("it is longer than 255 characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(refuse("it contains a control character"));
    }
    if BuiltInTeam::named(trimmed).is_some() {
        return Err(PolicyError::BuiltInTeamName {
            name: trimmed.to_owned(),
        });
    }
    Ok(trimmed.to_owned())
}

/// The team of the other kind (local vs IdP-managed) that shares `team`'s name (T2).
pub(crate) fn twin<V: OrgView + ?Sized>(
    ctx: &Ctx<'_, V>,
    team: &TeamRecord,
) -> PolicyResult<Option<TeamRecord>, V::Error> {
    Ok(ctx.teams_by_name(&team.name)?.into_iter().find(|other| {
        other.id != team.id
            && other.built_in.is_none()
            && other.idp_managed != team.idp_managed
            && team_name_key(&other.name) == team_name_key(&team.name)
    }))
}

/// `team` with its duplicate flag set to `duplicate`, as of now; `None` if unchanged.
pub(crate) fn flagged<V: OrgView + ?Sized>(
    ctx: &Ctx<'_, V>,
    team: &TeamRecord,
    duplicate: bool,
) -> Option<TeamRecord> {
    (team.duplicate != duplicate).then(|| TeamRecord {
        duplicate,
        updated_at: ctx.now,
        ..team.clone()
    })
}
