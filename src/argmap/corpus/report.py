"""The corpus report (``OUTDIR/report.html``): where a researcher starts reading a corpus run.

It shows what was read and what was not (records in = processed + skipped + quarantined), the
largest debates and the most attacked ones, and per topic its terms, its most typical claims
and its most contested claims, each linked to its thread's map when maps were written. Built
from the tasks' bounded summaries, never from the tables, so it costs the same at any size.

Post text is hostile: Jinja2 autoescapes every value, links go only to files argmap wrote
under OUTDIR (names from ``files.safe_filename``) or to ``https://`` URLs the readers checked,
and a Content-Security-Policy forbids scripts and every remote load.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape
from markupsafe import Markup

from argmap.render.labels import clean_text

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"
TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>argmap corpus report</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} td.n{text-align:right;white-space:nowrap}
.topic{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.terms{color:#555} .attack{color:#b00} .support{color:#070} .muted{color:#777}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.6rem;border-left:3px solid #ccc}
</style></head><body>
<h1>argmap corpus report</h1>
<p>{{ totals.records_in|num }} records read: {{ totals.processed|num }} mapped, {{ totals.skipped|num }}
skipped, {{ totals.quarantined|num }} quarantined. {{ totals.threads|num }} threads,
{{ totals.claims|num }} claims, {{ totals.relations|num }} relations, {{ topics|length|num }} topics.
Tables: {% for t in tables %}<code>{{ t }}</code>{{ ", " if not loop.last }}{% endfor %}.</p>

<h2>Largest debates</h2>
{{ thread_table(largest) }}
<h2>Most attacked debates</h2>
{{ thread_table(contested_threads) }}

<h2>Topics</h2>
{% for t in topics %}
<div class="topic" id="topic-{{ t.id }}">
<h3>{{ t.id }}: {{ t.label }}</h3>
<p class="terms">{{ t.claims|num }} claims in {{ t.threads|num }} threads{% if t.terms %};
terms: {{ t.terms|join(", ") }}{% endif %}</p>
{% if t.typical %}<p>Typical claims:</p>
{% for c in t.typical %}<blockquote>{{ c.text }}</blockquote>{% endfor %}{% endif %}
{% if t.contested %}<p>Most contested claims:</p>
<table><tr><th>claim</th><th>attacks</th><th>supports</th><th>thread</th></tr>
{% for c in t.contested %}<tr><td>{{ c.text }}</td><td class="n attack">{{ c.attacks|num }}</td>
<td class="n support">{{ c.supports|num }}</td><td>{{ link(c.thread) }}</td></tr>{% endfor %}
</table>{% endif %}
</div>
{% endfor %}

<h2>Problems</h2>
{% if problems %}<table><tr><th>code</th><th>what was done</th><th>count</th><th>first at</th></tr>
{% for p in problems %}<tr><td>{{ p.code }}</td><td>{{ p.action }}</td><td class="n">{{ p.count|num }}</td>
<td>{{ p.where }}</td></tr>{% endfor %}</table>
<p class="muted">Every one is listed in the problems table with file, line and byte offset.</p>
{% else %}<p>None.</p>{% endif %}
</body></html>
"""
THREAD_TABLE = """<table><tr><th>thread</th><th>posts</th><th>claims</th><th>attacks</th>
<th>contested claims</th></tr>{% for t in rows %}<tr><td>{{ link(t.id, t.title) }}</td>
<td class="n">{{ t.posts|num }}</td><td class="n">{{ t.claims|num }}</td><td class="n">{{ t.attacks|num }}</td>
<td class="n">{{ t.contested|num }}</td></tr>{% endfor %}</table>"""

def _clean(value: Any) -> Any:
    """Every text the report shows, cleaned as map's HTML cleans it (``clean_text``: no C0/C1
    controls, noncharacters or bidi overrides) before it is escaped; markup the report made
    itself (links, tables: rendered with this environment, so already clean) passes."""
    return clean_text(value) if isinstance(value, str) and not isinstance(value, Markup) \
        else value


_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   finalize=_clean)
_ENV.filters["num"] = lambda n: f"{n:,}"  # counts of a corpus run as a reader reads them: 54,280


def render_report(data: dict[str, Any], maps: dict[str, str]) -> str:
    """HTML of the report. ``data``: totals, largest, contested_threads, topics, problems, as
    the runner merges them; ``maps``: thread id -> relative path of its map page."""
    thread_table = _ENV.from_string(THREAD_TABLE)
    link_template = _ENV.from_string(
        '{% if href %}<a href="{{ href }}">{{ text }}</a>{% else %}{{ text }}{% endif %}')

    def link(thread_id: str, title: str | None = None) -> Any:
        text = f"{title} ({thread_id})" if title else thread_id
        return Markup(link_template.render(href=maps.get(thread_id), text=text))

    def table(rows: list[dict[str, Any]]) -> Any:
        return Markup(thread_table.render(rows=rows, link=link))

    return _ENV.from_string(TEMPLATE).render(csp=CSP, link=link, thread_table=table, **data)
