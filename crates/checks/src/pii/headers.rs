//! What a column name says: which kind of personal data it announces, whether it holds names
//! of people or of organizations, or codes. Names are folded (no diacritics, lower case) and
//! split into words; a hint matches a run of whole words, so `tin` in "thông tin" or `dt` in
//! "diện tích" never match.

use dulieu_core::text::fold_diacritics;

use super::PiiKind;

/// Word runs that announce each kind of personal data (folded).
const KIND_HINTS: &[(PiiKind, &[&[&str]])] = &[
    (
        PiiKind::Email,
        &[
            &["email"],
            &["e", "mail"],
            &["thu", "dien", "tu"],
            &["hop", "thu"],
            &["mail"],
        ],
    ),
    (
        PiiKind::Phone,
        &[
            &["sdt"],
            &["so", "dt"],
            &["dien", "thoai"],
            &["dtdd"],
            &["di", "dong"],
            &["phone"],
            &["mobile"],
            &["tel"],
            &["telephone"],
        ],
    ),
    (PiiKind::CitizenId, ID_HINTS),
    (PiiKind::OldIdCard, ID_HINTS),
    (
        PiiKind::TaxCode,
        &[
            &["mst"],
            &["ma", "so", "thue"],
            &["tax", "code"],
            &["tax", "id"],
            &["tax", "number"],
        ],
    ),
    (
        PiiKind::BirthDate,
        &[
            &["ngay", "sinh"],
            &["nam", "sinh"],
            &["sinh", "ngay"],
            &["ngay", "thang", "nam", "sinh"],
            &["dob"],
            &["birth"],
            &["birthday"],
            &["date", "of", "birth"],
        ],
    ),
];

/// Identity numbers: 12-digit citizen identity and 9-digit identity card share their names.
const ID_HINTS: &[&[&str]] = &[
    &["cccd"],
    &["can", "cuoc"],
    &["cmnd"],
    &["cmt"],
    &["chung", "minh"],
    &["dinh", "danh"],
    &["citizen", "id"],
    &["national", "id"],
    &["id", "card"],
    &["identity"],
];

/// Names of people.
const PERSON_NAME_HINTS: &[&[&str]] = &[
    &["ho", "ten"],
    &["ho", "va", "ten"],
    &["ten", "nguoi"],
    &["chu", "ho"],
    &["full", "name"],
    &["first", "name"],
    &["last", "name"],
    &["person", "name"],
];

/// Names of organizations (whose tax codes and office phones are public).
const ORGANIZATION_HINTS: &[&[&str]] = &[
    &["doanh", "nghiep"],
    &["cong", "ty"],
    &["to", "chuc"],
    &["co", "quan"],
    &["don", "vi"],
    &["company"],
    &["enterprise"],
    &["business"],
    &["organization"],
    &["organisation"],
];

/// Codes (`Mã xã`, `Code`): identifiers of things, not people.
const CODE_HINTS: &[&[&str]] = &[&["ma"], &["code"]];

/// What a column name says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HeaderHints {
    /// Kinds of personal data it announces.
    pub kinds: Vec<PiiKind>,
    /// It names people.
    pub person_name: bool,
    /// It names organizations.
    pub organization: bool,
    /// It holds codes.
    pub code: bool,
}

impl HeaderHints {
    /// True when the name announces `kind`.
    pub fn announces(&self, kind: PiiKind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// Reads a column name.
pub(crate) fn hints(header: &str) -> HeaderHints {
    let folded = fold_diacritics(header).to_lowercase();
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |hints: &[&[&str]]| {
        hints
            .iter()
            .any(|hint| words.windows(hint.len()).any(|w| w == *hint))
    };
    HeaderHints {
        kinds: KIND_HINTS
            .iter()
            .filter(|(_, hints)| has(hints))
            .map(|(kind, _)| *kind)
            .collect(),
        person_name: has(PERSON_NAME_HINTS),
        organization: has(ORGANIZATION_HINTS),
        code: has(CODE_HINTS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_english_names() {
        assert!(hints("Số điện thoại").announces(PiiKind::Phone));
        assert!(hints("SĐT").announces(PiiKind::Phone));
        assert!(hints("Số CCCD/CMND").announces(PiiKind::CitizenId));
        assert!(hints("Căn cước công dân").announces(PiiKind::OldIdCard));
        assert!(hints("Mã số thuế").announces(PiiKind::TaxCode));
        assert!(hints("Ngày sinh").announces(PiiKind::BirthDate));
        assert!(hints("E-mail").announces(PiiKind::Email));
        assert!(hints("Date of birth").announces(PiiKind::BirthDate));
        assert!(hints("Họ và tên").person_name);
        assert!(hints("HỌ TÊN").person_name);
        assert!(hints("Tên doanh nghiệp").organization);
        assert!(hints("Mã xã").code);
    }

    #[test]
    fn whole_words_only() {
        // "thông tin" holds "tin", "diện tích" abbreviates to "dt", "tên tỉnh" is no person.
        assert_eq!(hints("Thông tin thêm"), HeaderHints::default());
        assert_eq!(hints("DT (ha)"), HeaderHints::default());
        assert!(!hints("Tên tỉnh").person_name);
        assert!(!hints("Hotel").announces(PiiKind::Phone));
        assert!(!hints("Email").code);
    }
}
