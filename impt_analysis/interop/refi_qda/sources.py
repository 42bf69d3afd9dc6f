"""A project's text sources: one interview each, and the plain text its excerpts are cut from.

:func:`read_sources` reads each ``TextSource``'s plain text from the archive exactly as it is
stored, since its selections count positions in its code points, line endings included. A
source without usable plain text is kept, its codings without excerpts, and the import
summary says why; two sources of one name become two interviews. NVivo counts positions in
UTF-16 code units (an emoji is two): for a project whose ``origin`` names NVivo, the
positions of a source whose text holds such characters are converted to code points, and
the summary says so. Where the text is looked
for is set out in :mod:`impt_analysis.interop.refi_qda`.
:func:`read_sources` is run by :func:`~impt_analysis.interop.refi_qda.read_qdpx`: one source
per interview, named as the tool names it (e.g. ``Interview DK 1``).
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

__all__ = ["Source", "counts_utf16", "pdf_selection_span", "read_sources", "utf16_positions"]


@dataclass
class Source:
    """A ``TextSource`` of the project: its element, GUID, name, interview and plain text."""

    element: ET.Element
    guid: str
    name: str
    interview_id: str
    text: str | None  # None: no plain text to cut excerpts from
    # NVivo counts positions in UTF-16 code units: the code point at each such position, where
    # the text has characters beyond the Basic Multilingual Plane (else None: positions are code points).
    from_utf16: dict[int, int] | None = None

    def position(self, value: int) -> int | None:
        """A selection's position in code points (None if it falls inside a character)."""
        return value if self.from_utf16 is None else self.from_utf16.get(value)


def utf16_positions(text: str) -> dict[int, int]:
    """Code point index by UTF-16 code unit offset, for every boundary between characters.

    Examples
    --------
    >>> utf16_positions("a\U0001f600b")
    {0: 0, 1: 1, 3: 2, 4: 3}
    """
    positions, unit = {}, 0
    for index, char in enumerate(text):
        positions[unit] = index
        unit += 2 if ord(char) > 0xFFFF else 1
    positions[unit] = len(text)
    return positions


def counts_utf16(origin: str) -> bool:
    """Whether the tool that wrote a project counts positions in UTF-16 code units (NVivo does)."""
    return "nvivo" in (origin or "").casefold()


def read_sources(root: ET.Element, archive: Archive, summary: ImportSummary) -> list[Source]:
    """The text sources of a project in document order, each with its plain text if there is one."""
    sources: list[Source] = []
    seen: set[str] = set()
    utf16, converted = counts_utf16(root.get("origin", "")), []
    for element in root.findall("Sources/*"):
        if element.tag == "PDFSource":
            representation = element.find("Representation")
            if representation is None and not element.findall("PDFSelection/Representation/PlainTextContent"):
                continue  # a PDF without text: its codings are reported as codings of a PDF
        elif element.tag != "TextSource":
            continue
        guid = bare_guid(element.get("guid"))
        path = element.get("plainTextPath") or element.get("path") or ""
        name = (element.get("name") or "").strip() or PurePosixPath(path.split("://")[-1]).stem or guid
        interview_id = name if name not in seen else f"{name}_{short_guid(guid)}"
        if interview_id != name:
            summary.notes.append(f"two sources are named {name!r}: the second is interview {interview_id!r}")
        seen.add(interview_id)
        if element.tag == "PDFSource":
            text = _pdf_text(element, archive, summary, name)
        else:
            text = _source_text(element, archive, summary, name)
        source = Source(element, guid, name, interview_id, text)
        if utf16 and text is not None and any(ord(c) > 0xFFFF for c in text):
            source.from_utf16 = utf16_positions(text)
            converted.append(name)
        sources.append(source)
    if converted:
        summary.notes.append(
            f"the project was written by {root.get('origin')}, which counts positions in UTF-16 code "
            f"units: the positions of {len(converted)} source(s) with characters beyond the Basic "
            f"Multilingual Plane (emoji) were converted to code points ({', '.join(converted[:5])})"
        )
    return sources


def _pdf_text(element: ET.Element, archive: Archive, summary: ImportSummary, name: str) -> str | None:
    """A PDF's text: its text Representation, else its selections' texts one after another.

    A PDF selection names a page and a rectangle, not positions in a text; a selection that
    carries its text (``Representation/PlainTextContent``) is placed where that text occurs
    (:func:`pdf_selection_span`). Without a text representation of the whole PDF, the text is
    rebuilt from the selections' texts, each on its own paragraph, and the summary says so.
    """
    representation = element.find("Representation")
    if representation is not None:
        return _source_text(representation, archive, summary, name)
    parts = [t.text or "" for t in element.findall("PDFSelection/Representation/PlainTextContent")]
    summary.notes.append(
        f"source {name!r} is a PDF without a text representation: its text is rebuilt from the "
        f"{len(parts)} selection(s) that carry their text, and positions count in that text"
    )
    return "\n\n".join(dict.fromkeys(parts))


def pdf_selection_span(text: str | None, selection: ET.Element, after: int) -> tuple[int, int] | None:
    """Where a PDF selection's own text occurs in the PDF's text (from ``after`` on, else anywhere).

    Examples
    --------
    >>> sel = ET.fromstring("<PDFSelection><Representation><PlainTextContent>calls us</PlainTextContent>"
    ...                     "</Representation></PDFSelection>")
    >>> pdf_selection_span("The school calls us.", sel, 0)
    (11, 19)
    """
    own = selection.findtext("Representation/PlainTextContent")
    if not own or text is None:
        return None
    at = text.find(own, after)
    at = text.find(own) if at < 0 else at
    return None if at < 0 else (at, at + len(own))


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
        raise QdpxError(
            f"{archive.label}: the plain text of source {name!r} ({path}) is not UTF-8: {err}"
        ) from None
    if not text.strip():
        twin = f" (only {rich.split('://')[-1]})" if rich else ""
        summary.notes.append(
            f"source {name!r}: its plain text is empty{twin}: its codings are imported without excerpts"
        )
        return None
    return text
