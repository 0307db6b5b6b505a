//! Validation of SVG before it is embedded inline. Our charts escape their text (plotters'
//! SVG backend does), so their markup is ours alone; this check makes that a tested property
//! rather than a hope: only listed elements and attributes, no entity or CDATA tricks, no URL.

/// Why an SVG was not embedded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SvgError {
    #[error("the chart is not a single <svg> element")]
    NotSvg,
    #[error("the chart holds an element this report does not embed: <{0}>")]
    Element(String),
    #[error("the chart holds an attribute this report does not embed: {0}")]
    Attribute(String),
    #[error("the chart holds markup this report does not embed")]
    Markup,
}

const ELEMENTS: &[&str] = &[
    "svg", "g", "rect", "line", "polyline", "polygon", "path", "circle", "ellipse", "text",
    "tspan", "title", "desc",
];

const ATTRIBUTES: &[&str] = &[
    "aria-label",
    "class",
    "cx",
    "cy",
    "d",
    "dominant-baseline",
    "dx",
    "dy",
    "fill",
    "fill-opacity",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "height",
    "opacity",
    "points",
    "r",
    "role",
    "rx",
    "ry",
    "stroke",
    "stroke-dasharray",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
    "transform",
    "viewBox",
    "width",
    "x",
    "x1",
    "x2",
    "xmlns",
    "y",
    "y1",
    "y2",
];

/// `svg` itself when it is one `<svg>` element made only of the listed elements and
/// attributes, with attribute values free of `url(`, `javascript:` and markup, and text free of
/// `<` other than tags (so it is escaped) and of CDATA, comments and processing instructions.
pub fn checked(svg: &str) -> Result<&str, SvgError> {
    let trimmed = svg.trim();
    if !trimmed.starts_with("<svg") || !trimmed.ends_with("</svg>") {
        return Err(SvgError::NotSvg);
    }
    let mut rest = trimmed;
    while let Some(start) = rest.find('<') {
        // Text between tags: escaped, so never a bare `>`.
        if rest[..start].contains('>') {
            return Err(SvgError::Markup);
        }
        let after = &rest[start + 1..];
        let end = after.find('>').ok_or(SvgError::Markup)?;
        check_tag(&after[..end])?;
        rest = &after[end + 1..];
    }
    if rest.contains('>') {
        return Err(SvgError::Markup);
    }
    Ok(svg)
}

/// Appends a [`checked`] SVG to `out` with `=` and `` ` `` in its text (between tags)
/// written as character references, as [`super::escape`] writes them everywhere else: the
/// chart libraries escape only `< > & " '`, and a table name's `onerror=` then never appears
/// verbatim in the report. Tags are copied as they are ([`checked`] keeps `<` and `>` out of
/// attribute values, so a `>` always ends a tag).
pub fn push_text_escaped(out: &mut String, svg: &str) {
    let mut in_tag = false;
    for c in svg.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            '=' if !in_tag => {
                out.push_str("&#61;");
                continue;
            }
            '`' if !in_tag => {
                out.push_str("&#96;");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
}

fn check_tag(tag: &str) -> Result<(), SvgError> {
    let tag = tag.strip_suffix('/').unwrap_or(tag);
    if let Some(name) = tag.strip_prefix('/') {
        return element(name.trim());
    }
    let name_end = tag
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(tag.len());
    element(&tag[..name_end])?;
    let mut attrs = tag[name_end..].trim_start();
    while !attrs.is_empty() {
        let eq = attrs.find('=').ok_or(SvgError::Markup)?;
        let name = &attrs[..eq];
        if !ATTRIBUTES.contains(&name) {
            return Err(SvgError::Attribute(name.to_string()));
        }
        let value_part = &attrs[eq + 1..];
        let value_part = value_part.strip_prefix('"').ok_or(SvgError::Markup)?;
        let close = value_part.find('"').ok_or(SvgError::Markup)?;
        let value = value_part[..close].to_ascii_lowercase();
        if value.contains("url(") || value.contains("javascript:") || value.contains('<') {
            return Err(SvgError::Attribute(name.to_string()));
        }
        attrs = value_part[close + 1..].trim_start();
    }
    Ok(())
}

fn element(name: &str) -> Result<(), SvgError> {
    if ELEMENTS.contains(&name) {
        Ok(())
    } else {
        Err(SvgError::Element(name.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::overview::Overview;
    use crate::charts::timeline::timeline_svg;

    #[test]
    fn our_timeline_passes() {
        let svg = timeline_svg(&Overview::default(), 600, 200);
        assert_eq!(checked(&svg), Ok(svg.as_str()));
    }

    #[test]
    fn our_posture_charts_pass() {
        use crate::analysis::config_history::{ChangeBucket, ConfigHistory};
        use crate::charts::compliance::compliance_svg;
        use crate::charts::config_changes::config_changes_svg;
        let history = ConfigHistory {
            bucket_secs: 3600,
            bucket_label: "1 hour".into(),
            buckets: vec![
                ChangeBucket {
                    start_ms: 0,
                    counts: [1, 0, 2, 0, 0, 1, 0, 3],
                },
                ChangeBucket {
                    start_ms: 3_600_000,
                    counts: [0; 8],
                },
            ],
            ..ConfigHistory::default()
        };
        let svg = config_changes_svg(&history, 960, 260);
        assert_eq!(checked(&svg), Ok(svg.as_str()));
        let compliance = crate::analysis::compliance::compliance(
            &crate::Model::default(),
            &crate::compliance::Params::default(),
        );
        let svg = compliance_svg(&compliance, 960);
        assert_eq!(checked(&svg), Ok(svg.as_str()));
    }

    #[test]
    fn plotters_escapes_hostile_text_and_the_result_passes() {
        use plotters::prelude::*;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (200, 100)).into_drawing_area();
            let style = TextStyle::from(("sans-serif", 12).into_font());
            root.draw_text("<script>alert(1)</script>\"'&", &style, (5, 5))
                .unwrap();
            root.present().unwrap();
        }
        assert!(!svg.contains("<script"), "{svg}");
        assert_eq!(checked(&svg), Ok(svg.as_str()));
    }

    #[test]
    fn text_equals_are_escaped_and_tags_kept() {
        let mut out = String::new();
        push_text_escaped(&mut out, "<svg x=\"1\"><text y=\"2\">a=b `c`</text></svg>");
        assert_eq!(
            out,
            "<svg x=\"1\"><text y=\"2\">a&#61;b &#96;c&#96;</text></svg>"
        );
    }

    #[test]
    fn hostile_markup_is_refused() {
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=\"alert(1)\"></svg>",
            "<svg><image href=\"https://x/\"/></svg>",
            "<svg><rect fill=\"url(https://x/#a)\"/></svg>",
            "<svg><a xlink:href=\"javascript:alert(1)\"></a></svg>",
            "<svg><foreignObject></foreignObject></svg>",
            "<svg><![CDATA[ x ]]></svg>",
            "<svg><!-- x --></svg>",
            "<svg><rect style=\"x\"/></svg>",
            "<svg><rect x=1/></svg>",
            "<svg><text>a > b</text></svg>",
            "<div></div>",
        ] {
            assert!(checked(bad).is_err(), "{bad}");
        }
    }
}
