"""The README is part of the product: its Python snippet runs as written and its CLI lines
name commands that exist."""

from __future__ import annotations

import json
import os
import re

from tests.support import REPO, run_cli


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_python_api_snippet_runs_as_written(tmp_path, monkeypatch):
    snippet = re.search(r"```python\n(.*?)```", _readme(), re.S).group(1)
    records = [
        {"id": str(i), "reply_to": None if i == 0 else "0", "author": f"u{i}",
         "text": f"Remote work should stay because commuting wastes time {i}. But offices help juniors learn."}
        for i in range(6)
    ]
    (tmp_path / "thread.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "README.md", "exec"), {})
    written = sorted(os.listdir(tmp_path / "out"))
    assert any(n.endswith(".svg") for n in written) and any(n.endswith(".json") for n in written)


def test_readme_cli_lines_use_existing_commands():
    helptext = run_cli("--help").stdout.decode()
    used = set(re.findall(r"^argmap (\w+)", _readme(), re.M))
    assert used, "the README shows no commands"
    for command in used:
        assert command in helptext, command
