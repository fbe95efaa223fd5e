//! Who is acting on a ticket, relative to it, and the typed refusals of a transition.

use dulieu_core::Error;
use dulieu_core::account::Actor;
use dulieu_core::vocab::Role;
use uuid::Uuid;

/// What the acting user is to one ticket: its author, a member of the portal team, and/or a
/// member of the organization the ticket is with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Party {
    /// Filed the request or the feedback.
    pub author: bool,
    /// Member of the portal team (`odtf`) or a sysadmin.
    pub portal_team: bool,
    /// Role in the organization the ticket is with (sysadmins count as its admins).
    pub org_role: Option<Role>,
}

impl Party {
    /// The party `actor` is to a ticket filed by `author` and held by `organization`.
    pub fn of(actor: &Actor, author: Option<Uuid>, organization: Option<Uuid>) -> Self {
        let org_role = if actor.is_sysadmin && organization.is_some() {
            Some(Role::Admin)
        } else {
            organization.and_then(|org| actor.role_in(org))
        };
        Self {
            author: actor.user_id.is_some() && actor.user_id == author,
            portal_team: actor.can_manage_portal(),
            org_role,
        }
    }

    /// An editor or admin of the organization.
    pub fn is_org_editor(self) -> bool {
        self.org_role.is_some_and(Role::can_edit)
    }

    /// An admin of the organization.
    pub fn is_org_admin(self) -> bool {
        self.org_role == Some(Role::Admin)
    }

    /// True when the party belongs to one of `allowed`.
    pub fn is_any(self, allowed: Allowed) -> bool {
        match allowed {
            Allowed::Author => self.author,
            Allowed::PortalTeam => self.portal_team,
            Allowed::Organization => self.is_org_editor(),
            Allowed::OrganizationOrTeam => self.is_org_editor() || self.portal_team,
            Allowed::ReviewerOrTeam => self.is_org_admin() || self.portal_team,
            Allowed::AuthorOrTeam => self.author || self.portal_team,
        }
    }
}

/// Who may make a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// The ticket's author only.
    Author,
    /// The portal team only.
    PortalTeam,
    /// Editors and admins of the organization holding the ticket.
    Organization,
    /// Editors and admins of the organization, or the portal team.
    OrganizationOrTeam,
    /// Admins of the organization (a level above the first answer), or the portal team.
    ReviewerOrTeam,
    /// The author or the portal team.
    AuthorOrTeam,
}

impl Allowed {
    /// Wire name, for the API's list of possible actions.
    pub fn as_str(self) -> &'static str {
        match self {
            Allowed::Author => "author",
            Allowed::PortalTeam => "portal_team",
            Allowed::Organization => "organization",
            Allowed::OrganizationOrTeam => "organization_or_portal_team",
            Allowed::ReviewerOrTeam => "organization_admin_or_portal_team",
            Allowed::AuthorOrTeam => "author_or_portal_team",
        }
    }
}

/// Why a transition was refused. Each has a stable code; [`Error`] maps them to 403 and 409.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// The caller's role does not allow the action (403 `forbidden`).
    Forbidden {
        /// The action, e.g. `request.refuse`.
        action: &'static str,
    },
    /// The action is not possible in the ticket's state (409 `illegal_transition`).
    Illegal {
        /// The action's wire name.
        action: &'static str,
        /// The state the ticket is in.
        from: &'static str,
    },
    /// An extension was announced after the deadline (409 `deadline_passed`).
    DeadlinePassed,
    /// The deadline was extended already (409 `already_extended`).
    AlreadyExtended,
    /// The policy allows no extension (409 `extension_not_allowed`).
    ExtensionNotAllowed,
}

impl TransitionError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::Forbidden { .. } => "forbidden",
            TransitionError::Illegal { .. } => "illegal_transition",
            TransitionError::DeadlinePassed => "deadline_passed",
            TransitionError::AlreadyExtended => "already_extended",
            TransitionError::ExtensionNotAllowed => "extension_not_allowed",
        }
    }
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransitionError::Forbidden { action } => write!(f, "{action} is not allowed"),
            TransitionError::Illegal { action, from } => write!(f, "{action} from {from}"),
            other => f.write_str(other.code()),
        }
    }
}

impl From<TransitionError> for Error {
    fn from(err: TransitionError) -> Self {
        match err {
            TransitionError::Forbidden { action } => Error::Forbidden { action },
            TransitionError::Illegal { action, from } => Error::Conflict {
                code: "illegal_transition",
                field: "state",
                value: format!("{action} from {from}"),
            },
            other => Error::Conflict {
                code: other.code(),
                field: "due_at",
                value: other.code().to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn party_reads_the_actor() {
        let org = Uuid::new_v4();
        let me = Uuid::new_v4();
        let editor = Actor {
            user_id: Some(me),
            roles: HashMap::from([(org, Role::Editor)]),
            ..Actor::default()
        };
        let party = Party::of(&editor, Some(me), Some(org));
        assert!(party.author && party.is_org_editor() && !party.is_org_admin());
        assert!(!party.portal_team);
        let stranger = Party::of(&Actor::anonymous(), None, Some(org));
        assert_eq!(stranger, Party::default());
        let sysadmin = Party::of(&Actor::system(), Some(me), Some(org));
        assert!(sysadmin.portal_team && sysadmin.is_org_admin() && !sysadmin.author);
        let member = Actor {
            user_id: Some(Uuid::new_v4()),
            roles: HashMap::from([(org, Role::Member)]),
            ..Actor::default()
        };
        assert!(!Party::of(&member, None, Some(org)).is_any(Allowed::Organization));
    }

    #[test]
    fn errors_map_to_stable_codes() {
        let illegal: Error = TransitionError::Illegal {
            action: "accept",
            from: "refused",
        }
        .into();
        assert_eq!(illegal.code(), "illegal_transition");
        let forbidden: Error = TransitionError::Forbidden {
            action: "request.assign",
        }
        .into();
        assert_eq!(forbidden.code(), "forbidden");
        let late: Error = TransitionError::DeadlinePassed.into();
        assert_eq!(late.code(), "deadline_passed");
    }
}
