"""Export a study as a REFI-QDA project (``.qdpx``), so that coding can continue in a tool.

The codebook's thematic codes become nested ``Code``\\ s, the other codes that codings use
are grouped under one non-codable code per vocabulary, coders become ``User``\\ s, and each
interview a ``TextSource`` with one named ``Case`` holding its country, date, sector, level
and actor. Every GUID is derived from the workbench's identifiers
(:func:`~impt_analysis.interop.refi_qda.project.workbench_guid`), so that
:func:`~impt_analysis.interop.refi_qda.read_qdpx` recognises everything it wrote when the project
comes back. The archive holds the excerpts: it is as confidential as the study.

Examples
--------
>>> import tempfile, pathlib
>>> from impt_analysis import load_study
>>> write_qdpx(load_study(), pathlib.Path(tempfile.mkdtemp()) / "demo.qdpx").name
'demo.qdpx'
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from ...paths import replaced_atomically
from ...study import Study
from .project import CODE_CATEGORY, NAMESPACE, QdpxError, case_elements, workbench_guid

__all__ = ["write_qdpx"]

log = logging.getLogger(__name__)


def write_qdpx(
    study: Study, path: str | Path, texts: dict[str, str] | None = None, *, positions: str = "code_points"
) -> Path:
    """Export a study as a REFI-QDA project, so that coding can continue in a tool.

    The codebook's thematic codes (categories ``code`` and ``code_category``) are written as
    nested codes, and the other codes that codings use under one non-codable code per
    vocabulary (e.g. ``barrier``). A code's name is its identifier, its ``Description`` the
    label (first line) and description. Coders become users, interviews text sources with
    one named case each holding country, date, sector, level and actor_id. GUIDs are derived
    from the identifiers, so :func:`~impt_analysis.interop.refi_qda.read_qdpx` recognises everything it wrote.

    The data package holds no transcripts: unless ``texts`` gives the full text of an
    interview, its source text is rebuilt from the excerpts, each at its position, with
    spaces in between. The archive holds the excerpts: it is as confidential as the study.

    A project holds codings inside their source and passage, so they are written, and come back
    from :func:`~impt_analysis.interop.refi_qda.read_qdpx`, by interview (in the order of
    ``interviews.csv``), then by passage (in the order of its first coding), the codings of a
    passage together (in the order of ``codings.csv``). Where ``codings.csv`` is in another order
    (e.g. a second coder's codings after all of the first coder's), a warning says how many rows
    move: no record is lost, but their order is the project's.

    Parameters
    ----------
    study : Study
    path : str or Path
        The ``.qdpx`` file to write.
    texts : dict, optional
        Full text of an interview by its id; each excerpt must be found at its position.
    positions : {"code_points", "utf16"}
        How selection positions count: in code points (the REFI-QDA standard, and what
        ATLAS.ti, MAXQDA and QualCoder read), or in UTF-16 code units, for NVivo. A project
        written for NVivo says so in its ``origin``, so that reading it back converts again.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from impt_analysis import load_study
    >>> path = write_qdpx(load_study(), pathlib.Path(tempfile.mkdtemp()) / "demo.qdpx", positions="utf16")
    >>> path.suffix
    '.qdpx'
    """
    path = Path(path)
    if positions not in ("code_points", "utf16"):
        raise ValueError(f"positions must be 'code_points' or 'utf16', not {positions!r}")
    origin = "IMPT Workbench" + (
        " (positions in UTF-16 code units, for NVivo)" if positions == "utf16" else ""
    )
    root = ET.Element(
        "Project", {"xmlns": NAMESPACE, "name": study.meta.get("title") or study.name, "origin": origin}
    )
    coders = sorted(set(study.codings["coder"].astype(str)))
    if coders:
        users = ET.SubElement(root, "Users")
        for coder in coders:
            ET.SubElement(users, "User", {"guid": workbench_guid("user", coder), "name": coder})
    code_guid = _write_codebook(ET.SubElement(root, "CodeBook"), study)
    if len(study.interviews):
        case_elements(root, study.interviews)
    files, order = _write_sources(root, study, code_guid, texts or {}, positions == "utf16")
    moved = sum(1 for at, row in enumerate(order) if at != row)
    if moved:
        first = next(at for at, row in enumerate(order) if at != row)
        log.warning(
            "write_qdpx: %s holds %d of the %d codings in another order than codings.csv (from row %d "
            "on): a project keeps codings by interview and passage, the codings of a passage together, "
            "and read_qdpx gives them back in that order",
            path.name,
            moved,
            len(order),
            first + 1,
        )
    description = study.meta.get("description", "")
    if study.synthetic:
        description = f"SYNTHETIC DEMONSTRATION DATA (impt:synthetic). {description}"
    if description:
        ET.SubElement(root, "Description").text = description
    _check_xml_text(root)
    xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", '<?xml version="1.0" encoding="utf-8"?>\n' + xml)
        for name, text in files.items():
            archive.writestr(f"sources/{name}", text.encode("utf-8"))
    # written beside the file, then renamed: a full disk or Ctrl-C leaves no half archive
    with replaced_atomically(path) as tmp:
        tmp.write_bytes(buffer.getvalue())
    log.info("wrote %s: %d codings, %d interviews", path, len(study.codings), len(study.interviews))
    return path


# Characters XML 1.0 cannot carry (C0 controls but tab, newline and CR; lone surrogates; U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_xml_text(root: ET.Element) -> None:
    """Refuse, before anything is written, a value that XML cannot carry (it would not read back)."""
    for element in root.iter():
        for where, value in [("text", element.text)] + [
            (f"attribute {k}", v) for k, v in element.attrib.items()
        ]:
            found = _NOT_XML.search(value) if isinstance(value, str) else None
            if found:
                name = element.get("name") or element.tag
                raise QdpxError(
                    f"<{element.tag}> {name!r}, {where}: holds the character U+{ord(found.group()):04X}, "
                    "which a REFI-QDA project (XML) cannot carry; remove it from the study"
                )


def _write_codebook(book: ET.Element, study: Study) -> dict[str, str]:
    """Write the codes; return the GUID of each code a coding may use."""
    cb = study.codebook
    codes_el = ET.SubElement(book, "Codes")
    thematic = cb[cb["category"].isin(["code", CODE_CATEGORY])]
    used = set(study.codings["code"].astype(str))
    code_guid: dict[str, str] = {}
    elements: dict[str, ET.Element] = {}
    children: dict[str, list] = defaultdict(list)
    names = set(thematic["code"])
    for row in thematic.itertuples():
        children[row.parent if isinstance(row.parent, str) and row.parent in names else ""].append(row)
    stack = [(codes_el, row) for row in reversed(children[""])]
    while stack:  # parents before children; a cycle in parent would never reach the top
        parent_el, row = stack.pop()
        if row.code in elements:
            continue
        element = _code_element(
            parent_el, row.category, row.code, row.label, row.description, row.category == "code"
        )
        elements[row.code] = element
        code_guid[row.code] = element.get("guid")
        stack.extend((element, child) for child in reversed(children[row.code]))
    lost = sorted(names - set(elements))
    if lost:  # a cycle of parents (load_study refuses one): never drop codes silently
        raise QdpxError(
            f"the codebook's parents form a cycle through {', '.join(map(repr, lost[:5]))}: "
            "no code can be written above them; fix their parent in codebook.csv"
        )
    others = cb[~cb["category"].isin(["code", CODE_CATEGORY]) & cb["code"].isin(used - set(code_guid))]
    for category, rows in others.groupby("category", sort=False):
        group = ET.SubElement(
            codes_el,
            "Code",
            {"guid": workbench_guid("vocabulary", category), "name": category, "isCodable": "false"},
        )
        ET.SubElement(group, "Description").text = f"IMPT vocabulary {category!r}"
        for row in rows.itertuples():
            if row.code not in code_guid:
                code_guid[row.code] = _code_element(
                    group, category, row.code, row.label, row.description, True
                ).get("guid")
    return code_guid


def _code_element(
    parent: ET.Element, category: str, code: str, label, description, codable: bool
) -> ET.Element:
    element = ET.SubElement(
        parent,
        "Code",
        {
            "guid": workbench_guid("code", category, code),
            "name": code,
            "isCodable": "true" if codable else "false",
        },
    )
    text = str(label or code) + (f"\n\n{description}" if isinstance(description, str) and description else "")
    ET.SubElement(element, "Description").text = text
    return element


def _write_sources(
    root: ET.Element, study: Study, code_guid: dict[str, str], texts: dict[str, str], utf16: bool = False
) -> tuple[dict[str, str], list[int]]:
    """Write one TextSource per interview; return the plain texts by file name and the codings' order.

    The order lists the position in ``codings.csv`` of each coding written, in document order.
    """
    if study.interviews.empty:
        return {}, []
    sources = ET.SubElement(root, "Sources")
    codings = study.codings.set_axis(range(len(study.codings)))
    files: dict[str, str] = {}
    order: list[int] = []
    by_interview = {k: g for k, g in codings.groupby("interview_id", sort=False, observed=True)}
    for interview_id in study.interviews["interview_id"]:
        group = by_interview.get(interview_id, codings.iloc[0:0])
        text = texts.get(interview_id)
        text = (
            _rebuilt_text(interview_id, group) if text is None else _checked_text(interview_id, text, group)
        )
        guid = workbench_guid("source", interview_id)
        source = ET.SubElement(
            sources,
            "TextSource",
            {"guid": guid, "name": interview_id, "plainTextPath": f"internal://{guid}.txt"},
        )
        files[f"{guid}.txt"] = text
        unit = _utf16_offsets(text) if utf16 else None
        for (segment, start, end), rows in group.groupby(["segment_id", "start", "end"], sort=False):
            written = (unit[start], unit[end]) if unit is not None else (start, end)
            selection = ET.SubElement(
                source,
                "PlainTextSelection",
                {
                    "guid": workbench_guid("segment", interview_id, str(segment), str(start), str(end)),
                    "name": str(segment),
                    "startPosition": str(written[0]),
                    "endPosition": str(written[1]),
                },
            )
            for row in rows.itertuples():
                order.append(row.Index)
                coding = ET.SubElement(
                    selection,
                    "Coding",
                    {
                        "guid": workbench_guid("coding", interview_id, str(segment), row.code, row.coder),
                        "creatingUser": workbench_guid("user", row.coder),
                    },
                )
                ET.SubElement(coding, "CodeRef", {"targetGUID": code_guid[row.code]})
    return files, order


def _utf16_offsets(text: str) -> list[int]:
    """The UTF-16 code unit offset of each code point position, 0 to len(text)."""
    offsets, unit = [], 0
    for char in text:
        offsets.append(unit)
        unit += 2 if ord(char) > 0xFFFF else 1
    return offsets + [unit]


def _excerpts(group: pd.DataFrame):
    if "excerpt" not in group.columns:
        return
    for row in group.itertuples():
        if isinstance(row.excerpt, str) and row.excerpt:
            yield row


def _rebuilt_text(interview_id: str, group: pd.DataFrame) -> str:
    length = int(group["end"].max()) if len(group) else 0
    chars = [" "] * length
    placed = [None] * length
    for row in _excerpts(group):
        if len(row.excerpt) != row.end - row.start:
            raise ValueError(
                f"codings of interview {interview_id}, segment {row.segment_id}: the excerpt has "
                f"{len(row.excerpt)} code points, but runs from {row.start} to {row.end}"
            )
        for i, char in enumerate(row.excerpt, start=row.start):
            if placed[i] is not None and chars[i] != char:
                raise ValueError(
                    f"codings of interview {interview_id}: segments {placed[i]} and {row.segment_id} "
                    f"overlap with different text at position {i}; pass the full texts"
                )
            chars[i], placed[i] = char, row.segment_id
    return "".join(chars)


def _checked_text(interview_id: str, text: str, group: pd.DataFrame) -> str:
    for row in _excerpts(group):
        if text[row.start : row.end] != row.excerpt:
            raise ValueError(
                f"interview {interview_id}, segment {row.segment_id}: the text given does not hold "
                f"the excerpt at {row.start}-{row.end}"
            )
    return text
