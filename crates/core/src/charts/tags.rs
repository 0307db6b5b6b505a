//! Tag coverage charts: a bar pair per required key, and the tables-by-keys heatmap.
//!
//! Laid out by hand like [`crate::charts::timeline`], so no text is measured and the SVG is
//! byte-identical in a worker, the page and the CLI. Text widths are estimated from character
//! counts ([`CHAR_PX`], generous for 12 px sans-serif), and long names are cut with "…".
//!
//! Table names and tag keys come from exports and user policies: plotters escapes the text it
//! draws (`<` becomes `&lt;`), the aria-label written here is escaped by [`escape_attr`], and
//! control and bidirectional-override characters are replaced before drawing so a name cannot
//! break the XML or disguise itself.

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use crate::analysis::tags::{Cell, TableRow, TagCoverage};
use crate::ingest::thousands;

const FONT: &str = "sans-serif";
/// plotters' SVG backend writes `font-size` as this / 1.24; this gives 12 px text.
const FONT_SIZE: f64 = 12.0 * 1.24;
/// Estimated width of one character of 12 px sans-serif text: wide enough for most names.
const CHAR_PX: i32 = 7;
const MARGIN: i32 = 12;
const TEXT: RGBColor = RGBColor(0x22, 0x2b, 0x36);
const AXIS: RGBColor = RGBColor(0x55, 0x5f, 0x6d);
const GRID: RGBColor = RGBColor(0xdd, 0xe2, 0xe8);

// Okabe–Ito colours: told apart with the common colour-vision deficiencies.
const ALLOWED: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const HAS_KEY: RGBColor = RGBColor(0x56, 0xb4, 0xe9);
const OTHER: RGBColor = RGBColor(0xe6, 0x9f, 0x00);
const NEAR_MISS: RGBColor = RGBColor(0xcc, 0x79, 0xa7);
const MISSING: RGBColor = RGBColor(0xe4, 0xe7, 0xeb);

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Drawn = Result<(), String>;

fn err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

fn style(color: &'static RGBColor) -> TextStyle<'static> {
    TextStyle::from((FONT, FONT_SIZE).into_font()).color(color)
}

/// Renders `draw` into an SVG of `width`×`height` and adds the accessibility attributes.
fn render(
    width: u32,
    height: u32,
    class: &str,
    label: &str,
    draw: impl FnOnce(&Area<'_>) -> Drawn,
) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        // Drawing into a String cannot fail; a failure would only mean a blank chart.
        let _ = root.fill(&WHITE).map_err(err);
        let _ = draw(&root);
        let _ = root.present();
    }
    svg.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-label=\"{}\" class=\"{class}\" ",
            escape_attr(label)
        ),
        1,
    )
}

// ---------------------------------------------------------------- coverage bars

const BAR_PX: i32 = 14;
const KEY_BLOCK_PX: i32 = 2 * BAR_PX + 2 + 14;
const LEGEND_PX: i32 = 24;
const AXIS_PX: i32 = 22;

/// Per required key, two bars: the share of all tables that have the key, and the share with
/// an allowed value, each labelled "270 of 300 (90%)". `width` in pixels; the height follows
/// from the number of keys.
pub fn coverage_bars_svg(coverage: &TagCoverage, width: u32) -> String {
    let keys = coverage.keys.len() as i32;
    let height = (MARGIN * 2 + LEGEND_PX + keys.max(1) * KEY_BLOCK_PX + AXIS_PX) as u32;
    render(
        width,
        height,
        "tag-coverage",
        &bars_label(coverage),
        |root| draw_bars(root, coverage, width as i32, height as i32),
    )
}

fn bars_label(coverage: &TagCoverage) -> String {
    if coverage.tables == 0 {
        return "Tag coverage: no tables loaded".to_string();
    }
    let keys: Vec<String> = coverage
        .keys
        .iter()
        .map(|k| {
            format!(
                "{}: {} with the key, {} with an allowed value",
                k.key,
                k.with_key.percent_label(),
                k.with_allowed_value.percent_label()
            )
        })
        .collect();
    format!(
        "Tag coverage over {} tables. {}",
        thousands(coverage.tables),
        keys.join("; ")
    )
}

fn draw_bars(root: &Area<'_>, coverage: &TagCoverage, width: i32, height: i32) -> Drawn {
    let text = style(&TEXT);
    let left_label = text.pos(Pos::new(HPos::Left, VPos::Center));
    if coverage.keys.is_empty() || coverage.tables == 0 {
        let message = if coverage.tables == 0 {
            "No tables loaded"
        } else {
            "The policy requires no keys"
        };
        let centre = text.pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text(message, &centre, (width / 2, height / 2))
            .map_err(err)?;
        return Ok(());
    }
    let label_px = 18 * CHAR_PX;
    let value_px = 22 * CHAR_PX;
    let x0 = MARGIN + label_px;
    let x1 = (width - MARGIN - value_px).max(x0 + 40);
    let x_of = |percent: f64| x0 + (percent / 100.0 * f64::from(x1 - x0)).round() as i32;

    // Legend.
    let mut x = x0;
    for (color, name) in [(HAS_KEY, "has the key"), (ALLOWED, "allowed value")] {
        root.draw(&Rectangle::new(
            [(x, MARGIN + 4), (x + 12, MARGIN + 16)],
            color.filled(),
        ))
        .map_err(err)?;
        root.draw_text(name, &left_label, (x + 18, MARGIN + 10))
            .map_err(err)?;
        x += 18 + (name.len() as i32 + 3) * CHAR_PX;
    }

    let top = MARGIN + LEGEND_PX;
    let bottom = top + coverage.keys.len() as i32 * KEY_BLOCK_PX;
    // Grid at every quarter, labelled below.
    let below = style(&AXIS).pos(Pos::new(HPos::Center, VPos::Top));
    for quarter in 0..=4 {
        let x = x_of(f64::from(quarter * 25));
        root.draw(&PathElement::new(vec![(x, top), (x, bottom)], GRID))
            .map_err(err)?;
        root.draw_text(&format!("{}%", quarter * 25), &below, (x, bottom + 6))
            .map_err(err)?;
    }

    let value_label = style(&AXIS).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, key) in coverage.keys.iter().enumerate() {
        let y = top + i as i32 * KEY_BLOCK_PX + 4;
        root.draw_text(
            &fit(&key.key, (label_px / CHAR_PX - 1) as usize),
            &left_label,
            (MARGIN, y + BAR_PX),
        )
        .map_err(err)?;
        for (row, (share, color)) in [(key.with_key, HAS_KEY), (key.with_allowed_value, ALLOWED)]
            .into_iter()
            .enumerate()
        {
            let y_top = y + row as i32 * (BAR_PX + 2);
            let right = x_of(share.percent());
            if right > x0 {
                root.draw(&Rectangle::new(
                    [(x0, y_top), (right, y_top + BAR_PX)],
                    color.filled(),
                ))
                .map_err(err)?;
            }
            root.draw_text(&share.label(), &value_label, (x1 + 6, y_top + BAR_PX / 2))
                .map_err(err)?;
        }
    }
    root.draw(&PathElement::new(vec![(x0, top), (x0, bottom)], AXIS))
        .map_err(err)?;
    Ok(())
}

// ---------------------------------------------------------------- heatmap

const ROW_PX: i32 = 14;
const LEGEND_LINE_PX: i32 = 20;
const CELL_STATES: [(RGBColor, &str); 4] = [
    (ALLOWED, "allowed value"),
    (OTHER, "other value"),
    (NEAR_MISS, "near miss (key case or spaces)"),
    (MISSING, "missing"),
];

/// The tables-by-keys matrix: a row per table, a column per required key, each cell coloured
/// by its state (allowed value, other value, near miss, missing), with a legend.
///
/// Rows are ordered worst first (most keys short of an allowed value), then by account,
/// region and name, and at most `max_rows` are drawn (at least one); a last line says how
/// many more tables there are and how many of those are compliant. `width` in pixels; the
/// height follows from the rows shown.
pub fn coverage_heatmap_svg(coverage: &TagCoverage, width: u32, max_rows: usize) -> String {
    let layout = HeatmapLayout::new(coverage, width as i32, max_rows.max(1));
    render(
        width,
        layout.height as u32,
        "tag-heatmap",
        &heatmap_label(coverage, layout.shown.len()),
        |root| draw_heatmap(root, coverage, &layout),
    )
}

fn heatmap_label(coverage: &TagCoverage, shown: usize) -> String {
    if coverage.tables == 0 || coverage.keys.is_empty() {
        return "Tags by table: nothing to show".to_string();
    }
    let keys: Vec<&str> = coverage.keys.iter().map(|k| k.key.as_str()).collect();
    format!(
        "Required tags ({}) by table: {} tables, {} compliant; {} shown, least compliant first",
        keys.join(", "),
        thousands(coverage.tables),
        thousands(coverage.compliant.count),
        thousands(shown as u64)
    )
}

/// Where each legend entry goes, `(x, line)`: entries flow left to right and wrap.
fn legend_positions(width: i32) -> Vec<(i32, i32)> {
    let mut out = Vec::with_capacity(CELL_STATES.len());
    let (mut x, mut line) = (MARGIN, 0);
    for (_, name) in CELL_STATES {
        let entry_px = 18 + (name.chars().count() as i32 + 3) * CHAR_PX;
        if x > MARGIN && x + entry_px > width - MARGIN {
            x = MARGIN;
            line += 1;
        }
        out.push((x, line));
        x += entry_px;
    }
    out
}

struct HeatmapLayout<'c> {
    shown: Vec<&'c TableRow>,
    hidden: u64,
    hidden_compliant: u64,
    label_px: i32,
    col_px: i32,
    rotated_headers: bool,
    header_px: i32,
    top: i32,
    height: i32,
}

impl<'c> HeatmapLayout<'c> {
    fn new(coverage: &'c TagCoverage, width: i32, max_rows: usize) -> HeatmapLayout<'c> {
        let mut rows: Vec<&TableRow> = coverage.rows.iter().collect();
        let shortfall = |row: &TableRow| row.cells.iter().filter(|c| !c.is_allowed()).count();
        rows.sort_by(|a, b| {
            shortfall(b).cmp(&shortfall(a)).then_with(|| {
                (&a.account, &a.region, &a.name).cmp(&(&b.account, &b.region, &b.name))
            })
        });
        let hidden_rows = rows.split_off(rows.len().min(max_rows));
        let legend_rows = legend_positions(width)
            .last()
            .map_or(1, |&(_, line)| line + 1);
        // About 40% of the width for names, within 17 and 36 characters.
        let label_px = (width * 2 / 5).clamp(17 * CHAR_PX, 36 * CHAR_PX);
        let keys = coverage.keys.len().max(1) as i32;
        let col_px = ((width - 2 * MARGIN - label_px) / keys).clamp(8, 120);
        let rotated_headers = col_px < 9 * CHAR_PX;
        let header_px = if rotated_headers { 18 * CHAR_PX } else { 22 };
        let top = MARGIN + legend_rows * LEGEND_LINE_PX + 6 + header_px;
        let footer = if hidden_rows.is_empty() { 0 } else { 24 };
        let height = top + rows.len().max(1) as i32 * ROW_PX + footer + MARGIN;
        HeatmapLayout {
            hidden: hidden_rows.len() as u64,
            hidden_compliant: hidden_rows.iter().filter(|r| r.compliant).count() as u64,
            shown: rows,
            label_px,
            col_px,
            rotated_headers,
            header_px,
            top,
            height,
        }
    }
}

fn draw_heatmap(root: &Area<'_>, coverage: &TagCoverage, layout: &HeatmapLayout<'_>) -> Drawn {
    let text = style(&TEXT);
    let left = text.pos(Pos::new(HPos::Left, VPos::Center));
    if coverage.tables == 0 || coverage.keys.is_empty() {
        let message = if coverage.tables == 0 {
            "No tables loaded"
        } else {
            "The policy requires no keys"
        };
        root.draw_text(message, &left, (MARGIN, layout.top + ROW_PX / 2))
            .map_err(err)?;
        return Ok(());
    }

    // Legend, wrapped into as many lines as the width needs.
    let (width, _) = root.dim_in_pixel();
    for ((color, name), (x, line)) in CELL_STATES.iter().zip(legend_positions(width as i32)) {
        let y = MARGIN + line * LEGEND_LINE_PX;
        root.draw(&Rectangle::new(
            [(x, y + 2), (x + 12, y + 14)],
            color.filled(),
        ))
        .map_err(err)?;
        root.draw_text(name, &left, (x + 18, y + 8)).map_err(err)?;
    }

    // Column headers.
    let x0 = MARGIN + layout.label_px;
    let header_bottom = layout.top - 4;
    for (i, key) in coverage.keys.iter().enumerate() {
        let x = x0 + i as i32 * layout.col_px;
        if layout.rotated_headers {
            // Rotated a quarter turn anticlockwise, reading upwards from the column.
            let up = text
                .clone()
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Left, VPos::Center));
            root.draw_text(
                &fit(&key.key, (layout.header_px / CHAR_PX - 1) as usize),
                &up,
                (x + layout.col_px / 2, header_bottom),
            )
            .map_err(err)?;
        } else {
            let centre = text.pos(Pos::new(HPos::Center, VPos::Bottom));
            root.draw_text(
                &fit(&key.key, (layout.col_px / CHAR_PX - 1).max(1) as usize),
                &centre,
                (x + layout.col_px / 2, header_bottom),
            )
            .map_err(err)?;
        }
    }

    // Rows.
    let label_chars = (layout.label_px / CHAR_PX - 1) as usize;
    let mut twins: BTreeMap<&str, Vec<&TableRow>> = BTreeMap::new();
    for row in &coverage.rows {
        twins.entry(row.name.as_str()).or_default().push(row);
    }
    for (r, row) in layout.shown.iter().enumerate() {
        let y = layout.top + r as i32 * ROW_PX;
        root.draw_text(
            &fit(&row_label(&twins, row), label_chars),
            &left,
            (MARGIN, y + ROW_PX / 2),
        )
        .map_err(err)?;
        for (c, cell) in row.cells.iter().enumerate() {
            let x = x0 + c as i32 * layout.col_px;
            let color = match cell {
                Cell::AllowedValue { .. } => ALLOWED,
                Cell::OtherValue { .. } => OTHER,
                Cell::NearMiss { .. } => NEAR_MISS,
                Cell::Missing => MISSING,
            };
            root.draw(&Rectangle::new(
                [(x, y), (x + layout.col_px - 1, y + ROW_PX - 1)],
                color.filled(),
            ))
            .map_err(err)?;
        }
    }

    if layout.hidden > 0 {
        let y = layout.top + layout.shown.len() as i32 * ROW_PX + 12;
        let line = format!(
            "… and {} more tables ({} of them compliant)",
            thousands(layout.hidden),
            thousands(layout.hidden_compliant)
        );
        root.draw_text(
            &line,
            &style(&AXIS).pos(Pos::new(HPos::Left, VPos::Center)),
            (MARGIN, y),
        )
        .map_err(err)?;
    }
    Ok(())
}

/// The table's name, with whichever of its region and account tells it apart from the
/// tables in `twins` (every row, by name) that share its name.
fn row_label(twins: &BTreeMap<&str, Vec<&TableRow>>, row: &TableRow) -> String {
    let same_name = twins.get(row.name.as_str()).map_or(&[][..], Vec::as_slice);
    if same_name.len() <= 1 {
        return row.name.clone();
    }
    let mut place = Vec::new();
    if same_name.iter().any(|r| r.region != row.region) && !row.region.is_empty() {
        place.push(row.region.as_str());
    }
    if same_name.iter().any(|r| r.account != row.account) && !row.account.is_empty() {
        place.push(row.account.as_str());
    }
    if place.is_empty() {
        return row.name.clone();
    }
    format!("{} · {}", row.name, place.join(" "))
}

// ---------------------------------------------------------------- text

/// Characters that would break the SVG's XML (controls) or let a name reorder or hide its
/// text (bidirectional overrides, zero-width marks).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// `text` made safe to draw and cut to at most `max_chars` characters ("…" marks a cut).
fn fit(text: &str, max_chars: usize) -> String {
    let clean: Vec<char> = text
        .chars()
        .map(|c| if is_unsafe(c) { '\u{fffd}' } else { c })
        .collect();
    if clean.len() <= max_chars {
        return clean.into_iter().collect();
    }
    let mut out: String = clean[..max_chars.saturating_sub(1)].iter().collect();
    out.push('…');
    out
}

/// Escapes text for an XML attribute value, and replaces unsafe characters.
fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Harmless in a quoted value; escaped as the report's HTML escapes them, so a
            // payload's `onerror=` never appears verbatim anywhere in a report.
            '=' => out.push_str("&#61;"),
            '`' => out.push_str("&#96;"),
            c if is_unsafe(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_and_cleans() {
        assert_eq!(fit("orders", 10), "orders");
        assert_eq!(fit("payments-ledger-prod", 10), "payments-…");
        assert_eq!(fit("a\u{202e}b\u{0}c", 10), "a\u{fffd}b\u{fffd}c");
        assert_eq!(
            escape_attr("<a href=\"x\">&'"),
            "&lt;a href&#61;&quot;x&quot;&gt;&amp;&apos;"
        );
    }
}
