//! Demo accounts (`data/accounts.json`): a citizen, a member of the portal team (`odtf`) and an
//! editor of the General Statistics Office, each with a published password
//! (`dulieu-demo-` + the part of the e-mail before `@`). They file, triage and answer the demo
//! requests and feedback, and let a visitor try each role.

use std::collections::HashMap;

use dulieu_app::{App, MemberRequest};
use dulieu_core::account::{Actor, NewUser, User};
use dulieu_core::vocab::Role;
use dulieu_core::{Error, Result};
use serde::Deserialize;

const ACCOUNTS: &str = include_str!("../data/accounts.json");

/// What a demo account does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemoRole {
    /// Files requests and feedback.
    Citizen,
    /// Triages requests (the portal team, `odtf`).
    PortalTeam,
    /// Answers the requests and feedback of its organization (editor).
    Editor,
}

/// One demo account, as `data/accounts.json` lists it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAccount {
    /// Sign-in e-mail.
    pub email: String,
    /// Published password.
    pub password: String,
    /// Name shown to others.
    pub display_name: String,
    /// What it does.
    pub role: DemoRole,
    /// The organization an editor works for (slug).
    pub organization: Option<String>,
}

/// The demo accounts.
pub fn demo_accounts() -> Result<Vec<DemoAccount>> {
    serde_json::from_str(ACCOUNTS).map_err(crate::bad_data)
}

/// The demo accounts signed in: whom the demo's tickets are filed, triaged and answered by.
pub(crate) struct Cast {
    /// The citizen.
    pub citizen: Actor,
    /// The portal team member.
    pub portal_team: Actor,
    /// The editor, with the slug of their organization.
    pub editor: (Actor, String),
}

/// Creates the demo accounts that do not exist yet (their roles with them) and returns how many
/// were created, with the actors of all of them as stored.
pub(crate) async fn ensure(app: &App) -> Result<(usize, Cast)> {
    let system = Actor::system();
    let mut created = 0;
    let mut citizen = None;
    let mut portal_team = None;
    let mut editor = None;
    for account in demo_accounts()? {
        let user = match app.user_by_email(&account.email).await {
            Ok(user) => user,
            Err(Error::NotFound { .. }) => {
                created += 1;
                create(app, &system, &account).await?
            }
            Err(other) => return Err(other),
        };
        match account.role {
            DemoRole::Citizen => citizen = Some(actor_of(app, &user, None).await?),
            DemoRole::PortalTeam => portal_team = Some(actor_of(app, &user, None).await?),
            DemoRole::Editor => {
                let slug = organization_of(&account)?;
                editor = Some((actor_of(app, &user, Some(&slug)).await?, slug));
            }
        }
    }
    let missing = || Error::Internal("demo accounts lack a role".into());
    let cast = Cast {
        citizen: citizen.ok_or_else(missing)?,
        portal_team: portal_team.ok_or_else(missing)?,
        editor: editor.ok_or_else(missing)?,
    };
    Ok((created, cast))
}

fn organization_of(account: &DemoAccount) -> Result<String> {
    account.organization.clone().ok_or_else(|| {
        Error::Internal(format!("demo editor {} has no organization", account.email))
    })
}

/// Creates one account with its role.
async fn create(app: &App, system: &Actor, account: &DemoAccount) -> Result<User> {
    let input = NewUser {
        email: account.email.clone(),
        display_name: Some(account.display_name.clone()),
        password: account.password.clone(),
    };
    let user = app.create_user(system, input, false).await?;
    match account.role {
        DemoRole::Citizen => {}
        DemoRole::PortalTeam => {
            app.set_portal_team(system, &user.email, true).await?;
        }
        DemoRole::Editor => {
            let request = MemberRequest {
                email: user.email.clone(),
                role: Role::Editor,
            };
            app.set_member(system, &organization_of(account)?, request)
                .await?;
        }
    }
    app.user_by_email(&user.email).await
}

/// The actor of `user` as the store knows them: their site-wide roles and their role in
/// `organization`.
async fn actor_of(app: &App, user: &User, organization: Option<&str>) -> Result<Actor> {
    let mut roles = HashMap::new();
    if let Some(slug) = organization {
        let org = app.get_organization(slug).await?;
        let membership = app
            .list_members(&Actor::system(), slug)
            .await?
            .into_iter()
            .find(|m| m.user_id == user.id);
        if let Some(membership) = membership {
            roles.insert(org.id, membership.role);
        }
    }
    Ok(Actor {
        user_id: Some(user.id),
        is_sysadmin: user.is_sysadmin,
        is_odtf: user.is_odtf,
        roles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_password_follows_the_documented_pattern() {
        let accounts = demo_accounts().unwrap();
        let roles: Vec<DemoRole> = accounts.iter().map(|a| a.role).collect();
        assert_eq!(
            roles,
            [DemoRole::Citizen, DemoRole::PortalTeam, DemoRole::Editor]
        );
        for account in &accounts {
            let local = account.email.split('@').next().unwrap();
            assert_eq!(account.password, format!("dulieu-demo-{local}"));
            assert!(account.email.ends_with("@demo.example.vn"));
            assert_eq!(
                account.organization.is_some(),
                account.role == DemoRole::Editor
            );
        }
    }
}
