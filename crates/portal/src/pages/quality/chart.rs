//! A small line chart drawn on the server as SVG (no script): EU MQA points on the left axis
//! (0–405, a grid line at each band's upper bound) and stars on the right axis (0–5), over
//! time. The SVG is an image with a title and a description; the pages put the same numbers in
//! a table next to it.

use std::fmt::Write as _;

/// Width of the drawing, in SVG units.
const WIDTH: f64 = 640.0;
/// Height of the drawing.
const HEIGHT: f64 = 240.0;
/// Room for the left axis' labels.
const LEFT: f64 = 48.0;
/// Room for the right axis' labels.
const RIGHT: f64 = 44.0;
/// Room above the plot.
const TOP: f64 = 14.0;
/// Room for the dates under the plot.
const BOTTOM: f64 = 34.0;
/// Least room between two date labels.
const LABEL_GAP: f64 = 96.0;
/// The most MQA points.
pub(crate) const MQA_MAX: f64 = 405.0;
/// The left axis' ticks: 0, then the upper bound of each band.
const MQA_TICKS: [f64; 5] = [0.0, 120.0, 220.0, 350.0, 405.0];
/// The most stars.
const STARS_MAX: f64 = 5.0;

/// Colour of the MQA line (9.9:1 on white).
const MQA_COLOR: &str = "#0b3b66";
/// Colour of the stars line (5.6:1 on white).
const STARS_COLOR: &str = "#8a5a00";

/// One point of the chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    /// Where it is in time (milliseconds, or days: only the differences count).
    pub(crate) at: f64,
    /// Its date as the page writes it.
    pub(crate) label: String,
    /// MQA points, 0–405.
    pub(crate) mqa: f64,
    /// Stars, 0–5.
    pub(crate) stars: f64,
}

/// The chart of `points` (oldest first) as an SVG image whose accessible name is `title` and
/// description `description`; `id` makes its element ids unique on the page. Empty without
/// points.
pub(crate) fn render(id: &str, title: &str, description: &str, points: &[Point]) -> String {
    let Some(first) = points.first() else {
        return String::new();
    };
    let last = points.last().unwrap_or(first);
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let bottom = TOP + plot_height;
    // Placed by time; points all at one moment are spread evenly in their order instead.
    let span = last.at - first.at;
    let steps = (points.len() - 1) as f64;
    let xs: Vec<f64> = points
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let share = if span > 0.0 {
                (p.at - first.at) / span
            } else if steps > 0.0 {
                index as f64 / steps
            } else {
                0.5
            };
            round(LEFT + share * plot_width)
        })
        .collect();
    let y_of = |value: f64, max: f64| TOP + plot_height * (1.0 - (value / max).clamp(0.0, 1.0));
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="quality-chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif" font-size="12">"#,
        id = xml(id)
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        xml(title),
        xml(description),
        id = xml(id)
    );
    let _ = write!(
        svg,
        r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##
    );
    // The left axis: a grid line and label per band bound.
    for tick in MQA_TICKS {
        let y = round(y_of(tick, MQA_MAX));
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#c9d1db" stroke-dasharray="{}"/><text x="{}" y="{}" text-anchor="end" fill="#4a5360">{tick}</text>"##,
            WIDTH - RIGHT,
            if tick == 0.0 { "none" } else { "3 3" },
            LEFT - 6.0,
            y + 4.0,
        );
    }
    // The right axis: a label per star.
    for star in 0..=5 {
        let y = round(y_of(f64::from(star), STARS_MAX));
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="start" fill="#4a5360">{star} ★</text>"##,
            WIDTH - RIGHT + 6.0,
            y + 4.0,
        );
    }
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#4a5360"/><line x1="{x}" y1="{TOP}" x2="{x}" y2="{bottom}" stroke="#4a5360"/>"##,
        x = WIDTH - RIGHT,
    );
    // Dates: the first, the last and the middle one, where there is room.
    for (index, anchor) in date_labels(&xs) {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="{anchor}" fill="#4a5360">{}</text>"##,
            xs[index],
            HEIGHT - 10.0,
            xml(&points[index].label)
        );
    }
    // The lines: MQA solid with dots, stars dashed with squares.
    let mqa: Vec<(f64, f64)> = points
        .iter()
        .zip(&xs)
        .map(|(p, x)| (*x, round(y_of(p.mqa, MQA_MAX))))
        .collect();
    let stars: Vec<(f64, f64)> = points
        .iter()
        .zip(&xs)
        .map(|(p, x)| (*x, round(y_of(p.stars, STARS_MAX))))
        .collect();
    line(&mut svg, &stars, STARS_COLOR, "6 4");
    line(&mut svg, &mqa, MQA_COLOR, "none");
    for (x, y) in &stars {
        let _ = write!(
            svg,
            r##"<rect x="{}" y="{}" width="7" height="7" fill="#ffffff" stroke="{STARS_COLOR}" stroke-width="2"/>"##,
            x - 3.5,
            y - 3.5
        );
    }
    for (x, y) in &mqa {
        let _ = write!(
            svg,
            r##"<circle cx="{x}" cy="{y}" r="3.5" fill="{MQA_COLOR}"/>"##
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A polyline through `points` (a single point draws nothing).
fn line(svg: &mut String, points: &[(f64, f64)], color: &str, dash: &str) {
    if points.len() < 2 {
        return;
    }
    let path: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
    let _ = write!(
        svg,
        r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2.5" stroke-dasharray="{dash}" stroke-linejoin="round"/>"#,
        path.join(" ")
    );
}

/// The points (at `xs`) whose dates are written under the plot, with their anchor: the last
/// always, the first and the middle one when they are far enough from the others.
fn date_labels(xs: &[f64]) -> Vec<(usize, &'static str)> {
    let last = xs.len().saturating_sub(1);
    if last == 0 {
        return vec![(0, "middle")];
    }
    let mut chosen = vec![(last, "end")];
    let far = |index: usize, chosen: &[(usize, &str)]| {
        chosen
            .iter()
            .all(|(other, _)| (xs[index] - xs[*other]).abs() >= LABEL_GAP)
    };
    if far(0, &chosen) {
        chosen.push((0, "start"));
    }
    let middle = last / 2;
    if middle != 0 && far(middle, &chosen) {
        chosen.push((middle, "middle"));
    }
    chosen.sort_unstable();
    chosen
}

/// `value` to a tenth, so the SVG stays short.
fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// `text` escaped for XML text and attributes.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(at: f64, mqa: f64, stars: f64) -> Point {
        Point {
            at,
            label: format!("day {at}"),
            mqa,
            stars,
        }
    }

    #[test]
    fn no_points_no_chart() {
        assert_eq!(render("c", "t", "d", &[]), "");
    }

    #[test]
    fn points_are_placed_on_their_axes() {
        let svg = render(
            "h",
            "History",
            "From 0 to 405",
            &[point(0.0, 0.0, 0.0), point(10.0, 405.0, 5.0)],
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains(r#"aria-labelledby="h-title h-desc""#), "{svg}");
        assert!(
            svg.contains(r#"<title id="h-title">History</title>"#),
            "{svg}"
        );
        // The first point at the bottom left, the last at the top right of the plot.
        let bottom = HEIGHT - BOTTOM;
        assert!(
            svg.contains(&format!(r#"<circle cx="{LEFT}" cy="{bottom}""#)),
            "{svg}"
        );
        assert!(
            svg.contains(&format!(r#"<circle cx="{}" cy="{TOP}""#, WIDTH - RIGHT)),
            "{svg}"
        );
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert!(
            svg.contains(">day 0</text>") && svg.contains(">day 10</text>"),
            "{svg}"
        );
    }

    #[test]
    fn a_single_point_is_centred_without_lines() {
        let svg = render("one", "t", "d", &[point(5.0, 202.5, 2.0)]);
        let middle = LEFT + (WIDTH - LEFT - RIGHT) / 2.0;
        assert!(svg.contains(&format!(r#"<circle cx="{middle}""#)), "{svg}");
        assert!(!svg.contains("<polyline"), "{svg}");
    }

    #[test]
    fn points_of_one_moment_are_spread_in_order() {
        let same = [
            point(7.0, 300.0, 1.0),
            point(7.0, 250.0, 1.0),
            point(7.0, 200.0, 1.0),
        ];
        let svg = render("same", "t", "d", &same);
        let middle = LEFT + (WIDTH - LEFT - RIGHT) / 2.0;
        for x in [LEFT, middle, WIDTH - RIGHT] {
            assert!(svg.contains(&format!(r#"<circle cx="{x}""#)), "{x}: {svg}");
        }
    }

    #[test]
    fn close_dates_are_not_written_over_each_other() {
        let points: Vec<Point> = (0..100).map(|i| point(f64::from(i), 100.0, 1.0)).collect();
        let labels = render("many", "t", "d", &points).matches(">day ").count();
        assert_eq!(labels, 3);
        let near = [
            point(0.0, 1.0, 1.0),
            point(1.0, 1.0, 1.0),
            point(1000.0, 1.0, 1.0),
        ];
        let svg = render("near", "t", "d", &near);
        assert!(
            svg.contains(">day 0<") && svg.contains(">day 1000<"),
            "{svg}"
        );
        assert!(!svg.contains(">day 1<"), "{svg}");
    }

    #[test]
    fn text_is_escaped() {
        let mut p = point(0.0, 1.0, 1.0);
        p.label = "<b>&".into();
        let svg = render("x\"y", "<script>", "a & b", &[p]);
        assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
        assert!(
            svg.contains("&lt;script&gt;") && svg.contains("a &amp; b"),
            "{svg}"
        );
        assert!(svg.contains("&lt;b&gt;&amp;"), "{svg}");
    }
}
