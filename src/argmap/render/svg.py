"""Run the system ``dot`` to turn DOT text into SVG.

The SVG is dot's output byte for byte: argmap never edits it, because every piece of user text
was already made literal by ``labels`` before dot saw it, and the tests check the result with a
strict XML parser (no ``<script>``, no ``on*`` attributes, links only ``https://`` or ``#``).
Every call has a timeout: dense graphs are where dot's crossing minimisation explodes. What dot
writes is checked before anyone saves it (well-formed XML, an ``<svg>`` root with a positive
size): a dot that crashes half-way or a broken build must fail the map, not write garbage.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET

from argmap.errors import MissingDependency, RenderError

INSTALL_HINT = (
    "Graphviz 'dot' not found on PATH; install it: apt-get install graphviz / brew install graphviz"
)
_POINTS = {"pt": 1.0, "px": 0.75, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "": 1.0}
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*([a-z]*)\s*$")
_SVG_NS = "{http://www.w3.org/2000/svg}"
# The dot processes this process is waiting on (maps are drawn a few at a time from threads),
# so that Ctrl-C can stop them instead of waiting out their timeout (see ``stop_drawing``).
_RUNNING: set[subprocess.Popen[bytes]] = set()
_RUNNING_LOCK = threading.Lock()
_STOPPED = threading.Event()


def require_dot() -> str:
    """The path of the system ``dot``, or ``MissingDependency`` saying how to install it."""
    program = shutil.which("dot")
    if program is None:
        raise MissingDependency(INSTALL_HINT)
    return program


# a render.dot_timeout from this many seconds (11.6 days) on is no limit: poll() takes at most
# 2**31 ms (~24.8 days), and 1e300 was 'OverflowError: timestamp too large' for every map
NO_LIMIT = 1_000_000.0


def render_svg(dot_source: str, *, timeout: float = 60.0) -> bytes:
    """SVG bytes for ``dot_source``; ``RenderError`` with dot's message if it fails or hangs."""
    program = require_dot()
    if _STOPPED.is_set():
        raise RenderError("drawing was interrupted")
    try:
        process = subprocess.Popen([program, "-Tsvg"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise MissingDependency(f"{INSTALL_HINT} ({exc})") from exc
    with _RUNNING_LOCK:
        _RUNNING.add(process)
    try:
        stdout, stderr = process.communicate(dot_source.encode("utf-8"),
                                             timeout=timeout if timeout < NO_LIMIT else None)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        process.communicate()
        raise RenderError(
            f"Graphviz 'dot' did not finish within {timeout:g} s; the map is too dense. "
            "Lower render.max_claims_per_map or raise render.dot_timeout."
        ) from exc
    except BaseException:  # Ctrl-C while waiting: the child must not outlive the run
        process.kill()
        process.communicate()
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
    if _STOPPED.is_set():
        raise RenderError("drawing was interrupted")
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    excerpt = " ".join(done.stderr.decode("utf-8", "replace").split())[:500]
    if done.returncode < 0:
        raise RenderError(f"Graphviz 'dot' crashed (signal {-done.returncode}) {excerpt}".strip())
    if done.returncode != 0 or not done.stdout:
        raise RenderError(f"Graphviz 'dot' failed (exit {done.returncode}): {excerpt}")
    check_svg(done.stdout)
    return done.stdout


def check_svg(svg: bytes) -> tuple[float, float]:
    """The SVG's size in points if it is one (well-formed XML, an ``<svg>`` root, a positive
    width and height); ``RenderError`` saying what is wrong otherwise."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise RenderError(f"Graphviz 'dot' wrote an invalid SVG (not well-formed XML: {exc})") from exc
    if root.tag not in {f"{_SVG_NS}svg", "svg"}:
        raise RenderError(f"Graphviz 'dot' wrote an invalid SVG (root element <{root.tag}>)")
    width, height = svg_size(svg)
    if not (width > 0 and height > 0):
        raise RenderError(f"Graphviz 'dot' wrote an invalid SVG (size {width:g} x {height:g})")
    return width, height


def svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height of an SVG in points, from its ``width``/``height`` (or ``viewBox``)."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise RenderError(f"not a well-formed SVG: {exc}") from exc
    width, height = root.get("width"), root.get("height")
    if width and height:
        return _points(width), _points(height)
    box = (root.get("viewBox") or "").split()
    if len(box) == 4:
        return float(box[2]), float(box[3])
    raise RenderError("the SVG has neither width/height nor a viewBox")


def _points(length: str) -> float:
    match = _LENGTH.match(length)
    if not match or match.group(2) not in _POINTS:
        raise RenderError(f"unrecognised SVG length {length!r}")
    return float(match.group(1)) * _POINTS[match.group(2)]


_LINK_ATTRS = ("href", "{http://www.w3.org/1999/xlink}href")
_ALLOWED_LINK = re.compile(r"^(https://|#)")


def svg_problems(svg: bytes | str) -> list[str]:
    """What makes an SVG unsafe to embed: not strict XML, scripts, ``on*`` handlers, links
    other than ``https://`` or ``#``. Empty when the SVG is safe. The tests' oracle, and the
    HTML report's last check before it inlines a map."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    problems = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in {"script", "foreignobject", "iframe", "object", "embed"}:
            problems.append(f"<{tag}> element")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                problems.append(f"event handler attribute {local}")
            if name in _LINK_ATTRS and not _ALLOWED_LINK.match(value):
                problems.append(f"link {value[:60]!r}")
    return problems


def stop_drawing() -> None:
    """Kill every ``dot`` still running for this process and refuse to start new ones.

    Called when the run is interrupted: drawing threads would otherwise wait out each map's
    timeout (and the simpler retry after it) before the process could exit."""
    _STOPPED.set()
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        process.kill()
