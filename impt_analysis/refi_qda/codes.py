"""A project's codes as the study's codebook: new thematic codes, or codes of our vocabularies.

Each tool ``Code`` becomes one of three things. A code the mapping names under ``codes:``, or
that the workbench itself exported (recognised by its GUID), stands for that code of ours. A
code under a category the mapping maps to one of our vocabularies (``categories:``) stands
for the vocabulary's code of the same identifier or label, and a category that stands for a
whole vocabulary codes nothing itself. Every other code becomes a new code of the codebook:
category ``code`` (``code_category`` if not codable), its parent the enclosing code, its
identifier made from its name as :mod:`impt_analysis.refi_qda` describes.

Examples
--------
>>> from xml.etree import ElementTree as ET
>>> from impt_analysis.refi_qda import ImportSummary, read_mapping
>>> root = ET.fromstring('<Project><CodeBook><Codes><Code guid="{C0DE}" name="Border crossing">'
...                      '<Code guid="{C0DF}" name="Phone"/></Code></Codes></CodeBook></Project>')
>>> codebook, code_of, groups, paths = codebook_of(root, read_mapping(None), ImportSummary("p.qdpx"), "p.qdpx")
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

from ..codebook import default_codebook
from .project import CODE_CATEGORY, QdpxError, bare_guid, short_guid, workbench_guid

if TYPE_CHECKING:
    from .mapping import Mapping
    from .summary import ImportSummary

__all__ = ["codebook_of"]


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
        code = _Code(guid=bare_guid(element.get("guid")), name=name,
                     codable=(element.get("isCodable", "true").strip().lower() in ("true", "1")),
                     description=(element.findtext("Description") or "").strip(), parent=parent,
                     path=f"{parent.path}/{name}" if parent else name)
        codes.append(code)
        stack.extend((child, code) for child in reversed(element.findall("Code")))
    return codes


def codebook_of(root: ET.Element, rules: Mapping, summary: ImportSummary, label: str):
    """The codebook of a project, from its ``Code`` elements and the mapping.

    Returns
    -------
    tuple
        The codebook (the default one plus the project's new codes), the code of ours each
        tool code stands for (by GUID), the tool codes that stand for a whole vocabulary
        (GUID to vocabulary) and each tool code's path of names (by GUID).
    """
    base = default_codebook()
    codes = _walk_codes(root)
    summary.n_codes = len(codes)
    ours = {workbench_guid("code", row.category, row.code): (row.category, row.code) for row in base.itertuples()}
    ours.update({workbench_guid("vocabulary", c): ("vocabulary", c) for c in base["category"].unique()})
    recognised: dict[str, tuple[str, str]] = {}
    categories = set(base["category"]) | {CODE_CATEGORY}
    for code in codes:  # codes the workbench wrote that its default codebook does not hold
        for category in categories:
            ours.setdefault(workbench_guid("code", category, code.name), (category, code.name))
        if code.guid in ours:
            recognised[code.guid] = ours[code.guid]
    mapped = {code.guid: target for key, target in rules.codes.items() for code in [_find_code(codes, key, "codes", label)]}
    vocab_of: dict[str, str] = {}  # tool code GUID -> vocabulary it belongs to
    for key, vocabulary in rules.categories.items():
        if vocabulary not in set(base["category"]):
            raise QdpxError(f"mapping, categories: {vocabulary!r} is not a vocabulary of the codebook "
                            f"({', '.join(sorted(base['category'].unique()))})")
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
        if code.guid in vocab_of:
            groups[code.guid] = vocab_of[code.guid]
        elif code.guid in mapped:
            code_of[code.guid] = mapped[code.guid]
        elif code.guid in recognised:
            category, name = recognised[code.guid]
            code_of[code.guid] = name
            if not ((base["code"] == name) & (base["category"] == category)).any():
                label_, _, rest = code.description.partition("\n")
                rows.append({"code": name, "category": category, "label": label_.strip() or name,
                             "description": rest.strip(), "parent": parent})
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
            rows.append({"code": name, "category": "code" if code.codable else CODE_CATEGORY,
                         "label": code.name, "description": code.description, "parent": parent})
    if unmatched:
        raise QdpxError(f"{label}: codes under a category mapped to a vocabulary match none of its codes "
                        f"or labels: {'; '.join(unmatched)}. Map each under 'codes:' in the mapping file.")
    codebook = pd.concat([base, pd.DataFrame(rows, columns=base.columns)], ignore_index=True)
    return codebook, code_of, groups, {c.guid: c.path for c in codes}


def _lineage(code: _Code):
    while code is not None:
        yield code
        code = code.parent


def _find_code(codes: list[_Code], key: str, section: str, label: str) -> _Code:
    folded = key.strip("{}").casefold()
    hits = [c for c in codes if c.guid == folded] or [c for c in codes if c.path.casefold() == folded] \
        or [c for c in codes if c.name.casefold() == folded]
    if not hits:
        raise QdpxError(f"mapping, {section}: {key!r} is not a code of {label} (give its name, path or GUID)")
    if len(hits) > 1:
        raise QdpxError(f"mapping, {section}: {key!r} names {len(hits)} codes of {label} "
                        f"({', '.join(c.path for c in hits)}): give the path or GUID")
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
