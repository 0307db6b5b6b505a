#!/usr/bin/env python3
"""Trunk post_build hook: pin ddb-lens's inline <script> elements in the CSP.

Trunk writes its loader as an inline <script type="module"> into index.html.
The Content-Security-Policy <meta> tag in index.html carries the placeholder
__TRUNK_INLINE_HASH__ where the hashes of inline scripts belong, e.g.

    <meta http-equiv="Content-Security-Policy"
          content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval' __TRUNK_INLINE_HASH__">

This script reads $TRUNK_STAGING_DIR/index.html, computes 'sha256-<base64>' of
the exact text of every <script> element that has no src attribute, and puts
those (space separated) in place of the placeholder. With no inline script the
placeholder is simply removed. A missing placeholder is an error: the CSP would
otherwise block Trunk's loader and the app would silently never start.

Usage:
    python3 scripts/csp-hash.py                 # as a Trunk hook (uses TRUNK_STAGING_DIR)
    python3 scripts/csp-hash.py path/index.html # on a given file, in place
    python3 scripts/csp-hash.py --self-test     # built-in tests

Trunk.toml:
    [[hooks]]
    stage = "post_build"
    command = "python3"
    command_arguments = ["scripts/csp-hash.py"]
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import sys

PLACEHOLDER = "__TRUNK_INLINE_HASH__"

# HTML comments are matched first so that a <script> inside a comment is skipped.
_TOKEN = re.compile(
    r"<!--.*?-->|<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
_SRC_ATTR = re.compile(r"""(?:^|[\s"'/])src\s*(?:=|[\s>/]|$)""", re.IGNORECASE)
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE | re.DOTALL)
_CONTENT = re.compile(r"""(?P<pre>\bcontent\s*=\s*)(?P<q>["'])(?P<value>.*?)(?P=q)""", re.IGNORECASE | re.DOTALL)
_CSP_META = re.compile(r"""http-equiv\s*=\s*["']?content-security-policy""", re.IGNORECASE)


class CspHashError(Exception):
    pass


def csp_hash(script_text: str) -> str:
    """'sha256-<base64>' as a browser computes it for an inline script.

    The HTML parser normalises CR LF and lone CR to LF before the script's
    text exists, so hash what the browser will see.
    """
    text = script_text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def inline_script_hashes(html: str) -> list[str]:
    hashes: list[str] = []
    for m in _TOKEN.finditer(html):
        if m.group("attrs") is None:  # an HTML comment
            continue
        if _SRC_ATTR.search(m.group("attrs")):
            continue
        h = csp_hash(m.group("body"))
        if h not in hashes:
            hashes.append(h)
    return hashes


def rewrite(html: str) -> tuple[str, list[str]]:
    """Return (new_html, hashes). Raises CspHashError if the placeholder is missing."""
    hashes = inline_script_hashes(html)
    replacement = " ".join(hashes)
    found = 0

    def fix_meta(m: re.Match[str]) -> str:
        nonlocal found
        tag = m.group(0)
        if PLACEHOLDER not in tag or not _CSP_META.search(tag):
            return tag
        found += tag.count(PLACEHOLDER)

        def fix_content(c: re.Match[str]) -> str:
            value = c.group("value").replace(PLACEHOLDER, replacement)
            if not replacement:
                # Tidy what removing the placeholder leaves: "a  b", "a ;", trailing space.
                value = re.sub(r"[ \t]{2,}", " ", value)
                value = re.sub(r"[ \t]+;", ";", value).strip()
            return c.group("pre") + c.group("q") + value + c.group("q")

        return _CONTENT.sub(fix_content, tag)

    new_html = _META.sub(fix_meta, html)
    if found == 0:
        where = "a Content-Security-Policy <meta> tag"
        if PLACEHOLDER in html:
            raise CspHashError(f"{PLACEHOLDER} appears in index.html but not inside {where}")
        raise CspHashError(
            f"placeholder {PLACEHOLDER} not found in {where} of index.html: "
            "inline scripts would be blocked by the CSP"
        )
    if PLACEHOLDER in new_html:
        raise CspHashError(f"{PLACEHOLDER} left outside the CSP <meta> tag")
    return new_html, hashes


def process_file(path: str) -> list[str]:
    with open(path, "rb") as f:
        raw = f.read()
    html = raw.decode("utf-8")
    new_html, hashes = rewrite(html)
    # newline="" keeps the file's own line endings.
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(new_html)
    return hashes


def self_test() -> int:
    failures = 0

    def check(name: str, cond: bool, detail: str = "") -> None:
        nonlocal failures
        if cond:
            print(f"ok   {name}")
        else:
            failures += 1
            print(f"FAIL {name} {detail}")

    # Known answers, computed independently (printf '%s' TEXT | openssl dgst -sha256 -binary | base64).
    check("known hash 1", csp_hash("alert('Hello, world.');")
          == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='", csp_hash("alert('Hello, world.');"))
    check("known hash empty", csp_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='")
    check("CRLF hashed as LF", csp_hash("a\r\nb\rc") == csp_hash("a\nb\nc"))

    csp = ('<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
           'script-src \'self\' \'wasm-unsafe-eval\' ' + PLACEHOLDER + '; style-src \'self\'">')
    loader = "\nimport init from '/app.js';\ninit('/app_bg.wasm');\n"
    page = ("<!DOCTYPE html><html><head>" + csp +
            '<script src="/x.js"></script>'
            "<!-- <script>ignored()</script> -->"
            '<SCRIPT type="module">' + loader + "</SCRIPT >"
            "</head><body><script>second()</script>"
            '<script type="module" data-src="not-src">third()</script></body></html>')
    out, hashes = rewrite(page)
    want = [csp_hash(loader), csp_hash("second()"), csp_hash("third()")]
    check("finds inline scripts only (not src=, not in comments)", hashes == want, repr(hashes))
    check("placeholder replaced", PLACEHOLDER not in out and "'wasm-unsafe-eval' " + " ".join(want) + ";" in out, out)
    check("rest of the page untouched", out.replace(" ".join(want), PLACEHOLDER) == page)

    out2, hashes2 = rewrite("<html><head>" + csp + '<script src="/a.js"></script></head></html>')
    check("no inline script: placeholder removed", hashes2 == [] and PLACEHOLDER not in out2, out2)
    check("no inline script: tidy policy", "'wasm-unsafe-eval'; style-src" in out2, out2)

    csp_end = ('<meta content="script-src \'self\' ' + PLACEHOLDER + '" http-equiv="content-security-policy">')
    out3, _ = rewrite("<head>" + csp_end + "</head>")
    check("placeholder at end of policy, attrs reordered", "content=\"script-src 'self'\"" in out3, out3)

    for name, doc in [("missing placeholder", "<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"><script>x()</script></head>"),
                      ("placeholder outside CSP meta", "<head><meta name=\"x\" content=\"" + PLACEHOLDER + "\"></head>")]:
        try:
            rewrite(doc)
            check(name + " is an error", False, "no error raised")
        except CspHashError:
            check(name + " is an error", True)

    # File round trip keeps CRLF line endings.
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "index.html")
        with open(p, "wb") as f:
            f.write(("<head>\r\n" + csp + "\r\n<script>\r\nrun()\r\n</script>\r\n</head>\r\n").encode())
        hs = process_file(p)
        with open(p, "rb") as f:
            data = f.read()
        check("file: CRLF kept, hash as the browser sees it",
              b"\r\n" in data and hs == [csp_hash("\nrun()\n")] and PLACEHOLDER.encode() not in data)

    print(f"csp-hash self-test: {'all ok' if failures == 0 else str(failures) + ' FAILED'}")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print(__doc__, file=sys.stderr)
        return 2
    if len(argv) == 2:
        path = argv[1]
    else:
        staging = os.environ.get("TRUNK_STAGING_DIR")
        if not staging:
            print("csp-hash: TRUNK_STAGING_DIR is not set (run as a Trunk post_build hook, "
                  "or pass the path of an index.html)", file=sys.stderr)
            return 2
        path = os.path.join(staging, "index.html")
    try:
        hashes = process_file(path)
    except (OSError, UnicodeDecodeError, CspHashError) as e:
        print(f"csp-hash: ERROR: {path}: {e}", file=sys.stderr)
        return 1
    print(f"csp-hash: {path}: {len(hashes)} inline script(s) pinned in the CSP"
          + (": " + " ".join(hashes) if hashes else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
