//! Events per time bucket as an SVG bar chart.
//!
//! Drawn on a plain plotters drawing area with our own axis layout, not `ChartBuilder`'s mesh:
//! the mesh measures label text, which plotters does in wasm through `window` and a styled
//! `<span>` — unavailable in a worker, blocked by the page's CSP, and different from browser to
//! browser, while a report must come out byte-identical from the page and the CLI.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::analysis::overview::Overview;
use crate::ingest::thousands;
use crate::time::format_iso_ms;

const MARGIN_LEFT: i32 = 64;
const MARGIN_RIGHT: i32 = 16;
const MARGIN_TOP: i32 = 12;
const MARGIN_BOTTOM: i32 = 36;
const BAR: RGBColor = RGBColor(0x2f, 0x6f, 0xb0);
pub(crate) const GRID: RGBColor = RGBColor(0xdd, 0xe2, 0xe8);
pub(crate) const AXIS: RGBColor = RGBColor(0x55, 0x5f, 0x6d);
pub(crate) const FONT: &str = "sans-serif";
/// plotters' SVG backend writes `font-size` as this / 1.24; this gives 12 px text.
pub(crate) const FONT_SIZE: f64 = 12.0 * 1.24;

/// The overview's timeline as a standalone `<svg>` of `width`×`height` pixels. Holds only
/// numbers and dates, never strings from an export.
pub fn timeline_svg(overview: &Overview, width: u32, height: u32) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        // Drawing into a String cannot fail; a failure would only mean a blank chart.
        let _ = draw(&root, overview, width as i32, height as i32);
        let _ = root.present();
    }
    let label = aria_label(overview);
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"timeline\" "),
        1,
    )
}

fn aria_label(overview: &Overview) -> String {
    match (&overview.time_first, &overview.time_last) {
        (Some(first), Some(last)) => {
            let peak = overview.buckets.iter().map(|b| b.count).max().unwrap_or(0);
            format!(
                "Events per {} from {first} to {last}; busiest bucket {} events",
                overview.bucket_label,
                thousands(peak)
            )
        }
        _ => "No events loaded".to_string(),
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(root: &Area<'_>, overview: &Overview, width: i32, height: i32) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (x0, x1) = (MARGIN_LEFT, width - MARGIN_RIGHT);
    let (y0, y1) = (MARGIN_TOP, height - MARGIN_BOTTOM);
    let label_style = TextStyle::from((FONT, FONT_SIZE).into_font()).color(&AXIS);
    if overview.buckets.is_empty() {
        let centre = label_style.pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text("No events loaded", &centre, ((x0 + x1) / 2, (y0 + y1) / 2))
            .map_err(err)?;
        return Ok(());
    }
    let peak = overview.buckets.iter().map(|b| b.count).max().unwrap_or(0);
    let (y_max, y_step) = nice_scale(peak);
    let y_of =
        |value: u64| y1 - ((value as f64 / y_max as f64) * f64::from(y1 - y0)).round() as i32;

    // Horizontal grid and y labels.
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

    // Bars.
    let n = overview.buckets.len() as f64;
    let slot = f64::from(x1 - x0) / n;
    let gap = if slot >= 4.0 { 1.0 } else { 0.0 };
    for (i, bucket) in overview.buckets.iter().enumerate() {
        if bucket.count == 0 {
            continue;
        }
        let left = x0 + (i as f64 * slot).round() as i32;
        let right = (x0 + ((i as f64 + 1.0) * slot - gap).round() as i32).max(left + 1);
        root.draw(&Rectangle::new(
            [(left, y_of(bucket.count)), (right, y1)],
            BAR.filled(),
        ))
        .map_err(err)?;
    }

    // X axis with date labels on evenly spaced buckets.
    root.draw(&PathElement::new(vec![(x0, y1), (x1, y1)], AXIS))
        .map_err(err)?;
    let top_label = label_style.pos(Pos::new(HPos::Center, VPos::Top));
    let label_every = label_stride(overview.buckets.len(), f64::from(x1 - x0));
    for (i, bucket) in overview.buckets.iter().enumerate().step_by(label_every) {
        let x = x0 + (i as f64 * slot).round() as i32;
        root.draw(&PathElement::new(vec![(x, y1), (x, y1 + 4)], AXIS))
            .map_err(err)?;
        let text = date_label(bucket.start_ms, overview.bucket_secs);
        root.draw_text(&text, &top_label, (x, y1 + 8))
            .map_err(err)?;
    }
    Ok(())
}

/// A round axis maximum ≥ `peak` and the step between its 4–5 grid lines (1, 2 or 5 × 10^k).
pub(crate) fn nice_scale(peak: u64) -> (u64, u64) {
    let peak = peak.max(1);
    let mut step = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let candidate = step * factor;
            if candidate * 5 >= peak {
                let max = peak.div_ceil(candidate) * candidate;
                return (max, candidate);
            }
        }
        step *= 10;
    }
}

/// Label every n-th bucket so labels (about 90 px each) do not overlap.
pub(crate) fn label_stride(buckets: usize, plot_width: f64) -> usize {
    let max_labels = (plot_width / 90.0).floor().max(1.0) as usize;
    buckets.div_ceil(max_labels).max(1)
}

/// "2026-03-01" for day-sized buckets and larger, "03-01 12:00" below.
pub(crate) fn date_label(start_ms: i64, bucket_secs: i64) -> String {
    let iso = format_iso_ms(start_ms);
    if bucket_secs >= 86_400 {
        iso[..10].to_string()
    } else {
        format!("{} {}", &iso[5..10], &iso[11..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::overview::Bucket;

    fn sample_overview() -> Overview {
        Overview {
            events: 60,
            time_first: Some("2026-03-01T00:00:00Z".into()),
            time_last: Some("2026-03-01T02:59:00Z".into()),
            bucket_secs: 3600,
            bucket_label: "1 hour".into(),
            buckets: vec![
                Bucket {
                    start_ms: 1_772_323_200_000,
                    count: 10,
                },
                Bucket {
                    start_ms: 1_772_326_800_000,
                    count: 0,
                },
                Bucket {
                    start_ms: 1_772_330_400_000,
                    count: 50,
                },
            ],
            ..Overview::default()
        }
    }

    #[test]
    fn draws_a_bar_per_non_empty_bucket_with_labels() {
        let svg = timeline_svg(&sample_overview(), 600, 200);
        assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
        assert!(svg.contains("busiest bucket 50 events"));
        // Two bars (the empty hour draws none) plus the white background rectangle.
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert!(svg.contains("\n03-01 00:00\n"), "{svg}");
        assert!(svg.contains("\n50\n"), "{svg}");
        assert!(svg.contains("font-size=\"12\""), "{svg}");
    }

    #[test]
    fn empty_overview_says_so() {
        let svg = timeline_svg(&Overview::default(), 600, 200);
        assert!(svg.contains("No events loaded"));
    }

    #[test]
    fn same_input_same_bytes() {
        assert_eq!(
            timeline_svg(&sample_overview(), 600, 200),
            timeline_svg(&sample_overview(), 600, 200)
        );
    }

    #[test]
    fn scales_are_round() {
        assert_eq!(nice_scale(0), (1, 1));
        assert_eq!(nice_scale(7), (8, 2));
        assert_eq!(nice_scale(50), (50, 10));
        assert_eq!(nice_scale(1234), (1500, 500));
    }
}
