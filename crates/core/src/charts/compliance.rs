//! Per-check pass percentages as horizontal SVG bars: ddb-lens's, and under it AWS Config's
//! where it evaluated the same tables. Drawn like [`super::timeline`]: laid out by hand, no
//! text measured, the same bytes everywhere. Labels are check ids and numbers, never strings
//! from an export.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::timeline::{AXIS, FONT, FONT_SIZE, GRID};
use crate::analysis::compliance::Compliance;

/// Room for the longest check id at 12 px (42 characters of about 6.6 px).
const LABEL_WIDTH: i32 = 290;
/// Room for "100.0% (1,234/1,234)" after the bar.
const VALUE_WIDTH: i32 = 130;
const MARGIN_TOP: i32 = 12;
const LEGEND_HEIGHT: i32 = 28;
const ROW: i32 = 34;
const BAR_DDB_LENS: RGBColor = RGBColor(0x2f, 0x6f, 0xb0);
const BAR_CONFIG: RGBColor = RGBColor(0xe6, 0x9f, 0x00);

/// The chart's height for `compliance`: one row per check.
pub fn compliance_chart_height(compliance: &Compliance) -> u32 {
    (MARGIN_TOP + compliance.summaries.len() as i32 * ROW + LEGEND_HEIGHT + 8) as u32
}

/// The chart as a standalone `<svg>`, `width` pixels wide and
/// [`compliance_chart_height`] high.
pub fn compliance_svg(compliance: &Compliance, width: u32) -> String {
    let height = compliance_chart_height(compliance);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        // Drawing into a String cannot fail; a failure would only mean a blank chart.
        let _ = draw(&root, compliance, width as i32);
        let _ = root.present();
    }
    let evaluated = compliance
        .summaries
        .iter()
        .filter(|s| s.evaluated > 0)
        .count();
    let label = format!(
        "Share of evaluated tables passing each of {} checks; {evaluated} checks evaluated at least one table",
        compliance.summaries.len()
    );
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"compliance-chart\" "),
        1,
    )
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(root: &Area<'_>, compliance: &Compliance, width: i32) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let style = TextStyle::from((FONT, FONT_SIZE).into_font()).color(&AXIS);
    let right = style.pos(Pos::new(HPos::Right, VPos::Center));
    let left = style.pos(Pos::new(HPos::Left, VPos::Center));
    let x0 = LABEL_WIDTH;
    let x1 = (width - VALUE_WIDTH).max(x0 + 40);
    let x_of = |percent: f64| x0 + ((percent / 100.0) * f64::from(x1 - x0)).round() as i32;
    let y_top = MARGIN_TOP;
    let y_bottom = MARGIN_TOP + compliance.summaries.len() as i32 * ROW;
    for percent in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let x = x_of(percent);
        root.draw(&PathElement::new(vec![(x, y_top), (x, y_bottom)], GRID))
            .map_err(err)?;
    }
    for (i, s) in compliance.summaries.iter().enumerate() {
        let y = MARGIN_TOP + i as i32 * ROW;
        root.draw_text(&s.check_id, &right, (x0 - 8, y + 12))
            .map_err(err)?;
        match s.pass_percent {
            Some(p) => {
                root.draw(&Rectangle::new(
                    [(x0, y + 6), (x_of(p).max(x0 + 1), y + 18)],
                    BAR_DDB_LENS.filled(),
                ))
                .map_err(err)?;
                root.draw_text(
                    &format!("{p:.1}% ({}/{})", s.pass, s.evaluated),
                    &left,
                    (x1 + 6, y + 12),
                )
                .map_err(err)?;
            }
            None => {
                root.draw_text("no table evaluated", &left, (x0 + 4, y + 12))
                    .map_err(err)?;
            }
        }
        if let Some(p) = s.config_percent {
            root.draw(&Rectangle::new(
                [(x0, y + 21), (x_of(p).max(x0 + 1), y + 27)],
                BAR_CONFIG.filled(),
            ))
            .map_err(err)?;
            let total = s.config_compliant + s.config_non_compliant;
            root.draw_text(
                &format!("{p:.1}% ({}/{total})", s.config_compliant),
                &left,
                (x1 + 6, y + 25),
            )
            .map_err(err)?;
        }
    }
    root.draw(&PathElement::new(vec![(x0, y_top), (x0, y_bottom)], AXIS))
        .map_err(err)?;
    let below = style.pos(Pos::new(HPos::Center, VPos::Top));
    for percent in [0.0, 50.0, 100.0] {
        root.draw_text(
            &format!("{percent:.0}%"),
            &below,
            (x_of(percent), y_bottom + 2),
        )
        .map_err(err)?;
    }
    let ly = y_bottom + LEGEND_HEIGHT / 2 + 6;
    root.draw(&Rectangle::new(
        [(x0, ly - 5), (x0 + 10, ly + 5)],
        BAR_DDB_LENS.filled(),
    ))
    .map_err(err)?;
    root.draw_text("ddb-lens", &left, (x0 + 14, ly))
        .map_err(err)?;
    root.draw(&Rectangle::new(
        [(x0 + 110, ly - 3), (x0 + 120, ly + 3)],
        BAR_CONFIG.filled(),
    ))
    .map_err(err)?;
    root.draw_text("AWS Config", &left, (x0 + 124, ly))
        .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compliance::compliance;
    use crate::compliance::Params;

    #[test]
    fn one_row_per_check_even_without_tables() {
        let c = compliance(&crate::Model::default(), &Params::default());
        let svg = compliance_svg(&c, 800);
        assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
        assert_eq!(svg.matches("no table evaluated").count(), 9, "{svg}");
        assert!(
            svg.contains("\ndynamodb-table-deletion-protection-enabled\n"),
            "{svg}"
        );
        assert_eq!(svg, compliance_svg(&c, 800));
    }

    #[test]
    fn bars_carry_their_fraction() {
        let mut c = compliance(&crate::Model::default(), &Params::default());
        let s = &mut c.summaries[0];
        (s.pass, s.fail, s.evaluated, s.pass_percent) = (2, 1, 3, Some(66.7));
        (s.config_compliant, s.config_non_compliant, s.config_percent) = (1, 1, Some(50.0));
        let svg = compliance_svg(&c, 800);
        assert!(svg.contains("\n66.7% (2/3)\n"), "{svg}");
        assert!(svg.contains("\n50.0% (1/2)\n"), "{svg}");
    }
}
