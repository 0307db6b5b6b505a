//! Configuration changes over time across tables, as stacked SVG bars, one colour per kind of
//! change. Drawn like [`super::timeline`]: a plain drawing area laid out by hand, no text
//! measured, the same bytes everywhere. Holds only numbers, dates and fixed labels, never
//! strings from an export.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::timeline::{date_label, label_stride, nice_scale, AXIS, FONT, FONT_SIZE, GRID};
use crate::analysis::config_history::{ChangeCategory, ConfigHistory};
use crate::ingest::thousands;
use crate::time::format_iso_ms;

const MARGIN_LEFT: i32 = 48;
const MARGIN_RIGHT: i32 = 16;
const MARGIN_TOP: i32 = 12;
const MARGIN_BOTTOM: i32 = 36;
/// Height of one legend row, and the width given to each entry.
const LEGEND_ROW: i32 = 20;
const LEGEND_ENTRY: i32 = 150;

/// One colour per [`ChangeCategory::ALL`] entry (Okabe–Ito, told apart with colour blindness).
const COLOURS: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0x55, 0x55, 0x55),
    RGBColor(0xa0, 0xa0, 0xa0),
];

/// The chart as a standalone `<svg>` of `width`×`height` pixels.
pub fn config_changes_svg(history: &ConfigHistory, width: u32, height: u32) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        // Drawing into a String cannot fail; a failure would only mean a blank chart.
        let _ = draw(&root, history, width as i32, height as i32);
        let _ = root.present();
    }
    let label = aria_label(history);
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"config-changes\" "),
        1,
    )
}

fn aria_label(history: &ConfigHistory) -> String {
    match (history.buckets.first(), history.buckets.last()) {
        (Some(first), Some(last)) => {
            let total: u64 = history.buckets.iter().flat_map(|b| b.counts).sum();
            format!(
                "Configuration changes per {} from {} to {}; {} changes",
                history.bucket_label,
                format_iso_ms(first.start_ms),
                format_iso_ms(last.start_ms),
                thousands(total)
            )
        }
        _ => "No configuration changes loaded".to_string(),
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(root: &Area<'_>, history: &ConfigHistory, width: i32, height: i32) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let label_style = TextStyle::from((FONT, FONT_SIZE).into_font()).color(&AXIS);
    let (x0, x1) = (MARGIN_LEFT, width - MARGIN_RIGHT);
    if history.buckets.is_empty() {
        let centre = label_style.pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text(
            "No configuration changes loaded",
            &centre,
            ((x0 + x1) / 2, height / 2),
        )
        .map_err(err)?;
        return Ok(());
    }
    // Legend: the categories present, in stacking order, wrapped to the width.
    let present: Vec<usize> = (0..ChangeCategory::ALL.len())
        .filter(|&i| history.buckets.iter().any(|b| b.counts[i] > 0))
        .collect();
    let per_row = ((x1 - x0) / LEGEND_ENTRY).max(1) as usize;
    let legend_rows = present.len().div_ceil(per_row) as i32;
    let left_label = label_style.pos(Pos::new(HPos::Left, VPos::Center));
    for (n, &i) in present.iter().enumerate() {
        let x = x0 + (n % per_row) as i32 * LEGEND_ENTRY;
        let y = MARGIN_TOP + (n / per_row) as i32 * LEGEND_ROW + LEGEND_ROW / 2;
        root.draw(&Rectangle::new(
            [(x, y - 5), (x + 10, y + 5)],
            COLOURS[i].filled(),
        ))
        .map_err(err)?;
        root.draw_text(ChangeCategory::ALL[i].label(), &left_label, (x + 14, y))
            .map_err(err)?;
    }
    let y0 = MARGIN_TOP + legend_rows * LEGEND_ROW + 8;
    let y1 = height - MARGIN_BOTTOM;
    if y1 <= y0 {
        return Ok(());
    }
    let peak = history
        .buckets
        .iter()
        .map(|b| b.counts.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let (y_max, y_step) = nice_scale(peak);
    let y_of =
        |value: u64| y1 - ((value as f64 / y_max as f64) * f64::from(y1 - y0)).round() as i32;

    let right_label = label_style.pos(Pos::new(HPos::Right, VPos::Center));
    let mut value = 0;
    while value <= y_max {
        let y = y_of(value);
        root.draw(&PathElement::new(vec![(x0, y), (x1, y)], GRID))
            .map_err(err)?;
        root.draw_text(&thousands(value), &right_label, (x0 - 6, y))
            .map_err(err)?;
        value += y_step;
    }

    let n = history.buckets.len() as f64;
    let slot = f64::from(x1 - x0) / n;
    let gap = if slot >= 6.0 { 2.0 } else { 0.0 };
    for (b, bucket) in history.buckets.iter().enumerate() {
        let left = x0 + (b as f64 * slot).round() as i32;
        let right = (x0 + ((b as f64 + 1.0) * slot - gap).round() as i32).max(left + 1);
        let mut base = 0u64;
        for (i, &count) in bucket.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let top = base + count;
            root.draw(&Rectangle::new(
                [(left, y_of(top)), (right, y_of(base))],
                COLOURS[i].filled(),
            ))
            .map_err(err)?;
            base = top;
        }
    }

    root.draw(&PathElement::new(vec![(x0, y1), (x1, y1)], AXIS))
        .map_err(err)?;
    let top_label = label_style.pos(Pos::new(HPos::Center, VPos::Top));
    let every = label_stride(history.buckets.len(), f64::from(x1 - x0));
    for (b, bucket) in history.buckets.iter().enumerate().step_by(every) {
        let x = x0 + (b as f64 * slot).round() as i32;
        root.draw(&PathElement::new(vec![(x, y1), (x, y1 + 4)], AXIS))
            .map_err(err)?;
        root.draw_text(
            &date_label(bucket.start_ms, history.bucket_secs),
            &top_label,
            (x, y1 + 8),
        )
        .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::config_history::ChangeBucket;

    fn sample() -> ConfigHistory {
        ConfigHistory {
            bucket_secs: 86_400,
            bucket_label: "1 day".into(),
            buckets: vec![
                ChangeBucket {
                    start_ms: 1_772_323_200_000,
                    counts: [1, 2, 0, 0, 0, 3, 0, 0],
                },
                ChangeBucket {
                    start_ms: 1_772_409_600_000,
                    counts: [0; 8],
                },
                ChangeBucket {
                    start_ms: 1_772_496_000_000,
                    counts: [0, 0, 1, 0, 0, 0, 0, 0],
                },
            ],
            ..ConfigHistory::default()
        }
    }

    #[test]
    fn stacks_a_segment_per_category_with_a_legend() {
        let svg = config_changes_svg(&sample(), 700, 260);
        assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
        assert!(svg.contains("7 changes"), "{svg}");
        // Background, four legend swatches, four bar segments.
        assert_eq!(svg.matches("<rect").count(), 9, "{svg}");
        assert!(svg.contains("\nDeletion protection\n"), "{svg}");
        assert!(!svg.contains("\nStream\n"), "{svg}");
        assert!(svg.contains("\n2026-03-01\n"), "{svg}");
    }

    #[test]
    fn empty_history_says_so_and_output_is_stable() {
        let empty = config_changes_svg(&ConfigHistory::default(), 600, 200);
        assert!(empty.contains("No configuration changes loaded"));
        assert_eq!(
            config_changes_svg(&sample(), 600, 200),
            config_changes_svg(&sample(), 600, 200)
        );
    }
}
