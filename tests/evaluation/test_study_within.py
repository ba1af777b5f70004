"""tools/study_within.py: the nearest-point decoding and the structural cues it studies."""

from __future__ import annotations

from argmap.model import Claim
from tests.support import load_script


def _tool():
    return load_script("tools/study_within.py", "study_within_tool")


def _claims(text: str, parts: list[str]) -> list[Claim]:
    out, at = [], 0
    for k, part in enumerate(parts):
        start = text.index(part, at)
        out.append(Claim(f"p/c{k}", "p", start, start + len(part), part))
        at = start + len(part)
    return out


def test_study_within_joins_each_non_point_to_the_nearest_point_before_it():
    tool = _tool()
    points = [True, False, False, True, False]
    assert tool.nearest_point_joins(points, [True] * 5) == [(1, 0), (2, 0), (4, 3)]
    # a point left out (it stands for no gold unit) is no target; a claim before any point has none
    assert tool.nearest_point_joins(points, [True, True, True, False, True]) == [
        (1, 0), (2, 0), (4, 0)]
    assert tool.nearest_point_joins([False, True], [True, True]) == []
    assert tool.nearest_point_joins([], []) == []
    # the second decoding: every claim to the nearest allowed claim before it
    assert tool.nearest_target_joins([True, False, True, False]) == [(1, 0), (2, 0), (3, 2)]
    assert tool.nearest_target_joins([False, True]) == []


def test_study_within_cues_of_a_post():
    tool = _tool()
    text = ("I think cities should ban cars. Because air kills.\n\n"
            "For example, 4,000 deaths a year? Cars are loud.")
    claims = _claims(text, ["I think cities should ban cars.", "Because air kills.",
                            "For example, 4,000 deaths a year?", "Cars are loud."])
    cues = tool.features(claims, text)
    assert [f["first"] for f in cues] == [True, False, False, False]
    assert [f["paragraph_first"] for f in cues] == [True, False, True, False]
    assert cues[0]["first_person"] and cues[0]["normative"]
    assert cues[1]["premise_opener"] and cues[2]["premise_opener"]
    assert cues[2]["question"] and cues[2]["evidence"]
    assert sum(f["central"] for f in cues) == 1
    # a post of one claim with no content word: no similarity, still one central claim
    alone = tool.features(_claims("It is.", ["It is."]), "It is.")
    assert alone[0]["central"] and alone[0]["central_in_paragraph"]
