"""Read a REFI-QDA project (``.qdpx``) as a validated study, with its import summary.

:func:`read_qdpx` opens the archive safely (:mod:`~impt_analysis.interop.refi_qda.archive`), reads the
mapping (:mod:`~impt_analysis.interop.refi_qda.mapping`), and turns the project's codes into the
codebook (:mod:`~impt_analysis.interop.refi_qda.codes`), its text sources and case variables into
interviews and actors (:mod:`~impt_analysis.interop.refi_qda.sources`,
:mod:`~impt_analysis.interop.refi_qda.cases`), and its codings of text selections into codings and
barriers (:mod:`~impt_analysis.interop.refi_qda.codings`). It checks that every ``Coding`` of the file
was imported or reported in the :class:`~impt_analysis.interop.refi_qda.ImportSummary`, then
validates the tables as :func:`~impt_analysis.study.load_study` would.

Examples
--------
>>> import tempfile, pathlib
>>> from impt_analysis import load_study
>>> from impt_analysis.interop.refi_qda import write_coded_qdpx
>>> demo = load_study()
>>> study = read_qdpx(write_coded_qdpx(demo, pathlib.Path(tempfile.mkdtemp()) / "project.qdpx"))
>>> len(study.interviews) == len(demo.interviews), len(study.flows) == len(demo.flows)
(True, True)
"""

from __future__ import annotations

import logging
from pathlib import Path
from xml.etree import ElementTree as ET

from ...schema import package_name
from ...study import Study, study_from_tables
from .archive import MAX_ENTRIES, MAX_UNCOMPRESSED_BYTES, Archive, parse_project
from .cases import interviews_and_actors
from .codes import codebook_of
from .codings import barriers_of, codings_of, users_of
from .derive import derive_rows, frame_actors, likely_duplicates
from .mapping import read_mapping
from .sources import read_sources
from .summary import ImportSummary

__all__ = ["read_qdpx"]

log = logging.getLogger(__name__)


def read_qdpx(
    path: str | Path,
    mapping: str | Path | dict | None = None,
    *,
    max_bytes: int | None = None,
    max_entries: int | None = None,
) -> Study:
    """Read a REFI-QDA project (``.qdpx``) as a validated study.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` file (untrusted: see the docstring of :mod:`impt_analysis.interop.refi_qda`).
    mapping : str, Path or dict, optional
        A mapping file (YAML or JSON) or its content: which variables hold country, sector,
        level and date, defaults for sources without them, and how the tool's codes map to
        the codebook.
    max_bytes, max_entries : int, optional
        Caps on the archive (default :data:`~impt_analysis.interop.refi_qda.archive.MAX_UNCOMPRESSED_BYTES`,
        :data:`~impt_analysis.interop.refi_qda.archive.MAX_ENTRIES`).

    Returns
    -------
    Study
        Codebook (the default one plus the project's codes), interviews, actors, codings and,
        if the mapping gives ``barrier_severity``, barriers. The import summary is
        ``study.meta["impt:import_summary"]`` (see :func:`~impt_analysis.interop.refi_qda.import_summary`).

    Raises
    ------
    UnsafeArchiveError
        The archive or XML is refused (path traversal, size, number of entries, DTD).
    QdpxError
        Not a REFI-QDA project, or the mapping does not fit it.
    StudyValidationError
        Interviews lack a country, date, sector or level, or a value cannot be mapped.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from impt_analysis import load_study
    >>> from impt_analysis.interop.refi_qda import write_qdpx
    >>> demo = load_study()
    >>> study = read_qdpx(write_qdpx(demo, pathlib.Path(tempfile.mkdtemp()) / "project.qdpx"))
    >>> sorted(study.codings["coder"].unique()) == sorted(demo.codings["coder"].unique())
    True
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    rules = read_mapping(mapping)
    archive = Archive(
        path,
        MAX_UNCOMPRESSED_BYTES if max_bytes is None else max_bytes,
        MAX_ENTRIES if max_entries is None else max_entries,
    )
    with archive.zip:
        root = parse_project(archive)
        summary = ImportSummary(file=path.name)
        codebook, code_of, groups, paths, frame = codebook_of(root, rules, summary, path.name)
        sources = read_sources(root, archive, summary)
    known, actor_problems = frame_actors(frame, path.name)
    frame_rows = list({a["actor_id"]: a for a in reversed(known.values())}.values())[
        ::-1
    ]  # one id: one actor
    interviews, actors = interviews_and_actors(root, sources, rules, path.name, frame_rows)
    codings = codings_of(root, sources, code_of, groups, paths, users_of(root), rules, summary)
    summary.unused = unused_elements(root)
    summary.n_sources = len(sources)
    summary.n_imported = len(codings)
    if summary.n_imported + summary.n_skipped != summary.n_codings:  # every coding accounted for
        raise AssertionError(
            f"{summary.n_codings} codings found, {summary.n_imported} imported, {summary.n_skipped} skipped"
        )
    tables = {"codebook": codebook, "interviews": interviews}
    if frame.used:
        derived = derive_rows(codings, frame, interviews, known, actor_problems, rules, summary)
        tables.update(derived)
        summary.derived = {name: len(rows) for name, rows in derived.items()}
        actors = frame_rows + actors
        summary.duplicates = likely_duplicates(frame_rows)
    else:
        summary.notes.append(
            "the project does not use the coding frame (no Actors, Information or Flow code at the "
            "top, no 'frame:' in the mapping): actors, items, knowledge and flows are not derived "
            "from its codings; see docs/coding-frame.md"
        )
        tables["barriers"] = barriers_of(codings, codebook, rules, summary)
    tables["actors"] = actors
    tables["codings"] = [{k: v for k, v in c.items() if k != "_tool"} for c in codings]
    log.info("%s", summary)
    return study_from_tables(tables, _meta(root, path, summary))


def unused_elements(root: ET.Element) -> dict[str, int]:
    """How many Links, Graphs, Sets and Notes a project holds: the import uses none of them.

    (ATLAS.ti's document Sets named "name: value" are read as case variables, and counted
    here all the same.)

    Examples
    --------
    >>> unused_elements(ET.fromstring("<Project><Links><Link/><Link/></Links><Notes/></Project>"))
    {'links': 2, 'graphs': 0, 'sets': 0, 'notes': 0}
    """
    return {
        "links": len(root.findall("Links/Link")),
        "graphs": len(root.findall("Graphs/Graph")),
        "sets": len(root.findall("Sets/Set")),
        "notes": len(root.findall("Notes/Note")),
    }


def _meta(root: ET.Element, path: Path, summary: ImportSummary) -> dict:
    name = root.get("name") or path.stem
    description = (root.findtext("Description") or "").strip()
    meta = {
        "name": package_name(name, "imported-study"),
        "title": name,
        "description": f"Imported from the REFI-QDA project {path.name}"
        + (f" (exported by {root.get('origin')})" if root.get("origin") else "")
        + ".",
        "impt:synthetic": "(impt:synthetic)" in description,
        "impt:source": {
            "format": "REFI-QDA project 1.0",
            "file": path.name,
            "origin": root.get("origin", ""),
        },
        "impt:import_summary": summary.to_dict(),
    }
    return meta
