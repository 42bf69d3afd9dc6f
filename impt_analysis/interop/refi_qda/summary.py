"""The import summary: every coding of a project imported, or reported with the reason.

An import never drops a coding silently. :class:`ImportSummary` counts what came in and lists
each coding left out (with its source, code and reason) and what else the user should know
(sources without plain text, renamed codes). It travels with the study as
``study.meta["impt:import_summary"]``, so it survives writing and loading the study;
:func:`import_summary` reads it back. Excerpts are never part of it.

Examples
--------
>>> summary = ImportSummary(file="p.qdpx", n_codings=3, n_imported=2,
...                         skipped=[{"coding": "g", "source": "s", "code": "c", "reason": "r"}])
>>> print(summary)
p.qdpx: 2 of 3 codings imported, 0 codes, 0 sources
  skipped 1: r
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

import pandas as pd

from ...study import Study

__all__ = ["ImportSummary", "evidence", "import_summary", "unrowable_passages"]


@dataclass
class ImportSummary:
    """What an import took in and what it left out, and why.

    ``skipped`` lists one dict per coding not imported (``coding`` GUID, ``source``, ``code``
    name and ``reason``); ``notes`` lists everything else the user should know (sources
    without plain text, renamed codes, converted positions). For a project coded with the
    coding frame, ``derived`` counts the rows derived per table, ``unrowable`` lists every
    passage that should have given a row but could not, and ``duplicates`` the actor codes that
    look like one organisation; ``unused`` counts the Links, Graphs, Sets and Notes the import
    does not use. Excerpts are never part of it (:func:`unrowable_passages` adds them).
    """

    file: str
    n_codes: int = 0
    n_sources: int = 0
    n_codings: int = 0
    n_imported: int = 0
    skipped: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Passages of the coding frame that should have given a row but could not: interview,
    # coder, start, end, segments, codes, reason (the excerpt is in codings.csv, never here).
    unrowable: list[dict] = field(default_factory=list)
    # Actor codes that look like one organisation: actors, names, country, sector, level.
    duplicates: list[dict] = field(default_factory=list)
    # Rows derived from the coding frame, per table; elements of the project not imported, per kind.
    derived: dict = field(default_factory=dict)
    unused: dict = field(default_factory=dict)

    @property
    def n_skipped(self) -> int:
        return len(self.skipped)

    def reasons(self) -> dict[str, int]:
        """Number of skipped codings per reason."""
        counts: dict[str, int] = defaultdict(int)
        for item in self.skipped:
            counts[item["reason"]] += 1
        return dict(counts)

    def skipped_frame(self) -> pd.DataFrame:
        """The skipped codings as a frame: coding, source, code, reason."""
        return pd.DataFrame(self.skipped, columns=["coding", "source", "code", "reason"])

    def to_dict(self) -> dict:
        return {**asdict(self), "n_skipped": self.n_skipped}

    @classmethod
    def from_dict(cls, data: dict) -> ImportSummary:
        return cls(**{k: v for k, v in data.items() if k != "n_skipped"})

    def __str__(self) -> str:
        lines = [
            f"{self.file}: {self.n_imported} of {self.n_codings} codings imported, "
            f"{self.n_codes} codes, {self.n_sources} sources"
        ]
        lines += [f"  skipped {n}: {reason}" for reason, n in self.reasons().items()]
        if self.derived:
            lines.append(
                "  derived from the coding frame: " + ", ".join(f"{n} {t}" for t, n in self.derived.items())
            )
        lines += [f"  not imported: {n} {kind}" for kind, n in self.unused.items() if n]
        lines += [f"  note: {note}" for note in self.notes]
        if self.unrowable:
            lines.append(f"  {len(self.unrowable)} coded passage(s) could not become rows:")
            lines += [
                f"    {u['interview']} {u['start']}-{u['end']} ({u['coder']}): {u['reason']}"
                for u in self.unrowable[:20]
            ]
            if len(self.unrowable) > 20:
                lines.append(f"    ... and {len(self.unrowable) - 20} more (ImportSummary.unrowable_frame())")
        if self.duplicates:
            lines.append(
                f"  {len(self.duplicates)} pair(s) of actor codes look like one organisation "
                "(merge them under 'codes:' or 'actors:' in the mapping file):"
            )
            lines += [
                f"    {d['actors'][0]} ({d['names'][0]}) and {d['actors'][1]} ({d['names'][1]}): "
                f"{d['country'] or 'no country'}, {d['sector']}, {d['level']}"
                for d in self.duplicates
            ]
        return "\n".join(lines)

    def unrowable_frame(self) -> pd.DataFrame:
        """The passages that could not become rows: interview, coder, start, end, segments, codes, reason."""
        return pd.DataFrame(
            self.unrowable, columns=["interview", "coder", "start", "end", "segments", "codes", "reason"]
        )


def import_summary(study: Study) -> ImportSummary:
    """The :class:`ImportSummary` of a study read by :func:`~impt_analysis.interop.refi_qda.read_qdpx`.

    The summary is kept in the study's package properties, so it is there also after writing
    and loading the study.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from impt_analysis import load_study
    >>> from impt_analysis.interop.refi_qda import read_qdpx, write_qdpx
    >>> path = write_qdpx(load_study(), pathlib.Path(tempfile.mkdtemp()) / "demo.qdpx")
    >>> import_summary(read_qdpx(path)).n_skipped
    0
    """
    data = study.meta.get("impt:import_summary")
    if data is None:
        raise ValueError(f"study {study.name!r} was not imported from a REFI-QDA project")
    return ImportSummary.from_dict(data)


def unrowable_passages(study: Study) -> pd.DataFrame:
    """The passages that could not become rows, with their excerpts: for the consultant's machine only.

    The import summary holds positions and segment ids, never excerpts; this joins the text
    from ``study.codings``. Columns: interview, coder, start, end, segments, codes, reason, excerpt.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from impt_analysis import load_study
    >>> from impt_analysis.interop.refi_qda import read_qdpx, write_coded_qdpx
    >>> path = write_coded_qdpx(load_study(), pathlib.Path(tempfile.mkdtemp()) / "coded.qdpx")
    >>> len(unrowable_passages(read_qdpx(path)))  # the demo's every coded passage becomes rows
    0
    """
    frame = import_summary(study).unrowable_frame()
    texts = {}
    if "excerpt" in study.codings.columns:
        texts = dict(zip(study.codings["segment_id"].astype(str), study.codings["excerpt"].astype(str)))
    frame["excerpt"] = [texts.get(str(s[0]), "") if s else "" for s in frame["segments"]]
    return frame


def evidence(study: Study, table: str) -> pd.DataFrame:
    """The coded passages behind each row of a derived table: for the consultant's machine only.

    Parameters
    ----------
    study : Study
        A confidential study imported with the coding frame (a public export has no evidence).
    table : str
        ``knowledge``, ``flows``, ``barriers`` or ``case_counts``.

    Returns
    -------
    pandas.DataFrame
        One row per (row of the table, segment): ``row`` (the table's index), ``segment_id``,
        ``interview_id``, ``start``, ``end`` and ``excerpt``, in the order of the evidence.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from impt_analysis import load_study
    >>> from impt_analysis.interop.refi_qda import read_qdpx, write_coded_qdpx
    >>> path = write_coded_qdpx(load_study(), pathlib.Path(tempfile.mkdtemp()) / "coded.qdpx")
    >>> list(evidence(read_qdpx(path), "flows").columns)
    ['row', 'segment_id', 'interview_id', 'start', 'end', 'excerpt']
    """
    from ...schema import EVIDENCE_SEPARATOR

    frame = getattr(study, table)
    if study.public or "evidence" not in frame.columns:
        raise ValueError(
            f"evidence: {table} of study {study.name!r} has no evidence column (a public export, "
            "or a study not imported with the coding frame)"
        )
    codings = study.codings.drop_duplicates("segment_id").set_index("segment_id")
    out = []
    for index, value in frame["evidence"].items():
        for segment in str(value or "").split(EVIDENCE_SEPARATOR):
            if segment and segment in codings.index:
                c = codings.loc[segment]
                out.append(
                    {
                        "row": index,
                        "segment_id": segment,
                        "interview_id": c["interview_id"],
                        "start": int(c["start"]),
                        "end": int(c["end"]),
                        "excerpt": c["excerpt"] if "excerpt" in codings.columns else "",
                    }
                )
    return pd.DataFrame(out, columns=["row", "segment_id", "interview_id", "start", "end", "excerpt"])
