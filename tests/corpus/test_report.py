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
