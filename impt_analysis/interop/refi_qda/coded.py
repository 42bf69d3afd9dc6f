"""A study's network as a project coded with the coding frame: one synthetic passage per row.

:func:`write_coded_qdpx` is the inverse of the import's derivation
(:mod:`~impt_analysis.interop.refi_qda.derive`): every actor becomes an actor code (its id, name,
country, sector, level and kind in its description), every item an information code, and
every knowledge, flow, barrier and case-count row one sentence of its interview's text coded
with the frame. ``impt import-qdpx`` on the file gives the study's actors, items, knowledge,
flows (up to their ``flow_id``), barriers and case counts back. The sentences are generated,
not transcripts: the project is for moving a study into a tool with the frame (to go on coding
there), and for testing the import; the synthetic demonstration study stays labelled synthetic.

Examples
--------
>>> import tempfile, pathlib
>>> from impt_analysis import load_study
>>> write_coded_qdpx(load_study(), pathlib.Path(tempfile.mkdtemp()) / "demo-coded.qdpx").name
'demo-coded.qdpx'
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from ...codebook import VOCABULARIES
from ...study import Study
from .frame import (
    ACTORS,
    BARRIERS,
    CASE_COUNTS,
    FLOW,
    INFORMATION,
    SEVERITIES,
    SEVERITY,
    SOURCE_TYPE,
    VERIFICATION,
    _code_elements,
    _xml,
    attribute_text,
    frame_tree,
)
from .project import NAMESPACE, case_elements, workbench_guid

__all__ = ["write_coded_qdpx"]

CODER, SECOND_CODER = "frame_writer", "frame_writer_2"


def _label(category: str, code: str) -> str:
    return next(label for c, label, _ in VOCABULARIES[category] if c == code)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


class _Codes:
    """The frame's code tree with the study's actors and items added, and each code's GUID by path."""

    def __init__(self, study: Study):
        self.tree = frame_tree()
        self.actor_path: dict[str, tuple[str, ...]] = {}
        self.item_path: dict[str, tuple[str, ...]] = {}
        top = {node["name"]: node for node in self.tree}
        folders: dict[str, dict] = {}
        used: dict[tuple, set] = defaultdict(set)
        for a in study.actors.itertuples():
            country = _text(a.country) or "International"
            folder = folders.get(country)
            if folder is None:
                folder = folders[country] = {
                    "name": country,
                    "codable": False,
                    "children": [],
                    "description": attribute_text({"country": _text(a.country)}) if _text(a.country) else "",
                }
                top[ACTORS]["children"].append(folder)
            name = _unique(_text(a.name) or a.actor_id, a.actor_id, used[(ACTORS, country)])
            attributes = {
                "id": a.actor_id,
                "name": _text(a.name),
                "sector": a.sector,
                "level": a.level,
                "kind": a.kind,
            }
            folder["children"].append(
                {"name": name, "description": attribute_text(attributes), "codable": True, "children": []}
            )
            self.actor_path[a.actor_id] = (ACTORS, country, name)
        for it in study.items.itertuples():
            info, group = _label("info_type", it.info_type), _label("child_group", it.child_group)
            parent = next(
                g
                for g in next(t for t in top[INFORMATION]["children"] if t["name"] == info)["children"]
                if g["name"] == group
            )
            name = _unique(_text(it.label) or it.item_id, it.item_id, used[(info, group)])
            attributes = {
                "id": it.item_id,
                "label": _text(it.label),
                "country": it.country,
                "theme": it.theme,
            }
            parent["children"].append(
                {"name": name, "description": attribute_text(attributes), "codable": True, "children": []}
            )
            self.item_path[it.item_id] = (INFORMATION, info, group, name)

    def guid(self, path: tuple[str, ...]) -> str:
        return workbench_guid("frame", *path)


def _unique(name: str, ident: str, taken: set) -> str:
    name = name if name not in taken else f"{name} ({ident})"
    taken.add(name)
    return name


class _Interview:
    """One interview's generated text and its passages: (start, end, [code paths])."""

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0
        self.passages: list[tuple[int, int, list[tuple[str, ...]]]] = []

    def add(
        self, sentence: str, codes: list[tuple[str, ...]], inner: tuple[int, int, list] | None = None
    ) -> None:
        start = self.length + (1 if self.parts else 0)
        self.parts.append(sentence)
        self.length = start + len(sentence)
        self.passages.append((start, start + len(sentence), codes))
        if inner is not None:
            self.passages.append((start + inner[0], start + inner[1], inner[2]))

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def _link_codes(codes: _Codes, respondent: str, source: str, target: str, names: dict[str, str], what: str):
    """The sentence, codes and inner Sender selection of a link from source to target."""
    if source == respondent:
        return f"{what} from us to {names[target]}.", [(FLOW, "Passes on to"), codes.actor_path[target]], None
    if target == respondent:
        return (
            f"{what} from {names[source]} to us.",
            [(FLOW, "Receives from"), codes.actor_path[source]],
            None,
        )
    sentence = f"{names[source]}: {what.lower()} to {names[target]}."
    inner = (0, len(names[source]), [(FLOW, "Sender"), codes.actor_path[source]])
    return sentence, [(FLOW, "Between others"), codes.actor_path[target]], inner


def write_coded_qdpx(
    study: Study, path: str | Path, *, double_coded: tuple[str, ...] | list[str] = ()
) -> Path:
    """Write a study's network as a REFI-QDA project coded with the coding frame.

    Parameters
    ----------
    study : Study
        A confidential study (a public export names no interviews).
    path : str or Path
        The ``.qdpx`` file to write.
    double_coded : sequence of str, optional
        Interviews a second coder (``frame_writer_2``) codes as well, with the same codes:
        the import gives one row per passage all the same, and the agreement of the two is
        perfect.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        A public export, or a case count whose country has no interview to report it.
    """
    if study.public:
        raise ValueError("write_coded_qdpx: a public export names no interviews; use the confidential study")
    path = Path(path)
    codes = _Codes(study)
    names = {a.actor_id: _text(a.name) or a.actor_id for a in study.actors.itertuples()}
    respondent = dict(zip(study.interviews["interview_id"], study.interviews["actor_id"].astype(str)))
    texts = {i: _Interview() for i in study.interviews["interview_id"]}
    for k in study.knowledge.itertuples():
        codes_ = [
            codes.item_path[k.item_id],
            codes.actor_path[k.actor_id],
            (VERIFICATION, _label("verification", k.verification)),
            (SOURCE_TYPE, _label("source_type", k.source_type)),
        ]
        texts[k.interview_id].add(f"{names[k.actor_id]} knows this.", codes_)
    for f in study.flows.itertuples():
        sentence, codes_, inner = _link_codes(
            codes, respondent[f.interview_id], f.source_actor, f.target_actor, names, "Information goes"
        )
        codes_ += [
            (FLOW, "Channel", _label("channel", f.channel)),
            (FLOW, "Frequency", _label("frequency", f.frequency)),
        ]
        if _text(f.item_id):
            codes_.append(codes.item_path[f.item_id])
        texts[f.interview_id].add(sentence, codes_, inner)
    severity_name = {n: name.capitalize() for name, n in SEVERITIES.items()}
    for b in study.barriers.itertuples():
        codes_ = [(BARRIERS, _label("barrier", b.barrier)), (SEVERITY, severity_name[int(b.severity)])]
        sentence, inner = "A barrier blocks information.", None
        if _text(b.source_actor) and _text(b.target_actor):
            sentence, link, inner = _link_codes(
                codes, respondent[b.interview_id], b.source_actor, b.target_actor, names, "Blocked"
            )
            codes_ += link
        texts[b.interview_id].add(sentence, codes_, inner)
    by_country = defaultdict(list)
    for i in study.interviews.itertuples():
        by_country[i.country].append(i.interview_id)
    for c in study.case_counts.itertuples():
        if pd.isna(c.count):
            raise ValueError(f"write_coded_qdpx: the case count {c.country} {c.year} {c.tier} has no count")
        home = [
            i for i in by_country.get(c.country, []) if respondent[i] == c.source_actor
        ] or by_country.get(c.country)
        if not home:
            raise ValueError(f"write_coded_qdpx: no interview in {c.country} to report its case count")
        count = int(c.count)
        shown = f"{count:,}" if count >= 1000 else str(count)  # "2,000": a count, never a year
        codes_ = [
            (CASE_COUNTS, _label("tier", c.tier)),
            (CASE_COUNTS, "Child group", _label("child_group", c.child_group)),
            (VERIFICATION, _label("verification", c.basis)),
            codes.actor_path[c.source_actor],
        ]
        texts[home[0]].add(f"In {int(c.year)} we counted {shown} children.", codes_)
    root = ET.Element(
        "Project",
        {
            "xmlns": NAMESPACE,
            "name": study.meta.get("title") or study.name,
            "origin": "IMPT Workbench (coded with the coding frame)",
        },
    )
    users = ET.SubElement(root, "Users")
    for coder in (CODER, SECOND_CODER) if double_coded else (CODER,):
        ET.SubElement(users, "User", {"guid": workbench_guid("user", coder), "name": coder})
    unknown = set(double_coded) - set(texts)
    if unknown:
        raise ValueError(
            f"write_coded_qdpx: double_coded names interviews the study does not hold: {sorted(unknown)}"
        )
    _code_elements(ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes"), codes.tree)
    case_elements(root, study.interviews)
    files = _sources(root, study, texts, codes, set(double_coded))
    if study.synthetic:
        ET.SubElement(root, "Description").text = (
            "SYNTHETIC DEMONSTRATION DATA (impt:synthetic). Generated "
            "sentences, one per row of the study's network tables."
        )
    entries = {"project.qde": _xml(root)}
    entries.update((f"sources/{name}", files[name].encode("utf-8")) for name in sorted(files))
    path.write_bytes(_zip(entries))
    return path


def _zip(entries: dict[str, bytes]) -> bytes:
    """A zip archive of the entries in the given order, the same bytes on every run.

    Every entry gets the same time stamp (1980-01-01, the earliest a zip file can hold) and the
    same permissions, so that the archive depends on its content only.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def _sources(
    root: ET.Element, study: Study, texts: dict[str, _Interview], codes: _Codes, double_coded: set[str]
) -> dict[str, str]:
    sources = ET.SubElement(root, "Sources")
    files = {}
    for interview_id, interview in texts.items():
        guid = workbench_guid("source", interview_id)
        source = ET.SubElement(
            sources,
            "TextSource",
            {"guid": guid, "name": interview_id, "plainTextPath": f"internal://{guid}.txt"},
        )
        files[f"{guid}.txt"] = interview.text
        for n, (start, end, paths) in enumerate(interview.passages):
            selection = ET.SubElement(
                source,
                "PlainTextSelection",
                {
                    "guid": workbench_guid("frame-passage", interview_id, str(n)),
                    "name": f"{interview_id}-P{n + 1:04d}",
                    "startPosition": str(start),
                    "endPosition": str(end),
                    "creatingUser": workbench_guid("user", CODER),
                },
            )
            for coder in (CODER, SECOND_CODER) if interview_id in double_coded else (CODER,):
                for code_path in paths:
                    coding = ET.SubElement(
                        selection,
                        "Coding",
                        {
                            "guid": workbench_guid("frame-coding", coder, interview_id, str(n), *code_path),
                            "creatingUser": workbench_guid("user", coder),
                        },
                    )
                    ET.SubElement(coding, "CodeRef", {"targetGUID": codes.guid(code_path)})
    return files
