//! What the portal team submits to start an action plan or add an item to one, and the rules
//! it must follow: a dimension of the plan's framework, months in order within ten years, a cost
//! range in order, links that are web links, and prerequisites that are items of the same plan
//! and never close a cycle.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dulieu_core::FieldErrors;
use dulieu_core::text::{LangText, check_slug, slugify};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::assessment::{TEXT_MAX, is_web_link};
use crate::framework::Framework;
use crate::plan::{ActionItem, ActionPlan, Cost, LAST_MONTH, Reference};
use crate::vocab::{ContentLang, ItemStatus, PublicationStatus, Term};

/// The most characters of a title, a responsible body, a reference or a cost note.
const SHORT_MAX: usize = 300;
/// The most responsible bodies, prerequisites or references of one item.
const LIST_MAX: usize = 50;

/// What is needed to start an action plan (a draft with no items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    /// Short name for links; made from the title when absent.
    #[serde(default)]
    pub slug: Option<String>,
    /// Title (at least one language).
    pub title: LangText,
    /// Framework whose dimensions the items belong to (`dgra`, `odra`, `od4b`, …).
    pub framework: String,
    /// The assessment the plan answers (id or slug; same framework).
    #[serde(default)]
    pub assessment: Option<String>,
    /// First day of month 1 (moved to the first of its month).
    pub starts_on: NaiveDate,
    /// Where the plan comes from.
    #[serde(default)]
    pub source: Option<String>,
}

impl NewPlan {
    /// The checked, empty draft plan of `framework` answering `assessment`.
    pub fn validate(
        self,
        framework: &Framework,
        assessment: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<ActionPlan, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = self.title.normalized();
        title.check("title", true, SHORT_MAX, &mut errors);
        let slug = trimmed(self.slug).unwrap_or_else(|| slugify(title.get("vi").unwrap_or("")));
        check_slug("slug", &slug, &mut errors);
        let source = trimmed(self.source);
        check_length(&mut errors, "source", source.as_deref(), TEXT_MAX);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ActionPlan {
            id: Uuid::now_v7(),
            slug,
            title,
            framework: framework.id.clone(),
            assessment,
            starts_on: self.starts_on.with_day(1).unwrap_or(self.starts_on),
            status: PublicationStatus::Draft,
            source,
            items: Vec::new(),
            created_at: now,
            updated_at: now,
        })
    }
}

/// A new item of an action plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    /// Dimension id of the plan's framework.
    pub dimension: String,
    /// Short, medium or long term.
    #[serde(default)]
    pub term: Option<Term>,
    /// What is to be done.
    pub title: String,
    /// How (Markdown).
    #[serde(default)]
    pub description: Option<String>,
    /// Language of the title and description (guessed from them when absent).
    #[serde(default)]
    pub lang: Option<ContentLang>,
    /// Who is responsible.
    #[serde(default)]
    pub responsible: Vec<String>,
    /// Items of the same plan that must be done first.
    #[serde(default)]
    pub prerequisites: Vec<Uuid>,
    /// First month (1 = the plan's first month).
    pub start_month: u32,
    /// Last month.
    pub end_month: u32,
    /// Cost estimate.
    #[serde(default)]
    pub cost: Cost,
    /// Examples and documents to learn from.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Progress (`not_started` when absent).
    #[serde(default)]
    pub status: Option<ItemStatus>,
}

impl NewItem {
    /// The checked item, with a fresh id, to be added at the end of `plan` (whose dimensions
    /// are those of `framework`).
    pub fn validate(
        self,
        plan: &ActionPlan,
        framework: &Framework,
        now: DateTime<Utc>,
    ) -> Result<ActionItem, FieldErrors> {
        let mut errors = FieldErrors::new();
        let dimension = self.dimension.trim().to_string();
        if dimension.is_empty() {
            errors.add("dimension", "required");
        } else if framework.dimension(&dimension).is_none() {
            let known = Framework::codes(&framework.dimensions, |d| &d.id);
            errors.add_with(
                "dimension",
                "invalid_value",
                "detail",
                format!("{dimension} ({known})"),
            );
        }
        let title = self.title.trim().to_string();
        if title.is_empty() {
            errors.add("title", "required");
        }
        check_length(&mut errors, "title", Some(&title), SHORT_MAX);
        let description = trimmed(self.description);
        check_length(&mut errors, "description", description.as_deref(), TEXT_MAX);
        let responsible = cleaned_list(&mut errors, "responsible", self.responsible);
        for (field, month) in [
            ("start_month", self.start_month),
            ("end_month", self.end_month),
        ] {
            if !(1..=LAST_MONTH).contains(&month) {
                errors.add_with(field, "invalid_value", "detail", format!("1–{LAST_MONTH}"));
            }
        }
        if self.end_month < self.start_month {
            errors.add("end_month", "end_before_start");
        }
        let cost = checked_cost(&mut errors, self.cost);
        let references = checked_references(&mut errors, self.references);
        let prerequisites = checked_prerequisites(&mut errors, plan, self.prerequisites);
        if !errors.is_empty() {
            return Err(errors);
        }
        let lang = self.lang.unwrap_or_else(|| {
            ContentLang::detect(&format!("{title} {}", description.as_deref().unwrap_or("")))
        });
        let item = ActionItem {
            id: Uuid::now_v7(),
            dimension,
            term: self.term,
            title,
            description,
            lang,
            responsible,
            prerequisites,
            prerequisite_note: None,
            start_month: self.start_month,
            end_month: self.end_month,
            schedule_note: None,
            cost,
            references,
            status: self.status.unwrap_or(ItemStatus::NotStarted),
            notes: Vec::new(),
            updated_at: now,
        };
        // The item is new, so nothing leads back to it yet; the plan's own rule stays the judge.
        let mut with_item = plan.clone();
        with_item.items.push(item.clone());
        if with_item.is_in_cycle(item.id) {
            let mut errors = FieldErrors::new();
            errors.add("prerequisites", "prerequisite_cycle");
            return Err(errors);
        }
        Ok(item)
    }
}

/// Trimmed text; `None` when empty.
fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

fn check_length(errors: &mut FieldErrors, field: &str, text: Option<&str>, max: usize) {
    if text.is_some_and(|t| t.chars().count() > max) {
        errors.add_with(field, "too_long", "max", max);
    }
}

/// The non-empty entries of `list`, trimmed, each at most [`SHORT_MAX`] characters.
fn cleaned_list(errors: &mut FieldErrors, field: &str, list: Vec<String>) -> Vec<String> {
    if list.len() > LIST_MAX {
        errors.add_with(field, "too_many", "max", LIST_MAX);
    }
    let list: Vec<String> = list
        .into_iter()
        .filter_map(|entry| trimmed(Some(entry)))
        .collect();
    for (i, entry) in list.iter().enumerate() {
        check_length(errors, &format!("{field}[{i}]"), Some(entry), SHORT_MAX);
    }
    list
}

fn checked_cost(errors: &mut FieldErrors, cost: Cost) -> Cost {
    if let (Some(min), Some(max)) = (cost.min, cost.max)
        && max < min
    {
        errors.add_with("cost.max", "invalid_value", "detail", format!("≥ {min}"));
    }
    let currency = trimmed(cost.currency).map(|c| c.to_uppercase());
    if let Some(code) = &currency
        && (code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()))
    {
        errors.add_with(
            "cost.currency",
            "invalid_value",
            "detail",
            "ISO 4217 (USD, VND)",
        );
    }
    if currency.is_none() && (cost.min.is_some() || cost.max.is_some()) {
        errors.add("cost.currency", "required");
    }
    let per = trimmed(cost.per);
    check_length(errors, "cost.per", per.as_deref(), SHORT_MAX);
    let note = trimmed(cost.note);
    check_length(errors, "cost.note", note.as_deref(), TEXT_MAX);
    Cost {
        min: cost.min,
        max: cost.max,
        currency,
        per,
        note,
    }
}

fn checked_references(errors: &mut FieldErrors, references: Vec<Reference>) -> Vec<Reference> {
    if references.len() > LIST_MAX {
        errors.add_with("references", "too_many", "max", LIST_MAX);
    }
    references
        .into_iter()
        .enumerate()
        .map(|(i, reference)| {
            let title = reference.title.trim().to_string();
            if title.is_empty() {
                errors.add(format!("references[{i}].title"), "required");
            }
            check_length(
                errors,
                &format!("references[{i}].title"),
                Some(&title),
                SHORT_MAX,
            );
            let url = trimmed(reference.url);
            if url.as_deref().is_some_and(|u| !is_web_link(u)) {
                errors.add(format!("references[{i}].url"), "invalid_url");
            }
            Reference { title, url }
        })
        .collect()
}

/// The prerequisites without repeats; each must be an item of `plan`.
pub(crate) fn checked_prerequisites(
    errors: &mut FieldErrors,
    plan: &ActionPlan,
    prerequisites: Vec<Uuid>,
) -> Vec<Uuid> {
    if prerequisites.len() > LIST_MAX {
        errors.add_with("prerequisites", "too_many", "max", LIST_MAX);
    }
    let mut kept: Vec<Uuid> = Vec::new();
    for (i, id) in prerequisites.into_iter().enumerate() {
        if plan.item(id).is_none() {
            errors.add_with(
                format!("prerequisites[{i}]"),
                "unknown_action_item",
                "detail",
                id,
            );
        } else if !kept.contains(&id) {
            kept.push(id);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Frameworks;

    fn odra_plan() -> (ActionPlan, Frameworks) {
        let frameworks = Frameworks::builtin().unwrap();
        let odra = frameworks.latest("odra").unwrap();
        let plan = NewPlan {
            slug: None,
            title: LangText::new("Kế hoạch dữ liệu mở 2027", "Open data plan 2027"),
            framework: "odra".into(),
            assessment: None,
            starts_on: NaiveDate::from_ymd_opt(2027, 3, 15).unwrap(),
            source: Some("  ".into()),
        }
        .validate(odra, None, Utc::now())
        .unwrap();
        (plan, frameworks)
    }

    fn item(title: &str) -> NewItem {
        NewItem {
            dimension: "4".into(),
            title: title.into(),
            start_month: 2,
            end_month: 5,
            ..NewItem::default()
        }
    }

    #[test]
    fn a_plan_starts_empty_on_the_first_of_its_month() {
        let (plan, _) = odra_plan();
        assert_eq!(plan.slug, "ke-hoach-du-lieu-mo-2027");
        assert_eq!(plan.starts_on, NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
        assert_eq!(plan.status, PublicationStatus::Draft);
        assert_eq!(plan.source, None);
        assert!(plan.items.is_empty());
        let frameworks = Frameworks::builtin().unwrap();
        let errors = NewPlan {
            slug: Some("Not a slug!".into()),
            title: LangText::default(),
            framework: "odra".into(),
            assessment: None,
            starts_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            source: None,
        }
        .validate(frameworks.latest("odra").unwrap(), None, Utc::now())
        .unwrap_err();
        assert!(errors.0.contains_key("title"), "{errors:?}");
        assert!(errors.0.contains_key("slug"), "{errors:?}");
    }

    #[test]
    fn items_are_checked_field_by_field() {
        let (plan, frameworks) = odra_plan();
        let odra = frameworks.latest("odra").unwrap();
        let errors = NewItem {
            dimension: "9".into(),
            title: " ".into(),
            start_month: 0,
            end_month: 121,
            cost: Cost {
                min: Some(10),
                max: Some(5),
                currency: Some("dollars".into()),
                ..Cost::default()
            },
            references: vec![Reference {
                title: "Guide".into(),
                url: Some("ftp://x".into()),
            }],
            prerequisites: vec![Uuid::now_v7()],
            ..NewItem::default()
        }
        .validate(&plan, odra, Utc::now())
        .unwrap_err();
        let codes = |field: &str| -> Vec<&str> {
            errors.0.get(field).map_or(Vec::new(), |v| {
                v.iter().map(|violation| violation.code).collect()
            })
        };
        assert_eq!(codes("dimension"), ["invalid_value"]);
        assert_eq!(codes("title"), ["required"]);
        assert_eq!(codes("start_month"), ["invalid_value"]);
        assert_eq!(codes("end_month"), ["invalid_value"]);
        assert_eq!(codes("cost.max"), ["invalid_value"]);
        assert_eq!(codes("cost.currency"), ["invalid_value"]);
        assert_eq!(codes("references[0].url"), ["invalid_url"]);
        assert_eq!(codes("prerequisites[0]"), ["unknown_action_item"]);
        let backwards = NewItem {
            start_month: 6,
            end_month: 3,
            ..item("Backwards")
        }
        .validate(&plan, odra, Utc::now())
        .unwrap_err();
        assert_eq!(backwards.0["end_month"][0].code, "end_before_start");
    }

    #[test]
    fn prerequisites_name_items_of_the_plan_once() {
        let (mut plan, frameworks) = odra_plan();
        let odra = frameworks.latest("odra").unwrap();
        let first = item("  Publish the inventory ")
            .validate(&plan, odra, Utc::now())
            .unwrap();
        assert_eq!(first.title, "Publish the inventory");
        assert_eq!(first.lang, ContentLang::En);
        assert_eq!(first.status, ItemStatus::NotStarted);
        plan.items.push(first.clone());
        let second = NewItem {
            prerequisites: vec![first.id, first.id],
            responsible: vec![" ODTF ".into(), "".into(), "MIC".into()],
            cost: Cost {
                min: Some(50_000),
                max: Some(75_000),
                currency: Some("usd".into()),
                ..Cost::default()
            },
            ..item("Train data managers")
        }
        .validate(&plan, odra, Utc::now())
        .unwrap();
        assert_eq!(second.prerequisites, [first.id]);
        assert_eq!(second.responsible, ["ODTF", "MIC"]);
        assert_eq!(second.cost.currency.as_deref(), Some("USD"));
        let no_currency = NewItem {
            cost: Cost {
                min: Some(1),
                ..Cost::default()
            },
            ..item("Unpriced")
        }
        .validate(&plan, odra, Utc::now())
        .unwrap_err();
        assert_eq!(no_currency.0["cost.currency"][0].code, "required");
    }
}
