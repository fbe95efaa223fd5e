//! The demo inventory: every row of the 2019 assessment's Annex C as an item of the organization
//! it names, published as the demo dataset made from it, with the report's recommendation as
//! its priority class; and the six priority national databases of Decision 714/QĐ-TTg as items
//! still on their way (two of them past their target date, so the watchdog's inventory rule has
//! something to show).

use dulieu_app::App;
use dulieu_app::inventory::InventoryQuery;
use dulieu_core::Result;
use dulieu_core::account::Actor;
use dulieu_inventory::{ItemInput, ItemStatus, Priority};
use serde::Deserialize;

use crate::{DATASETS, DemoDataset, bad_data};

const NATIONAL_DATABASES: &str = include_str!("../data/national_databases.json");

/// A national database as the demo file writes it: the organization and the item's fields.
#[derive(Deserialize)]
struct DemoItem {
    organization: String,
    #[serde(flatten)]
    fields: ItemInput,
}

/// The priority class of an Annex C recommendation: the most urgent one named, and "priority"
/// with "longer term" as priority longer-term.
fn priority_of(recommendation: &[String]) -> Priority {
    let has = |flag: &str| recommendation.iter().any(|r| r == flag);
    if has("quick_win") {
        Priority::QuickWin
    } else if has("priority") && has("longer_term") {
        Priority::PriorityLongerTerm
    } else if has("priority") {
        Priority::Priority
    } else if has("longer_term") {
        Priority::LongerTerm
    } else {
        Priority::LowValue
    }
}

/// Loads the demo inventory unless there is one already; returns the items created.
pub(crate) async fn load_inventory(app: &App, actor: &Actor) -> Result<usize> {
    let existing = app
        .list_inventory(
            actor,
            &InventoryQuery::default(),
            dulieu_app::PageRequest::default(),
        )
        .await?;
    if existing.total > 0 {
        return Ok(0);
    }
    let datasets: Vec<DemoDataset> = serde_json::from_str(DATASETS).map_err(bad_data)?;
    let mut created = 0;
    for dataset in datasets {
        let mut fields = ItemInput::new(dataset.title, priority_of(&dataset.recommendation));
        fields.description = dataset.description;
        fields.formats = dataset.formats;
        fields.frequency = Some(dataset.frequency);
        fields.status = ItemStatus::Published;
        fields.dataset = Some(dataset.slug);
        app.create_inventory_item(actor, &dataset.publisher, fields)
            .await?;
        created += 1;
    }
    let databases: Vec<DemoItem> = serde_json::from_str(NATIONAL_DATABASES).map_err(bad_data)?;
    for item in databases {
        app.create_inventory_item(actor, &item.organization, item.fields)
            .await?;
        created += 1;
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recommendations_map_to_the_most_urgent_class() {
        let p =
            |flags: &[&str]| priority_of(&flags.iter().map(|f| f.to_string()).collect::<Vec<_>>());
        assert_eq!(p(&["quick_win", "priority"]), Priority::QuickWin);
        assert_eq!(
            p(&["priority", "longer_term"]),
            Priority::PriorityLongerTerm
        );
        assert_eq!(p(&["priority"]), Priority::Priority);
        assert_eq!(p(&["longer_term"]), Priority::LongerTerm);
        assert_eq!(p(&["low_value"]), Priority::LowValue);
    }

    #[test]
    fn national_databases_are_valid_items_of_known_systems() {
        let items: Vec<DemoItem> = serde_json::from_str(NATIONAL_DATABASES).unwrap();
        assert_eq!(items.len(), 6);
        for item in items {
            let system = item.fields.system_of_record.clone().unwrap();
            assert!(
                dulieu_inventory::NATIONAL_DATABASES
                    .iter()
                    .any(|d| d.code == system),
                "{system}"
            );
            item.fields.normalized().unwrap();
        }
    }
}
