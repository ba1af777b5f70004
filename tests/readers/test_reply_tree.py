"""threads.build_thread: repairs (duplicates, cycles, self-replies, orphans) and pre-order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.model import Post
from argmap.readers.reply_tree import build_thread


def _post(pid: str, reply_to: str | None = None, created: float | None = None,
          text: str = "") -> Post:
    return Post(id=pid, thread_id="t", text=text or f"text of {pid}", reply_to=reply_to,
                created=created)


def _codes(thread) -> list[str]:
    return sorted(p.code for p in thread.problems)


def test_threads_preorder_with_siblings_by_time_then_id():
    posts = [_post("c", "a", 5.0), _post("a"), _post("b", "a", 1.0), _post("d", "b"),
             _post("e", "a"), _post("f", "a", 1.0)]
    thread = build_thread("t", "title", posts)
    assert [p.id for p in thread.posts] == ["a", "b", "d", "f", "c", "e"]
    assert thread.problems == ()


def test_threads_order_does_not_depend_on_input_order():
    posts = [_post("a"), _post("b", "a", 2.0), _post("c", "a", 1.0), _post("d", "c")]
    forward = build_thread("t", None, posts)
    backward = build_thread("t", None, list(reversed(posts)))
    assert forward == backward


def test_threads_duplicate_keeps_first_and_reports():
    posts = [_post("a", text="first"), _post("b", "a"), _post("a", text="second")]
    thread = build_thread("t", None, posts, "in.jsonl")
    assert [p.id for p in thread.posts] == ["a", "b"]
    assert thread.posts[0].text == "first"
    assert _codes(thread) == ["duplicate_id"]
    assert thread.problems[0].path == "in.jsonl"


def test_threads_self_reply_becomes_root():
    thread = build_thread("t", None, [_post("a", "a")])
    assert thread.posts[0].reply_to is None
    assert _codes(thread) == ["self_reply"]


def test_threads_cycle_is_cut_at_smallest_id_and_attached_to_root():
    posts = [_post("root"), _post("x", "z"), _post("y", "x"), _post("z", "y")]
    thread = build_thread("t", None, posts)
    by_id = {p.id: p for p in thread.posts}
    assert len(thread.posts) == 4
    assert by_id["x"].reply_to == "root" and "orphan" in by_id["x"].flags
    assert by_id["y"].reply_to == "x" and by_id["z"].reply_to == "y"
    assert _codes(thread) == ["reply_cycle"]
    assert [p.id for p in thread.posts] == ["root", "x", "y", "z"]


def test_threads_cycle_without_any_root_still_yields_every_post():
    thread = build_thread("t", None, [_post("b", "a"), _post("a", "b")])
    assert sorted(p.id for p in thread.posts) == ["a", "b"]
    assert thread.posts[0].id == "a" and thread.posts[0].reply_to is None


def test_threads_orphan_hangs_under_root_with_flag():
    posts = [_post("root", created=1.0), _post("late", created=9.0), _post("o", "missing")]
    thread = build_thread("t", None, posts)
    orphan = next(p for p in thread.posts if p.id == "o")
    assert orphan.reply_to == "root"
    assert orphan.flags == ("orphan",)
    problem = next(p for p in thread.problems if p.code == "orphan_reply")
    assert problem.post_id == "o" and "missing" in problem.message


def test_threads_orphan_without_root_becomes_root():
    thread = build_thread("t", None, [_post("17", "15"), _post("18", "17")])
    assert thread.posts[0].id == "17" and thread.posts[0].reply_to is None
    assert "orphan" in thread.posts[0].flags
    assert thread.posts[1].reply_to == "17"


def test_threads_hundred_thousand_deep_chain():
    n = 100_000
    posts = [_post("p000000")] + [_post(f"p{i:06d}", f"p{i - 1:06d}") for i in range(1, n)]
    thread = build_thread("t", None, list(reversed(posts)))
    assert len(thread.posts) == n
    assert thread.posts[0].id == "p000000" and thread.posts[-1].id == f"p{n - 1:06d}"
    assert thread.problems == ()


def test_threads_hundred_thousand_long_cycle():
    n = 100_000
    posts = [_post(f"p{i:06d}", f"p{(i - 1) % n:06d}") for i in range(n)]
    thread = build_thread("t", None, posts)
    assert len(thread.posts) == n
    assert [p.code for p in thread.problems] == ["reply_cycle"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.one_of(st.none(), st.integers(0, 14)),
                          st.one_of(st.none(), st.floats(allow_nan=True))), max_size=30))
def test_threads_any_graph_becomes_a_forest_in_preorder(edges):
    posts = [_post(str(a), None if b is None else str(b), c) for a, b, c in edges]
    thread = build_thread("t", None, posts)
    ids = [p.id for p in thread.posts]
    assert len(ids) == len(set(ids)) == len({str(a) for a, _, _ in edges})
    seen: set[str] = set()
    for post in thread.posts:  # pre-order: every parent comes before its children
        assert post.reply_to is None or post.reply_to in seen
        seen.add(post.id)
    assert build_thread("t", None, list(reversed(posts))).posts == thread.posts or any(
        p.code == "duplicate_id" for p in thread.problems)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_threads_parts_merged_give_the_thread_built_whole(data):
    """A thread's posts built in parts (one per file of a split dump) and merged
    (``merge_parts``) are the thread built from all of them: replies across parts are
    replies, orphans of the whole are orphans once, a loop inside one part hangs under the
    whole's root, self-replies and loops across parts are cut as in one piece."""
    from argmap.readers.reply_tree import merge_parts

    n = data.draw(st.integers(1, 12), label="posts")
    posts = [_post(f"p{i}", data.draw(st.one_of(st.none(), st.just("gone"), st.sampled_from(
        [f"p{k}" for k in range(n)]))), float(data.draw(st.integers(0, 3)))) for i in range(n)]
    order = data.draw(st.permutations(posts), label="order")
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3), label="cuts"))
    bounds = [0, *cuts, n]
    parts = [build_thread("t", None, order[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)
             if a < b]
    whole = build_thread("t", None, posts)
    merged = merge_parts("t", parts)
    assert merged.posts == whole.posts
    assert sorted((p.code, p.post_id) for p in merged.problems) == \
        sorted((p.code, p.post_id) for p in whole.problems)


def test_reply_tree_orphan_target_is_a_field_of_the_problem_not_its_message():
    """The parent an orphan named travels as ``Problem.replied_to``: joining parts does not
    read it back out of the message (which a later wording, a translation or a tool that
    shortens messages would break), and no output carries the field (maps keep their bytes)."""
    from dataclasses import replace

    import orjson

    from argmap.readers.reply_tree import merge_parts, orphan_target

    odd = "t1_x', which is not here\n\\u0000\"'"
    part = build_thread("t", None, [_post("p0"), _post("p1", odd)])
    (problem,) = part.problems
    assert problem.code == "orphan_reply" and problem.replied_to == odd
    assert orphan_target(problem) == odd
    reworded = replace(part, problems=(replace(problem, message="orphelin"),))
    assert orphan_target(reworded.problems[0]) == odd
    merged = merge_parts("t", [reworded, build_thread("t", None, [_post(odd, "p0")])])
    assert [(p.id, p.reply_to) for p in merged.posts] == [("p0", None), (odd, "p0"),
                                                           ("p1", odd)]
    assert merged.problems == ()
    assert b"replied_to" not in orjson.dumps(problem)
    assert problem == replace(problem, _replied_to=None)  # compared as before
