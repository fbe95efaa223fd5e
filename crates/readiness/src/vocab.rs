//! The closed vocabularies of assessments and action plans.

use dulieu_core::string_enum;

string_enum! {
    /// Whether an assessment or a plan is shown to the public.
    PublicationStatus {
        /// Being written; visible to the portal team only.
        Draft = "draft",
        /// Visible to everyone.
        Published = "published",
    }
}

string_enum! {
    /// Progress of an action item.
    ItemStatus {
        /// Planned, not begun.
        NotStarted = "not_started",
        /// Under way.
        InProgress = "in_progress",
        /// Finished.
        Done = "done",
        /// Cannot go on until something else changes.
        Blocked = "blocked",
        /// Given up; kept for the record.
        Dropped = "dropped",
    }
}

impl ItemStatus {
    /// True when nothing more is expected of the item (done or dropped): it can no longer be late.
    pub fn is_closed(self) -> bool {
        matches!(self, ItemStatus::Done | ItemStatus::Dropped)
    }
}

string_enum! {
    /// The horizon of an action item, as the report groups them.
    Term {
        /// Short-term action.
        Short = "short",
        /// Medium-term action.
        Medium = "medium",
        /// Long-term action.
        Long = "long",
    }
}

string_enum! {
    /// The language a passage of an assessment or a plan is written in (shown with `lang` on
    /// pages in the other language).
    ContentLang {
        /// Vietnamese.
        Vi = "vi",
        /// English.
        En = "en",
    }
}

impl ContentLang {
    /// The language a text is most likely written in: Vietnamese when at least half of its words
    /// carry Vietnamese letters (ă â đ ê ô ơ ư or a tone mark), English otherwise.
    pub fn detect(text: &str) -> Self {
        let words: Vec<&str> = text.split_whitespace().collect();
        let vietnamese = words
            .iter()
            .filter(|word| word.chars().any(is_vietnamese_letter))
            .count();
        if !words.is_empty() && vietnamese * 2 >= words.len() {
            ContentLang::Vi
        } else {
            ContentLang::En
        }
    }
}

fn is_vietnamese_letter(c: char) -> bool {
    matches!(
        c,
        'ă' | 'â' | 'đ' | 'ê' | 'ô' | 'ơ' | 'ư' | 'Ă' | 'Â' | 'Đ' | 'Ê' | 'Ô' | 'Ơ' | 'Ư'
    ) || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
        || matches!(
            c,
            'à' | 'á'
                | 'ả'
                | 'ã'
                | 'è'
                | 'é'
                | 'ì'
                | 'í'
                | 'ò'
                | 'ó'
                | 'õ'
                | 'ù'
                | 'ú'
                | 'ý'
                | 'ĩ'
                | 'ũ'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        assert_eq!(
            ItemStatus::parse("not_started"),
            Some(ItemStatus::NotStarted)
        );
        assert_eq!(ItemStatus::Done.as_str(), "done");
        assert!(ItemStatus::Dropped.is_closed() && !ItemStatus::Blocked.is_closed());
        assert_eq!(PublicationStatus::ALL.len(), 2);
        assert_eq!(Term::parse("medium"), Some(Term::Medium));
    }

    #[test]
    fn detects_the_language_of_a_passage() {
        assert_eq!(
            ContentLang::detect(
                "Tổng cục Thống kê có chức năng, nhiệm vụ và năng lực quản lý dữ liệu"
            ),
            ContentLang::Vi
        );
        assert_eq!(
            ContentLang::detect(
                "Decision No. 432/QĐ-TTg dated April 12, 2012 of the Prime Minister"
            ),
            ContentLang::En
        );
        assert_eq!(ContentLang::detect(""), ContentLang::En);
    }
}
