"""A project's text sources: one interview each, and the plain text its excerpts are cut from.

:func:`read_sources` reads each ``TextSource``'s plain text from the archive exactly as it is
stored, since its selections count positions in its code points, line endings included. A
source without usable plain text is kept, its codings without excerpts, and the import
summary says why; two sources of one name become two interviews. Where the text is looked
for is set out in :mod:`impt_analysis.refi_qda`.

Examples
--------
>>> sources = read_sources(root, archive, summary)     # doctest: +SKIP
>>> [s.interview_id for s in sources]                  # doctest: +SKIP
['Interview DK 1', 'Interview EE 1']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from .project import QdpxError, bare_guid, short_guid

if TYPE_CHECKING:
    from .archive import Archive
    from .summary import ImportSummary

__all__ = ["Source", "read_sources"]


@dataclass
class Source:
    """A ``TextSource`` of the project: its element, GUID, name, interview and plain text."""

    element: ET.Element
    guid: str
    name: str
    interview_id: str
    text: str | None  # None: no plain text to cut excerpts from


def read_sources(root: ET.Element, archive: Archive, summary: ImportSummary) -> list[Source]:
    """The text sources of a project in document order, each with its plain text if there is one."""
    sources: list[Source] = []
    seen: set[str] = set()
    for element in root.findall("Sources/TextSource"):
        guid = bare_guid(element.get("guid"))
        path = element.get("plainTextPath") or ""
        name = (element.get("name") or "").strip() or PurePosixPath(path.split("://")[-1]).stem or guid
        interview_id = name if name not in seen else f"{name}_{short_guid(guid)}"
        if interview_id != name:
            summary.notes.append(f"two sources are named {name!r}: the second is interview {interview_id!r}")
        seen.add(interview_id)
        text = _source_text(element, archive, summary, name)
        sources.append(Source(element, guid, name, interview_id, text))
    return sources


def _source_text(element: ET.Element, archive: Archive, summary: ImportSummary, name: str) -> str | None:
    content = element.find("PlainTextContent")
    rich = element.get("richTextPath") or ""
    if content is not None:
        return content.text or ""
    path = element.get("plainTextPath") or ""
    scheme, sep, rest = path.partition("://")
    if not sep:
        scheme, rest = "internal", path  # some tools write bare paths inside sources/
    data = None
    if scheme == "internal" and rest:
        data = archive.read(f"sources/{rest}")
        if data is None:
            data = archive.read(rest)
    if data is None:
        why = f"its plain text {path!r} is not in the archive" if path else "it has no plain text"
        summary.notes.append(f"source {name!r}: {why}: its codings are imported without excerpts")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise QdpxError(f"{archive.label}: the plain text of source {name!r} ({path}) is not UTF-8: {err}") from None
    if not text.strip():
        twin = f" (only {rich.split('://')[-1]})" if rich else ""
        summary.notes.append(f"source {name!r}: its plain text is empty{twin}: "
                             "its codings are imported without excerpts")
        return None
    return text
