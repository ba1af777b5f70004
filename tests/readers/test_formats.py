"""readers for native API formats: Reddit, Pushshift dumps, HN, Discourse, LessWrong, ConvoKit."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import orjson
import pytest

from argmap.errors import InputError
from argmap.options import ReadOptions
from argmap.readers import read_threads, sniff
from argmap.readers.html_text import html_to_text
from argmap.readers.markdown_text import markdown_to_text
from argmap.readers.reddit import unescape_reddit
from tests.support import shared_dir

SHARED = shared_dir()
RAW = SHARED / "data" / "raw_threads" if SHARED else None
needs_raw = pytest.mark.skipif(RAW is None or not RAW.is_dir(), reason="no shared raw_threads")


def _gold(thread_id: str) -> dict:
    for line in (RAW / "raw_threads.dev.jsonl").read_bytes().splitlines():
        record = orjson.loads(line)
        if record["id"] == thread_id:
            return record
    raise AssertionError(thread_id)


def _gold_posts(record: dict) -> list[tuple[str, str | None, str | None, str]]:
    text = record["text"]
    return [(p["id"], p["author"], p["reply_to"], text[p["start"]:p["end"]])
            for p in record["posts"]]


def _write(path: Path, document: object) -> Path:
    path.write_bytes(orjson.dumps(document))
    return path


@needs_raw
def test_readers_reddit_matches_gold_posts_and_tree():
    path = RAW / "original" / "reddit" / "thoughts_on_openai_o1.json"
    assert sniff(path) == "reddit"
    (thread,) = read_threads([path]).threads
    assert thread.id == "reddit:1ffeo0g" and thread.title == "Thoughts on openai o1?"
    got = sorted((p.id.removeprefix("reddit:"), p.author,
                  p.reply_to.removeprefix("reddit:") if p.reply_to else None, p.text)
                 for p in thread.posts)
    # gold keeps Reddit's &gt; escaping and the markdown source; argmap undoes exactly &lt; &gt;
    # &amp; and renders inline markdown (its policies; markdown_text has its own tests)
    want = sorted((pid, None if author == "[deleted]" else author, reply,
                   markdown_to_text(unescape_reddit(text)))
                  for pid, author, reply, text in _gold_posts(_gold("reddit:1ffeo0g")))
    assert got == want
    assert thread.posts[0].id == "reddit:t3_1ffeo0g"  # the submission is the root


def _comment(cid: str, parent: str, body: str, replies: object = "", author: str = "u") -> dict:
    return {"kind": "t1", "data": {"id": cid, "name": f"t1_{cid}", "parent_id": parent,
                                   "link_id": "t3_s1", "author": author, "body": body,
                                   "created_utc": 1.0, "replies": replies,
                                   "permalink": f"/r/x/comments/s1/_/{cid}/"}}


def test_readers_reddit_more_stubs_deleted_and_entities(tmp_path):
    more = {"kind": "more", "data": {"count": 7, "parent_id": "t1_c1", "children": ["z"]}}
    cont = {"kind": "more", "data": {"count": 0, "parent_id": "t1_c2", "children": []}}
    child = _comment("c2", "t1_c1", "[removed]", {"kind": "Listing", "data": {
        "children": [cont]}}, author="[deleted]")
    top = _comment("c1", "t3_s1", "5 &gt; 3 &amp;amp; 2 &times 3", {"kind": "Listing", "data": {
        "children": [child, more]}})
    document = [
        {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {
            "id": "s1", "title": "Is &lt;this&gt; right?", "selftext": "", "author": "op",
            "created_utc": 0.5}}]}},
        {"kind": "Listing", "data": {"children": [top]}},
    ]
    path = _write(tmp_path / "thread.json", document)
    result = read_threads([path])
    (thread,) = result.threads
    posts = {p.id: p for p in thread.posts}
    assert set(posts) == {"reddit:t3_s1", "reddit:t1_c1", "reddit:t1_c2"}  # no fake nodes
    assert posts["reddit:t3_s1"].text == "Is <this> right?"
    assert posts["reddit:t1_c1"].text == "5 > 3 &amp; 2 &times 3"
    assert posts["reddit:t1_c2"].flags == ("removed",) and posts["reddit:t1_c2"].author is None
    assert posts["reddit:t1_c1"].source.url == "https://www.reddit.com/r/x/comments/s1/_/c1/"
    messages = sorted(p.message for p in result.problems if p.code == "more_replies")
    assert messages[0] == "7 replies to t1_c1 not loaded"
    assert "continue this thread" in messages[1]
    assert result.records_in == 3


def test_readers_reddit_ndjson_dump_compressed_with_zstd(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    rows = [
        {"id": "s1", "title": "Title", "selftext": "Body text", "author": "op",
         "created_utc": "100", "subreddit": "x"},
        {"id": "c1", "parent_id": "t3_s1", "link_id": "t3_s1", "body": "A comment.",
         "author": "a", "created_utc": 200, "subreddit": "x"},
        {"id": "c2", "parent_id": "t1_c1", "link_id": "t3_s1", "body": "[deleted]",
         "author": "[deleted]", "created_utc": 300, "subreddit": "x"},
        {"id": "d1", "parent_id": "t3_other", "link_id": "t3_other", "body": "Elsewhere.",
         "author": "b", "created_utc": 400, "subreddit": "x"},
    ]
    raw = b"".join(orjson.dumps(r) + b"\n" for r in rows)
    path = tmp_path / "RC_2024-01.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(raw))
    assert sniff(path) == "reddit-ndjson"
    result = read_threads([path], ReadOptions(max_errors=1.0))
    assert [t.id for t in result.threads] == ["reddit:other", "reddit:s1"]
    s1 = result.threads[1]
    assert [p.id for p in s1.posts] == ["reddit:t3_s1", "reddit:t1_c1", "reddit:t1_c2"]
    assert s1.posts[2].flags == ("deleted",) and s1.posts[2].reply_to == "reddit:t1_c1"
    assert s1.posts[0].text == "Title\n\nBody text"
    assert "orphan" in result.threads[0].posts[0].flags  # its submission is not in the dump


def test_readers_reddit_dump_of_one_record_is_still_a_reddit_dump(tmp_path):
    """A Pushshift file holding one record (`head -1 RC_2024-01`, a thread of one comment) was
    sniffed as a JSON document: the post became `one:c1` in thread `one:t3_s1`, not
    `reddit:t1_c1` in `reddit:s1`, and Reddit's markdown and deleted-post rules were not
    applied. Found by cutting a dump after its first line (tests/readers/test_mutations.py)."""
    comment = {"id": "c1", "parent_id": "t3_s1", "link_id": "t3_s1", "body": "A **bold** claim.",
               "author": "a", "created_utc": 200, "subreddit": "x"}
    submission = {"id": "s1", "title": "Title", "selftext": "Body", "author": "op",
                  "created_utc": 100, "subreddit": "x"}
    two = tmp_path / "two.ndjson"
    two.write_bytes(orjson.dumps(submission) + b"\n" + orjson.dumps(comment) + b"\n")
    whole = {p.id: p for t in read_threads([two]).threads for p in t.posts}
    for record, end in ((comment, b"\n"), (submission, b""), (comment, b"\r\n")):
        one = tmp_path / "one.ndjson"
        one.write_bytes(orjson.dumps(record) + end)
        assert sniff(one) == "reddit-ndjson"
        (thread,) = read_threads([one], ReadOptions(max_errors=1.0)).threads
        (post,) = thread.posts
        assert post.id in whole and post.text == whole[post.id].text
        assert thread.id == "reddit:s1"
    pretty = tmp_path / "pretty.json"  # one record written over several lines is a document
    pretty.write_bytes(orjson.dumps(comment, option=orjson.OPT_INDENT_2))
    assert sniff(pretty) == "json"


def _reddit_rows_with_renamed_text() -> list[dict]:
    """Reddit-shaped rows (sniffed as a Reddit dump) whose text sits under other keys."""
    return [
        {"id": "c1", "parent_id": "t3_s1", "link_id": "t3_s1", "content": "No, they should "
         "rise for the rich.", "who": "a", "created_utc": 200, "subreddit": "x"},
        {"id": "s1", "title": "Taxes", "content": "Taxes should fall.", "who": "op",
         "created_utc": 100, "subreddit": "x"},
        {"id": "c2", "parent_id": "t1_c1", "link_id": "t3_s1", "content": "Why the rich?",
         "who": "b", "created_utc": 300, "subreddit": "x"},
    ]


def test_readers_reddit_rows_honour_field_mapping(tmp_path):
    """`--field text=content` on a file sniffed as a Reddit dump read every text from
    `body`/`selftext`, so every comment was skipped as missing its text; the mapping now
    applies, and what is not mapped keeps Reddit's meaning (t1_/t3_ parents, link_id)."""
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in _reddit_rows_with_renamed_text()))
    assert sniff(path) == "reddit-ndjson"
    options = ReadOptions(fields=(("text", "content"), ("author", "who")))
    result = read_threads([path], options)
    assert not result.problems
    (thread,) = result.threads
    assert [p.text for p in thread.posts] == [
        "Taxes\n\nTaxes should fall.", "No, they should rise for the rich.", "Why the rich?"]
    assert [p.author for p in thread.posts] == ["op", "a", "b"]
    assert thread.posts[2].reply_to == "reddit:t1_c1"
    submission_first = tmp_path / "RS.jsonl"
    rows = _reddit_rows_with_renamed_text()
    submission_first.write_bytes(b"".join(orjson.dumps({**r, "num_comments": 2}) + b"\n"
                                          for r in (rows[1], rows[0], rows[2])))
    assert sniff(submission_first) == "reddit-ndjson"  # Pushshift submission keys, no body
    (again,) = read_threads([submission_first], options).threads
    assert [(p.id, p.reply_to, p.text) for p in again.posts] == [
        (p.id, p.reply_to, p.text) for p in thread.posts]


def test_readers_hn_lines_honour_field_mapping(tmp_path):
    items = [{"id": 1, "type": "story", "by": "pg", "time": 1, "title": "Why?", "kids": [2],
              "words": "Because."},
             {"id": 2, "type": "comment", "by": "a", "parent": 1, "time": 2,
              "words": "I disagree with that."}]
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(i) for i in items))
    assert sniff(path) == "hn"
    (thread,) = read_threads([path], ReadOptions(fields=(("text", "words"),))).threads
    assert [p.text for p in thread.posts] == ["Why?\n\nBecause.", "I disagree with that."]


def test_readers_compressed_input_over_the_cap_is_refused(tmp_path):
    import gzip

    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "a"}\n' + b" " * 5_000_000))
    with pytest.raises(InputError, match="larger than"):
        read_threads([path], ReadOptions(max_input_bytes=1_000_000))


@needs_raw
def test_readers_hn_algolia_tree_matches_gold(tmp_path):
    fixtures = orjson.loads((RAW / "original" / "hackernews" / "fixtures.json").read_bytes())
    item = next(f["reply"] for f in fixtures if f["url"] == "/api/v1/items/17")
    path = _write(tmp_path / "item17.json", item)
    assert sniff(path) == "hn"
    result = read_threads([path])
    (thread,) = result.threads
    assert thread.id == "hn:17"
    got = [(p.id.removeprefix("hn:"), p.author, p.reply_to and p.reply_to.removeprefix("hn:"),
            p.text) for p in thread.posts]
    want = _gold_posts(_gold("hackernews:17"))
    assert got[1:] == want[1:]
    assert got[0][:2] == want[0][:2] and got[0][3] == want[0][3]
    # item 17 replies to 15, which is not in the file: the tree starts at a reply, which is
    # its root here; reported as a note, since nothing in the file was skipped or lost
    assert thread.posts[0].reply_to is None and thread.posts[0].flags == ()
    assert [p.code for p in result.problems] == ["partial_thread"]
    assert "hn:15" in result.problems[0].message
    assert result.losses == () and result.skipped == 0


def test_readers_hn_firebase_items_list_and_lines(tmp_path):
    items = [
        {"id": 1, "type": "story", "by": "pg", "time": 1160000000, "title": "Ask HN: Why?",
         "text": "Because <i>reasons</i>.<p>Second paragraph &amp; more.", "kids": [2, 3]},
        {"id": 2, "type": "comment", "by": "a", "parent": 1, "time": 1160000100,
         "text": "<p>I disagree.<script>alert(1)</script></p>"},
        {"id": 3, "type": "comment", "deleted": True, "parent": 1, "time": 1160000200},
    ]
    listed = _write(tmp_path / "items.json", items)
    lines = tmp_path / "items.jsonl"
    lines.write_bytes(b"\n".join(orjson.dumps(i) for i in items))
    for path in (listed, lines):
        assert sniff(path) == "hn"
        (thread,) = read_threads([path], ReadOptions(format="hn")).threads
        assert thread.id == "hn:1"
        assert thread.posts[0].text == "Ask HN: Why?\n\nBecause reasons.\nSecond paragraph & more."
        assert thread.posts[1].text == "I disagree."
        assert thread.posts[2].flags == ("deleted",) and thread.posts[2].text == ""
        assert thread.posts[1].source.url == "https://news.ycombinator.com/item?id=2"


def test_readers_hn_algolia_search_hits_group_by_story(tmp_path):
    hits = {"nbHits": 5, "page": 0, "hits": [
        {"objectID": "100", "title": "Ask HN: Are tariffs a tax?", "story_text": "<p>Curious.</p>",
         "author": "op", "created_at_i": 1000, "story_id": 100, "parent_id": None, "points": 12},
        {"objectID": "101", "comment_text": "Yes, importers pay them.", "author": "ana",
         "created_at_i": 1100, "story_id": 100, "parent_id": 100},
        {"objectID": "102", "comment_text": "I disagree: exporters absorb part &amp; more.",
         "author": "bo", "created_at_i": 1200, "story_id": 100, "parent_id": 101},
        {"objectID": "103", "comment_text": "Its parent is on another page.", "author": "cy",
         "created_at_i": 1300, "story_id": 100, "parent_id": 999},
        {"objectID": "201", "comment_text": "Another story.", "author": "di",
         "created_at_i": 2100, "story_id": 200, "parent_id": 200},
    ]}
    path = tmp_path / "search.json"  # pretty-printed, as saved from a browser or jq
    path.write_text(json.dumps(hits, indent=2), encoding="utf-8")
    assert sniff(path) == "hn"
    result = read_threads([path])
    threads = {t.id: t for t in result.threads}
    assert set(threads) == {"hn:100", "hn:200"}
    story = threads["hn:100"]
    assert [(p.id, p.reply_to) for p in story.posts] == [
        ("hn:100", None), ("hn:101", "hn:100"), ("hn:102", "hn:101"), ("hn:103", "hn:100")]
    assert story.posts[0].text == "Ask HN: Are tariffs a tax?\n\nCurious."
    assert story.posts[2].text == "I disagree: exporters absorb part & more."
    # a parent missing from the page is reported, and the reply kept (not invented, not lost)
    assert sorted(p.post_id for p in result.problems if p.code == "orphan_reply") == [
        "hn:103", "hn:201"]


def test_readers_hn_pretty_printed_algolia_tree(tmp_path):
    tree = {"id": 1, "type": "story", "author": "pg", "created_at_i": 5, "title": "T",
            "text": None, "story_id": 1, "parent_id": None, "children": [
                {"id": 2, "type": "comment", "author": "a", "created_at_i": 6,
                 "text": "<p>A reply.</p>", "story_id": 1, "parent_id": 1, "children": []}]}
    path = tmp_path / "item.json"
    path.write_text(json.dumps(tree, indent=2), encoding="utf-8")
    (thread,) = read_threads([path]).threads
    assert [(p.id, p.reply_to, p.text) for p in thread.posts] == [
        ("hn:1", None, "T"), ("hn:2", "hn:1", "A reply.")]


@needs_raw
def test_readers_discourse_matches_gold():
    path = RAW / "original" / "discourse" / "topic.json"
    assert sniff(path) == "discourse"
    (thread,) = read_threads([path]).threads
    topic = orjson.loads(path.read_bytes())
    number_of = {p["id"]: p["post_number"] for p in topic["post_stream"]["posts"]}
    got = sorted((p.id, p.author, p.reply_to, p.text) for p in thread.posts)
    want = sorted((f"discourse:57#{number_of[int(pid)]}", author,
                   f"discourse:57#{number_of[int(reply)]}" if reply else None, text)
                  for pid, author, reply, text in _gold_posts(_gold("discourse:57")))
    assert got == want


def test_readers_discourse_quotes_are_not_the_repliers_text(tmp_path):
    cooked = ('<aside class="quote" data-username="ann" data-post="1" data-topic="9">'
              '<div class="title">ann:</div><blockquote><p>Cats rule.</p></blockquote></aside>'
              "<p>Dogs are better.</p>")
    topic = {"id": 9, "title": "Pets", "post_stream": {"posts": [
        {"id": 100, "post_number": 1, "username": "ann", "cooked": "<p>Cats rule.</p>",
         "created_at": "2020-01-01T00:00:00Z", "reply_to_post_number": None},
        {"id": 101, "post_number": 2, "username": "bob", "cooked": cooked,
         "created_at": "2020-01-02T00:00:00Z", "reply_to_post_number": 1},
        {"id": 102, "post_number": 3, "username": "eve", "hidden": True,
         "cooked": "<p>This post was flagged by the community</p>",
         "created_at": "2020-01-03T00:00:00Z", "reply_to_post_number": None},
    ], "stream": [100, 101, 102, 103]}}
    path = _write(tmp_path / "topic.json", topic)
    result = read_threads([path])
    posts = {p.id: p for p in result.threads[0].posts}
    reply = posts["discourse:9#2"]
    assert reply.text == "Dogs are better."
    assert reply.quotes[0].post_id == "discourse:9#1" and "Cats rule." in reply.quotes[0].text
    assert reply.reply_to == "discourse:9#1"
    assert posts["discourse:9#3"].flags == ("hidden",) and posts["discourse:9#3"].text == ""
    assert [p.code for p in result.problems] == ["posts_not_loaded"]


def test_readers_discourse_cooked_hidden_alone_is_a_hidden_post(tmp_path):
    """Hostile input #16: Discourse's BasicPostSerializer (the shape of endpoints that do not
    add PostSerializer's ``hidden``) marks a hidden post only by ``cooked_hidden``, its cooked
    HTML replaced by the flagging notice; before, that notice was mapped as an argument."""
    topic = {"id": 9, "title": "Pets", "post_stream": {"posts": [
        {"id": 100, "post_number": 1, "username": "ann", "cooked": "<p>Cats rule, because.</p>",
         "created_at": "2020-01-01T00:00:00Z", "reply_to_post_number": None},
        {"id": 102, "post_number": 2, "username": "eve", "cooked_hidden": True,
         "cooked": "<p>This post was flagged by the community and is temporarily hidden.</p>",
         "created_at": "2020-01-03T00:00:00Z", "reply_to_post_number": 1},
    ]}}
    path = _write(tmp_path / "topic.json", topic)
    posts = {p.id: p for p in read_threads([path]).threads[0].posts}
    assert posts["discourse:9#2"].flags == ("hidden",) and posts["discourse:9#2"].text == ""


def test_readers_lesswrong_graphql_comments(tmp_path):
    document = {"data": {"comments": {"results": [
        {"_id": "c1", "postId": "P", "parentCommentId": None, "postedAt":
         "2024-05-01T10:00:00.000Z", "htmlBody": "<p>Top <b>level</b>.</p>",
         "user": {"displayName": "Ann"}, "baseScore": 10},
        {"_id": "c2", "postId": "P", "parentCommentId": "c1", "postedAt":
         "2024-05-01T11:00:00.000Z", "htmlBody": "<blockquote>Top level.</blockquote><p>No.</p>",
         "user": {"displayName": "Bob"}, "retracted": True},
    ]}}}
    path = _write(tmp_path / "lw.json", document)
    assert sniff(path) == "lesswrong"
    (thread,) = read_threads([path]).threads
    assert thread.id == "lesswrong:P"
    assert [p.author for p in thread.posts] == ["Ann", "Bob"]
    assert thread.posts[1].reply_to == "lesswrong:c1" and thread.posts[1].flags == ("retracted",)
    assert thread.posts[1].text == "> Top level.\n\nNo."


def test_readers_convokit_folder_never_unpickles(tmp_path):
    corpus = tmp_path / "my-corpus"
    corpus.mkdir()
    utterances = [
        {"id": "u1", "speaker": "alice", "conversation_id": "u1", "reply_to": None,
         "timestamp": 1, "text": "Opening claim."},
        {"id": "u2", "user": "bob", "root": "u1", "reply-to": "u1", "timestamp": 2,
         "text": "Legacy keys reply."},
    ]
    (corpus / "utterances.jsonl").write_bytes(b"\n".join(orjson.dumps(u) for u in utterances))
    (corpus / "index.json").write_text("{}")
    (corpus / "utterances-bin.p").write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")
    assert sniff(corpus) == "convokit"
    result = read_threads([corpus])
    (thread,) = result.threads
    assert thread.id == "convokit:my-corpus:u1"
    assert [(p.author, p.reply_to) for p in thread.posts] == [
        ("alice", None), ("bob", "convokit:my-corpus:u1")]
    assert [p.message for p in result.problems] == [
        "binary metadata ignored (pickles are never loaded)"]


def test_readers_html_to_text_is_iterative_and_drops_scripts():
    deep = "<div>" * 50_000 + "deep text" + "</div>" * 50_000
    text, _ = html_to_text(deep)
    assert text == "deep text"
    text, quotes = html_to_text("<style>p{}</style><ul><li>one</li><li>two</li></ul>")
    assert text == "* one\n\n* two" or text == "* one\n* two"
    assert quotes == ()


def test_readers_native_wrong_shape_is_an_input_error(tmp_path):
    path = _write(tmp_path / "x.json", {"hello": "world"})
    for fmt in ("reddit", "discourse", "lesswrong"):
        with pytest.raises(InputError):
            read_threads([path], ReadOptions(format=fmt))
    assert json.loads(path.read_text()) == {"hello": "world"}


def test_readers_jsonl_file_of_one_record_reads_as_json_lines(tmp_path):
    """A `.jsonl` file holding one record was sniffed as a JSON document (its post at line 0,
    not 1, and the document reader's rules, not JSON Lines'): a shard of one line read
    otherwise than the same line in a longer shard (noted by the fuzzing campaign). A one-line
    `.json` file stays a (minified) document."""
    record = {"id": "p1", "author": "ann", "text": "Cities should ban cars because pollution "
              "harms everyone."}
    for name, end in (("posts.jsonl", b"\n"), ("posts.ndjson", b""), ("posts.JSONL", b"\r\n"),
                      ("posts.jsonl.gz", b"\n")):
        one = tmp_path / name.replace(".", "_") / name
        one.parent.mkdir()
        data = orjson.dumps(record) + end
        one.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        assert sniff(one) == "jsonl"
        (thread,) = read_threads([one]).threads
        (forced,) = read_threads([one], ReadOptions(format="jsonl")).threads
        assert thread == forced
        assert thread.posts[0].source.line == 1
    minified = tmp_path / "thread.json"
    minified.write_bytes(orjson.dumps(record))
    assert sniff(minified) == "json"


HN_READS = "argmap reads Hacker News as an Algolia item tree"


def test_readers_hn_recorded_api_responses_are_refused_naming_what_hn_reads(tmp_path):
    """A file of recorded Firebase responses (an HN client's test fixtures: [{url, reply}],
    a dict of them, or a dict from URL to reply) is not a format any HN API or exporter
    writes, nor one thread: sniffed or named as HN, it is refused by what it is, with the
    shapes argmap reads. Before, it was 'no record could be read; first: HN item without id'
    or 'no text field; map it with --field text=NAME'."""
    items = [{"id": 1, "type": "story", "by": "pg", "title": "Ask HN: Why?", "kids": [2]},
             {"id": 2, "type": "comment", "by": "a", "parent": 1, "text": "Because."}]
    base = "https://hacker-news.firebaseio.com/v0/item/"
    listed = [{"url": f"{base}{i['id']}.json", "reply": i} for i in items]
    for name, document in (("list", listed),
                           ("named", {str(n): e for n, e in enumerate(listed)}),
                           ("by_url", {e["url"]: e["reply"] for e in listed})):
        path = _write(tmp_path / f"{name}.json", document)
        assert sniff(path) == "hn", name
        for fmt in ("auto", "hn"):
            with pytest.raises(InputError, match="2 recorded API responses") as caught:
                read_threads([path], ReadOptions(format=fmt))
            assert HN_READS in caught.value.detail and "/v0/item/1.json" in caught.value.detail
    with pytest.raises(InputError, match=HN_READS):  # not JSON's list or object at all
        read_threads([_write(tmp_path / "number.json", 7)], ReadOptions(format="hn"))


@needs_raw
def test_readers_hn_the_shared_fixtures_file_is_refused_naming_its_thread_item(tmp_path):
    path = RAW / "original" / "hackernews" / "fixtures.json"
    assert sniff(path) == "hn"
    with pytest.raises(InputError, match="26 recorded API responses") as caught:
        read_threads([path])
    assert "'/api/v1/items/17'" in caught.value.detail and HN_READS in caught.value.detail


def test_readers_a_topic_or_submission_id_of_the_wrong_type_is_no_traceback(tmp_path):
    """A Discourse topic whose ``id`` (or posts' ``topic_id``) is an object, a list or true,
    and a Reddit thread whose submission ``id`` is one: every post that can be read is, the
    bad id is reported. Before, 'RecordError: id is dict, expected a string', exit 1."""
    from argmap.readers.result import is_loss

    def topic(topic_id: object, *post_topics: object) -> dict:
        return {"id": topic_id, "post_stream": {"posts": [
            {"id": n + 1, "post_number": n + 1, "username": f"u{n}", "topic_id": t,
             "cooked": f"<p>Cars pollute the air in our cities, claim {n}.</p>"}
            for n, t in enumerate(post_topics)]}}

    for document, named in ((topic({"a": 1}, None), "discourse:bad"),
                            (topic([1], {"x": 1}, 7), "discourse:7"),
                            (topic(True, " "), "discourse:bad")):
        result = read_threads([_write(tmp_path / "bad.json", document)])
        (thread,) = result.threads
        assert thread.id == named and len(thread.posts) == len(document["post_stream"]["posts"])
        assert result.problems and all(p.code == "bad_topic_id" for p in result.problems)
        assert not any(is_loss(p) for p in result.problems)
    listing = [{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {
        "id": {"x": 1}, "title": "Free buses?", "selftext": "Cars pollute the air.",
        "author": "a"}}]}},
               {"kind": "Listing", "data": {"children": [{"kind": "t1", "data": {
                   "id": "c1", "parent_id": "t3_x", "body": "I disagree, buses do too.",
                   "author": "b"}}]}}]
    result = read_threads([_write(tmp_path / "reddit.json", listing)])
    assert [t.id for t in result.threads] == ["reddit:unknown"]
    assert [p.code for p in result.problems if is_loss(p)] == ["wrong_type"]
