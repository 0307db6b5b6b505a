//! The little Markdown the rule docs use, as HTML: `## ` headings, paragraphs, `- ` lists (one
//! line per item), fenced code blocks, `` `code` `` and `**bold**`. Everything else is text, escaped: a
//! re-opened report's docs are read from its JSON, so they are as hostile as any export string,
//! and no construct here can produce a tag, attribute or link from the text.

use crate::report::html::Html;

/// `doc` as HTML blocks; its `## ` headings become `<h4>` (the doc sits under a level-3
/// heading of the report).
pub fn render(out: &mut Html, doc: &str) {
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Vec<&str> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    for line in doc.lines() {
        if let Some(block) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                code_block(out, block);
                code = None;
            } else {
                block.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(out, &mut paragraph, &mut list);
            code = Some(Vec::new());
        } else if let Some(heading) = trimmed.strip_prefix("## ") {
            flush(out, &mut paragraph, &mut list);
            out.raw("<h4>");
            inline(out, heading);
            out.raw("</h4>\n");
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            if !paragraph.is_empty() {
                flush(out, &mut paragraph, &mut Vec::new());
            }
            list.push(item);
        } else if trimmed.is_empty() {
            flush(out, &mut paragraph, &mut list);
        } else {
            if !list.is_empty() {
                flush(out, &mut Vec::new(), &mut list);
            }
            paragraph.push(trimmed);
        }
    }
    if let Some(block) = code {
        code_block(out, &block);
    }
    flush(out, &mut paragraph, &mut list);
}

fn flush(out: &mut Html, paragraph: &mut Vec<&str>, list: &mut Vec<&str>) {
    if !paragraph.is_empty() {
        out.raw("<p>");
        inline(out, &paragraph.join(" "));
        out.raw("</p>\n");
        paragraph.clear();
    }
    if !list.is_empty() {
        out.raw("<ul>");
        for item in list.iter() {
            out.raw("<li>");
            inline(out, item);
            out.raw("</li>");
        }
        out.raw("</ul>\n");
        list.clear();
    }
}

fn code_block(out: &mut Html, lines: &[&str]) {
    out.raw("<pre><code>");
    out.text(&lines.join("\n"));
    out.raw("</code></pre>\n");
}

/// `` `code` `` and `**bold**` within a line; an unclosed marker is text.
fn inline(out: &mut Html, text: &str) {
    let mut rest = text;
    while !rest.is_empty() {
        let tick = rest.find('`');
        let bold = rest.find("**");
        match (tick, bold) {
            (Some(t), b) if b.is_none_or(|b| t < b) => {
                let after = &rest[t + 1..];
                match after.find('`') {
                    Some(end) => {
                        out.text(&rest[..t]);
                        out.raw("<code>");
                        out.text(&after[..end]);
                        out.raw("</code>");
                        rest = &after[end + 1..];
                    }
                    None => {
                        out.text(rest);
                        return;
                    }
                }
            }
            (_, Some(b)) => {
                let after = &rest[b + 2..];
                match after.find("**") {
                    Some(end) => {
                        out.text(&rest[..b]);
                        out.raw("<strong>");
                        out.text(&after[..end]);
                        out.raw("</strong>");
                        rest = &after[end + 2..];
                    }
                    None => {
                        out.text(rest);
                        return;
                    }
                }
            }
            _ => {
                out.text(rest);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(doc: &str) -> String {
        let mut out = Html::default();
        render(&mut out, doc);
        out.into_string()
    }

    #[test]
    fn the_docs_constructs() {
        let doc = "## What it does\nFinds `DeleteTable`\ncalls, **all** of them.\n\n- one `a`\n- two\n\n```json\n{\"a\": \"<b>\"}\n```\n## References\n";
        assert_eq!(
            html(doc),
            "<h4>What it does</h4>\n<p>Finds <code>DeleteTable</code> calls, <strong>all</strong> of them.</p>\n<ul><li>one <code>a</code></li><li>two</li></ul>\n<pre><code>{&quot;a&quot;: &quot;&lt;b&gt;&quot;}</code></pre>\n<h4>References</h4>\n"
        );
    }

    #[test]
    fn hostile_text_stays_text() {
        let page = html("<script>alert(1)</script> `<img src=x onerror=alert(1)>` **<b>** [x](javascript:alert(1)) `unclosed");
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(!page.contains("<b>"), "{page}");
        assert!(!page.contains("href"), "{page}");
        assert!(page.contains("&#96;unclosed"), "{page}");
    }
}
