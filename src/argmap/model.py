"""The records that flow through every stage of argmap.

Every record is a frozen, slotted dataclass of strings, numbers, enums and tuples, so a stage
cannot mutate what an earlier stage produced, and two runs over the same input compare equal.
Change a record with ``dataclasses.replace``. No I/O and no NLP lives here: only the shapes,
the id helpers and the canonical sort keys that make outputs deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

SCHEMA_VERSION = "1.1"  # 1.1: ArgumentMap.post_relations


class Stance(str, Enum):
    """Direction of a relation between two claims."""

    SUPPORT = "support"
    ATTACK = "attack"


class PostStance(str, Enum):
    """What a reply does to the post it answers, as a whole."""

    AGREE = "agree"
    DISAGREE = "disagree"
    NONE = "none"  # takes no side: thanks, a question, "yes, but", an answer, off the point


class Role(str, Enum):
    """What a claim does inside its post (set by the segmenter and the linker)."""

    CLAIM = "claim"  # an assertion in its own right
    PREMISE = "premise"  # introduced as a reason ("because ...")
    CONCLUSION = "conclusion"  # introduced as a consequence ("so ...")
    OBJECTION = "objection"  # introduced by a contrast ("but ...", "however ...")


class DropReason(str, Enum):
    """Why a span of a post was not kept as a claim. Every dropped span carries one."""

    QUESTION = "question"
    HEADING = "heading"
    META = "meta"  # remarks about the post itself ("Edit:", "I also posted it on ...")
    TOO_SHORT = "too_short"
    QUOTED = "quoted"  # text quoted from another post (kept as a quote, not a claim)
    URL_ONLY = "url_only"
    FOOTNOTE = "footnote"
    GREETING = "greeting"  # thanks, greetings, sign-offs
    NOT_ARGUMENTATIVE = "not_argumentative"  # instructions, pure description, fragments
    DELETED = "deleted"  # deleted or removed content
    HIDDEN = "hidden"  # moderation placeholder text
    BOT = "bot"  # a post written by a bot (AutoModerator, "I am a bot" footers)
    CODE = "code"
    TOO_LONG = "too_long"  # beyond the per-post character cap


class EvidenceKind(str, Enum):
    """What made argmap believe in a relation."""

    CONNECTIVE = "connective"
    ADJACENCY = "adjacency"
    REPLY = "reply"
    QUOTE = "quote"
    SIMILARITY = "similarity"
    STANCE_CUE = "stance_cue"
    NEGATION = "negation"
    MODEL = "model"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a post came from: file, 1-based line range, and a public URL when the source has one."""

    path: str
    line: int = 0
    end_line: int = 0
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """Text a post quotes, with the quoted post when it is known."""

    text: str
    post_id: str | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """One message of a discussion. ``id`` is ``<source>:<native id>``."""

    id: str
    thread_id: str
    text: str
    author: str | None = None
    reply_to: str | None = None
    created: float | None = None  # seconds since the epoch, UTC
    source: SourceRef = field(default_factory=lambda: SourceRef(path=""))
    quotes: tuple[Quote, ...] = ()
    flags: tuple[str, ...] = ()  # sorted: deleted, removed, hidden, retracted, dead, bot, ...
    score: float | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input that was repaired or skipped, reported, never silent."""

    code: str  # e.g. invalid_json, orphan_reply, reply_cycle, duplicate_id
    message: str
    path: str = ""
    line: int = 0
    byte_offset: int | None = None
    post_id: str | None = None
    # The id an ``orphan_reply`` post named as its parent, so that a thread split over files
    # can be joined again (``readers.reply_tree.merge_parts``) without reading it back out of
    # the message. Written to no output: orjson leaves out dataclass fields whose names start
    # with an underscore, so maps keep their schema and bytes; not compared either.
    _replied_to: str | None = field(default=None, compare=False, repr=False)

    @property
    def replied_to(self) -> str | None:
        """The parent an ``orphan_reply`` post named (not in its input), else None."""
        return self._replied_to


@dataclass(frozen=True, slots=True)
class Thread:
    """A discussion: posts in reply-tree pre-order, siblings by (created, id)."""

    id: str
    title: str | None
    posts: tuple[Post, ...]
    problems: tuple[Problem, ...] = ()
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A span of a post that asserts something. ``post.text[start:end] == text`` always holds."""

    id: str  # f"{post_id}/c{n}"
    post_id: str
    start: int
    end: int
    text: str
    role: Role = Role.CLAIM


@dataclass(frozen=True, slots=True)
class Dropped:
    """A span of a post that is not a claim, and why."""

    post_id: str
    start: int
    end: int
    reason: DropReason
    text: str = ""


@dataclass(frozen=True, slots=True)
class Topic:
    """A group of claims about one subject, labelled by its distinctive terms."""

    id: str  # "t00", "t01", ...; "other" for the explicit catch-all
    label: str
    terms: tuple[str, ...]
    claim_ids: tuple[str, ...]
    representative: str | None = None  # claim id of the most typical claim
    is_other: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason for a relation: its kind, the cue as found in the text, and its weight."""

    kind: EvidenceKind
    detail: str
    weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Relation:
    """``source`` supports or attacks ``target``. Evidence is never empty."""

    source: str
    target: str
    stance: Stance
    confidence: float
    evidence: tuple[Evidence, ...]

    def __post_init__(self) -> None:
        if not self.evidence:
            raise ValueError(f"relation {self.source}->{self.target} has no evidence")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"relation confidence {self.confidence} outside [0, 1]")


@dataclass(frozen=True, slots=True)
class PostRelation:
    """Does the reply ``source`` agree or disagree with the post ``target`` it answers, or take
    no side? ``confidence`` is the probability that the stance is right (calibrated);
    ``source_claim``/``target_claim`` are the claim pair that carries the decision (None when
    the reply has no claims, e.g. a bare "Thanks!")."""

    source: str  # post id of the reply
    target: str  # post id of the post it answers
    stance: PostStance
    confidence: float
    source_claim: str | None
    target_claim: str | None
    evidence: tuple[Evidence, ...]

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"post relation confidence {self.confidence} outside [0, 1]")


@dataclass(frozen=True, slots=True)
class ArgumentMap:
    """Everything the pipeline found, before analysis."""

    threads: tuple[Thread, ...]
    claims: tuple[Claim, ...]
    dropped: tuple[Dropped, ...]
    topics: tuple[Topic, ...]
    relations: tuple[Relation, ...]
    options_fingerprint: str = ""
    post_relations: tuple[PostRelation, ...] = ()  # one per reply post (link.post_stance)


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """One verbatim claim chosen for a summary, with the share of claims it stands for."""

    claim_id: str
    post_id: str
    text: str
    share: float  # share of the group's claims this item represents (0..1)
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """An extractive summary of a group of claims (a topic, a thread or a camp)."""

    scope: str  # "topic", "thread" or "camp"
    scope_id: str
    title: str
    items: tuple[SummaryItem, ...]


@dataclass(frozen=True, slots=True)
class Camp:
    """Participants who support each other's claims and attack the other side's."""

    id: str
    authors: tuple[str, ...]
    claim_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the graph says: who is central, what is contested, what stands, what is unanswered."""

    centrality: tuple[tuple[str, float], ...]  # (claim id, score), highest first
    contested: tuple[str, ...]  # claims both attacked and supported
    unanswered: tuple[str, ...]  # attacking claims nobody answered
    status: tuple[tuple[str, str], ...]  # (claim id, "in" | "out" | "undecided"), grounded labelling
    camps: tuple[Camp, ...]
    summaries: tuple[Summary, ...]


# --- ids and canonical ordering -------------------------------------------------------------


def claim_id(post_id: str, n: int) -> str:
    """The id of the n-th claim (0-based) of a post."""
    return f"{post_id}/c{n}"


def post_of_claim(cid: str) -> str:
    """The post id a claim id belongs to."""
    return cid.rsplit("/c", 1)[0]


def claim_sort_key(claim: Claim) -> tuple[str, int, int]:
    return (claim.post_id, claim.start, claim.end)


def relation_sort_key(relation: Relation) -> tuple[str, str, str]:
    return (relation.source, relation.target, relation.stance.value)


def post_relation_sort_key(relation: PostRelation) -> tuple[str, str]:
    return (relation.source, relation.target)


def dropped_sort_key(dropped: Dropped) -> tuple[str, int, int]:
    return (dropped.post_id, dropped.start, dropped.end)
