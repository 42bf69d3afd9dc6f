"""Which passages of which interview did which coder code, and with which code?

A ``Coding`` of a ``PlainTextSelection`` in a text source becomes a row of ``codings.csv``:
the selection is the segment, its user the coder (the user's name: use pseudonyms), its
start and end the positions in Unicode code points, and its excerpt cut from the source
text. Every other ``Coding`` (of a whole source, a picture, PDF, audio or video, a note, or
one that fails a check) is left out and reported; a PDF selection that carries its text in
``Representation/PlainTextContent`` is imported at the place that text occurs in the PDF's text, with the reason, in the
:class:`~impt_analysis.interop.refi_qda.ImportSummary`. Barrier codes become rows of
``barriers.csv`` if the mapping gives their severity.

Examples
--------
>>> from xml.etree import ElementTree as ET
>>> users_of(ET.fromstring('<Project><Users><User guid="{AB-01}" name="coder_a"/></Users></Project>'))
{'ab-01': 'coder_a'}
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import pandas as pd

from ...codebook import codes as codebook_codes
from .project import bare_guid, ref_guid, short_guid, workbench_guid
from .sources import pdf_selection_span

if TYPE_CHECKING:
    from .mapping import Mapping
    from .sources import Source
    from .summary import ImportSummary

__all__ = ["barriers_of", "codings_of", "users_of"]


def users_of(root: ET.Element) -> dict[str, str]:
    """Coder pseudonym by user GUID: the user's name, else its id, else the GUID."""
    users: dict[str, str] = {}
    for user in root.findall("Users/User"):
        guid = bare_guid(user.get("guid"))
        name = (user.get("name") or "").strip() or (user.get("id") or "").strip() or guid
        if name in users.values():
            name = f"{name}_{short_guid(guid)}"
        users[guid] = name
    return users


def codings_of(
    root: ET.Element,
    sources: list[Source],
    code_of: dict[str, str],
    groups: dict[str, str],
    paths: dict[str, str],
    users: dict[str, str],
    rules: Mapping,
    summary: ImportSummary,
) -> list[dict]:
    """The codings of text selections; every other Coding element is reported as skipped."""
    codings: list[dict] = []
    seen: set[tuple[str, str, str]] = set()
    handled: set[int] = set()
    project_user = bare_guid(root.get("creatingUserGUID"))
    all_codings = list(root.iter("Coding"))
    summary.n_codings = len(all_codings)

    def skip(coding, source, reason):
        handled.add(id(coding))
        target = ref_guid(coding.find("CodeRef"))
        summary.skipped.append(
            {
                "coding": coding.get("guid", ""),
                "source": source,
                "code": paths.get(target, target),
                "reason": reason,
            }
        )

    for s in sources:
        for coding in s.element.findall("Coding"):
            skip(coding, s.name, "it codes the whole source, not a text selection")
        representation = s.element.find("Representation") if s.element.tag == "PDFSource" else None
        if representation is not None:
            for coding in representation.findall("Coding"):
                skip(coding, s.name, "it codes the whole source, not a text selection")
        cursor = 0
        for selection in _selections(s.element):
            name = (selection.get("name") or "").strip()
            guid = bare_guid(selection.get("guid"))
            inside = None
            if selection.tag == "PDFSelection":
                span = pdf_selection_span(s.text, selection, cursor)
                if span is None:
                    inside = "its PDF selection carries no text (Representation/PlainTextContent) found in the PDF's text"
                    span = (0, 0)
                start, end = span
                cursor = end
            else:
                try:
                    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                except (TypeError, ValueError):
                    start = end = None
            if start is not None and s.from_utf16 is not None and selection.tag != "PDFSelection":
                raw = (start, end)
                start, end = s.position(start), s.position(end)
                if start is None or end is None:
                    inside = f"its selection {raw[0]}-{raw[1]} (UTF-16 code units) cuts a character in two"
                    start = end = 0
            segment = (
                name
                if name and guid == workbench_guid("segment", s.interview_id, name, str(start), str(end))
                else guid
            )
            for coding in selection.findall("Coding"):
                target = ref_guid(coding.find("CodeRef"))
                user = next(
                    (
                        u
                        for u in (
                            coding.get("creatingUser"),
                            selection.get("creatingUser"),
                            s.element.get("creatingUser"),
                        )
                        if u
                    ),
                    project_user,
                )
                user = bare_guid(user)
                coder = users.get(user, user) or rules.defaults.get("coder", "")
                if inside:
                    reason = inside
                elif start is None:
                    reason = "its selection's positions are not whole numbers"
                elif not 0 <= start <= end:
                    reason = f"its selection runs from {start} to {end}"
                elif s.text is not None and end > len(s.text):
                    reason = (
                        f"its selection ends at {end}, beyond the source text ({len(s.text)} code points)"
                    )
                    if s.from_utf16 is None and end <= len(s.text.encode("utf-16-le")) // 2:
                        reason += (
                            "; the positions may count UTF-16 code units, as NVivo's do, though the "
                            "project's origin does not name NVivo"
                        )
                elif target in groups:
                    reason = f"it codes a category that stands for {groups[target]}, not a code"
                elif target not in code_of:
                    reason = "its CodeRef points to no code of the codebook"
                elif not coder:
                    reason = "it names no user: set 'defaults: coder:' in the mapping file"
                elif (segment, code_of[target], coder) in seen:
                    reason = "the same coder applied the same code to the same selection twice"
                else:
                    reason = None
                if reason:
                    skip(coding, s.name, reason)
                    continue
                handled.add(id(coding))
                seen.add((segment, code_of[target], coder))
                codings.append(
                    {
                        "segment_id": segment,
                        "interview_id": s.interview_id,
                        "code": code_of[target],
                        "coder": coder,
                        "start": start,
                        "end": end,
                        "excerpt": s.text[start:end] if s.text is not None else "",
                        "_tool": target,
                    }
                )
    # Codings anywhere else (pictures, PDFs, audio, video, notes) are reported, not imported.
    for container in list(root.findall("Sources/*")) + list(root.findall("Notes/Note")):
        where = "a note" if container.tag == "Note" else f"a {container.tag} (only text sources are imported)"
        for coding in container.iter("Coding"):
            if id(coding) not in handled:
                skip(coding, container.get("name", ""), f"it is in {where}")
    for coding in all_codings:
        if id(coding) not in handled:
            skip(coding, "", "it is outside any source")
    return codings


def _selections(element: ET.Element):
    """The text selections of a source: its own, a PDF's, and those of a PDF's text representation."""
    yield from element.findall("PlainTextSelection")
    if element.tag == "PDFSource":
        yield from element.findall("PDFSelection")
        representation = element.find("Representation")
        if representation is not None:
            yield from representation.findall("PlainTextSelection")


def barriers_of(
    codings: list[dict], codebook: pd.DataFrame, rules: Mapping, summary: ImportSummary
) -> list[dict]:
    """One barrier per interview and barrier code, if the mapping gives their severity."""
    barrier_codes = set(codebook_codes(codebook, "barrier"))
    named = list(dict.fromkeys((c["interview_id"], c["code"]) for c in codings if c["code"] in barrier_codes))
    if not named:
        return []
    if rules.barrier_severity is None:
        summary.notes.append(
            f"barrier codes are applied {len(named)} times (interview and barrier): set "
            "'barrier_severity:' in the mapping file to record them in barriers.csv as well"
        )
        return []
    return [
        {
            "interview_id": i,
            "barrier": b,
            "source_actor": "",
            "target_actor": "",
            "severity": rules.barrier_severity,
        }
        for i, b in named
    ]
