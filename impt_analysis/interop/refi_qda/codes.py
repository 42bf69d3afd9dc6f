"""A project's codes as the study's codebook: new thematic codes, or codes of our vocabularies.

Each tool ``Code`` becomes one of three things. A code the mapping names under ``codes:``, or
that the workbench itself exported (recognised by its GUID), stands for that code of ours. A
code under a category the mapping maps to one of our vocabularies (``categories:``) stands
for the vocabulary's code of the same identifier or label, and a category that stands for a
whole vocabulary codes nothing itself. Every other code becomes a new code of the codebook:
category ``code`` (``code_category`` if not codable), its parent the enclosing code, its
identifier made from its name as :mod:`impt_analysis.interop.refi_qda` describes.

Examples
--------
>>> from xml.etree import ElementTree as ET
>>> from impt_analysis.interop.refi_qda import ImportSummary, read_mapping
>>> root = ET.fromstring('<Project><CodeBook><Codes><Code guid="{C0DE}" name="Border crossing">'
...                      '<Code guid="{C0DF}" name="Phone"/></Code></Codes></CodeBook></Project>')
>>> codebook, code_of, groups, paths, frame = codebook_of(root, read_mapping(None), ImportSummary("p.qdpx"), "p.qdpx")
>>> code_of
{'c0de': 'border_crossing', 'c0df': 'phone'}
>>> codebook.iloc[-1][["code", "category", "parent"]].tolist()
['phone', 'code', 'border_crossing']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import pandas as pd

from ...codebook import default_codebook
from .frame import FRAME_MARKERS, FrameError, Role, parse_attributes, role_of
from .project import CODE_CATEGORY, QdpxError, bare_guid, short_guid, workbench_guid

if TYPE_CHECKING:
    from .mapping import Mapping
    from .summary import ImportSummary

__all__ = ["FRAME_CATEGORIES", "FrameCodes", "codebook_of"]


def _slug(name: str) -> str:
    return re.sub(r"[\W_]+", "_", name.casefold()).strip("_") or "code"


@dataclass
class _Code:
    guid: str
    name: str
    codable: bool
    description: str
    parent: _Code | None
    path: str  # names from the top, joined by "/"


def _walk_codes(root: ET.Element) -> list[_Code]:
    """Every Code of the codebook in document order, with its parent (no recursion: depth is untrusted)."""
    codes: list[_Code] = []
    top = root.find("CodeBook/Codes")
    stack = [(el, None) for el in reversed(top.findall("Code"))] if top is not None else []
    while stack:
        element, parent = stack.pop()
        name = (element.get("name") or "").strip()
        code = _Code(
            guid=bare_guid(element.get("guid")),
            name=name,
            codable=(element.get("isCodable", "true").strip().lower() in ("true", "1")),
            description=(element.findtext("Description") or "").strip(),
            parent=parent,
            path=f"{parent.path}/{name}" if parent else name,
        )
        codes.append(code)
        stack.extend((child, code) for child in reversed(element.findall("Code")))
    return codes


@dataclass
class FrameCodes:
    """The project's codes that belong to the coding frame (:mod:`~impt_analysis.interop.refi_qda.frame`), by GUID.

    ``roles``: what each stands for; ``attributes``: the ``name: value`` lines of an actor's
    or item's description, with those of its folders and the mapping's ``actors:`` section;
    ``ids``: the actor_id or item_id of an actor or item code; ``paths``: the code's names.
    """

    roles: dict[str, Role]
    attributes: dict[str, dict[str, str]]
    ids: dict[str, str]
    paths: dict[str, str]

    @property
    def used(self) -> bool:
        return any(r.kind != "group" for r in self.roles.values())


def case_attributes(root: ET.Element) -> dict[str, dict[str, str]]:
    """Actor attributes given as case variables of a ``Case`` that refers to codes (NVivo's cases).

    A tool that keeps organisations as cases with attributes (NVivo's case classifications)
    may export each as a ``Case`` with ``CodeRef``\\ s to the code its passages are coded at;
    its variables named ``country``, ``sector``, ``level``, ``kind``, ``id`` or ``name`` then
    describe that actor code (a line in the code's description wins).

    Examples
    --------
    >>> root = ET.fromstring('<Project><Variables><Variable guid="v1" name="Sector"/></Variables><Cases>'
    ...     '<Case guid="c1"><VariableValue><VariableRef targetGUID="v1"/><TextValue>police</TextValue>'
    ...     '</VariableValue><CodeRef targetGUID="{A1}"/></Case></Cases></Project>')
    >>> case_attributes(root)
    {'a1': {'sector': 'police'}}
    """
    from .frame import ACTOR_ATTRIBUTES

    names = {
        bare_guid(v.get("guid")): (v.get("name") or "").strip().casefold()
        for v in root.findall("Variables/Variable")
    }
    found: dict[str, dict[str, str]] = {}
    for case in root.findall("Cases/Case"):
        refs = [bare_guid(r.get("targetGUID")) for r in case.findall("CodeRef")]
        if not refs:
            continue
        given = {}
        for value in case.findall("VariableValue"):
            ref = value.find("VariableRef")
            name = names.get(bare_guid(ref.get("targetGUID")) if ref is not None else "", "")
            text = next((c.text for c in value if c.tag != "VariableRef" and c.text and c.text.strip()), None)
            if name in ACTOR_ATTRIBUTES and text:
                given[name] = text.strip()
        for guid in refs:
            found.setdefault(guid, {}).update(given)
    return found


def _frame_of(
    codes: list[_Code],
    rules: Mapping,
    summary: ImportSummary,
    label: str,
    cases: dict[str, dict[str, str]] | None = None,
) -> FrameCodes:
    """The frame role of each code: by its path of names, or the path the mapping's ``frame:`` gives it.

    A code under a group of the frame that is none of its codes stays a thematic code, and the
    summary says so. A project uses the frame only if it has one of the frame's own groups at
    the top (:data:`~impt_analysis.interop.refi_qda.frame.FRAME_MARKERS`) or its mapping maps codes
    onto the frame: names such as "Barriers" alone are common in any project.
    """
    mapped = {
        _find_code(codes, key, "frame", label).guid: [p.strip() for p in target.split("/") if p.strip()]
        for key, target in rules.frame.items()
    }
    # Names such as "Barriers" are common in any project: the frame is in use only where a
    # group of its own (Actors, Information, Flow) is at the top, or the mapping maps onto it.
    tops = {_slug(c.name) for c in codes if c.parent is None}
    if not mapped and not tops & {_slug(n) for n in FRAME_MARKERS}:
        return FrameCodes({}, {}, {}, {})
    cases = cases or {}
    has_children = {c.parent.guid for c in codes if c.parent is not None}
    path_of: dict[str, list[str]] = {}
    roles: dict[str, Role] = {}
    attributes: dict[str, dict[str, str]] = {}
    for code in codes:  # parents come before their children
        above = path_of.get(code.parent.guid, []) if code.parent else []
        path = mapped.get(code.guid) or [*above, code.name]
        path_of[code.guid] = path
        try:
            role = role_of(path)
        except FrameError as err:
            summary.notes.append(f"{err}: imported as a thematic code")
            continue
        if role is None:
            continue
        inherited = attributes.get(code.parent.guid, {}) if code.parent else {}
        own = parse_attributes(code.description)
        if role.kind == "actor" and code.guid in has_children:
            role = Role("group")
        if role.kind in ("actor", "group", "item"):
            attributes[code.guid] = {**inherited, **own} if role.kind != "item" else own
        roles[code.guid] = role
    ids: dict[str, str] = {}
    for kind in ("actor", "item"):
        taken: set[str] = set()
        for code in codes:
            if roles.get(code.guid, Role("")).kind != kind:
                continue
            own = parse_attributes(code.description)
            if kind == "actor":
                case = cases.get(code.guid, {})
                extra = rules.actors.get(code.name) or rules.actors.get(own.get("id", case.get("id", "")), {})
                own = {**case, **own, **extra}
                attributes[code.guid] = {
                    **{k: v for k, v in attributes[code.guid].items() if k != "id"},
                    **case,
                    **parse_attributes(code.description),
                    **extra,
                }
            if own.get("id"):  # an id given twice is one actor (or item): how duplicates are merged
                ids[code.guid] = own["id"]
            else:
                wanted = _slug(code.name)
                ids[code.guid] = wanted if wanted not in taken else f"{wanted}_{short_guid(code.guid)}"
            taken.add(ids[code.guid])
    return FrameCodes(roles, attributes, ids, {g: "/".join(p) for g, p in path_of.items()})


# Codebook categories of the frame's own codes. Actor and item codes name an actor_id or
# item_id: a public export must drop them (or pseudonymise them as it does those ids).
FRAME_CATEGORIES = {"actor": "frame_actor", "item": "frame_item"}


def _frame_code(role: Role, ident: str) -> str:
    """The codebook code a frame code's codings get: ours for a vocabulary, else a prefixed identifier."""
    if role.kind in ("actor", "item"):
        return f"{role.kind}:{ident}"
    if role.kind == "direction":
        return f"flow:{role.value}"
    if role.kind == "sender":
        return "flow:sender"
    if role.kind == "severity":
        return f"severity:{role.value}"
    return role.value


def codebook_of(root: ET.Element, rules: Mapping, summary: ImportSummary, label: str):
    """The codebook of a project, from its ``Code`` elements and the mapping.

    Returns
    -------
    tuple
        The codebook (the default one plus the project's new codes), the code of ours each
        tool code stands for (by GUID), the tool codes that stand for a whole vocabulary or a
        folder of the coding frame (GUID to what they stand for), each tool code's path of
        names (by GUID), and the codes of the coding frame (:class:`FrameCodes`).
    """
    base = default_codebook()
    codes = _walk_codes(root)
    summary.n_codes = len(codes)
    frame = _frame_of(codes, rules, summary, label, case_attributes(root))
    ours = {
        workbench_guid("code", row.category, row.code): (row.category, row.code) for row in base.itertuples()
    }
    ours.update({workbench_guid("vocabulary", c): ("vocabulary", c) for c in base["category"].unique()})
    recognised: dict[str, tuple[str, str]] = {}
    categories = set(base["category"]) | {CODE_CATEGORY}
    for code in codes:  # codes the workbench wrote that its default codebook does not hold
        for category in categories:
            ours.setdefault(workbench_guid("code", category, code.name), (category, code.name))
        if code.guid in ours:
            recognised[code.guid] = ours[code.guid]
    mapped = {
        code.guid: target
        for key, target in rules.codes.items()
        for code in [_find_code(codes, key, "codes", label)]
    }
    vocab_of: dict[str, str] = {}  # tool code GUID -> vocabulary it belongs to
    for key, vocabulary in rules.categories.items():
        if vocabulary not in set(base["category"]):
            raise QdpxError(
                f"mapping, categories: {vocabulary!r} is not a vocabulary of the codebook "
                f"({', '.join(sorted(base['category'].unique()))})"
            )
        vocab_of[_find_code(codes, key, "categories", label).guid] = vocabulary
    for guid, (category, name) in recognised.items():
        if category == "vocabulary":
            vocab_of[guid] = name
    known = set(base["code"])
    for target in mapped.values():
        if target not in known:
            raise QdpxError(f"mapping, codes: {target!r} is not a code of the codebook")
    taken = known | {name for cat, name in recognised.values() if cat != "vocabulary"}
    code_of: dict[str, str] = {}
    groups: dict[str, str] = {}  # tool codes that stand for a whole vocabulary
    rows: list[dict] = []
    unmatched: list[str] = []
    for code in codes:
        vocabulary = next((vocab_of[a.guid] for a in _lineage(code) if a.guid in vocab_of), None)
        parent = code_of.get(code.parent.guid, "") if code.parent else ""
        role = frame.roles.get(code.guid)
        if role is not None and code.guid not in mapped:
            if role.kind == "group":
                groups[code.guid] = f"the folder {frame.paths[code.guid]!r} of the coding frame"
                continue
            ours_code = _frame_code(role, frame.ids.get(code.guid, ""))
            code_of[code.guid] = ours_code
            if role.kind in ("actor", "item", "direction", "sender", "severity") and ours_code not in taken:
                taken.add(ours_code)
                rows.append(
                    {
                        "code": ours_code,
                        "category": FRAME_CATEGORIES.get(role.kind, "frame_code"),
                        "label": ours_code,
                        "description": f"Code of the coding frame: {role.kind}",
                        "parent": "",
                    }
                )
            continue
        if code.guid in vocab_of:
            groups[code.guid] = f"the vocabulary {vocab_of[code.guid]!r}"
        elif code.guid in mapped:
            code_of[code.guid] = mapped[code.guid]
        elif code.guid in recognised:
            category, name = recognised[code.guid]
            code_of[code.guid] = name
            if not ((base["code"] == name) & (base["category"] == category)).any():
                label_, _, rest = code.description.partition("\n")
                rows.append(
                    {
                        "code": name,
                        "category": category,
                        "label": label_.strip() or name,
                        "description": rest.strip(),
                        "parent": parent,
                    }
                )
        elif vocabulary is not None:
            match = _vocabulary_match(base, vocabulary, code.name)
            if match is None:
                unmatched.append(f"{code.path} (under {vocabulary})")
            code_of[code.guid] = match or ""
        else:
            name = _free_code(code, taken)
            if name != _slug(code.name):
                summary.notes.append(f"code {code.path!r} is {name!r}: its name is taken")
            taken.add(name)
            code_of[code.guid] = name
            rows.append(
                {
                    "code": name,
                    "category": "code" if code.codable else CODE_CATEGORY,
                    "label": code.name,
                    "description": code.description,
                    "parent": parent,
                }
            )
    if unmatched:
        raise QdpxError(
            f"{label}: codes under a category mapped to a vocabulary match none of its codes "
            f"or labels: {'; '.join(unmatched)}. Map each under 'codes:' in the mapping file."
        )
    codebook = pd.concat([base, pd.DataFrame(rows, columns=base.columns)], ignore_index=True)
    return codebook, code_of, groups, {c.guid: c.path for c in codes}, frame


def _lineage(code: _Code):
    while code is not None:
        yield code
        code = code.parent


def _find_code(codes: list[_Code], key: str, section: str, label: str) -> _Code:
    folded = key.strip("{}").casefold()
    hits = (
        [c for c in codes if c.guid == folded]
        or [c for c in codes if c.path.casefold() == folded]
        or [c for c in codes if c.name.casefold() == folded]
    )
    if not hits:
        raise QdpxError(f"mapping, {section}: {key!r} is not a code of {label} (give its name, path or GUID)")
    if len(hits) > 1:
        raise QdpxError(
            f"mapping, {section}: {key!r} names {len(hits)} codes of {label} "
            f"({', '.join(c.path for c in hits)}): give the path or GUID"
        )
    return hits[0]


def _vocabulary_match(base: pd.DataFrame, vocabulary: str, name: str) -> str | None:
    rows = base[base["category"] == vocabulary]
    for row in rows.itertuples():
        if _slug(name) == row.code or name.casefold() == row.label.casefold():
            return row.code
    return None


def _free_code(code: _Code, taken: set[str]) -> str:
    name = _slug(code.name)
    ancestor = code.parent
    while name in taken and ancestor is not None:
        name = f"{_slug(ancestor.name)}/{name}"
        ancestor = ancestor.parent
    if name in taken:
        name = f"{name}_{short_guid(code.guid)}"
    return name if name not in taken else f"{name}_{code.guid.replace('-', '')}"
