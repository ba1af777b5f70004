"""The corpus report: hostile post text shown as text, links only to OUTDIR maps."""

from __future__ import annotations

from html.parser import HTMLParser

from argmap.corpus.report import render_report

EVIL = '</script><script>alert(1)</script><img src=x onerror=alert(2)>"\'&'


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def test_report_escapes_post_text_and_links_only_to_maps() -> None:
    thread = {"id": EVIL, "title": EVIL, "posts": 9, "claims": 3, "attacks": 2, "contested": 1}
    data = {
        "totals": {"records_in": 10, "processed": 9, "skipped": 1, "quarantined": 0,
                   "threads": 1, "claims": 3, "relations": 2},
        "largest": [thread], "contested_threads": [thread],
        "topics": [{"id": "t00", "label": EVIL, "terms": [EVIL], "claims": 3, "threads": 1,
                    "typical": [{"text": EVIL}],
                    "contested": [{"text": EVIL, "attacks": 2, "supports": 1, "thread": EVIL}]}],
        "problems": [{"code": "invalid_json", "action": "skipped", "count": 1,
                      "where": f"{EVIL}:3"}],
        "tables": ["csv/", "corpus.sqlite"],
    }
    html = render_report(data, {EVIL: "maps/x-0123456789.html"})
    parser = _Tags()
    parser.feed(html)
    names = [tag for tag, _ in parser.tags]
    assert "script" not in names and "img" not in names
    assert {attrs["href"] for tag, attrs in parser.tags if tag == "a"} == {
        "maps/x-0123456789.html"}
    csp = [attrs["content"] for tag, attrs in parser.tags
           if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html


def test_report_strips_controls_and_bidi_overrides_from_post_text() -> None:
    """Hostile input #31/#33: NUL, ESC, C1, U+FFFE and bidi overrides from a post reached the
    batch report raw (map's HTML cleans them: ``render.labels.clean_text``); a NUL makes the
    page a parse error and an override reorders what a reader sees."""
    nasty = "cars \x00 NUL \x1b[31m red \x85 \ufffe \u202eevil\u202c end"
    thread = {"id": nasty, "title": nasty, "posts": 1, "claims": 1, "attacks": 1,
              "contested": 1}
    data = {
        "totals": {"records_in": 1, "processed": 1, "skipped": 0, "quarantined": 0,
                   "threads": 1, "claims": 1, "relations": 0},
        "largest": [thread], "contested_threads": [thread],
        "topics": [{"id": "t00", "label": nasty, "terms": [nasty], "claims": 1, "threads": 1,
                    "typical": [{"text": nasty}],
                    "contested": [{"text": nasty, "attacks": 1, "supports": 0,
                                   "thread": nasty}]}],
        "problems": [{"code": "invalid_json", "action": "skipped", "count": 1,
                      "where": f"{nasty}:3"}],
        "tables": ["csv/"],
    }
    html = render_report(data, {nasty: "maps/x-0123456789.html"})
    for char in "\x00\x1b\x85\ufffe\u202e\u202c":
        assert char not in html, repr(char)
    assert "cars  NUL [31m red   evil end" in html
    assert 'href="maps/x-0123456789.html"' in html


def test_report_counts_read_with_thousands_separators() -> None:
    thread = {"id": "t1", "title": "A debate", "posts": 1234, "claims": 56789,
              "attacks": 4321, "contested": 1000}
    data = {
        "totals": {"records_in": 1000000, "processed": 999990, "skipped": 10,
                   "quarantined": 0, "threads": 123456, "claims": 5432100,
                   "relations": 7654321},
        "largest": [thread], "contested_threads": [],
        "topics": [{"id": "t00", "label": "tax", "terms": ["tax"], "claims": 12345,
                    "threads": 2345, "typical": [],
                    "contested": [{"text": "x", "attacks": 1500, "supports": 2, "thread": "t1"}]}],
        "problems": [{"code": "invalid_json", "action": "skipped", "count": 10,
                      "where": "a.jsonl:3"}],
        "tables": ["csv/"],
    }
    html = render_report(data, {})
    assert "1,000,000 records read: 999,990 mapped, 10" in html
    assert "123,456 threads" in html and "5,432,100 claims, 7,654,321 relations" in html
    assert "12,345 claims in 2,345 threads" in html
    for cell in ("1,234", "56,789", "4,321", "1,000", "1,500"):
        assert f'class="n">{cell}<' in html or f'class="n attack">{cell}<' in html
