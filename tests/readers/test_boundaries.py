"""readers.boundaries: post boundaries in separator-less dumps from word statistics and cues."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.options import ReadOptions
from argmap.readers import read_threads
from argmap.readers.boundaries import (
    cue_scores,
    find_boundaries,
    lexical_evidence,
    split_units,
)

CORPORA = Path(__file__).resolve().parents[2] / "corpora"

# Four posts on unrelated subjects, three paragraphs each, pasted with no separator and
# no cue phrase at any post start: only the change of vocabulary marks the boundaries.
BREAD = [
    "My sourdough starter finally doubles within six hours after feeding, which means the "
    "flour and water ratio I settled on keeps the yeast and bacteria happy in a cool kitchen.",
    "The dough now rises evenly overnight in the fridge, and the bread bakes with an open "
    "crumb and a dark crust when the oven and the dutch oven are preheated for an hour.",
    "Feeding the starter with some rye flour made the sourdough rise faster, and the loaf "
    "tastes more sour when the dough proofs longer in the fridge before baking.",
]
BIKES = [
    "Commuting by bicycle through the city centre got much safer once the council painted "
    "protected cycle lanes along the ring road and added traffic lights for cyclists.",
    "Drivers still park in the cycle lanes near the station every morning, so cyclists have "
    "to swerve into the traffic, and a bicycle commuter was injured there last winter.",
    "Bicycle parking at the station fills up before eight, so commuters lock their bikes to "
    "railings, and the council removes those bicycles when the cycle racks overflow.",
]
SOLAR = [
    "Installing solar panels on a south facing roof pays back the inverter and panel costs "
    "within nine years here, because the electricity tariff for exported power is generous.",
    "Battery storage for solar power remains expensive, and panels on a shaded roof produce "
    "far less electricity than installers promise in their glossy brochures and estimates.",
    "Cleaning the solar panels twice a year and checking the inverter display keeps the "
    "roof installation close to its rated power output through the dusty summer months.",
]
CHESS = [
    "Chess openings like the Sicilian defence reward memorising long theoretical lines, "
    "while club players gain more from studying endgames, pawn structures and tactics.",
    "Playing slow chess games against stronger opponents and reviewing every lost game with "
    "an engine improved my rating more than any opening book or video course on openings.",
    "Chess clubs that pair beginners with stronger players for slow games and game reviews "
    "keep their members longer than clubs that only run blitz chess tournaments.",
]
MIXED_DUMP = [*BREAD, *BIKES, *SOLAR, *CHESS]
MIXED_STARTS = [0, 3, 6, 9]

# One essay: eight paragraphs that keep returning to the same subject and words.
ESSAY = [
    "Cities should plant more street trees, because trees cool streets during summer heat "
    "waves and make walking through the city pleasant for residents of every neighbourhood.",
    "A mature street tree shades the pavement and the walls of nearby buildings, and the "
    "shade lowers the temperature residents feel on the street by several degrees.",
    "Street trees also absorb rain water, so heavy summer storms flood fewer streets, and "
    "the city spends less on drains when more trees line its streets.",
    "Critics say street trees are expensive to plant and to water in their first summers, "
    "yet the city budget for trees is tiny compared with the cost of heat and floods.",
    "Residents in neighbourhoods without street trees suffer most during heat waves, so "
    "the city should plant trees first where the streets are hottest and poorest.",
    "Tree roots can lift the pavement, but planting the right tree species in larger pits "
    "keeps roots away from pavement and pipes under the street.",
    "Volunteers from the neighbourhood can water young street trees in summer, and residents "
    "who water a tree tend to protect it and to ask the city for more trees.",
    "Planting street trees is one of the cheapest ways for a city to cool its streets, "
    "absorb rain and make neighbourhoods pleasant, so the city should plant many more trees.",
]


def _starts(lines: list[str]) -> list[int]:
    units = split_units(lines)
    return [units[i].first for i in find_boundaries(units)]


def test_readers_boundaries_different_topic_posts_split_at_their_first_lines():
    assert _starts(MIXED_DUMP) == MIXED_STARTS


def test_readers_boundaries_lexical_evidence_peaks_at_a_topic_change():
    units = split_units(MIXED_DUMP)
    evidence = lexical_evidence(units)
    inside = [g for g in range(1, len(units)) if g not in MIXED_STARTS]
    assert min(evidence[g] for g in MIXED_STARTS[1:]) > max(evidence[g] for g in inside)


def test_readers_boundaries_coherent_essay_is_one_post():
    assert _starts(ESSAY) == [0]


def test_readers_boundaries_essay_between_unrelated_posts_stays_whole():
    lines = [*BIKES, *ESSAY, *CHESS]
    assert _starts(lines) == [0, len(BIKES), len(BIKES) + len(ESSAY)]


def test_readers_boundaries_counter_cue_vetoes_a_lexical_boundary():
    lines = [*BREAD, "Also " + BIKES[0][0].lower() + BIKES[0][1:], *BIKES[1:]]
    assert _starts(lines) == [0]


def test_readers_boundaries_reply_opening_is_a_cue_but_no_one_is_not():
    units = split_units([BREAD[0], "No, the starter needs a warmer kitchen than that.",
                         "No one in my family bakes sourdough at home any more."])
    cues = cue_scores(units)
    assert cues[1] >= 1.0
    assert cues[2] < 1.0


def test_readers_boundaries_seed_000_keeps_its_seven_posts():
    lines = (CORPORA / "000_75579187bcdd6b7a.txt").read_text(encoding="utf-8").splitlines()
    assert [s + 1 for s in _starts(lines)] == [1, 13, 14, 15, 21, 26, 37]


def test_readers_boundaries_seed_002_has_one_to_three_posts_split_at_line_7():
    lines = (CORPORA / "002_3d8d04164e2029b3.txt").read_text(encoding="utf-8").splitlines()
    starts = [s + 1 for s in _starts(lines)]
    assert 1 <= len(starts) <= 3
    assert starts[:2] == [1, 7]


def test_readers_boundaries_are_deterministic():
    lines = [*CHESS, *ESSAY, *SOLAR, *BREAD, *BIKES]
    first = _starts(lines)
    assert all(_starts(list(lines)) == first for _ in range(3))
    assert len(first) >= 3


def test_readers_boundaries_single_post_option_reads_the_dump_as_one_post(tmp_path: Path):
    path = tmp_path / "dump.txt"
    path.write_text("\n".join(MIXED_DUMP) + "\n", encoding="utf-8")
    split = read_threads([path], ReadOptions()).threads[0].posts
    whole = read_threads([path], ReadOptions(single_post=True)).threads[0].posts
    assert [p.source.line for p in split] == [s + 1 for s in MIXED_STARTS]
    assert len(whole) == 1 and whole[0].source.end_line == len(MIXED_DUMP)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=40))
def test_readers_boundaries_hostile_lines_give_ordered_valid_starts(lines: list[str]):
    units = split_units(lines)
    starts = find_boundaries(units)
    assert starts == sorted(set(starts))
    assert (starts[:1] == [0]) if units else starts == []
    assert all(0 <= s < len(units) for s in starts)


def test_readers_boundaries_no_recovered_post_is_longer_than_a_post(tmp_path: Path):
    """20,000 five-word posts with no cue between them were one 598,000-character post."""
    rng = __import__("random").Random(3)
    words = [w.lower().strip(".,") for w in " ".join(BREAD + BIKES + SOLAR).split()]
    lines = [" ".join(rng.choice(words) for _ in range(5)).capitalize() + "."
             for _ in range(20_000)]
    path = tmp_path / "many.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    posts = read_threads([path]).threads[0].posts
    spans = sorted((p.source.line, p.source.end_line) for p in posts)
    assert all(end - start + 1 <= 2 * 40 for start, end in spans)
    assert max(len(p.text) for p in posts) <= 20_000
    assert len(posts) >= 20_000 // 80
    # every line is in exactly one post, in order
    assert spans[0][0] == 1 and spans[-1][1] == 20_000
    assert all(b[0] == a[1] + 1 for a, b in zip(spans, spans[1:], strict=False))


def test_readers_boundaries_blank_separated_dump_is_split_into_posts(tmp_path: Path):
    rng = __import__("random").Random(5)
    words = [w.lower().strip(".,") for w in " ".join(CHESS + SOLAR).split()]
    paragraphs = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 12))).capitalize()
                  + "." for _ in range(20_000)]
    path = tmp_path / "blank.txt"
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    posts = read_threads([path]).threads[0].posts
    assert len(posts) > 20_000 * 2 // 80
    assert all(p.source.end_line - p.source.line + 1 <= 80 for p in posts)
    assert not any(p.flags for p in posts)  # nothing cut at read.max_text_chars
