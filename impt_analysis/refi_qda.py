"""Bring coded interviews in from qualitative-analysis tools, and send them back: REFI-QDA.

A consultant codes the interviews in NVivo, ATLAS.ti, MAXQDA or QualCoder, not in our CSV
files. Those tools exchange projects as REFI-QDA ``.qdpx`` files: a ZIP archive holding
``project.qde`` (XML in the namespace ``urn:QDA-XML:project:1.0``) and the source texts under
``sources/``. This module answers "which passages of which interview did which coder code, and
with which code?" for such a project, by turning it into a study data package, and exports a
study back so that coding can continue in the tool.

What is mapped
--------------
=====================================  =====================================================
REFI-QDA                               study data package
=====================================  =====================================================
``Code`` (nested)                      ``codebook.csv``: category ``code``; ``isCodable="false"``
                                       codes get the category ``code_category``; ``parent``
                                       is the enclosing code
``User``                               ``codings.coder``: the user's name (use pseudonyms)
``TextSource``                         ``interviews.csv``: one interview per text source
``PlainTextSelection`` + ``Coding``    ``codings.csv``: start, end and the excerpt cut from
                                       the source text by Unicode code points
case variables                         ``interviews.country``, ``date``, ``sector``, ``level``,
                                       ``actor_id``
=====================================  =====================================================

A code's identifier is its name made lower-case with runs of other characters than letters
and digits replaced by ``_`` (``"Data protection"`` becomes ``data_protection``). A name
already taken (by the workbench's codebook or an earlier code of the project) is prefixed with
its enclosing codes (``cs_as_programming/programming``) and, if still taken, suffixed with the
start of its GUID. The name itself is kept as the code's label.

Case variables are read wherever the tools put them: in named ``Case`` elements with
``VariableValue``\\ s and ``SourceRef``\\ s, in one unnamed ``Case`` per source, or in
``VariableValue``\\ s directly on a ``TextSource``. Values that disagree between places are an
error, never a choice. Without a mapping file, the variables named ``country``, ``sector``,
``level``, ``date`` and ``actor_id`` (in any case) are used. An interview needs a country, a
date, a sector and a level: a project without those variables (as many are) must give them in
the mapping file, under ``defaults`` for every source or ``sources`` for one; the import
otherwise stops with a list of what is missing. Without an ``actor_id``, each interview gets a
placeholder actor ``A-<interview_id>`` with the interview's country, sector and level.

The mapping file (YAML or JSON; every section optional)::

    variables:            # the case variable that holds each field (default: its own name)
      country: Land
      sector: Sektor
    values:               # a variable's values -> our codes (default: code or label, any case;
      sector:             # countries also by their English name)
        Polizei: police
    defaults:             # for sources without a value
      country: DK
      date: 2010-06-01
      sector: government
      level: national
      coder: coder_1      # for codings that name no user
    sources:              # per source (by name or GUID): overrides everything else
      "Interview 3": {country: EE, sector: ngo, level: local, date: 2010-05-20}
    codes:                # a tool code (by name, path "Parent/Child" or GUID) -> one of our codes
      Data protection: data_protection_rules
    categories:           # a tool category -> one of our vocabularies: its codes are matched to
      Barriers: barrier   # that vocabulary's codes or labels, and no new codes are made
    barrier_severity: 2   # codings with barrier codes become rows of barriers.csv (1-3)

The file is untrusted input: the XML is parsed with :mod:`defusedxml` and no DTD (so no
entities and no external references); ZIP entries with absolute paths or ``..`` are refused;
the number of entries and their uncompressed size are capped. Any of these stops the import
with :class:`UnsafeArchiveError` before anything is written.

Source texts are read from ``internal://`` paths inside the archive, or bare paths under
``sources/``, byte for byte: Windows line endings stay, as the positions count them. (Text
given inline as ``PlainTextContent`` passes through the XML parser, which turns ``\r\n`` into
``\n``; no common tool writes it.) A source whose plain text is empty (a ``.docx`` with an
empty ``.txt`` twin) or missing keeps its codings without excerpts, and the summary says so.

Every ``Coding`` in the file is imported or reported, with the reason, in the
:class:`ImportSummary` stored as ``study.meta["impt:import_summary"]`` (see
:func:`import_summary`).

Examples
--------
>>> from impt_analysis.refi_qda import read_qdpx, import_summary
>>> study = read_qdpx("demo.qdpx", mapping={"defaults": {"country": "DK",
...     "date": "2010-06-01", "sector": "government", "level": "national"}})  # doctest: +SKIP
>>> print(import_summary(study))                                   # doctest: +SKIP
demo.qdpx: 205 of 205 codings imported, 262 codes, 2 sources
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import uuid
import zipfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

import pandas as pd

from .codebook import default_codebook
from .study import Study, study_from_tables
from .validation import Problem, StudyValidationError, iso_countries

__all__ = [
    "CODE_CATEGORY",
    "ImportSummary",
    "QdpxError",
    "UnsafeArchiveError",
    "import_summary",
    "read_mapping",
    "read_qdpx",
    "write_qdpx",
]

log = logging.getLogger(__name__)

NAMESPACE = "urn:QDA-XML:project:1.0"
CODE_CATEGORY = "code_category"
MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 1 << 30  # 1 GiB: far above any interview project, far below a ZIP bomb
FIELDS = ("country", "date", "sector", "level", "actor_id")
REQUIRED_FIELDS = ("country", "date", "sector", "level")
# GUIDs of what the workbench exports are name-based (UUID 5) in this namespace, so that an
# exported code, source or selection is recognised when the project comes back.
_GUIDS = uuid.UUID("6b1c3f0e-5a8d-4e57-9a55-1f0d2c7e3b91")
_EXAMPLES = {"country": "DK", "date": "2010-06-01", "sector": "government", "level": "national"}
_MAPPING_KEYS = {"variables", "values", "defaults", "sources", "codes", "categories", "barrier_severity"}


class QdpxError(ValueError):
    """The file is not a readable REFI-QDA project, or the mapping does not fit it."""


class UnsafeArchiveError(QdpxError):
    """The archive or its XML is refused as unsafe (path traversal, size, entities)."""


@dataclass
class ImportSummary:
    """What an import took in and what it left out, and why.

    ``skipped`` lists one dict per coding not imported (``coding`` GUID, ``source``, ``code``
    name and ``reason``); ``notes`` lists everything else the user should know (sources
    without plain text, renamed codes). Excerpts are never part of it.
    """

    file: str
    n_codes: int = 0
    n_sources: int = 0
    n_codings: int = 0
    n_imported: int = 0
    skipped: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

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
        lines = [f"{self.file}: {self.n_imported} of {self.n_codings} codings imported, "
                 f"{self.n_codes} codes, {self.n_sources} sources"]
        lines += [f"  skipped {n}: {reason}" for reason, n in self.reasons().items()]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def import_summary(study: Study) -> ImportSummary:
    """The :class:`ImportSummary` of a study read by :func:`read_qdpx` (also after writing and loading it).

    Examples
    --------
    >>> import_summary(read_qdpx("demo.qdpx", mapping="mapping.yaml")).n_skipped  # doctest: +SKIP
    0
    """
    data = study.meta.get("impt:import_summary")
    if data is None:
        raise ValueError(f"study {study.name!r} was not imported from a REFI-QDA project")
    return ImportSummary.from_dict(data)


# --- the mapping file ------------------------------------------------------------------------

@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file (see the module docstring)."""

    variables: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    codes: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    barrier_severity: int | None = None


def read_mapping(mapping: str | Path | dict | None) -> Mapping:
    """Read a mapping file (YAML or JSON), or check a mapping given as a dict.

    Examples
    --------
    >>> read_mapping({"defaults": {"country": "DK"}}).defaults
    {'country': 'DK'}
    """
    if mapping is None:
        return Mapping()
    where = "mapping"
    if not isinstance(mapping, dict):
        path = Path(mapping)
        where = f"mapping file {path.name}"
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise QdpxError(f"{where}: no such file") from None
        except UnicodeDecodeError as err:
            raise QdpxError(f"{where}: not UTF-8 ({err})") from None
        import yaml

        try:
            mapping = json.loads(text) if path.suffix.lower() == ".json" else (yaml.safe_load(text) or {})
        except (json.JSONDecodeError, yaml.YAMLError) as err:
            raise QdpxError(f"{where}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {err}") from None
    if not isinstance(mapping, dict):
        raise QdpxError(f"{where}: must be a mapping of sections ({', '.join(sorted(_MAPPING_KEYS))})")
    unknown = sorted(set(mapping) - _MAPPING_KEYS)
    if unknown:
        raise QdpxError(f"{where}: unknown section(s) {', '.join(map(repr, unknown))}; "
                        f"the sections are {', '.join(sorted(_MAPPING_KEYS))}")
    sections = {}
    for key in ("variables", "defaults", "codes", "categories"):
        sections[key] = _flat(mapping.get(key), f"{where}, section {key}")
    sections["values"] = {k: {_text(a): _text(b) for a, b in _flat_dict(v, f"{where}, values: {k}").items()}
                          for k, v in _flat_dict(mapping.get("values"), f"{where}, section values").items()}
    sections["sources"] = {_text(k): _flat(v, f"{where}, sources: {k}")
                           for k, v in _flat_dict(mapping.get("sources"), f"{where}, section sources").items()}
    for key in ("variables", "values"):
        bad = set(sections[key]) - set(FIELDS)
        if bad:
            raise QdpxError(f"{where}, section {key}: {', '.join(sorted(bad))} not among {', '.join(FIELDS)}")
    for key, given in [("defaults", sections["defaults"])] + [(f"sources: {k}", v) for k, v in sections["sources"].items()]:
        bad = set(given) - set(FIELDS) - ({"coder"} if key == "defaults" else set())
        if bad:
            raise QdpxError(f"{where}, section {key}: {', '.join(sorted(bad))} not among {', '.join(FIELDS)}")
    severity = mapping.get("barrier_severity")
    if severity is not None and (isinstance(severity, bool) or severity not in (1, 2, 3)):
        raise QdpxError(f"{where}: barrier_severity must be 1 (minor), 2 (serious) or 3 (blocking), not {severity!r}")
    return Mapping(barrier_severity=severity, **sections)


def _text(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value).strip()


def _flat_dict(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise QdpxError(f"{where}: must be a mapping of names to values")
    return value


def _flat(value, where: str) -> dict[str, str]:
    given = _flat_dict(value, where)
    for k, v in given.items():
        if isinstance(v, (dict, list)):
            raise QdpxError(f"{where}: the value of {k!r} must be a single value")
    return {_text(k): _text(v) for k, v in given.items()}


# --- the archive -----------------------------------------------------------------------------

class _Archive:
    """The entries of a .qdpx, checked before anything is read from them."""

    def __init__(self, path: Path, max_bytes: int, max_entries: int):
        self.label = path.name
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise
        except (zipfile.BadZipFile, OSError) as err:
            raise QdpxError(f"{path.name}: not a REFI-QDA project: the file is not a ZIP archive ({err})") from None
        infos = self.zip.infolist()
        if len(infos) > max_entries:
            raise UnsafeArchiveError(f"{path.name}: refused: the archive holds {len(infos)} entries, "
                                     f"more than the {max_entries} allowed")
        self.entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename.replace("\\", "/")
            why = _unsafe_name(name)
            if why is None and (info.external_attr >> 16) & 0o170000 == 0o120000:
                why = "is a symbolic link"
            if why:
                raise UnsafeArchiveError(f"{path.name}: refused: the entry {info.filename!r} {why}; "
                                         "a .qdpx holds only project.qde and sources/")
            if name in self.entries:
                raise UnsafeArchiveError(f"{path.name}: refused: the entry {name!r} appears twice")
            if info.flag_bits & 0x1:
                raise QdpxError(f"{path.name}: the entry {name!r} is encrypted; export the project without a password")
            total += info.file_size
            if total > max_bytes:
                raise UnsafeArchiveError(f"{path.name}: refused: the entries unpack to more than "
                                         f"{max_bytes:,} bytes (the limit)")
            self.entries[name] = info
        self.folded = {n.casefold(): n for n in self.entries}

    def read(self, name: str) -> bytes | None:
        """The bytes of an entry (exact name, else any case), or None if there is none."""
        name = self.folded.get(name.casefold()) if name not in self.entries else name
        if name is None:
            return None
        info = self.entries[name]
        try:
            with self.zip.open(info) as handle:
                return handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
            raise QdpxError(f"{self.label}: the entry {name!r} cannot be read: {err}") from None


def _unsafe_name(name: str) -> str | None:
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "climbs out of the archive with '..'"
    if "\x00" in name:
        return "holds a NUL character"
    return None


def _parse_project(archive: _Archive) -> ET.Element:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    data = archive.read("project.qde")
    if data is None:
        raise QdpxError(f"{archive.label}: not a REFI-QDA project: project.qde is missing from the archive")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise UnsafeArchiveError(f"{archive.label}: refused: project.qde declares a DTD, entities or external "
                                 f"references ({type(err).__name__}); REFI-QDA files need none") from None
    except ET.ParseError as err:
        raise QdpxError(f"{archive.label}: project.qde is not well-formed XML: {err}") from None
    for element in root.iter():  # work with local names: the REFI-QDA namespace, or none
        ns, _, local = element.tag.rpartition("}")
        if ns and ns[1:] != NAMESPACE:
            raise QdpxError(f"{archive.label}: project.qde uses the namespace {ns[1:]!r}, not {NAMESPACE!r}")
        element.tag = local
    if root.tag != "Project":
        raise QdpxError(f"{archive.label}: project.qde holds <{root.tag}>, not a REFI-QDA <Project>")
    return root


# --- reading ---------------------------------------------------------------------------------

def read_qdpx(path: str | Path, mapping: str | Path | dict | None = None, *,
              max_bytes: int | None = None, max_entries: int | None = None) -> Study:
    """Read a REFI-QDA project (``.qdpx``) as a validated study.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` file (untrusted: see the module docstring).
    mapping : str, Path or dict, optional
        A mapping file (YAML or JSON) or its content: which variables hold country, sector,
        level and date, defaults for sources without them, and how the tool's codes map to
        the codebook.
    max_bytes, max_entries : int, optional
        Caps on the archive (default :data:`MAX_UNCOMPRESSED_BYTES`, :data:`MAX_ENTRIES`).

    Returns
    -------
    Study
        Codebook (the default one plus the project's codes), interviews, actors, codings and,
        if the mapping gives ``barrier_severity``, barriers. The import summary is
        ``study.meta["impt:import_summary"]`` (see :func:`import_summary`).

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
    >>> study = read_qdpx("project.qdpx", mapping="mapping.yaml")   # doctest: +SKIP
    >>> study.codings.groupby("coder").size()                        # doctest: +SKIP
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    rules = read_mapping(mapping)
    archive = _Archive(path, MAX_UNCOMPRESSED_BYTES if max_bytes is None else max_bytes,
                       MAX_ENTRIES if max_entries is None else max_entries)
    with archive.zip:
        root = _parse_project(archive)
        summary = ImportSummary(file=path.name)
        codebook, code_of, groups, paths = _codebook(root, rules, summary, path.name)
        sources = _sources(root, archive, summary)
    interviews, actors = _interviews(root, sources, rules, path.name)
    codings = _codings(root, sources, code_of, groups, paths, _users(root), rules, summary)
    barriers = _barriers(codings, codebook, rules, summary)
    summary.n_sources = len(sources)
    summary.n_imported = len(codings)
    if summary.n_imported + summary.n_skipped != summary.n_codings:  # every coding accounted for
        raise AssertionError(f"{summary.n_codings} codings found, {summary.n_imported} imported, "
                             f"{summary.n_skipped} skipped")
    log.info("%s", summary)
    tables = {"codebook": codebook, "actors": actors, "interviews": interviews, "codings": codings,
              "barriers": barriers}
    return study_from_tables(tables, _meta(root, path, summary))


def _meta(root: ET.Element, path: Path, summary: ImportSummary) -> dict:
    name = root.get("name") or path.stem
    description = (root.findtext("Description") or "").strip()
    meta = {
        "name": re.sub(r"[^a-z0-9._-]+", "-", name.casefold()).strip("-") or "imported-study",
        "title": name,
        "description": f"Imported from the REFI-QDA project {path.name}"
                       + (f" (exported by {root.get('origin')})" if root.get("origin") else "") + ".",
        "impt:synthetic": "(impt:synthetic)" in description,
        "impt:source": {"format": "REFI-QDA project 1.0", "file": path.name, "origin": root.get("origin", "")},
        "impt:import_summary": summary.to_dict(),
    }
    return meta


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_GUIDS, "\x1f".join(parts)))


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
        code = _Code(guid=(element.get("guid") or "").strip("{}").lower(), name=name,
                     codable=(element.get("isCodable", "true").strip().lower() in ("true", "1")),
                     description=(element.findtext("Description") or "").strip(), parent=parent,
                     path=f"{parent.path}/{name}" if parent else name)
        codes.append(code)
        stack.extend((child, code) for child in reversed(element.findall("Code")))
    return codes


def _codebook(root: ET.Element, rules: Mapping, summary: ImportSummary, label: str):
    """The codebook rows, the code each tool code stands for, and the tool codes mapped to a vocabulary."""
    base = default_codebook()
    codes = _walk_codes(root)
    summary.n_codes = len(codes)
    ours = {_guid("code", row.category, row.code): (row.category, row.code) for row in base.itertuples()}
    ours.update({_guid("vocabulary", c): ("vocabulary", c) for c in base["category"].unique()})
    recognised: dict[str, tuple[str, str]] = {}
    categories = set(base["category"]) | {CODE_CATEGORY}
    for code in codes:  # codes the workbench wrote that its default codebook does not hold
        for category in categories:
            ours.setdefault(_guid("code", category, code.name), (category, code.name))
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
        name = f"{name}_{code.guid.replace('-', '')[:8]}"
    return name if name not in taken else f"{name}_{code.guid.replace('-', '')}"


@dataclass
class _Source:
    element: ET.Element
    guid: str
    name: str
    interview_id: str
    text: str | None  # None: no plain text to cut excerpts from


def _sources(root: ET.Element, archive: _Archive, summary: ImportSummary) -> list[_Source]:
    sources: list[_Source] = []
    seen: set[str] = set()
    for element in root.findall("Sources/TextSource"):
        guid = (element.get("guid") or "").strip("{}").lower()
        path = element.get("plainTextPath") or ""
        name = (element.get("name") or "").strip() or PurePosixPath(path.split("://")[-1]).stem or guid
        interview_id = name if name not in seen else f"{name}_{guid.replace('-', '')[:8]}"
        if interview_id != name:
            summary.notes.append(f"two sources are named {name!r}: the second is interview {interview_id!r}")
        seen.add(interview_id)
        text = _source_text(element, archive, summary, name)
        sources.append(_Source(element, guid, name, interview_id, text))
    return sources


def _source_text(element: ET.Element, archive: _Archive, summary: ImportSummary, name: str) -> str | None:
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


def _users(root: ET.Element) -> dict[str, str]:
    """Coder pseudonym by user GUID: the user's name, else its id, else the GUID."""
    users: dict[str, str] = {}
    for user in root.findall("Users/User"):
        guid = (user.get("guid") or "").strip("{}").lower()
        name = (user.get("name") or "").strip() or (user.get("id") or "").strip() or guid
        if name in users.values():
            name = f"{name}_{guid.replace('-', '')[:8]}"
        users[guid] = name
    return users


def _interviews(root: ET.Element, sources: list[_Source], rules: Mapping, label: str):
    variables = {(v.get("guid") or "").strip("{}").lower(): (v.get("name") or "").strip()
                 for v in root.findall("Variables/Variable")}
    wanted = {f: rules.variables.get(f, f).casefold() for f in FIELDS}
    found: dict[str, dict[str, list[tuple[str, str]]]] = {s.guid: defaultdict(list) for s in sources}

    def collect(owner_guids, element, place):
        for value in element.findall("VariableValue"):
            ref = value.find("VariableRef")
            name = variables.get((ref.get("targetGUID") if ref is not None else "").strip("{}").lower(), "")
            text = next((c.text for c in value if c.tag != "VariableRef" and c.text and c.text.strip()), None)
            for f, variable in wanted.items():
                if name.casefold() == variable and text is not None:
                    for guid in owner_guids:
                        if guid in found:
                            found[guid][f].append((text.strip(), place))

    for case in root.findall("Cases/Case"):
        refs = [(r.get("targetGUID") or "").strip("{}").lower() for r in case.findall("SourceRef")]
        collect(refs, case, f"case {case.get('name')!r}" if case.get("name") else "an unnamed case")
    for s in sources:
        collect([s.guid], s.element, "the source")
    known = {s.name for s in sources} | {s.guid for s in sources}
    unknown = [k for k in rules.sources if k not in known and k.strip("{}").lower() not in known]
    if unknown:
        raise QdpxError(f"mapping, sources: {', '.join(map(repr, unknown))} is not a source of {label} "
                        f"(its sources: {', '.join(s.name for s in sources[:10])})")
    problems: list[Problem] = []
    missing: dict[str, list[str]] = defaultdict(list)
    rows = []
    for s in sources:
        given = rules.sources.get(s.name) or next((v for k, v in rules.sources.items()
                                                   if k.strip("{}").lower() == s.guid), {})
        row = {"interview_id": s.interview_id}
        origin = []
        for f in FIELDS:
            values = {v for v, _ in found[s.guid][f]}
            if f in given:
                raw = given[f]
            elif len(values) > 1:
                places = ", ".join(f"{v!r} in {p}" for v, p in found[s.guid][f])
                problems.append(Problem(label, None, f, None, f"source {s.name!r} has conflicting values: {places}"))
                continue
            elif values:
                raw = values.pop()
            elif f in rules.defaults:
                raw = rules.defaults[f]
                origin.append(f)
            else:
                if f in REQUIRED_FIELDS:
                    missing[f].append(s.name)
                continue
            value, why = _field_value(f, raw, rules)
            if why:
                problems.append(Problem(label, None, f, raw, f"source {s.name!r}: {why}"))
            row[f] = value
        row["notes"] = f"REFI-QDA source {s.name!r}" + (f"; {', '.join(origin)} from the mapping's defaults"
                                                         if origin else "")
        rows.append(row)
    for f, names in missing.items():
        problems.append(Problem(label, None, f, None,
                                f"no {f} for {len(names)} source(s) ({', '.join(names[:5])}"
                                f"{', ...' if len(names) > 5 else ''}): give a case variable {f!r}, or a value "
                                f"in the mapping file (--mapping) under 'defaults:' for all sources, e.g. "
                                f"'defaults: {{{f}: {_EXAMPLES[f]}}}', or under 'sources:' for one"))
    if problems:
        raise StudyValidationError(problems, label)
    return _with_actors(rows, label)


def _field_value(f: str, raw: str, rules: Mapping) -> tuple[str, str | None]:
    """Our value for a variable's value, or why there is none."""
    table = rules.values.get(f, {})
    folded = {k.casefold(): v for k, v in table.items()}
    value = table.get(raw, folded.get(raw.casefold(), raw))
    if f == "country":
        if value.upper() in iso_countries():
            return value.upper(), None
        import pycountry

        try:
            return pycountry.countries.lookup(value).alpha_2, None
        except LookupError:
            return value, "not a country (an ISO code such as DK or an English name): map it under 'values: country:'"
    if f == "date":
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})([T ].*)?", value)
        if not match:
            return value, "not a date in the form YYYY-MM-DD"
        return match.group(1), None
    if f in ("sector", "level"):
        base = default_codebook()
        rows = base[base["category"] == f]
        for row in rows.itertuples():
            if value.casefold() in (row.code.casefold(), row.label.casefold()):
                return row.code, None
        return value, (f"not a {f} of the codebook ({', '.join(rows['code'])}): map it under 'values: {f}:' "
                       "in the mapping file")
    return value, None


def _with_actors(rows: list[dict], label: str) -> tuple[list[dict], list[dict]]:
    """Interviews with their actors: the actor_id variable's actors, or a placeholder per interview."""
    actors: dict[str, dict] = {}
    problems = []
    for row in rows:
        named = bool(row.get("actor_id"))
        actor_id = row["actor_id"] if named else f"A-{row['interview_id']}"
        row["actor_id"] = actor_id
        actor = {"actor_id": actor_id, "country": row["country"], "sector": row["sector"], "level": row["level"],
                 "kind": "organisation",
                 "name": (f"Organisation {actor_id}, as named in the coded project" if named else
                          f"Organisation of the respondent in interview {row['interview_id']} (not named in "
                          "the coded project)")}
        if actor_id in actors:
            differ = [k for k in ("country", "sector", "level") if actors[actor_id][k] != actor[k]]
            if differ:
                problems.append(Problem(label, None, "actor_id", actor_id,
                                        f"interviews give the actor different {', '.join(differ)}"))
            continue
        actors[actor_id] = actor
    if problems:
        raise StudyValidationError(problems, label)
    return rows, list(actors.values())


def _codings(root, sources, code_of, groups, paths, users, rules, summary) -> list[dict]:
    """The codings of text selections; every other Coding element is reported as skipped."""
    codings: list[dict] = []
    seen: set[tuple[str, str, str]] = set()
    handled: set[int] = set()
    project_user = (root.get("creatingUserGUID") or "").strip("{}").lower()
    all_codings = list(root.iter("Coding"))
    summary.n_codings = len(all_codings)

    def skip(coding, source, reason):
        handled.add(id(coding))
        ref = coding.find("CodeRef")
        target = (ref.get("targetGUID") or "").strip("{}").lower() if ref is not None else ""
        summary.skipped.append({"coding": coding.get("guid", ""), "source": source,
                                "code": paths.get(target, target), "reason": reason})

    for s in sources:
        for coding in s.element.findall("Coding"):
            skip(coding, s.name, "it codes the whole source, not a text selection")
        for selection in s.element.findall("PlainTextSelection"):
            name = (selection.get("name") or "").strip()
            guid = (selection.get("guid") or "").strip("{}").lower()
            try:
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            except (TypeError, ValueError):
                start = end = None
            segment = name if name and guid == _guid("segment", s.interview_id, name, str(start), str(end)) else guid
            for coding in selection.findall("Coding"):
                ref = coding.find("CodeRef")
                target = (ref.get("targetGUID") or "").strip("{}").lower() if ref is not None else ""
                user = next((u for u in (coding.get("creatingUser"), selection.get("creatingUser"),
                                         s.element.get("creatingUser")) if u), project_user)
                user = (user or "").strip("{}").lower()
                coder = users.get(user, user) or rules.defaults.get("coder", "")
                if start is None:
                    reason = "its selection's positions are not whole numbers"
                elif not 0 <= start <= end:
                    reason = f"its selection runs from {start} to {end}"
                elif s.text is not None and end > len(s.text):
                    reason = f"its selection ends at {end}, beyond the source text ({len(s.text)} code points)"
                elif target in groups:
                    reason = f"it codes a category that stands for the vocabulary {groups[target]!r}, not a code"
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
                codings.append({"segment_id": segment, "interview_id": s.interview_id, "code": code_of[target],
                                "coder": coder, "start": start, "end": end,
                                "excerpt": s.text[start:end] if s.text is not None else ""})
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


def _barriers(codings: list[dict], codebook: pd.DataFrame, rules: Mapping, summary: ImportSummary) -> list[dict]:
    """One barrier per interview and barrier code, if the mapping gives their severity."""
    barrier_codes = set(codebook.loc[codebook["category"] == "barrier", "code"])
    named = list(dict.fromkeys((c["interview_id"], c["code"]) for c in codings if c["code"] in barrier_codes))
    if not named:
        return []
    if rules.barrier_severity is None:
        summary.notes.append(f"barrier codes are applied {len(named)} times (interview and barrier): set "
                             "'barrier_severity:' in the mapping file to record them in barriers.csv as well")
        return []
    return [{"interview_id": i, "barrier": b, "source_actor": "", "target_actor": "",
             "severity": rules.barrier_severity} for i, b in named]


# --- writing ---------------------------------------------------------------------------------

def write_qdpx(study: Study, path: str | Path, texts: dict[str, str] | None = None) -> Path:
    """Export a study as a REFI-QDA project, so that coding can continue in a tool.

    The codebook's thematic codes (categories ``code`` and ``code_category``) are written as
    nested codes, and the other codes that codings use under one non-codable code per
    vocabulary (e.g. ``barrier``). A code's name is its identifier, its ``Description`` the
    label (first line) and description. Coders become users, interviews text sources with
    one named case each holding country, date, sector, level and actor_id. GUIDs are derived
    from the identifiers, so :func:`read_qdpx` recognises everything it wrote.

    The data package holds no transcripts: unless ``texts`` gives the full text of an
    interview, its source text is rebuilt from the excerpts, each at its position, with
    spaces in between. The archive holds the excerpts: it is as confidential as the study.

    Parameters
    ----------
    study : Study
    path : str or Path
        The ``.qdpx`` file to write.
    texts : dict, optional
        Full text of an interview by its id; each excerpt must be found at its position.

    Examples
    --------
    >>> write_qdpx(load_study(), "/tmp/demo.qdpx")                    # doctest: +SKIP
    """
    path = Path(path)
    root = ET.Element("Project", {"xmlns": NAMESPACE, "name": study.meta.get("title") or study.name,
                                  "origin": "IMPT Workbench"})
    coders = sorted(set(study.codings["coder"].astype(str)))
    if coders:
        users = ET.SubElement(root, "Users")
        for coder in coders:
            ET.SubElement(users, "User", {"guid": _guid("user", coder), "name": coder})
    code_guid = _write_codebook(ET.SubElement(root, "CodeBook"), study)
    _write_cases(root, study)
    files = _write_sources(root, study, code_guid, texts or {})
    description = study.meta.get("description", "")
    if study.synthetic:
        description = f"SYNTHETIC DEMONSTRATION DATA (impt:synthetic). {description}"
    if description:
        ET.SubElement(root, "Description").text = description
    xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", '<?xml version="1.0" encoding="utf-8"?>\n' + xml)
        for name, text in files.items():
            archive.writestr(f"sources/{name}", text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())
    log.info("wrote %s: %d codings, %d interviews", path, len(study.codings), len(study.interviews))
    return path


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
        element = _code_element(parent_el, row.category, row.code, row.label, row.description,
                                row.category == "code")
        elements[row.code] = element
        code_guid[row.code] = element.get("guid")
        stack.extend((element, child) for child in reversed(children[row.code]))
    others = cb[~cb["category"].isin(["code", CODE_CATEGORY]) & cb["code"].isin(used - set(code_guid))]
    for category, rows in others.groupby("category", sort=False):
        group = ET.SubElement(codes_el, "Code", {"guid": _guid("vocabulary", category), "name": category,
                                                 "isCodable": "false"})
        ET.SubElement(group, "Description").text = f"IMPT vocabulary {category!r}"
        for row in rows.itertuples():
            if row.code not in code_guid:
                code_guid[row.code] = _code_element(group, category, row.code, row.label, row.description,
                                                    True).get("guid")
    return code_guid


def _code_element(parent: ET.Element, category: str, code: str, label, description, codable: bool) -> ET.Element:
    element = ET.SubElement(parent, "Code", {"guid": _guid("code", category, code), "name": code,
                                             "isCodable": "true" if codable else "false"})
    text = str(label or code) + (f"\n\n{description}" if isinstance(description, str) and description else "")
    ET.SubElement(element, "Description").text = text
    return element


def _write_cases(root: ET.Element, study: Study) -> None:
    interviews = study.interviews
    if interviews.empty:
        return
    variables = ET.SubElement(root, "Variables")
    for name in FIELDS:
        ET.SubElement(variables, "Variable", {"guid": _guid("variable", name), "name": name,
                                              "typeOfVariable": "Date" if name == "date" else "Text"})
    cases = ET.SubElement(root, "Cases")
    for row in interviews.itertuples():
        case = ET.SubElement(cases, "Case", {"guid": _guid("case", row.interview_id), "name": row.interview_id})
        for name in FIELDS:
            value = getattr(row, name)
            if value is None or pd.isna(value):
                continue
            vv = ET.SubElement(case, "VariableValue")
            ET.SubElement(vv, "VariableRef", {"targetGUID": _guid("variable", name)})
            ET.SubElement(vv, "DateValue" if name == "date" else "TextValue").text = (
                value.strftime("%Y-%m-%d") if name == "date" else str(value))
        ET.SubElement(case, "SourceRef", {"targetGUID": _guid("source", row.interview_id)})


def _write_sources(root: ET.Element, study: Study, code_guid: dict[str, str], texts: dict[str, str]) -> dict[str, str]:
    """Write one TextSource per interview; return the plain texts by file name."""
    if study.interviews.empty:
        return {}
    sources = ET.SubElement(root, "Sources")
    codings = study.codings
    files: dict[str, str] = {}
    by_interview = {k: g for k, g in codings.groupby("interview_id", sort=False, observed=True)}
    for interview_id in study.interviews["interview_id"]:
        group = by_interview.get(interview_id, codings.iloc[0:0])
        text = texts.get(interview_id)
        text = _rebuilt_text(interview_id, group) if text is None else _checked_text(interview_id, text, group)
        guid = _guid("source", interview_id)
        source = ET.SubElement(sources, "TextSource", {"guid": guid, "name": interview_id,
                                                       "plainTextPath": f"internal://{guid}.txt"})
        files[f"{guid}.txt"] = text
        for (segment, start, end), rows in group.groupby(["segment_id", "start", "end"], sort=False):
            selection = ET.SubElement(source, "PlainTextSelection", {
                "guid": _guid("segment", interview_id, str(segment), str(start), str(end)), "name": str(segment),
                "startPosition": str(start), "endPosition": str(end)})
            for row in rows.itertuples():
                coding = ET.SubElement(selection, "Coding", {
                    "guid": _guid("coding", interview_id, str(segment), row.code, row.coder),
                    "creatingUser": _guid("user", row.coder)})
                ET.SubElement(coding, "CodeRef", {"targetGUID": code_guid[row.code]})
    return files


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
            raise ValueError(f"codings of interview {interview_id}, segment {row.segment_id}: the excerpt has "
                             f"{len(row.excerpt)} code points, but runs from {row.start} to {row.end}")
        for i, char in enumerate(row.excerpt, start=row.start):
            if placed[i] is not None and chars[i] != char:
                raise ValueError(f"codings of interview {interview_id}: segments {placed[i]} and {row.segment_id} "
                                 f"overlap with different text at position {i}; pass the full texts")
            chars[i], placed[i] = char, row.segment_id
    return "".join(chars)


def _checked_text(interview_id: str, text: str, group: pd.DataFrame) -> str:
    for row in _excerpts(group):
        if text[row.start:row.end] != row.excerpt:
            raise ValueError(f"interview {interview_id}, segment {row.segment_id}: the text given does not hold "
                             f"the excerpt at {row.start}-{row.end}")
    return text
