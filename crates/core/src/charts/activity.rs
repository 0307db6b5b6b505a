//! The activity timeline: events per bucket as stacked bars, one colour per series (control
//! plane, data read, data write, streams, other, errors), with a legend.
//!
//! Laid out by hand like [`super::timeline`], for the same reasons: no text is measured (the
//! legend's places come from a fixed width per character), so it draws in a worker and gives
//! the same bytes everywhere. The page zooms by dragging over the plot: [`time_at`] turns a
//! position on the chart into a time with the same layout the chart was drawn with.
//!
//! ```
//! use ddb_lens_core::analysis::activity::{ActivityBucket, ActivitySummary};
//! use ddb_lens_core::charts::activity::{activity_svg, time_at, PLOT_LEFT_PX};
//! let summary = ActivitySummary {
//!     events: 3,
//!     bucket_secs: 60,
//!     bucket_label: "1 minute".into(),
//!     buckets: vec![ActivityBucket { start_ms: 0, read: 2, errors: 1, ..Default::default() }],
//!     ..Default::default()
//! };
//! let svg = activity_svg(&summary, 600, 200);
//! assert!(svg.contains("data read"));
//! assert_eq!(time_at(&summary, 600, PLOT_LEFT_PX as f64), Some(0));
//! ```

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::analysis::activity::{ActivityBucket, ActivitySummary};
use crate::charts::timeline::{date_label, label_stride, nice_scale};
use crate::ingest::thousands;
use crate::time::format_iso_ms;

/// Left edge of the plot area, in the chart's pixels (room for the y labels).
pub const PLOT_LEFT_PX: i32 = 64;
/// Space right of the plot area.
pub const PLOT_RIGHT_MARGIN_PX: i32 = 16;
/// The legend's row sits above the plot.
const MARGIN_TOP: i32 = 34;
const MARGIN_BOTTOM: i32 = 36;
const GRID: RGBColor = RGBColor(0xdd, 0xe2, 0xe8);
const AXIS: RGBColor = RGBColor(0x55, 0x5f, 0x6d);
const FONT: &str = "sans-serif";
/// plotters' SVG backend writes `font-size` as this / 1.24; this gives 12 px text.
const FONT_SIZE: f64 = 12.0 * 1.24;
/// A generous average advance of 12 px sans-serif text, for the legend's layout.
const CHAR_WIDTH_PX: i32 = 7;

/// The series, bottom to top, with their colours (distinguishable in the common colour-vision
/// deficiencies: blue, orange, purple, teal, grey and a dark red) and legend labels.
const SERIES: [(&str, RGBColor); 6] = [
    ("control plane", RGBColor(0x6a, 0x3d, 0x9a)),
    ("data read", RGBColor(0x2f, 0x6f, 0xb0)),
    ("data write", RGBColor(0xe0, 0x8a, 0x1e)),
    ("streams", RGBColor(0x1b, 0x9e, 0x8a)),
    ("other", RGBColor(0x9a, 0xa5, 0xb1)),
    ("errors", RGBColor(0xb3, 0x26, 0x1e)),
];

fn series_counts(bucket: &ActivityBucket) -> [u64; 6] {
    [
        bucket.control,
        bucket.read,
        bucket.write,
        bucket.streams,
        bucket.other,
        bucket.errors,
    ]
}

/// The summary's timeline as a standalone `<svg>` of `width`×`height` pixels. Holds only
/// numbers, dates and fixed labels, never strings from an export.
pub fn activity_svg(summary: &ActivitySummary, width: u32, height: u32) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        // Drawing into a String cannot fail; a failure would only mean a blank chart.
        let _ = draw(&root, summary, width as i32, height as i32);
        let _ = root.present();
    }
    let label = aria_label(summary);
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"activity-chart\" "),
        1,
    )
}

fn aria_label(summary: &ActivitySummary) -> String {
    match (summary.buckets.first(), summary.buckets.last()) {
        (Some(first), Some(last)) => format!(
            "{} events per {} from {} to {}, stacked by control plane, data read, data write, streams, other and errors",
            thousands(summary.events),
            summary.bucket_label,
            format_iso_ms(first.start_ms),
            format_iso_ms(last.start_ms + summary.bucket_secs * 1000)
        ),
        _ => "No events match".to_string(),
    }
}

/// The time at `x_px` (in the chart's own pixels, for a chart drawn `width` wide) over the
/// summary's buckets, clamped to the plotted span; `None` when nothing is plotted.
pub fn time_at(summary: &ActivitySummary, width: u32, x_px: f64) -> Option<i64> {
    let first = summary.buckets.first()?;
    let bucket_ms = summary.bucket_secs * 1000;
    let span_ms = summary.buckets.len() as i64 * bucket_ms;
    let (x0, x1) = plot_span(width as i32);
    let fraction = ((x_px - f64::from(x0)) / f64::from(x1 - x0)).clamp(0.0, 1.0);
    Some(first.start_ms + (fraction * span_ms as f64).round() as i64)
}

/// Left and right edges of the plot area of a chart `width` wide.
pub fn plot_span(width: i32) -> (i32, i32) {
    (
        PLOT_LEFT_PX,
        (width - PLOT_RIGHT_MARGIN_PX).max(PLOT_LEFT_PX + 1),
    )
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(root: &Area<'_>, summary: &ActivitySummary, width: i32, height: i32) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (x0, x1) = plot_span(width);
    let (y0, y1) = (MARGIN_TOP, height - MARGIN_BOTTOM);
    let label_style = TextStyle::from((FONT, FONT_SIZE).into_font()).color(&AXIS);

    // Legend: a swatch and a label per series, left to right.
    let legend_text = label_style.pos(Pos::new(HPos::Left, VPos::Center));
    let mut x = x0;
    for (label, colour) in SERIES {
        root.draw(&Rectangle::new([(x, 9), (x + 12, 21)], colour.filled()))
            .map_err(err)?;
        root.draw_text(label, &legend_text, (x + 17, 15))
            .map_err(err)?;
        x += 17 + label.len() as i32 * CHAR_WIDTH_PX + 18;
    }

    if summary.buckets.is_empty() {
        let centre = label_style.pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text("No events match", &centre, ((x0 + x1) / 2, (y0 + y1) / 2))
            .map_err(err)?;
        return Ok(());
    }
    let peak = summary
        .buckets
        .iter()
        .map(ActivityBucket::total)
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

    let n = summary.buckets.len() as f64;
    let slot = f64::from(x1 - x0) / n;
    let gap = if slot >= 4.0 { 1.0 } else { 0.0 };
    for (i, bucket) in summary.buckets.iter().enumerate() {
        let left = x0 + (i as f64 * slot).round() as i32;
        let right = (x0 + ((i as f64 + 1.0) * slot - gap).round() as i32).max(left + 1);
        let mut below = 0u64;
        for ((_, colour), count) in SERIES.iter().zip(series_counts(bucket)) {
            if count == 0 {
                continue;
            }
            let (bottom, top) = (y_of(below), y_of(below + count));
            below += count;
            // A series too small for a pixel still shows as one.
            let top = top.min(bottom - 1);
            root.draw(&Rectangle::new(
                [(left, top), (right, bottom)],
                colour.filled(),
            ))
            .map_err(err)?;
        }
    }

    root.draw(&PathElement::new(vec![(x0, y1), (x1, y1)], AXIS))
        .map_err(err)?;
    let top_label = label_style.pos(Pos::new(HPos::Center, VPos::Top));
    let label_every = label_stride(summary.buckets.len(), f64::from(x1 - x0));
    for (i, bucket) in summary.buckets.iter().enumerate().step_by(label_every) {
        let x = x0 + (i as f64 * slot).round() as i32;
        root.draw(&PathElement::new(vec![(x, y1), (x, y1 + 4)], AXIS))
            .map_err(err)?;
        let text = date_label(bucket.start_ms, summary.bucket_secs);
        root.draw_text(&text, &top_label, (x, y1 + 8))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> ActivitySummary {
        ActivitySummary {
            events: 16,
            bucket_secs: 3600,
            bucket_label: "1 hour".into(),
            buckets: vec![
                ActivityBucket {
                    start_ms: 1_772_323_200_000,
                    control: 1,
                    read: 4,
                    write: 2,
                    errors: 1,
                    ..ActivityBucket::default()
                },
                ActivityBucket {
                    start_ms: 1_772_326_800_000,
                    ..ActivityBucket::default()
                },
                ActivityBucket {
                    start_ms: 1_772_330_400_000,
                    streams: 3,
                    other: 5,
                    ..ActivityBucket::default()
                },
            ],
            ..ActivitySummary::default()
        }
    }

    #[test]
    fn one_rectangle_per_non_empty_series_and_a_legend() {
        let svg = activity_svg(&summary(), 600, 220);
        // Background, six legend swatches, 4 + 2 stacked segments.
        assert_eq!(svg.matches("<rect").count(), 1 + 6 + 6, "{svg}");
        for (label, _) in SERIES {
            assert!(svg.contains(&format!("\n{label}\n")), "{label}: {svg}");
        }
        assert!(
            svg.contains("16 events per 1 hour from 2026-03-01T00:00:00Z to 2026-03-01T03:00:00Z")
        );
        assert!(svg.contains("\n03-01 00:00\n"), "{svg}");
        assert!(svg.contains("fill=\"#B3261E\""), "errors drawn: {svg}");
    }

    #[test]
    fn stacks_add_up_to_the_bucket_total() {
        // The first bucket's 8 events reach the top grid line of a 0..8 scale.
        let svg = activity_svg(&summary(), 600, 220);
        assert!(svg.contains("\n8\n"), "{svg}");
    }

    #[test]
    fn empty_summary_says_so_and_same_input_same_bytes() {
        let svg = activity_svg(&ActivitySummary::default(), 600, 200);
        assert!(svg.contains("No events match"));
        assert_eq!(
            activity_svg(&summary(), 600, 200),
            activity_svg(&summary(), 600, 200)
        );
    }

    #[test]
    fn time_at_maps_the_plot_area_onto_the_buckets() {
        let s = summary();
        let (x0, x1) = plot_span(600);
        assert_eq!(time_at(&s, 600, f64::from(x0)), Some(1_772_323_200_000));
        assert_eq!(
            time_at(&s, 600, f64::from(x1)),
            Some(1_772_323_200_000 + 3 * 3_600_000)
        );
        assert_eq!(
            time_at(&s, 600, f64::from(x0 + x1) / 2.0),
            Some(1_772_323_200_000 + 3 * 1_800_000)
        );
        assert_eq!(time_at(&s, 600, -50.0), Some(1_772_323_200_000));
        assert_eq!(time_at(&ActivitySummary::default(), 600, 100.0), None);
    }
}
