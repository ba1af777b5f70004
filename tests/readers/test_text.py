"""readers.text: plain-text threads, post-boundary recovery in pasted dumps, debate and chat."""

from __future__ import annotations

from pathlib import Path

import pytest

from argmap.errors import InputError
from argmap.options import ReadOptions
from argmap.readers import read_threads, sniff
from argmap.readers.boundaries import find_boundaries, is_truncated, split_units
from tests.support import shared_dir

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = shared_dir()
SEEDS = [SHARED / "seeds" / "000_75579187bcdd6b7a.txt", SHARED / "seeds" /
         "002_3d8d04164e2029b3.txt"] if SHARED else []
needs_seeds = pytest.mark.skipif(not SEEDS or not SEEDS[0].is_file(), reason="no shared seeds")


def _posts(path: Path, **options):
    result = read_threads([path], ReadOptions(**options))
    assert len(result.threads) == 1
    return result.threads[0].posts


def _starts_with(posts, prefix: str) -> bool:
    return any(p.text.startswith(prefix) for p in posts)


def test_readers_text_fixture_dump_recovers_four_posts():
    posts = _posts(FIXTURES / "pasted_dump.txt")
    assert [(p.source.line, p.source.end_line) for p in posts] == [(1, 4), (5, 5), (6, 9),
                                                                    (10, 13)]
    assert [p.id for p in posts] == [f"text:pasted_dump#p{n}" for n in range(1, 5)]
    assert all(p.author is None and p.reply_to is None for p in posts)


def test_readers_text_post_text_is_exact_source_lines():
    path = FIXTURES / "pasted_dump.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    for post in _posts(path):
        assert post.text == "\n".join(lines[post.source.line - 1:post.source.end_line])
        assert post.thread_id == "text:pasted_dump"


def test_readers_text_single_post_option_keeps_one_post():
    posts = _posts(FIXTURES / "pasted_dump.txt", single_post=True)
    assert len(posts) == 1 and posts[0].source.line == 1 and posts[0].source.end_line == 13


@needs_seeds
def test_readers_text_seed_000_splits_into_its_quick_takes():
    posts = _posts(SEEDS[0])
    assert 6 <= len(posts) <= 9
    for opener in ("A week ago, Anthropic", "I was extremely disappointed", "Pet peeve:",
                   "I recently created", "Notes on some of my AI-related confusions",
                   "What can ordinary people do"):
        assert _starts_with(posts, opener), opener
    mechanize = next(p for p in posts if "Mechanize was announced" in p.text)
    assert "Does anyone have thoughts on how to productively engage" in mechanize.text
    assert all(p.source.end_line - p.source.line + 1 <= 40 for p in posts)
    # headings inside a post do not start one
    assert not _starts_with(posts, "Anthropic's justification")
    assert not _starts_with(posts, "Write a letter")
    assert not _starts_with(posts, "* ")


@needs_seeds
def test_readers_text_seed_002_is_one_to_three_posts():
    posts = _posts(SEEDS[1])
    assert 1 <= len(posts) <= 3
    assert not _starts_with(posts, "Emphasize")


def test_readers_text_blank_line_paragraphs_are_units():
    lines = ["First paragraph wraps", "onto a second line.", "", "Second one.", "also wrapped"]
    units = split_units(lines)
    assert [(u.first, u.last) for u in units] == [(0, 1), (3, 4)]
    assert find_boundaries(units)[0] == 0


def test_readers_text_truncation_cue():
    assert is_truncated("Anthropic justified the change by")
    assert not is_truncated("Anthropic's justification and why I disagree")
    assert not is_truncated("* Write letters to policy-makers expressing your concerns")


def test_readers_text_debate_headers_give_authors_and_replies():
    result = read_threads([FIXTURES / "debate.txt"])
    thread = result.threads[0]
    assert thread.title == "Should homework be banned?"
    posts = {p.id: p for p in thread.posts}
    assert posts["text:debate#p2"].author == "Bob"
    assert posts["text:debate#p2"].reply_to == "text:debate#p1"
    assert posts["text:debate#p2"].flags == ("disputed",)
    assert posts["text:debate#p3"].flags == ("supported",)
    assert posts["text:debate#p1"].text.startswith("Homework takes time")
    assert "#2" not in posts["text:debate#p2"].text


def test_readers_text_chat_lines_become_turns():
    posts = _posts(FIXTURES / "chat.txt")
    assert [p.author for p in posts] == ["Alice", "Bob", "Alice", "Bob", "Carol"]
    assert posts[1].reply_to == posts[0].id and posts[4].reply_to == posts[3].id
    assert posts[0].text == "I think we should move the meeting to Friday."


@needs_seeds
def test_readers_text_createdebate_matches_gold_reply_tree():
    import orjson

    folder = SHARED / "data" / "createdebate_argmin2016"
    gold_file = folder / "createdebate_argmin2016.dev.jsonl"
    if not gold_file.is_file():
        pytest.skip("createdebate data absent")
    checked = 0
    for line in gold_file.read_bytes().splitlines():
        gold = orjson.loads(line)
        source = folder / "original" / gold["source"]["files"][0]
        thread = read_threads([source]).threads[0]
        stem = source.stem
        got = [(p.id.split("#")[1].split(".")[0], p.author, p.reply_to and p.reply_to.split("#")[1],
                p.text) for p in thread.posts]
        # a gold self-reply (p2 -> p2) is repaired into a root by build_thread
        want = [(p["id"], p["author"], None if p["reply_to"] == p["id"] else p["reply_to"],
                 gold["text"][p["start"]:p["end"]]) for p in gold["posts"]]
        assert sorted(got) == sorted(want), stem
        checked += 1
    assert checked >= 19


def test_readers_text_quotes_are_recorded(tmp_path):
    path = tmp_path / "reply.txt"
    path.write_text("> Cats are better than dogs.\n> Always.\n\nNo, dogs are loyal and cats "
                    "are not.\nThat settles it.\n", encoding="utf-8")
    posts = _posts(path, single_post=True)
    assert posts[0].quotes[0].text == "Cats are better than dogs.\nAlways."
    assert posts[0].text.startswith("> Cats")


def test_readers_text_crlf_bom_and_bad_bytes_are_repaired(tmp_path):
    path = tmp_path / "win.txt"
    lines = [f"Line {n} says something about topic {n}." for n in range(1, 20)]
    raw = "\r\n".join(lines).encode("utf-8")
    raw = b"\xef\xbb\xbf" + raw.replace(b"Line 17", b"Line \xff17")
    path.write_bytes(raw)
    result = read_threads([path], ReadOptions(single_post=True))
    post = result.threads[0].posts[0]
    assert "\r" not in post.text and not post.text.startswith("\ufeff")
    assert "\ufffd" in post.text
    problem = next(p for p in result.problems if p.code.startswith("invalid_utf8"))
    assert problem.line == 17 and raw[problem.byte_offset] == 0xFF


@pytest.mark.parametrize("content", [b"", b"\n\n   \n", b"\xef\xbb\xbf"])
def test_readers_text_empty_file_is_an_input_error(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="no posts found"):
        read_threads([path])
    assert sniff(path) == "text"


def test_readers_text_single_post_overrides_structure():
    (post,) = _posts(FIXTURES / "chat.txt", single_post=True)
    assert post.author is None and post.text.startswith("Alice: I think")


def test_readers_text_one_paragraph_per_line_essay_stays_whole(tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text(
        "Cities should price parking at what it costs to provide.\n"
        "Free parking is paid for by everyone, including people who do not drive.\n"
        "When parking is priced, drivers park for shorter times and spaces turn over.\n"
        "Shops benefit because more customers can find a space during the day.\n"
        "The revenue can fund buses, which helps the people who paid for parking before.\n",
        encoding="utf-8")
    assert len(_posts(path)) == 1
