//! Controlled vocabularies: organization kinds, provenance, access rights, statuses, roles, frequencies.

/// Declares a closed string enum with its wire names, parsing and listing. Exported for the
/// vocabularies of other crates (their `openapi` feature derives the schema).
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(::utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a wire name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// What kind of body an organization is; decides whether its data is official.
    OrgKind {
        /// Ministry or central agency.
        National = "national",
        /// Province or centrally-run city (and the units under it).
        Provincial = "provincial",
        /// Other public body.
        OtherPublic = "other-public",
        /// Civil-society organization.
        CivilSociety = "civil-society",
        /// Company.
        Business = "business",
        /// University or research institute.
        Academic = "academic",
        /// A person publishing on their own behalf.
        Individual = "individual",
    }
}

impl OrgKind {
    /// True for the government kinds, whose datasets are official.
    pub fn is_government(self) -> bool {
        matches!(
            self,
            OrgKind::National | OrgKind::Provincial | OrgKind::OtherPublic
        )
    }

    /// The provenance of data published by an organization of this kind.
    pub fn provenance(self) -> Provenance {
        if self.is_government() {
            Provenance::Official
        } else {
            Provenance::Community
        }
    }
}

string_enum! {
    /// Whether data comes from government (official) or others (community). Derived, never set by hand.
    Provenance {
        /// Published by a government body.
        Official = "official",
        /// Published by anyone else.
        Community = "community",
    }
}

string_enum! {
    /// DCAT-AP access rights.
    AccessRights {
        /// Open to everyone.
        Public = "public",
        /// Available under conditions.
        Restricted = "restricted",
        /// Not available to the public.
        NonPublic = "non-public",
    }
}

string_enum! {
    /// Life-cycle status of a dataset.
    DatasetStatus {
        /// Being prepared; visible to the publisher's members only.
        Draft = "draft",
        /// Submitted for review by the publisher's approvers; members only.
        InReview = "in_review",
        /// Approved for publication, not yet published; members only.
        Approved = "approved",
        /// Visible to everyone (when access rights are public).
        Published = "published",
        /// Kept for the record; no longer maintained.
        Archived = "archived",
    }
}

string_enum! {
    /// Role of a user in an organization.
    Role {
        /// Manages members and all datasets of the organization.
        Admin = "admin",
        /// Creates and edits datasets of the organization.
        Editor = "editor",
        /// Sees the organization's drafts and non-public datasets.
        Member = "member",
        /// Approves the publication of the organization's datasets (e.g. the access-to-information
        /// officer); sees its drafts; does not edit.
        Approver = "approver",
    }
}

impl DatasetStatus {
    /// True once the dataset is out: published, or archived after being published (drafts and
    /// datasets in review are seen by the publisher's members only).
    pub fn is_out(self) -> bool {
        matches!(self, DatasetStatus::Published | DatasetStatus::Archived)
    }

    /// The statuses a plain edit may set; `in_review` and `approved` are reached only through
    /// the review's steps.
    pub const EDITABLE: &'static [DatasetStatus] = &[
        DatasetStatus::Draft,
        DatasetStatus::Published,
        DatasetStatus::Archived,
    ];
}

impl Role {
    /// True when this role may create and edit datasets.
    pub fn can_edit(self) -> bool {
        matches!(self, Role::Admin | Role::Editor)
    }
}

/// The EU frequency vocabulary (publications.europa.eu/resource/authority/frequency), lower-cased codes.
pub const FREQUENCIES: &[&str] = &[
    "triennial",
    "biennial",
    "annual",
    "annual_2",
    "annual_3",
    "bimonthly",
    "semimonthly",
    "monthly",
    "monthly_2",
    "monthly_3",
    "biweekly",
    "weekly",
    "weekly_2",
    "weekly_3",
    "daily",
    "daily_2",
    "hourly",
    "bihourly",
    "trihourly",
    "quarterly",
    "quadrennial",
    "quinquennial",
    "decennial",
    "bidecennial",
    "tridecennial",
    "cont",
    "update_cont",
    "irreg",
    "other",
    "unknown",
    "never",
    "1min",
    "5min",
    "10min",
    "15min",
    "30min",
    "12hrs",
];

/// True when `code` is in the EU frequency vocabulary.
pub fn is_frequency(code: &str) -> bool {
    FREQUENCIES.contains(&code)
}

/// File formats of structured data a program can read (upper case, as distributions store
/// them): spreadsheets, delimited text, JSON, XML, RDF, geodata. What the "machine-readable"
/// share counts (two stars and up on the 5-star open data scale); PDF, DOC, HTML and images are
/// not.
pub const MACHINE_READABLE_FORMATS: &[&str] = &[
    "CSV", "TSV", "JSON", "JSONLD", "GEOJSON", "XML", "XLSX", "XLS", "ODS", "PARQUET", "RDF",
    "TTL", "NT", "N3", "SHP", "KML", "GML", "GPKG",
];

/// True when `format` (any case) is in [`MACHINE_READABLE_FORMATS`].
pub fn is_machine_readable(format: &str) -> bool {
    let format = format.trim().trim_start_matches('.');
    MACHINE_READABLE_FORMATS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_follows_kind() {
        assert_eq!(OrgKind::National.provenance(), Provenance::Official);
        assert_eq!(OrgKind::OtherPublic.provenance(), Provenance::Official);
        assert_eq!(OrgKind::Business.provenance(), Provenance::Community);
        assert_eq!(OrgKind::Individual.provenance(), Provenance::Community);
    }

    #[test]
    fn wire_names_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(
            AccessRights::parse("non-public"),
            Some(AccessRights::NonPublic)
        );
        assert_eq!(
            serde_json::to_string(&OrgKind::CivilSociety).unwrap(),
            "\"civil-society\""
        );
        assert!(is_frequency("monthly") && !is_frequency("sometimes"));
    }

    #[test]
    fn machine_readable_formats() {
        assert!(is_machine_readable("CSV") && is_machine_readable("xlsx"));
        assert!(is_machine_readable(".json"));
        assert!(!is_machine_readable("PDF") && !is_machine_readable("HTML"));
        assert!(!is_machine_readable(""));
    }
}
