//! The columns, their headers and help texts, the labels of the enumerated values, and the
//! folding that makes headers and values compare loosely.

use dulieu_core::text::fold_diacritics;

use super::Column;
use crate::model::{Effort, ItemStatus, Priority, Sensitivity};

/// The columns, in order.
pub const COLUMNS: &[Column] = &[
    Column {
        key: "id",
        vi: "Mã định danh",
        en: "ID",
        help_vi: "Mã định danh (UUID) của mục đã có, để cập nhật mục đó; để trống khi thêm mục mới.",
        help_en: "The identifier (UUID) of an existing item, to update it; leave empty for a new item.",
    },
    Column {
        key: "organization",
        vi: "Cơ quan",
        en: "Organization",
        help_vi: "Mã (slug) của cơ quan trên cổng, ví dụ bo-tai-chinh; để trống: cơ quan đang nhập.",
        help_en: "The organization's slug on the portal, e.g. bo-tai-chinh; empty: the organization importing.",
    },
    Column {
        key: "title_vi",
        vi: "Tên dữ liệu (tiếng Việt)",
        en: "Title (Vietnamese)",
        help_vi: "Bắt buộc (hoặc tên tiếng Anh); tối đa 500 ký tự.",
        help_en: "Required (or the English title); at most 500 characters.",
    },
    Column {
        key: "title_en",
        vi: "Tên dữ liệu (tiếng Anh)",
        en: "Title (English)",
        help_vi: "Không bắt buộc; tối đa 500 ký tự.",
        help_en: "Optional; at most 500 characters.",
    },
    Column {
        key: "description_vi",
        vi: "Mô tả (tiếng Việt)",
        en: "Description (Vietnamese)",
        help_vi: "Nội dung, phạm vi, các trường chính; tối đa 10.000 ký tự.",
        help_en: "Contents, coverage, main fields; at most 10,000 characters.",
    },
    Column {
        key: "description_en",
        vi: "Mô tả (tiếng Anh)",
        en: "Description (English)",
        help_vi: "Mô tả bằng tiếng Anh; tối đa 10.000 ký tự.",
        help_en: "Description in English; at most 10,000 characters.",
    },
    Column {
        key: "owning_unit",
        vi: "Đơn vị chủ quản",
        en: "Owning unit",
        help_vi: "Đơn vị trong cơ quan giữ dữ liệu, ví dụ Cục Thống kê.",
        help_en: "The unit inside the organization that holds the data.",
    },
    Column {
        key: "system_of_record",
        vi: "Hệ thống nguồn",
        en: "System of record",
        help_vi: "Hệ thống hay phần mềm chứa dữ liệu; cơ sở dữ liệu quốc gia ghi mã: csdlqg-dan-cu, \
                  csdlqg-dat-dai, csdlqg-dang-ky-doanh-nghiep, csdlqg-thong-ke-dan-so, \
                  csdlqg-tai-chinh, csdlqg-bao-hiem.",
        help_en: "The system or software holding the data; for a national database its code: \
                  csdlqg-dan-cu, csdlqg-dat-dai, csdlqg-dang-ky-doanh-nghiep, \
                  csdlqg-thong-ke-dan-so, csdlqg-tai-chinh, csdlqg-bao-hiem.",
    },
    Column {
        key: "formats",
        vi: "Định dạng",
        en: "Formats",
        help_vi: "Các định dạng đang lưu, cách nhau bởi dấu phẩy: XLSX, CSV, PDF, ORACLE…",
        help_en: "Formats held, separated by commas: XLSX, CSV, PDF, ORACLE…",
    },
    Column {
        key: "volume",
        vi: "Dung lượng",
        en: "Volume",
        help_vi: "Lượng dữ liệu, ghi tự do: 63 tỉnh × 10 năm, 2 GB.",
        help_en: "How much data, free text: 63 provinces × 10 years, 2 GB.",
    },
    Column {
        key: "frequency",
        vi: "Tần suất cập nhật",
        en: "Update frequency",
        help_vi: "Mã tần suất EU: annual (Hằng năm), annual_2 (Nửa năm một lần), quarterly (Hằng \
                  quý), monthly (Hằng tháng), weekly (Hằng tuần), daily (Hằng ngày), cont (Liên \
                  tục), irreg (Không đều đặn), never (Không cập nhật), unknown (Không rõ)…",
        help_en: "EU frequency code: annual, annual_2 (semiannual), quarterly, monthly, weekly, \
                  daily, cont (continuous), irreg (irregular), never, unknown…",
    },
    Column {
        key: "sensitivity",
        vi: "Mức độ nhạy cảm",
        en: "Sensitivity",
        help_vi: "Một trong: public (Công khai), restricted (Hạn chế), state_secret (Bí mật nhà \
                  nước), personal_data (Dữ liệu cá nhân). Để trống: public.",
        help_en: "One of: public, restricted, state_secret (state secret), personal_data \
                  (personal data). Empty: public.",
    },
    Column {
        key: "legal_basis",
        vi: "Căn cứ pháp lý",
        en: "Legal basis",
        help_vi: "Văn bản hạn chế hoặc xác định độ mật của dữ liệu; bắt buộc khi mức độ là \
                  restricted hoặc state_secret.",
        help_en: "The law restricting or classifying the data; required for restricted and \
                  state_secret.",
    },
    Column {
        key: "priority",
        vi: "Mức ưu tiên",
        en: "Priority",
        help_vi: "Bắt buộc, một trong: quick_win (Có thể công bố nhanh), priority (Ưu tiên), \
                  priority_longer_term (Ưu tiên dài hạn), longer_term (Dài hạn), low_value (Giá \
                  trị thấp).",
        help_en: "Required, one of: quick_win (quick win), priority, priority_longer_term \
                  (priority longer-term), longer_term (longer term), low_value (low value).",
    },
    Column {
        key: "effort",
        vi: "Công sức ước tính",
        en: "Estimated effort",
        help_vi: "Một trong: low (Thấp), medium (Trung bình), high (Cao).",
        help_en: "One of: low, medium, high.",
    },
    Column {
        key: "target_date",
        vi: "Ngày dự kiến công bố",
        en: "Target date",
        help_vi: "Ngày dạng 2026-12-31 hoặc 31/12/2026.",
        help_en: "A date as 2026-12-31 or 31/12/2026.",
    },
    Column {
        key: "status",
        vi: "Trạng thái",
        en: "Status",
        help_vi: "Một trong: identified (Đã xác định), assessed (Đã đánh giá), \
                  approved_for_release (Được phép công bố), in_preparation (Đang chuẩn bị), \
                  published (Đã công bố), will_not_publish (Không công bố). Để trống: identified.",
        help_en: "One of: identified, assessed, approved_for_release (approved for release), \
                  in_preparation (in preparation), published, will_not_publish (will not \
                  publish). Empty: identified.",
    },
    Column {
        key: "dataset",
        vi: "Bộ dữ liệu đã công bố",
        en: "Published dataset",
        help_vi: "Mã (slug) của bộ dữ liệu trên cổng; bắt buộc khi trạng thái là published.",
        help_en: "The dataset's slug on the portal; required when the status is published.",
    },
    Column {
        key: "reason",
        vi: "Lý do không công bố",
        en: "Reason not to publish",
        help_vi: "Bắt buộc khi trạng thái là will_not_publish.",
        help_en: "Required when the status is will_not_publish.",
    },
    Column {
        key: "responsible",
        vi: "Người phụ trách",
        en: "Responsible",
        help_vi: "Họ tên hoặc thư điện tử.",
        help_en: "Name or e-mail.",
    },
];

/// Columns an export adds after [`COLUMNS`]; import recognises and ignores them.
pub const READ_ONLY_COLUMNS: &[Column] = &[
    Column {
        key: "published_on",
        vi: "Ngày đã công bố",
        en: "Published on",
        help_vi: READ_ONLY_VI,
        help_en: READ_ONLY_EN,
    },
    Column {
        key: "demand_requests",
        vi: "Số yêu cầu dữ liệu",
        en: "Data requests",
        help_vi: READ_ONLY_VI,
        help_en: READ_ONLY_EN,
    },
    Column {
        key: "demand_votes",
        vi: "Số lượt ủng hộ yêu cầu",
        en: "Request votes",
        help_vi: READ_ONLY_VI,
        help_en: READ_ONLY_EN,
    },
    Column {
        key: "overdue",
        vi: "Quá hạn",
        en: "Overdue",
        help_vi: READ_ONLY_VI,
        help_en: READ_ONLY_EN,
    },
];

const READ_ONLY_VI: &str = "Chỉ để xem: bỏ qua khi nhập.";
const READ_ONLY_EN: &str = "Read only: ignored on import.";

/// Short headers also taken for a column.
const SYNONYMS: &[(&str, &str)] = &[
    ("Tên dữ liệu", "title_vi"),
    ("Tên", "title_vi"),
    ("Title", "title_vi"),
    ("Mô tả", "description_vi"),
    ("Description", "description_vi"),
    ("Tổ chức", "organization"),
    ("Cơ quan", "organization"),
    ("Organization", "organization"),
];

/// The position in [`COLUMNS`] of the column `key`.
pub(super) fn position(key: &str) -> usize {
    COLUMNS
        .iter()
        .position(|c| c.key == key)
        .unwrap_or(COLUMNS.len())
}

/// What a header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Known {
    /// The column at this position of [`COLUMNS`].
    Column(usize),
    /// One of [`READ_ONLY_COLUMNS`].
    ReadOnly,
}

/// The column a header names, if any.
pub(super) fn known(header: &str) -> Option<Known> {
    let header = fold_header(header);
    if header.is_empty() {
        return None;
    }
    let names = |c: &Column| [c.key, c.vi, c.en].map(fold_header).contains(&header);
    if let Some(index) = COLUMNS.iter().position(names) {
        return Some(Known::Column(index));
    }
    if let Some(&(_, key)) = SYNONYMS.iter().find(|(s, _)| fold_header(s) == header) {
        return Some(Known::Column(position(key)));
    }
    READ_ONLY_COLUMNS
        .iter()
        .any(names)
        .then_some(Known::ReadOnly)
}

/// Trims, collapses whitespace, lower-cases and removes Vietnamese diacritics (`đ` → `d`).
pub(super) fn fold(text: &str) -> String {
    let folded = fold_diacritics(text).to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`fold`], then drops a trailing required-marker (`*`, `(*)`) and colon.
fn fold_header(text: &str) -> String {
    let folded = fold(text);
    let bare = folded
        .trim_end_matches([':', ' '])
        .trim_end_matches("(*)")
        .trim_end_matches(['*', ' ']);
    bare.to_string()
}

/// [`fold`] with spaces and dashes as `_`, for comparing enumerated values.
fn fold_value(text: &str) -> String {
    fold(text).replace([' ', '-'], "_")
}

/// One allowed value of an enumeration with its labels.
pub(super) struct Choice<T: 'static> {
    /// The value.
    pub value: T,
    /// Its Vietnamese label.
    pub vi: &'static str,
    /// Its English label.
    pub en: &'static str,
    /// Other spellings accepted on import.
    pub also: &'static [&'static str],
}

impl<T: Vocabulary> Choice<T> {
    /// The label in `lang` (`en`, else Vietnamese).
    pub fn label(&self, lang: &str) -> &'static str {
        if lang == "en" { self.en } else { self.vi }
    }

    fn names(&self) -> impl Iterator<Item = &'static str> {
        [self.value.wire(), self.vi, self.en]
            .into_iter()
            .chain(self.also.iter().copied())
    }
}

/// An enumeration read from and written to cells, its choices most urgent (or first) first.
pub(super) trait Vocabulary: Copy + PartialEq + std::fmt::Debug + 'static {
    /// The column key.
    const KEY: &'static str;
    /// The allowed values with their labels, in declaration order.
    const CHOICES: &'static [Choice<Self>];
    /// The wire name.
    fn wire(self) -> &'static str;

    /// The choice of `self`.
    fn choice(self) -> &'static Choice<Self> {
        Self::CHOICES
            .iter()
            .find(|c| c.value == self)
            .expect("every value has a choice")
    }

    /// Reads a cell: a wire name or label; several separated by `/`, `,`, `;` or `+` give the
    /// first of them in declaration order (for priorities, the most urgent).
    fn parse_cell(text: &str) -> Option<Self> {
        let rank = |part: &str| {
            let part = fold_value(part);
            Self::CHOICES
                .iter()
                .position(|c| c.names().any(|name| fold_value(name) == part))
        };
        let ranks = match rank(text) {
            Some(whole) => vec![Some(whole)],
            None => text.split(['/', ',', ';', '+']).map(rank).collect(),
        };
        let ranks: Option<Vec<usize>> = ranks.into_iter().collect();
        ranks?.into_iter().min().map(|i| Self::CHOICES[i].value)
    }
}

macro_rules! vocabulary {
    ($type:ty, $key:literal, [$(($value:expr, $vi:literal, $en:literal $(, $also:literal)*)),+ $(,)?]) => {
        impl Vocabulary for $type {
            const KEY: &'static str = $key;
            const CHOICES: &'static [Choice<Self>] = &[$(Choice {
                value: $value,
                vi: $vi,
                en: $en,
                also: &[$($also),*],
            }),+];
            fn wire(self) -> &'static str {
                self.as_str()
            }
        }
    };
}

vocabulary!(
    Sensitivity,
    "sensitivity",
    [
        (Sensitivity::Public, "Công khai", "Public"),
        (Sensitivity::Restricted, "Hạn chế", "Restricted"),
        (
            Sensitivity::StateSecret,
            "Bí mật nhà nước",
            "State secret",
            "Mật"
        ),
        (
            Sensitivity::PersonalData,
            "Dữ liệu cá nhân",
            "Personal data"
        ),
    ]
);

vocabulary!(
    Priority,
    "priority",
    [
        (
            Priority::QuickWin,
            "Có thể công bố nhanh",
            "Quick win",
            "Công bố nhanh"
        ),
        (Priority::Priority, "Ưu tiên", "Priority"),
        (
            Priority::PriorityLongerTerm,
            "Ưu tiên dài hạn",
            "Priority longer-term"
        ),
        (Priority::LongerTerm, "Dài hạn", "Longer term"),
        (Priority::LowValue, "Giá trị thấp", "Low value"),
    ]
);

vocabulary!(
    Effort,
    "effort",
    [
        (Effort::Low, "Thấp", "Low"),
        (Effort::Medium, "Trung bình", "Medium"),
        (Effort::High, "Cao", "High"),
    ]
);

vocabulary!(
    ItemStatus,
    "status",
    [
        (ItemStatus::Identified, "Đã xác định", "Identified"),
        (ItemStatus::Assessed, "Đã đánh giá", "Assessed"),
        (
            ItemStatus::ApprovedForRelease,
            "Được phép công bố",
            "Approved for release"
        ),
        (ItemStatus::InPreparation, "Đang chuẩn bị", "In preparation"),
        (ItemStatus::Published, "Đã công bố", "Published"),
        (
            ItemStatus::WillNotPublish,
            "Không công bố",
            "Will not publish"
        ),
    ]
);

/// Common labels of EU frequency codes, accepted on import: (code, Vietnamese, English, others).
pub(super) const FREQUENCY_LABELS: &[(&str, &str, &str, &[&str])] = &[
    ("annual", "Hằng năm", "Annual", &["Hàng năm", "Yearly"]),
    ("annual_2", "Nửa năm một lần", "Semiannual", &["6 tháng"]),
    ("quarterly", "Hằng quý", "Quarterly", &["Hàng quý"]),
    ("monthly", "Hằng tháng", "Monthly", &["Hàng tháng"]),
    ("weekly", "Hằng tuần", "Weekly", &["Hàng tuần"]),
    ("daily", "Hằng ngày", "Daily", &["Hàng ngày"]),
    ("cont", "Liên tục", "Continuous", &[]),
    (
        "irreg",
        "Không đều đặn",
        "Irregular",
        &["Không thường xuyên"],
    ),
    ("never", "Không cập nhật", "Never", &[]),
    ("unknown", "Không rõ", "Unknown", &[]),
];

/// The frequency code a cell names: the code of a known label, else the text as written (the
/// item's rules check it).
pub(super) fn frequency_code(text: &str) -> String {
    let folded = fold(text);
    FREQUENCY_LABELS
        .iter()
        .find(|(_, vi, en, also)| {
            [*vi, *en]
                .iter()
                .chain(also.iter())
                .any(|label| fold(label) == folded)
        })
        .map_or_else(|| text.to_string(), |(code, ..)| (*code).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_loosely() {
        let title_vi = Some(Known::Column(position("title_vi")));
        assert_eq!(known("TEN DU LIEU (TIENG VIET)"), title_vi);
        assert_eq!(known("  Tên   dữ liệu (tiếng Việt) *"), title_vi);
        assert_eq!(known("Tên"), title_vi);
        assert_eq!(known("title_vi"), title_vi);
        assert_eq!(
            known("don vi chu quan:"),
            Some(Known::Column(position("owning_unit")))
        );
        assert_eq!(known("Quá hạn"), Some(Known::ReadOnly));
        assert_eq!(known("STT"), None);
        assert_eq!(known(""), None);
    }

    #[test]
    fn values_match_wire_names_and_labels() {
        assert_eq!(
            Sensitivity::parse_cell("State-Secret"),
            Some(Sensitivity::StateSecret)
        );
        assert_eq!(
            Sensitivity::parse_cell("MẬT"),
            Some(Sensitivity::StateSecret)
        );
        assert_eq!(
            Priority::parse_cell("Priority longer term"),
            Some(Priority::PriorityLongerTerm)
        );
        assert_eq!(
            Priority::parse_cell("Quick win/ Priority"),
            Some(Priority::QuickWin)
        );
        assert_eq!(
            Priority::parse_cell("Dài hạn, Ưu tiên"),
            Some(Priority::Priority)
        );
        assert_eq!(Priority::parse_cell("Quick win/ soon"), None);
        assert_eq!(Priority::parse_cell("urgent"), None);
        assert_eq!(
            ItemStatus::parse_cell("được phép công bố"),
            Some(ItemStatus::ApprovedForRelease)
        );
        assert_eq!(Effort::parse_cell("trung binh"), Some(Effort::Medium));
        assert_eq!(frequency_code("Hàng năm"), "annual");
        assert_eq!(frequency_code("monthly"), "monthly");
        assert_eq!(frequency_code("sometimes"), "sometimes");
    }

    fn help_names_every_value<T: Vocabulary>() {
        let column = &COLUMNS[position(T::KEY)];
        for choice in T::CHOICES {
            assert!(column.help_vi.contains(choice.value.wire()), "{}", T::KEY);
            assert!(column.help_en.contains(choice.value.wire()), "{}", T::KEY);
            assert!(column.help_vi.contains(choice.vi), "{}", choice.vi);
        }
    }

    #[test]
    fn help_texts_list_the_allowed_values() {
        help_names_every_value::<Sensitivity>();
        help_names_every_value::<Priority>();
        help_names_every_value::<Effort>();
        help_names_every_value::<ItemStatus>();
        let frequency = &COLUMNS[position("frequency")];
        for (code, vi, ..) in FREQUENCY_LABELS {
            assert!(frequency.help_vi.contains(code) && frequency.help_vi.contains(vi));
            assert!(frequency.help_en.contains(code));
        }
    }

    #[test]
    fn no_two_columns_share_a_header() {
        let mut names: Vec<String> = COLUMNS
            .iter()
            .chain(READ_ONLY_COLUMNS)
            .flat_map(|c| {
                let mut own = [c.key, c.vi, c.en].map(fold_header).to_vec();
                own.sort();
                own.dedup();
                own
            })
            .collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn labels_are_unique_within_a_vocabulary() {
        fn check<T: Vocabulary>() {
            for choice in T::CHOICES {
                for name in choice.names() {
                    assert_eq!(T::parse_cell(name), Some(choice.value), "{name}");
                }
            }
        }
        check::<Sensitivity>();
        check::<Priority>();
        check::<Effort>();
        check::<ItemStatus>();
    }
}
