"""The coding frame: codes that make a coded interview the data of the information-flow network.

A consultant codes with the frame in NVivo, ATLAS.ti, MAXQDA or QualCoder; the import
(:mod:`~impt_analysis.interop.refi_qda.derive`) turns the codings into actors, items, knowledge,
flows, barriers and case counts. The frame uses only what all four tools export: nested
codes, code descriptions, and document (case) variables. It is documented, with a worked
example, in ``docs/coding-frame.md``; this module is the one place it is defined. The
vocabularies (information types, child groups, verification, source types, channels,
frequencies, barriers, tiers) come from :mod:`impt_analysis.codebook`.

The top-level codes (their names; any case, and a vocabulary value by its code or label):

=====================  ====================================================================
``Actors``             one code per organisation, network or co-ordination body, with
                       ``country:``, ``sector:``, ``level:``, ``kind:`` lines in its
                       description (folders of actors pass their lines to the codes in them)
``Information``        ``<information type>/<child group>/<one code per piece of
                       information>``, with a ``theme:`` line in the item's description
``Verification``       official, maybe, anecdotal: applied to the passage of an item
``Source type``        the six source types: applied to the passage of an item
``Flow``               ``Passes on to``, ``Receives from``, ``Between others``, ``Sender``,
                       ``Channel/<channel>``, ``Frequency/<frequency>``
``Barriers``           the barriers of the codebook
``Barrier severity``   ``Minor``, ``Serious``, ``Blocking`` (1, 2, 3)
``Case counts``        the tiers, and ``Child group/<child group>``
=====================  ====================================================================

Examples
--------
>>> role_of(["Flow", "Channel", "Formal report"])
Role(kind='channel', value='formal_report')
>>> role_of(["Information", "Emerging issue", "Girls working as au pairs", "Au pairs in Aarhus"])
Role(kind='item', value='Au pairs in Aarhus', info_type='emerging_issue', child_group='au_pairs')
>>> parse_attributes("country: DK\\nsector: Police\\nlevel: national")
{'country': 'DK', 'sector': 'Police', 'level': 'national'}
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from ...codebook import VOCABULARIES
from .project import FIELDS, NAMESPACE, variable_elements, workbench_guid

__all__ = [
    "ACTOR_ATTRIBUTES",
    "ITEM_ATTRIBUTES",
    "SEVERITIES",
    "Role",
    "attribute_text",
    "frame_tree",
    "parse_attributes",
    "role_of",
    "write_codebook",
    "write_starter",
]

CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
ACTORS, INFORMATION, VERIFICATION, SOURCE_TYPE = "Actors", "Information", "Verification", "Source type"
FLOW, BARRIERS, SEVERITY, CASE_COUNTS = "Flow", "Barriers", "Barrier severity", "Case counts"
# A project uses the frame if one of these is a top-level code (or its mapping maps onto the frame).
FRAME_MARKERS = (ACTORS, INFORMATION, FLOW)
# Flow codes: what each says about the direction of the flow coded on the passage.
DIRECTIONS = {
    "passes on to": (
        "out",
        "The interviewee's organisation passes information to the actor(s) coded on the passage.",
    ),
    "receives from": (
        "in",
        "The interviewee's organisation receives information from the actor coded on the passage.",
    ),
    "between others": (
        "between",
        "Two other actors: code the sender's name inside the passage with Sender and the "
        "sender's actor code; the other actor coded on the passage receives.",
    ),
}
SENDER = "sender"
# barriers.severity (schema: 1 minor, 2 serious, 3 blocking)
SEVERITIES = {"minor": 1, "serious": 2, "blocking": 3}
ACTOR_ATTRIBUTES = ("id", "name", "country", "sector", "level", "kind")
ITEM_ATTRIBUTES = ("id", "label", "country", "theme")
# Top-level frame groups holding one vocabulary of the codebook.
_VOCABULARY_GROUPS = {
    "verification": "verification",
    "source type": "source_type",
    "barriers": "barrier",
    "barrier severity": "severity",
}


@dataclass(frozen=True)
class Role:
    """What a code of the frame stands for: ``kind`` and the code of ours (``value``).

    kinds: ``group`` (a folder of the frame, codes nothing), ``actor`` (value: its name),
    ``item`` (value: its name, with its information type and child group), ``direction``
    (out, in, between), ``sender``, and one per vocabulary (``verification``,
    ``source_type``, ``channel``, ``frequency``, ``barrier``, ``severity``, ``tier``,
    ``child_group``).
    """

    kind: str
    value: str = ""
    info_type: str = ""
    child_group: str = ""

    def __repr__(self) -> str:
        extra = "".join(
            f", {k}={getattr(self, k)!r}" for k in ("info_type", "child_group") if getattr(self, k)
        )
        return f"Role(kind={self.kind!r}, value={self.value!r}{extra})"


def _fold(name: str) -> str:
    return re.sub(r"[\W_]+", " ", name.casefold()).strip()


def vocabulary_code(category: str, name: str) -> str | None:
    """Our code of ``category`` that a tool code's name stands for (by code or label), or None."""
    if category == "severity":
        return str(SEVERITIES[_fold(name)]) if _fold(name) in SEVERITIES else None
    for code, label, _ in VOCABULARIES[category]:
        if _fold(name) in (_fold(code), _fold(label)):
            return code
    return None


class FrameError(ValueError):
    """A code under a group of the frame that the frame does not know."""


def role_of(path: list[str]) -> Role | None:
    """The role of a code whose names from the top are ``path``, or None if it is not in the frame.

    Raises
    ------
    FrameError
        The code is under a group of the frame but is none of its codes (a misspelt channel).
    """
    top = _fold(path[0])
    depth = len(path)
    if top == _fold(ACTORS):
        return Role("group") if depth == 1 else Role("actor", path[-1])
    if top == _fold(INFORMATION):
        if depth == 1:
            return Role("group")
        info_type = _need("info_type", path[1], path)
        if depth == 2:
            return Role("group", info_type=info_type)
        child_group = _need("child_group", path[2], path)
        if depth == 3:
            return Role("group", info_type=info_type, child_group=child_group)
        return Role("item", path[3], info_type, child_group)
    if top in _VOCABULARY_GROUPS:
        return (
            Role("group")
            if depth == 1
            else Role(_VOCABULARY_GROUPS[top], _need(_VOCABULARY_GROUPS[top], path[1], path))
        )
    if top == _fold(FLOW):
        if depth == 1:
            return Role("group")
        second = _fold(path[1])
        if second in DIRECTIONS and depth == 2:
            return Role("direction", DIRECTIONS[second][0])
        if second == SENDER and depth == 2:
            return Role("sender")
        if second in ("channel", "frequency"):
            return Role("group") if depth == 2 else Role(second, _need(second, path[2], path))
        raise FrameError(
            f"{'/'.join(path)}: not a code of the frame's Flow group (Passes on to, Receives from, "
            "Between others, Sender, Channel/..., Frequency/...)"
        )
    if top == _fold(CASE_COUNTS):
        if depth == 1:
            return Role("group")
        if _fold(path[1]) == "child group":
            return Role("group") if depth == 2 else Role("child_group", _need("child_group", path[2], path))
        return Role("tier", _need("tier", path[1], path))
    return None


def _need(category: str, name: str, path: list[str]) -> str:
    code = vocabulary_code(category, name)
    if code is None:
        choices = (
            ", ".join(SEVERITIES)
            if category == "severity"
            else ", ".join(label for _, label, _ in VOCABULARIES[category])
        )
        raise FrameError(
            f"{'/'.join(path)}: {name!r} is not a {category.replace('_', ' ')} of the codebook "
            f"({choices}); rename the code, or map it under 'frame:' in the mapping file"
        )
    return code


def parse_attributes(description: str) -> dict[str, str]:
    """The ``name: value`` lines of a code's description (names in any case; other lines ignored).

    Examples
    --------
    >>> parse_attributes("Police of Aarhus\\nSector: police\\nlevel : local")
    {'sector': 'police', 'level': 'local'}
    """
    found = {}
    for line in (description or "").splitlines():
        name, sep, value = line.partition(":")
        name = name.strip().casefold()
        if sep and name in set(ACTOR_ATTRIBUTES) | set(ITEM_ATTRIBUTES) and value.strip():
            found[name] = value.strip()
    return found


def attribute_text(values: dict[str, str]) -> str:
    """A code's description of ``name: value`` lines, as :func:`parse_attributes` reads it back.

    Examples
    --------
    >>> print(attribute_text({"id": "DK-A001", "sector": "police"}))
    id: DK-A001
    sector: police
    """
    unknown = set(values) - set(ACTOR_ATTRIBUTES) - set(ITEM_ATTRIBUTES)
    if unknown:
        raise ValueError(f"not an attribute of the frame's codes: {', '.join(sorted(unknown))}")
    return "\n".join(f"{name}: {value}" for name, value in values.items())


# --- the frame as codes: the codebook file and the starter project ---------------------------


def _labels(category: str) -> list[tuple[str, str]]:
    return [(label, description) for _, label, description in VOCABULARIES[category]]


def _code_list(category: str) -> str:
    """The codes of a vocabulary, in words: ``"a, b, c"``."""
    return ", ".join(code for code, _, _ in VOCABULARIES[category])


def frame_tree() -> list[dict]:
    """The frame's codes as nested dicts (name, description, codable, children), in order."""

    def code(name, description="", children=(), codable=True):
        return {"name": name, "description": description, "codable": codable, "children": list(children)}

    def group(name, description, children):
        return code(name, description, children, codable=False)

    def vocabulary(category):
        return [code(label, description) for label, description in _labels(category)]

    info = [
        group(
            label,
            description,
            [group(cg_label, cg_description, []) for cg_label, cg_description in _labels("child_group")],
        )
        for label, description in _labels("info_type")
    ]
    return [
        group(
            ACTORS,
            "One code per organisation, service, network or co-ordination body (never a person). "
            "Its description holds lines 'country: DK', 'sector: police', 'level: national', "
            f"'kind: organisation' (kind: {_code_list('kind')}). Folders of actors pass their lines to "
            "the codes in them.",
            [],
        ),
        group(
            INFORMATION,
            "Information type / child group / one code per piece of information, with a line "
            f"'theme: ...' in its description ({_code_list('theme')}).",
            info,
        ),
        group(
            VERIFICATION,
            "Apply to the passage of an information code: how well it is verified.",
            vocabulary("verification"),
        ),
        group(
            SOURCE_TYPE,
            "Apply to the passage of an information code: where the actor has it from.",
            vocabulary("source_type"),
        ),
        group(
            FLOW,
            "Who passes information to whom: one direction code, the actor code(s), a channel and a "
            "frequency on the same passage.",
            [code(name.capitalize(), description) for name, (_, description) in DIRECTIONS.items()]
            + [
                code(
                    SENDER.capitalize(),
                    "In a passage coded Between others: code the sender's name with this "
                    "and the sender's actor code.",
                )
            ]
            + [
                group("Channel", "How the information is passed.", vocabulary("channel")),
                group("Frequency", "How often.", vocabulary("frequency")),
            ],
        ),
        group(
            BARRIERS,
            "What blocks information; actor codes and a direction code on the same passage name "
            "the link it blocks.",
            vocabulary("barrier"),
        ),
        group(
            SEVERITY,
            "Apply to a barrier's passage.",
            [code(name.capitalize(), f"Severity {n}.") for name, n in SEVERITIES.items()],
        ),
        group(
            CASE_COUNTS,
            "A passage reporting a number of children: a tier code, a child group, a verification "
            "code (the basis); the number is the passage's only number that is not a year.",
            vocabulary("tier")
            + [group("Child group", "The group of children counted.", vocabulary("child_group"))],
        ),
    ]


def _code_elements(parent: ET.Element, codes: list[dict], path: tuple[str, ...] = ()) -> None:
    stack = [(parent, c, path) for c in reversed(codes)]
    while stack:
        parent_el, c, above = stack.pop()
        here = (*above, c["name"])
        element = ET.SubElement(
            parent_el,
            "Code",
            {
                "guid": workbench_guid("frame", *here),
                "name": c["name"],
                "isCodable": "true" if c["codable"] else "false",
            },
        )
        if c["description"]:
            ET.SubElement(element, "Description").text = c["description"]
        stack.extend((element, child, here) for child in reversed(c["children"]))


def _xml(root: ET.Element) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")).encode(
        "utf-8"
    )


def write_codebook(path: str | Path) -> Path:
    """Write the frame as a REFI-QDA codebook (``.qdc``), to import into a tool before coding.

    Examples
    --------
    >>> write_codebook("/tmp/frame.qdc").suffix
    '.qdc'
    """
    path = Path(path)
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NAMESPACE, "origin": "IMPT Workbench coding frame"})
    _code_elements(ET.SubElement(root, "Codes"), frame_tree())
    path.write_bytes(_xml(root))
    return path


def write_starter(path: str | Path) -> Path:
    """Write an empty REFI-QDA project (``.qdpx``) holding the frame and the interview variables.

    The variables (country, date, sector, level, actor_id) are those the import reads per
    interview; ``actor_id`` names the interviewee's organisation by its actor code.

    Examples
    --------
    >>> write_starter("/tmp/start.qdpx").suffix
    '.qdpx'
    """
    path = Path(path)
    root = ET.Element(
        "Project",
        {"xmlns": NAMESPACE, "name": "IMPT coding frame (starter project)", "origin": "IMPT Workbench"},
    )
    book = ET.SubElement(root, "CodeBook")
    _code_elements(ET.SubElement(book, "Codes"), frame_tree())
    variable_elements(root, FIELDS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _xml(root))
    path.write_bytes(buffer.getvalue())
    return path
