//! Accounts: users, organization memberships, API tokens, and the permission rules over them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::text::is_plausible_email;
use crate::vocab::Role;

/// Shortest password accepted, in characters.
pub const PASSWORD_MIN: usize = 10;
/// Longest password accepted, in characters (argon2 input stays bounded).
pub const PASSWORD_MAX: usize = 1024;

/// A person with an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Stable id.
    pub id: Uuid,
    /// Unique e-mail address (lower case).
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// Site-wide administrator.
    pub is_sysadmin: bool,
    /// Member of the portal team (the open data task force, `odtf`): edits readiness
    /// assessments and action plans.
    pub is_odtf: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// What is needed to create a user.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// E-mail address.
    pub email: String,
    /// Name shown to others; the part of the e-mail before `@` when absent.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Password in clear (hashed before storage).
    pub password: String,
}

impl NewUser {
    /// Normalises the e-mail and checks the rules.
    pub fn validate(mut self) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.email = self.email.trim().to_lowercase();
        if !is_plausible_email(&self.email) {
            errors.add("email", "invalid_email");
        }
        let name = self
            .display_name
            .take()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| self.email.split('@').next().unwrap_or("").to_string());
        if name.chars().count() > 200 {
            errors.add_with("display_name", "too_long", "max", 200);
        }
        self.display_name = Some(name);
        check_password(&self.password, &mut errors);
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// Checks password length rules into `errors` under the field `password`.
pub fn check_password(password: &str, errors: &mut FieldErrors) {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        errors.add_with("password", "too_short", "min", PASSWORD_MIN);
    } else if length > PASSWORD_MAX {
        errors.add_with("password", "too_long", "max", PASSWORD_MAX);
    }
}

/// A user's role in one organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    /// Organization slug.
    pub organization: String,
    /// User id.
    pub user_id: Uuid,
    /// User e-mail.
    pub email: String,
    /// Role.
    pub role: Role,
    /// When the membership was granted.
    pub created_at: DateTime<Utc>,
}

/// An API token as listed (the secret itself is shown only once, at creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    /// Stable id.
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// Name given by the owner.
    pub name: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last time it authenticated a request (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A browser session of the portal (the token itself lives only in the browser's cookie).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Stable id.
    pub id: Uuid,
    /// Who is signed in.
    pub user_id: Uuid,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it was last used (updated at most once an hour).
    pub last_seen_at: DateTime<Utc>,
    /// When it ends unless used again.
    pub expires_at: DateTime<Utc>,
}

/// Who is making a request, with everything the permission rules need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Actor {
    /// The signed-in user, or `None` for anonymous.
    pub user_id: Option<Uuid>,
    /// Site-wide administrator.
    pub is_sysadmin: bool,
    /// Member of the portal team (`odtf`), a site-wide role.
    pub is_odtf: bool,
    /// Role per organization id.
    pub roles: HashMap<Uuid, Role>,
}

impl Actor {
    /// The anonymous caller.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// A system actor with every right (CLI, demo loader, jobs).
    pub fn system() -> Self {
        Self {
            user_id: None,
            is_sysadmin: true,
            is_odtf: false,
            roles: HashMap::new(),
        }
    }

    /// True when signed in (or the system).
    pub fn is_authenticated(&self) -> bool {
        self.user_id.is_some() || self.is_sysadmin
    }

    /// The role in an organization, if any.
    pub fn role_in(&self, org: Uuid) -> Option<Role> {
        self.roles.get(&org).copied()
    }

    /// May see the organization's drafts and non-public datasets.
    pub fn can_see_private_of(&self, org: Uuid) -> bool {
        self.is_sysadmin || self.roles.contains_key(&org)
    }

    /// May create and edit datasets of the organization.
    pub fn can_edit_datasets_of(&self, org: Uuid) -> bool {
        self.is_sysadmin || self.role_in(org).is_some_and(Role::can_edit)
    }

    /// May approve the publication of the organization's datasets (its approvers, sysadmins).
    pub fn can_approve_for(&self, org: Uuid) -> bool {
        self.is_sysadmin || self.role_in(org) == Some(Role::Approver)
    }

    /// May delete the organization's datasets, edit the organization and manage its members.
    pub fn can_admin(&self, org: Uuid) -> bool {
        self.is_sysadmin || self.role_in(org) == Some(Role::Admin)
    }

    /// May run the portal's own work: edit readiness assessments and action plans, see them
    /// before they are published (sysadmins and the portal team, `odtf`).
    pub fn can_manage_portal(&self) -> bool {
        self.is_sysadmin || self.is_odtf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grant_what_they_say() {
        let org = Uuid::new_v4();
        let other = Uuid::new_v4();
        let actor = |role| Actor {
            user_id: Some(Uuid::new_v4()),
            is_sysadmin: false,
            is_odtf: false,
            roles: HashMap::from([(org, role)]),
        };
        let admin = actor(Role::Admin);
        let editor = actor(Role::Editor);
        let member = actor(Role::Member);
        assert!(admin.can_admin(org) && admin.can_edit_datasets_of(org));
        assert!(!editor.can_admin(org) && editor.can_edit_datasets_of(org));
        assert!(!member.can_edit_datasets_of(org) && member.can_see_private_of(org));
        assert!(!admin.can_edit_datasets_of(other) && !admin.can_see_private_of(other));
        let anonymous = Actor::anonymous();
        assert!(!anonymous.is_authenticated() && !anonymous.can_see_private_of(org));
        assert!(Actor::system().can_admin(other));
    }

    #[test]
    fn the_portal_team_manages_the_portal_only() {
        let org = Uuid::new_v4();
        let odtf = Actor {
            user_id: Some(Uuid::new_v4()),
            is_odtf: true,
            ..Actor::default()
        };
        assert!(odtf.can_manage_portal());
        assert!(!odtf.can_edit_datasets_of(org) && !odtf.can_admin(org));
        assert!(Actor::system().can_manage_portal());
        let editor = Actor {
            user_id: Some(Uuid::new_v4()),
            roles: HashMap::from([(org, Role::Admin)]),
            ..Actor::default()
        };
        assert!(!editor.can_manage_portal() && !Actor::anonymous().can_manage_portal());
    }

    #[test]
    fn new_user_rules() {
        let user = NewUser {
            email: " Lan@Example.VN ".into(),
            display_name: None,
            password: "correct horse".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(user.email, "lan@example.vn");
        assert_eq!(user.display_name.as_deref(), Some("lan"));
        let errors = NewUser {
            email: "x".into(),
            display_name: None,
            password: "short".into(),
        }
        .validate()
        .unwrap_err();
        assert!(errors.0.contains_key("email") && errors.0.contains_key("password"));
    }
}
