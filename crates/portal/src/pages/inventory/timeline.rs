//! An organization's publication plan drawn as SVG on the server (no script): months along the x
//! axis from the earliest to the latest of the items' target dates and today, a line at today,
//! one row per dated item with a marker at its target date coloured by status; overdue rows are
//! shaded, their marker ringed and joined to today's line, and marked `!`. The SVG is an image
//! with a title and a description; the page puts the same facts in a table next to it.

use std::fmt::Write as _;

use chrono::{Datelike, Months, NaiveDate};
use dulieu_inventory::ItemStatus;

/// Width of the column of item titles.
const LABEL_WIDTH: f64 = 300.0;
/// The width the months share, when each gets between the least and the most below.
const PLOT_WIDTH: f64 = 640.0;
/// Least width of a month.
const MIN_MONTH: f64 = 4.0;
/// Most width of a month.
const MAX_MONTH: f64 = 48.0;
/// Months at least wide enough for their number to be written.
const NUMBERED_MONTH: f64 = 20.0;
/// Height of one row.
const ROW: f64 = 24.0;
/// Height of the header (years, months, today's label).
const HEADER: f64 = 52.0;
/// Room on the right.
const RIGHT: f64 = 24.0;
/// Most characters of an item title in the chart (the table has the whole title).
const TITLE_CHARS: usize = 42;

/// Colour of the today line and of overdue marks (6.6:1 on white).
const ALERT: &str = "#b71c1c";
/// Shade of an overdue row.
const ALERT_SHADE: &str = "#fdecea";

/// Fill colour of a status's marker (each at least 3:1 against white).
pub(super) fn status_color(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Identified => "#5f6b7a",
        ItemStatus::Assessed => "#6a3d9a",
        ItemStatus::ApprovedForRelease => "#00695c",
        ItemStatus::InPreparation => "#1565c0",
        ItemStatus::Published => "#2e7d32",
        ItemStatus::WillNotPublish => "#757575",
    }
}

/// One row of the chart.
#[derive(Debug, Clone)]
pub(super) struct Mark {
    /// The item's title in the page's language.
    pub(super) title: String,
    /// Its target date.
    pub(super) target: NaiveDate,
    /// Its status.
    pub(super) status: ItemStatus,
    /// Past its target date and not published.
    pub(super) overdue: bool,
}

/// The words of the chart in the page's language.
#[derive(Debug, Clone)]
pub(super) struct Words {
    /// The chart's title (its accessible name).
    pub(super) title: String,
    /// What it shows, in a sentence or two.
    pub(super) description: String,
    /// The word for today.
    pub(super) today: String,
}

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

/// The first day of `day`'s month.
fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// Whole months from `from`'s month to `to`'s month.
fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32
}

/// Days in `day`'s month.
fn month_days(day: NaiveDate) -> f64 {
    let start = month_start(day);
    let next = start.checked_add_months(Months::new(1)).unwrap_or(start);
    (next - start).num_days().max(1) as f64
}

/// The months the chart spans: from the month before the earliest of the dates and today, to
/// the month after the latest (so markers at the ends stay clear of the edges).
fn span(marks: &[Mark], today: NaiveDate) -> (NaiveDate, i32) {
    let earliest = marks
        .iter()
        .map(|m| m.target)
        .min()
        .unwrap_or(today)
        .min(today);
    let latest = marks
        .iter()
        .map(|m| m.target)
        .max()
        .unwrap_or(today)
        .max(today);
    let start = month_start(earliest)
        .checked_sub_months(Months::new(1))
        .unwrap_or(earliest);
    let months = months_between(start, latest) + 2;
    (start, months.max(3))
}

/// The SVG of `marks` as of `today`, with the id prefix `id` for its title and description.
/// Empty without marks.
pub(super) fn render(marks: &[Mark], today: NaiveDate, words: &Words, id: &str) -> String {
    if marks.is_empty() {
        return String::new();
    }
    let (start, months) = span(marks, today);
    let month_width = (PLOT_WIDTH / f64::from(months)).clamp(MIN_MONTH, MAX_MONTH);
    let plot_right = LABEL_WIDTH + f64::from(months) * month_width;
    let width = (plot_right + RIGHT).round();
    let body_top = HEADER;
    let body_bottom = body_top + marks.len() as f64 * ROW;
    let height = body_bottom + 8.0;
    let x_of = |day: NaiveDate| {
        let month = f64::from(months_between(start, day));
        let within = f64::from(day.day0()) / month_days(day);
        round(LABEL_WIDTH + (month + within) * month_width)
    };
    let id = xml(id);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="inventory-timeline" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif" font-size="12">"#
    );
    let _ = write!(
        svg,
        r##"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc><rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##,
        xml(&words.title),
        xml(&words.description)
    );
    // Rows first (shades under the grid).
    for (r, mark) in marks.iter().enumerate() {
        let y = body_top + r as f64 * ROW;
        let fill = if mark.overdue {
            ALERT_SHADE
        } else if r % 2 == 1 {
            "#f6f8fa"
        } else {
            "#ffffff"
        };
        let _ = write!(
            svg,
            r#"<rect x="0" y="{y}" width="{plot_right}" height="{ROW}" fill="{fill}"/>"#
        );
    }
    // Header and grid: a line per month (darker at each January), years and month numbers.
    for m in 0..=months {
        let day = start
            .checked_add_months(Months::new(m as u32))
            .unwrap_or(start);
        let x = round(LABEL_WIDTH + f64::from(m) * month_width);
        let january = day.month() == 1;
        let stroke = if january || m == 0 {
            "#9aa5b1"
        } else {
            "#e1e6ec"
        };
        let _ = write!(
            svg,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{body_bottom}" stroke="{stroke}"/>"#,
            body_top - 16.0
        );
        if m == months {
            break;
        }
        if january || m == 0 {
            let _ = write!(
                svg,
                r##"<text x="{}" y="14" font-weight="700" fill="#1b1f24">{}</text>"##,
                x + 3.0,
                day.year()
            );
        }
        if month_width >= NUMBERED_MONTH {
            let _ = write!(
                svg,
                r##"<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#4a5360">{:02}</text>"##,
                round(x + month_width / 2.0),
                body_top - 4.0,
                day.month()
            );
        }
    }
    // The rows: title, then the marker (overdue ones ringed, joined to today, marked "!").
    let today_x = x_of(today);
    for (r, mark) in marks.iter().enumerate() {
        let y = body_top + r as f64 * ROW;
        let middle = y + ROW / 2.0;
        let _ = write!(
            svg,
            r##"<text x="6" y="{}" fill="#1b1f24">{}</text>"##,
            middle + 4.0,
            xml(&shortened(&mark.title, TITLE_CHARS))
        );
        let x = x_of(mark.target);
        if mark.overdue {
            let _ = write!(
                svg,
                r#"<line x1="{x}" y1="{middle}" x2="{today_x}" y2="{middle}" stroke="{ALERT}" stroke-width="2"/><circle cx="{x}" cy="{middle}" r="9" fill="none" stroke="{ALERT}" stroke-width="2"/>"#
            );
        }
        let _ = write!(
            svg,
            r##"<circle cx="{x}" cy="{middle}" r="6" fill="{}" stroke="#1b1f24" stroke-width="1"/>"##,
            status_color(mark.status)
        );
        if mark.overdue {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" font-weight="700" fill="{ALERT}">!</text>"#,
                x - 20.0,
                middle + 4.0
            );
        }
    }
    // Today's line and its label.
    let _ = write!(
        svg,
        r#"<line x1="{today_x}" y1="{}" x2="{today_x}" y2="{body_bottom}" stroke="{ALERT}" stroke-width="2" stroke-dasharray="4 3"/><text x="{}" y="30" font-weight="700" fill="{ALERT}" text-anchor="middle">{}</text>"#,
        body_top - 18.0,
        today_x,
        xml(&words.today)
    );
    svg.push_str("</svg>");
    svg
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn words() -> Words {
        Words {
            title: "Plan <of> GSO".into(),
            description: "3 items".into(),
            today: "Today".into(),
        }
    }

    #[test]
    fn the_span_covers_every_date_and_today_with_a_month_each_side() {
        let marks = vec![Mark {
            title: "A".into(),
            target: day(2026, 3, 15),
            status: ItemStatus::Identified,
            overdue: false,
        }];
        let (start, months) = span(&marks, day(2025, 11, 2));
        assert_eq!(start, day(2025, 10, 1));
        // October 2025 … April 2026.
        assert_eq!(months, 7);
        let (start, months) = span(&marks, day(2026, 3, 1));
        assert_eq!((start, months), (day(2026, 2, 1), 3));
    }

    #[test]
    fn the_chart_is_an_image_with_a_row_per_item_and_overdue_marks() {
        let marks = vec![
            Mark {
                title: "Dân số <theo> tỉnh".into(),
                target: day(2024, 6, 30),
                status: ItemStatus::Assessed,
                overdue: true,
            },
            Mark {
                title: "x".repeat(80),
                target: day(2027, 1, 1),
                status: ItemStatus::Published,
                overdue: false,
            },
        ];
        let svg = render(&marks, day(2026, 5, 10), &words(), "plan");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img" aria-labelledby="plan-title plan-desc""#));
        assert!(svg.contains("<title id=\"plan-title\">Plan &lt;of&gt; GSO</title>"));
        assert!(svg.contains("Dân số &lt;theo&gt; tỉnh"));
        assert!(!svg.contains(&"x".repeat(60)), "long titles are cut");
        assert_eq!(svg.matches(r#"r="6""#).count(), 2, "a marker per item");
        assert_eq!(
            svg.matches(r#"r="9""#).count(),
            1,
            "a ring per overdue item"
        );
        assert!(svg.contains(status_color(ItemStatus::Published)));
        assert!(svg.contains(">Today</text>"));
        assert!(svg.contains(">2025</text>") && svg.contains(">2027</text>"));
        assert!(render(&[], day(2026, 5, 10), &words(), "plan").is_empty());
    }

    #[test]
    fn dates_are_placed_in_order() {
        let marks = vec![Mark {
            title: "A".into(),
            target: day(2026, 1, 1),
            status: ItemStatus::Identified,
            overdue: false,
        }];
        let svg = render(&marks, day(2026, 12, 31), &words(), "p");
        let cx = |svg: &str| -> f64 {
            let at = svg.find("<circle cx=\"").unwrap() + 12;
            svg[at..].split('"').next().unwrap().parse().unwrap()
        };
        let today_at = svg.find(r#"stroke-dasharray"#).unwrap();
        let line = &svg[..today_at];
        let x1 = line.rfind("x1=\"").unwrap() + 4;
        let today_x: f64 = line[x1..].split('"').next().unwrap().parse().unwrap();
        assert!(cx(&svg) < today_x, "{svg}");
    }
}
