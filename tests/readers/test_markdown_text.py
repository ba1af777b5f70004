"""readers.markdown_text: Reddit markdown rendered inline, block markers kept; bots flagged."""

from __future__ import annotations

import re

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.model import DropReason
from argmap.options import SegmentOptions
from argmap.readers import read_threads
from argmap.readers.markdown_text import markdown_to_text
from argmap.segment.segmenter import segment_post


@pytest.mark.parametrize(("source", "rendered"), [
    ("\\#2: [Power BI laughs nervously](https://i.redd.it/a.png) | [83 comments](/r/x/)",
     "#2: Power BI laughs nervously | 83 comments"),
    ("This is **very** important, *really*, ~~not~~ so.", "This is very important, really, not so."),
    ("2*3*4 = 24 and my_var_name and snake_case_too stay", "2*3*4 = 24 and my_var_name and snake_case_too stay"),
    ("a __bold__ word, ~~gone~~ and ***both***, but my__var__name stays",
     "a bold word, gone and both, but my__var__name stays"),
    ("^^I'm ^^a ^^bot and ^(small print) but 2^10 stays", "I'm a bot and small print but 2^10 stays"),
    ("See [Foo](https://en.wikipedia.org/wiki/Foo_(bar)) now.", "See Foo now."),
    ("[](https://a.example/c) and ![a chart](https://i.example/x.png)",
     "https://a.example/c and a chart"),
    ("Spoiler: >!he lives!< &#x200B;&nbsp;end", "Spoiler: he lives  end"),
    ("use `**kwargs` and `[x](y)` here", "use `**kwargs` and `[x](y)` here"),
    ("```\n**kept** [a](b)\n```\n**bold**", "```\n**kept** [a](b)\n```\nbold"),
    ("| a | b |\n|---|:-:|\n| **1** | 2 |", "| a | b |\n| 1 | 2 |"),
    ("> quoted **bold** text", "> quoted bold text"),
])
def test_markdown_renders_inline_syntax(source, rendered):
    assert markdown_to_text(source) == rendered


@pytest.mark.parametrize("source", ["\\> not a quote", "\\# not a heading", "\\- not a bullet"])
def test_markdown_keeps_escapes_that_would_become_block_syntax(source):
    # undone, these would make a quote, a heading or a bullet of the writer's own line
    assert markdown_to_text(source) == source


def test_markdown_undoes_escapes_inside_a_line():
    assert markdown_to_text("a \\*literal\\* star and x\\_y") == "a *literal* star and x_y"


_PLAIN = st.text(st.characters(blacklist_characters="\\*_[]^~`|&!\u200b\ufeff",
                               blacklist_categories=("Cs",)), max_size=300)


@given(_PLAIN)
def test_markdown_leaves_text_without_inline_syntax_unchanged(text):
    assert markdown_to_text(text) == text


_BLOCK_MARKERS = tuple(re.compile(p) for p in (
    r"[ \t]*>", r"[ \t]*#{1,6}([ \t]|$)", r"[ \t]*(```|~~~)", r"[ \t]*[-*+][ \t]"))
_MARKDOWNISH = st.text(st.sampled_from(list("ab >#-+*_[]()^~`!|:\\\n\t&;x200B")), max_size=400)


@settings(max_examples=300)
@given(_MARKDOWNISH)
def test_markdown_only_removes_and_keeps_each_line_start(text):
    out = markdown_to_text(text)
    assert len(out) <= len(text)
    lines_in, lines_out = text.split("\n"), out.split("\n")
    if "|" not in text:  # only a table's |---| row is ever dropped
        assert len(lines_out) == len(lines_in)
        for before, after in zip(lines_in, lines_out, strict=True):
            # a quote stays a quote, a heading a heading, a fence a fence, a bullet a bullet
            for marker in _BLOCK_MARKERS:
                assert bool(marker.match(before)) == bool(marker.match(after)), marker


@settings(max_examples=300)
@given(_MARKDOWNISH)
def test_markdown_renders_a_post_as_it_renders_each_of_its_lines(text):
    # a post is rendered in one pass when it holds no code and no table (those need a look at
    # each line, so they are taken out of the examples here); no rule crosses a
    # line break, so that must equal rendering line by line (and any private-use character
    # the writer used must survive the characters held during rendering)
    text = text.replace("x", "\ue000").replace("|", "/").replace("`", "'").replace("~~~", "~")
    assert markdown_to_text(text) == "\n".join(markdown_to_text(line)
                                                for line in text.split("\n"))


def _listing(*children: dict) -> dict:
    return {"kind": "Listing", "data": {"children": list(children)}}


def _comment(cid: str, parent: str, body: str, author: str, replies: object = "") -> dict:
    return {"kind": "t1", "data": {"id": cid, "name": f"t1_{cid}", "parent_id": parent,
                                   "link_id": "t3_s1", "author": author, "body": body,
                                   "created_utc": 1.0, "replies": replies}}


def test_reddit_thread_renders_markdown_and_drops_bot_posts(tmp_path):
    human_reply = _comment("c3", "t1_c2", "Bad bot, **nobody** asked for that list.", "kim")
    peek = _comment("c2", "t1_c1", "Here's a sneak peek of /r/x using the [top posts]"
                    "(https://np.reddit.com/r/x/top/?sort=top&amp;t=year)!\n\n"
                    "\\#1: [A title](https://i.redd.it/a.png) | [41 comments](/r/x/c/1)\n\n"
                    "^^I'm ^^a ^^bot, ^^beep ^^boop", "peekbot", _listing(human_reply))
    mod = _comment("c4", "t3_s1", "Please keep it civil.\n\n*I am a bot, and this action was "
                   "performed automatically.*", "AutoModerator")
    top = _comment("c1", "t3_s1", "Tariffs are **clearly** a tax on consumers, see "
                   "[this study](https://example.org/s).", "ana", _listing(peek))
    document = [
        _listing({"kind": "t3", "data": {"id": "s1", "title": "Are tariffs a tax?",
                                         "selftext": "", "author": "op", "created_utc": 0.5}}),
        _listing(top, mod),
    ]
    path = tmp_path / "thread.json"
    path.write_bytes(orjson.dumps(document))
    (thread,) = read_threads([path]).threads
    posts = {p.id.removeprefix("reddit:"): p for p in thread.posts}
    assert posts["t1_c1"].text == "Tariffs are clearly a tax on consumers, see this study."
    assert posts["t1_c1"].flags == ()
    assert posts["t1_c2"].flags == ("bot",) and posts["t1_c4"].flags == ("bot",)
    assert posts["t1_c3"].reply_to == "reddit:t1_c2"  # replies to a bot stay in the tree
    options = SegmentOptions()
    for bot in ("t1_c2", "t1_c4"):
        claims, dropped = segment_post(posts[bot], options)
        assert claims == () and [d.reason for d in dropped] == [DropReason.BOT]
    claims, _ = segment_post(posts["t1_c1"], options)
    assert [c.text for c in claims] == ["Tariffs are clearly a tax on consumers, see this study."]


def test_convokit_reddit_corpus_reads_bodies_as_reddit(tmp_path):
    corpus = tmp_path / "subreddit-Economics"
    corpus.mkdir()
    reddit_meta = {"subreddit": "Economics", "score": 3}
    utterances = [
        {"id": "a", "speaker": "ana", "conversation_id": "a", "reply_to": None, "timestamp": 1,
         "text": "Tariffs are **clearly** a tax, see [the study](https://example.org/s).",
         "meta": reddit_meta},
        {"id": "b", "speaker": "AutoModerator", "conversation_id": "a", "reply_to": "a",
         "timestamp": 2, "text": "Please stay civil.", "meta": reddit_meta},
        {"id": "c", "speaker": "[deleted]", "conversation_id": "a", "reply_to": "a",
         "timestamp": 3, "text": "[deleted]", "meta": reddit_meta},
    ]
    (corpus / "utterances.jsonl").write_bytes(b"\n".join(orjson.dumps(u) for u in utterances))
    other = tmp_path / "court-corpus"  # not Reddit: its text is kept as written
    other.mkdir()
    (other / "utterances.jsonl").write_bytes(orjson.dumps(
        {"id": "x", "speaker": "j", "conversation_id": "x", "reply_to": None, "timestamp": 1,
         "text": "The **statute** applies.", "meta": {"case": "1"}}))
    threads = {t.id: t for t in read_threads([corpus, other]).threads}
    posts = {p.id.rsplit(":", 1)[1]: p for p in threads["convokit:subreddit-Economics:a"].posts}
    assert posts["a"].text == "Tariffs are clearly a tax, see the study."
    assert posts["b"].flags == ("bot",)
    assert posts["c"].flags == ("deleted",) and posts["c"].author is None
    (court,) = threads["convokit:court-corpus:x"].posts
    assert court.text == "The **statute** applies." and court.flags == ()


_SIGNATURE_PIECES = ["I'm a bot", "I\u2019m a BOT", "i am a bot", "Im a bot.", "am a bott",
                     "This action was performed automatically", "this POST was performed "
                     "automatically", "this comment was performed automat\u0131cally",
                     "I\u0130m a bot", "\u0131'm a bot", "robot", "BOT", "automat", "\u017f",
                     "\u212a", "a", " ", "\n", "x" * 300, "\u00e9"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SIGNATURE_PIECES) | st.text(max_size=20), max_size=12))
def test_signed_by_bot_prefilter_agrees_with_the_signature_pattern(pieces) -> None:
    """The cheap "bot"/"automat" test in front of the pattern never changes its answer, with
    case-insensitive look-alikes (dotless i, long s, Kelvin sign) and the 600-character cut."""
    from argmap.readers.reddit import _BOT_SIGNATURE, BOT_FOOTER_CHARS, signed_by_bot

    text = "".join(pieces)
    assert signed_by_bot(text) == bool(_BOT_SIGNATURE.search(text[-BOT_FOOTER_CHARS:]))
