//! The Gantt chart of an action plan, drawn as SVG by month over Y1–Y3 like the report's tabular
//! view: one row per item under its dimension, a bar from its first to its last month coloured
//! by status, late items outlined and marked `!`, and a line at today. The chart has a title and
//! a description (`role="img"`); the page shows the same facts as a table beside it.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use dulieu_i18n::{Locale, message};

use crate::framework::Framework;
use crate::plan::{ActionPlan, CHART_MONTHS};
use crate::vocab::ItemStatus;

/// Width of the column of item titles.
const LABEL_WIDTH: f64 = 320.0;
/// Width of one month.
const MONTH_WIDTH: f64 = 22.0;
/// Height of one row.
const ROW: f64 = 24.0;
/// Height of the two header rows (years, months).
const HEADER: f64 = 44.0;
/// Room on the right for the "continues" arrows and the today label.
const RIGHT: f64 = 110.0;
/// Most characters of an item title in the chart (the table has the whole title).
const TITLE_CHARS: usize = 46;

/// The words of the chart, in the page's language.
#[derive(Debug, Clone)]
pub struct GanttLabels {
    /// Title of the chart (read first by screen readers).
    pub title: String,
    /// What the chart shows, in one or two sentences.
    pub description: String,
    /// Labels of the years (`Y1`, `Y2`, `Y3`).
    pub years: Vec<String>,
    /// The word for today.
    pub today: String,
    /// The word for late.
    pub late: String,
    /// The name of each status.
    pub statuses: Vec<(ItemStatus, String)>,
    /// The name of each dimension, by id.
    pub dimensions: Vec<(String, String)>,
}

impl GanttLabels {
    fn status(&self, status: ItemStatus) -> &str {
        self.statuses
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(status.as_str(), |(_, label)| label.as_str())
    }

    fn dimension<'a>(&'a self, id: &'a str) -> &'a str {
        self.dimensions
            .iter()
            .find(|(d, _)| d == id)
            .map_or(id, |(_, name)| name.as_str())
    }
}

/// The words of the chart of `plan` in `locale`: its title, a description with the number of
/// items and of late ones, the names of years, statuses and the framework's dimensions.
pub fn labels(
    plan: &ActionPlan,
    framework: &Framework,
    today: NaiveDate,
    locale: Locale,
) -> GanttLabels {
    let late = plan.items.iter().filter(|i| plan.is_late(i, today)).count();
    let start = plan.starts_on.format("%Y-%m").to_string();
    GanttLabels {
        title: plan
            .title
            .get(locale.as_str())
            .unwrap_or_default()
            .to_string(),
        description: message(
            locale,
            "readiness.gantt.description",
            &[
                ("items", &plan.items.len().to_string()),
                ("late", &late.to_string()),
                ("start", &start),
            ],
        ),
        years: (1..=CHART_MONTHS.div_ceil(12))
            .map(|n| message(locale, "readiness.gantt.year", &[("n", &n.to_string())]))
            .collect(),
        today: message(locale, "readiness.gantt.today", &[]),
        late: message(locale, "readiness.late", &[]),
        statuses: ItemStatus::ALL
            .iter()
            .map(|s| {
                (
                    *s,
                    message(locale, &format!("readiness.status.{}", s.as_str()), &[]),
                )
            })
            .collect(),
        dimensions: framework
            .dimensions
            .iter()
            .map(|d| {
                (
                    d.id.clone(),
                    d.name.get(locale.as_str()).unwrap_or_default().to_string(),
                )
            })
            .collect(),
    }
}

/// Fill colour of a bar (each at least 3:1 against white, so the bars stand out).
pub fn status_color(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::NotStarted => "#5f6b7a",
        ItemStatus::InProgress => "#1565c0",
        ItemStatus::Done => "#2e7d32",
        ItemStatus::Blocked => "#a65c00",
        ItemStatus::Dropped => "#8a8a8a",
    }
}

/// Colour of the today line and of late marks.
const ALERT: &str = "#b71c1c";

/// Escapes text for XML content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `max` characters with an ellipsis.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Rows of the chart: a dimension heading, then its items, in plan order.
enum Row<'a> {
    Dimension(&'a str),
    Item(usize),
}

fn rows(plan: &ActionPlan) -> Vec<Row<'_>> {
    let mut order: Vec<&str> = Vec::new();
    for item in &plan.items {
        if !order.contains(&item.dimension.as_str()) {
            order.push(&item.dimension);
        }
    }
    let mut rows = Vec::new();
    for dimension in order {
        rows.push(Row::Dimension(dimension));
        rows.extend(
            plan.items
                .iter()
                .enumerate()
                .filter(|(_, item)| item.dimension == dimension)
                .map(|(i, _)| Row::Item(i)),
        );
    }
    rows
}

/// The SVG of `plan` as of `today`, with an id prefix `id` for its title and description.
pub fn render(plan: &ActionPlan, today: NaiveDate, labels: &GanttLabels, id: &str) -> String {
    let rows = rows(plan);
    let chart_right = LABEL_WIDTH + f64::from(CHART_MONTHS) * MONTH_WIDTH;
    let width = chart_right + RIGHT;
    let body_top = HEADER;
    let body_bottom = body_top + rows.len() as f64 * ROW;
    let legend_top = body_bottom + 16.0;
    let height = legend_top + 2.0 * ROW + 8.0;
    let x_of = |month: f64| LABEL_WIDTH + month * MONTH_WIDTH;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif" font-size="12">"#
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        xml(&labels.title),
        xml(&labels.description)
    );
    let _ = write!(
        svg,
        r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##
    );
    // Header: years, then calendar months.
    for year in 0..CHART_MONTHS.div_ceil(12) {
        let x = x_of(f64::from(year * 12));
        let _ = write!(
            svg,
            r##"<rect x="{x}" y="0" width="{}" height="20" fill="#e8edf3" stroke="#c9d1db"/><text x="{}" y="14" text-anchor="middle" font-weight="700" fill="#1b1f24">{}</text>"##,
            12.0 * MONTH_WIDTH,
            x + 6.0 * MONTH_WIDTH,
            xml(labels.years.get(year as usize).map_or("", String::as_str))
        );
    }
    for month in 0..CHART_MONTHS {
        let x = x_of(f64::from(month));
        let calendar = plan.month_start(month + 1).month();
        let _ = write!(
            svg,
            r##"<text x="{}" y="36" text-anchor="middle" font-size="10" fill="#4a5360">{calendar:02}</text>"##,
            x + MONTH_WIDTH / 2.0
        );
    }
    // Grid: a line per month, darker per year.
    for month in 0..=CHART_MONTHS {
        let x = x_of(f64::from(month));
        let stroke = if month % 12 == 0 {
            "#9aa5b1"
        } else {
            "#e1e6ec"
        };
        let _ = write!(
            svg,
            r#"<line x1="{x}" y1="{body_top}" x2="{x}" y2="{body_bottom}" stroke="{stroke}"/>"#
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let y = body_top + r as f64 * ROW;
        match row {
            Row::Dimension(dimension) => {
                let _ = write!(
                    svg,
                    r##"<rect x="0" y="{y}" width="{chart_right}" height="{ROW}" fill="#f3f5f8"/><text x="6" y="{}" font-weight="700" fill="#1b1f24">{}</text>"##,
                    y + 16.0,
                    xml(&shortened(labels.dimension(dimension), 110))
                );
            }
            Row::Item(index) => {
                let item = &plan.items[*index];
                let late = plan.is_late(item, today);
                let status = labels.status(item.status);
                let tooltip = if late {
                    format!(
                        "{} — {}–{} — {status} ({})",
                        item.title, item.start_month, item.end_month, labels.late
                    )
                } else {
                    format!(
                        "{} — {}–{} — {status}",
                        item.title, item.start_month, item.end_month
                    )
                };
                let _ = write!(
                    svg,
                    r#"<g class="gantt-item"><title>{}</title>"#,
                    xml(&tooltip)
                );
                let _ = write!(
                    svg,
                    r##"<text x="14" y="{}" fill="#1b1f24">{}</text>"##,
                    y + 16.0,
                    xml(&shortened(&item.title, TITLE_CHARS))
                );
                let start = f64::from(item.start_month.min(CHART_MONTHS + 1) - 1);
                let end = f64::from(item.end_month.min(CHART_MONTHS));
                if start < f64::from(CHART_MONTHS) {
                    let (x, w) = (x_of(start) + 1.0, (end - start) * MONTH_WIDTH - 2.0);
                    let stroke = if late {
                        format!(r#" stroke="{ALERT}" stroke-width="3""#)
                    } else {
                        String::new()
                    };
                    let dash = if item.status == ItemStatus::Dropped {
                        r#" fill-opacity="0.45""#
                    } else {
                        ""
                    };
                    let _ = write!(
                        svg,
                        r#"<rect x="{x}" y="{}" width="{}" height="{}" rx="3" fill="{}"{stroke}{dash}/>"#,
                        y + 5.0,
                        w.max(4.0),
                        ROW - 10.0,
                        status_color(item.status)
                    );
                }
                let mut after = chart_right + 6.0;
                if item.end_month > CHART_MONTHS {
                    let _ = write!(
                        svg,
                        r##"<text x="{after}" y="{}" fill="#1b1f24">→ {}</text>"##,
                        y + 16.0,
                        item.end_month
                    );
                    after += 42.0;
                }
                if late {
                    let _ = write!(
                        svg,
                        r#"<text x="{after}" y="{}" font-weight="700" fill="{ALERT}">! {}</text>"#,
                        y + 16.0,
                        xml(&labels.late)
                    );
                }
                svg.push_str("</g>");
            }
        }
    }
    // Today.
    let elapsed = plan.months_elapsed(today);
    let date = today.format("%Y-%m-%d");
    if (0.0..=f64::from(CHART_MONTHS)).contains(&elapsed) {
        let x = x_of(elapsed);
        let _ = write!(
            svg,
            r#"<line class="gantt-today" x1="{x}" y1="{}" x2="{x}" y2="{body_bottom}" stroke="{ALERT}" stroke-width="2" stroke-dasharray="5 3"/><text x="{x}" y="{}" text-anchor="middle" font-weight="700" fill="{ALERT}">{} {date}</text>"#,
            body_top - 4.0,
            body_bottom + 12.0,
            xml(&labels.today)
        );
    } else {
        let (x, anchor, arrow) = if elapsed > 0.0 {
            (chart_right, "end", "→")
        } else {
            (LABEL_WIDTH, "start", "←")
        };
        let _ = write!(
            svg,
            r#"<text class="gantt-today" x="{x}" y="{}" text-anchor="{anchor}" font-weight="700" fill="{ALERT}">{} {date} {arrow}</text>"#,
            body_bottom + 12.0,
            xml(&labels.today)
        );
    }
    // Legend.
    let mut x = 6.0;
    for status in ItemStatus::ALL {
        let label = labels.status(*status);
        let _ = write!(
            svg,
            r##"<rect x="{x}" y="{}" width="16" height="12" rx="2" fill="{}"/><text x="{}" y="{}" fill="#1b1f24">{}</text>"##,
            legend_top + ROW - 10.0,
            status_color(*status),
            x + 22.0,
            legend_top + ROW,
            xml(label)
        );
        x += 30.0 + label.chars().count() as f64 * 7.0;
    }
    let _ = write!(
        svg,
        r##"<rect x="{x}" y="{}" width="16" height="12" rx="2" fill="#ffffff" stroke="{ALERT}" stroke-width="3"/><text x="{}" y="{}" fill="{ALERT}" font-weight="700">! {}</text>"##,
        legend_top + ROW - 10.0,
        x + 22.0,
        legend_top + ROW,
        xml(&labels.late)
    );
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use dulieu_core::text::LangText;
    use uuid::Uuid;

    use super::*;
    use crate::plan::{ActionItem, Cost};
    use crate::vocab::{ContentLang, PublicationStatus, Term};

    fn item(dimension: &str, title: &str, start: u32, end: u32, status: ItemStatus) -> ActionItem {
        ActionItem {
            id: Uuid::now_v7(),
            dimension: dimension.into(),
            term: Some(Term::Short),
            title: title.into(),
            description: None,
            lang: ContentLang::En,
            responsible: Vec::new(),
            prerequisites: Vec::new(),
            prerequisite_note: None,
            start_month: start,
            end_month: end,
            schedule_note: None,
            cost: Cost::default(),
            references: Vec::new(),
            status,
            notes: Vec::new(),
            updated_at: Utc::now(),
        }
    }

    fn labels() -> GanttLabels {
        GanttLabels {
            title: "Plan <A&B>".into(),
            description: "Chart".into(),
            years: vec!["Y1".into(), "Y2".into(), "Y3".into()],
            today: "Today".into(),
            late: "late".into(),
            statuses: ItemStatus::ALL
                .iter()
                .map(|s| (*s, s.as_str().to_string()))
                .collect(),
            dimensions: vec![("1".into(), "Senior leadership".into())],
        }
    }

    fn plan() -> ActionPlan {
        ActionPlan {
            id: Uuid::now_v7(),
            slug: "p".into(),
            title: LangText::new("K", "P"),
            framework: "odra".into(),
            assessment: None,
            starts_on: NaiveDate::from_ymd_opt(2019, 4, 1).unwrap(),
            status: PublicationStatus::Published,
            source: None,
            items: vec![
                item("1", "Announce the <initiative>", 1, 1, ItemStatus::Done),
                item("1", "Recruit the head", 1, 3, ItemStatus::NotStarted),
                item(
                    "8",
                    "Setup of a Data innovation lab",
                    24,
                    48,
                    ItemStatus::InProgress,
                ),
            ],
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn draws_rows_bars_late_marks_and_today() {
        let p = plan();
        let today = NaiveDate::from_ymd_opt(2019, 8, 16).unwrap();
        let svg = render(&p, today, &labels(), "g");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img" aria-labelledby="g-title g-desc""#));
        assert!(
            svg.contains("<title id=\"g-title\">Plan &lt;A&amp;B&gt;</title>"),
            "escaped"
        );
        assert!(svg.contains("Announce the &lt;initiative&gt;"), "escaped");
        assert_eq!(svg.matches("class=\"gantt-item\"").count(), 3);
        // Only the unfinished item whose month 3 is over is late.
        assert_eq!(
            svg.matches("! late</text>").count(),
            2,
            "one item and the legend"
        );
        assert!(svg.contains("Recruit the head — 1–3 — not_started (late)"));
        // Month 5 (August 2019), half way through.
        let x = LABEL_WIDTH + p.months_elapsed(today) * MONTH_WIDTH;
        assert!((x - (LABEL_WIDTH + 4.5 * MONTH_WIDTH)).abs() < 1.0, "{x}");
        assert!(
            svg.contains(&format!(r#"<line class="gantt-today" x1="{x}""#)),
            "{svg}"
        );
        assert!(svg.contains("→ 48"), "an item past Y3 shows where it ends");
        assert!(svg.contains(">Y3</text>") && svg.contains(">04</text>"));
        assert!(
            svg.contains("Senior leadership") && svg.contains(">8</text>"),
            "unnamed dimensions show their id"
        );
    }

    #[test]
    fn today_outside_the_chart_is_written_at_its_edge() {
        let p = plan();
        let svg = render(
            &p,
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            &labels(),
            "g",
        );
        assert!(svg.contains("Today 2026-11-30 →"));
        assert!(!svg.contains("<line class=\"gantt-today\""));
    }
}
