"""Load, hold and write a study: a data package of coded interviews.

A study is a folder with ``datapackage.json`` and one CSV per table (see
:mod:`impt_analysis.schema`). :func:`load_study` validates everything before returning and
raises :class:`~impt_analysis.validation.StudyValidationError` listing every problem.

Examples
--------
>>> from impt_analysis import load_study
>>> study = load_study()          # the synthetic demonstration study
>>> study.countries[:3]
['DE', 'DK', 'EE']
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .codebook import CONTROLLED_CATEGORIES, default_codebook, label_map
from .package_docs import write_package_docs
from .schema import TABLE_ORDER, TABLES, package_descriptor, tables_for
from .validation import Problem, StudyValidationError, check_keys, check_table, read_table

__all__ = ["Study", "load_study", "study_from_tables", "write_study", "demo_path"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def demo_path() -> Path:
    """The folder of the bundled synthetic demonstration study (wheel or source checkout)."""
    for candidate in (_PACKAGE_DIR / "data" / "demo", _PACKAGE_DIR.parent / "data" / "demo"):
        if (candidate / "datapackage.json").is_file():
            return candidate
    raise FileNotFoundError("the demonstration study is not installed with impt_analysis")


@dataclass
class Study:
    """A loaded study: one DataFrame per table, plus the package metadata.

    Controlled values are pandas categoricals whose categories are the codebook's codes;
    ``start``, ``end``, ``severity``, ``year`` and ``count`` are integers, ``date`` a datetime.
    A public export (``study.public``) has ``interviews.year`` instead of ``date``, no free
    text, and empty (``<NA>``) suppressed case counts.
    """

    codebook: pd.DataFrame
    actors: pd.DataFrame
    interviews: pd.DataFrame
    items: pd.DataFrame
    knowledge: pd.DataFrame
    flows: pd.DataFrame
    barriers: pd.DataFrame
    codings: pd.DataFrame
    case_counts: pd.DataFrame
    meta: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def countries(self) -> list[str]:
        """The sorted country codes of the study's interviews."""
        return sorted(set(self.interviews["country"].dropna().astype(str)))

    @property
    def name(self) -> str:
        return self.meta.get("name", "study")

    @property
    def version(self) -> str:
        return str(self.meta.get("version", ""))

    @property
    def synthetic(self) -> bool:
        """True for synthetic demonstration data, which every output must label as such."""
        return bool(self.meta.get("impt:synthetic", False))

    @property
    def public(self) -> bool:
        """True for a de-identified public export (its free-text columns are absent)."""
        return bool(self.meta.get("impt:public", False))

    def labels(self, category: str) -> dict[str, str]:
        """Code -> label for one category of the codebook (a code may recur in another category).

        Examples
        --------
        >>> load_study().labels("tier")["at_risk_context"]
        'At-risk context'
        """
        return {code: label for (c, code), label in label_map(self.codebook).items() if c == category}

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in the package's order."""
        return {name: getattr(self, name) for name in TABLE_ORDER}

    def summary(self) -> str:
        """A one-screen text summary: interviews per country and the size of each table."""
        label = " (SYNTHETIC demonstration data)" if self.synthetic else ""
        lines = [f"{self.meta.get('title', self.name)} {self.version}{label}".strip()]
        per_country = self.interviews.groupby("country", observed=True).size()
        lines.append(f"{len(self.interviews)} interviews in {len(per_country)} countries: "
                     + ", ".join(f"{c} {n}" for c, n in per_country.items()))
        for name in ("actors", "items", "knowledge", "flows", "barriers", "codings", "case_counts"):
            lines.append(f"  {name:<12} {len(getattr(self, name)):>7} rows")
        return "\n".join(lines)


def _read_meta(folder: Path) -> tuple[dict, list[Problem]]:
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        return {}, [Problem("datapackage.json", None, None, None, f"file is missing from the study folder {folder}")]
    try:
        meta = json.loads(descriptor.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return {}, [Problem("datapackage.json", getattr(err, "lineno", None), None, None, f"not valid UTF-8 JSON: {err}")]
    if not isinstance(meta, dict):
        return {}, [Problem("datapackage.json", None, None, None, "the descriptor must be a JSON object")]
    meta.pop("resources", None)
    return meta, []


def load_study(path: str | Path | None = None) -> Study:
    """Load and validate a study data package.

    Parameters
    ----------
    path : str or Path, optional
        The study folder (or its ``datapackage.json``). Without it, the bundled synthetic
        demonstration study.

    Returns
    -------
    Study

    Raises
    ------
    StudyValidationError
        With every problem found (file, row, column, value, message), if any.

    Examples
    --------
    >>> study = load_study()
    >>> len(study.interviews)
    60
    """
    folder = demo_path() if path is None else Path(path)
    if folder.name == "datapackage.json":
        folder = folder.parent
    if not folder.is_dir():
        raise StudyValidationError([Problem(str(folder), None, None, None, "no such study folder")], str(folder))
    meta, problems = _read_meta(folder)
    tables = tables_for(meta)
    raw: dict[str, pd.DataFrame] = {}
    for name in TABLE_ORDER:
        frame, found = read_table(folder / tables[name].path, tables[name])
        problems += found
        if frame is not None:
            raw[name] = frame
    study = _validated(raw, meta, problems, str(folder))
    study.path = folder
    return study


def study_from_tables(tables: dict[str, pd.DataFrame | list[dict]], meta: dict | None = None) -> Study:
    """Build a validated Study from in-memory tables, as :func:`load_study` would from files.

    Missing tables are empty; a missing codebook is the default one. Values are validated
    exactly as in files (every problem reported, with the row a spreadsheet would show).

    Examples
    --------
    >>> s = study_from_tables({"actors": [{"actor_id": "A", "name": "Municipal social services",
    ...     "country": "DK", "sector": "social_services", "level": "local", "kind": "organisation"}]})
    >>> s.actors["level"].iat[0]
    'local'
    """
    raw = {}
    meta = dict(meta or {})
    schema = tables_for(meta)
    for name in TABLE_ORDER:
        given = tables.get(name)
        columns = [f.name for f in schema[name].fields]
        if given is None:
            frame = default_codebook() if name == "codebook" else pd.DataFrame(columns=columns)
        else:
            frame = pd.DataFrame(given)
            if len(frame) == 0:  # no records to lose: an empty table gets its required columns
                frame = frame.reindex(columns=list(frame.columns) + [
                    c for c in columns if c not in frame.columns and schema[name].field(c).required])
            for col in columns:
                # A public export leaves out what it does not publish: absent stays absent.
                if col not in frame.columns and not schema[name].field(col).required and not meta.get("impt:public"):
                    frame[col] = ""
        frame = frame[[c for c in columns if c in frame.columns] + [c for c in frame.columns if c not in columns]]
        frame = frame.astype(object).where(frame.notna(), "")
        frame = frame.apply(lambda col: col.map(_as_text)) if len(frame) else frame.astype(str)
        frame.attrs["rows"] = list(range(2, len(frame) + 2))
        raw[name] = frame
    problems = [Problem(schema[name].path, 1, f.name, None, "required column is missing")
                for name, frame in raw.items() for f in schema[name].fields
                if f.required and f.name not in frame.columns]
    return _validated(raw, meta, problems, "tables")


def _as_text(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


def _validated(raw: dict[str, pd.DataFrame], meta: dict, problems: list[Problem], source: str) -> Study:
    """Validate all-text tables and return the typed Study, or raise with every problem."""
    codebook = raw.get("codebook")
    if codebook is None or not {"code", "category"} <= set(codebook.columns):
        codebook = default_codebook()
    else:
        problems += _check_codebook(codebook)
    allowed = {cat: set(group["code"]) for cat, group in codebook.groupby("category")}
    allowed["__code__"] = set(codebook["code"])
    schema = tables_for(meta)
    for name, frame in raw.items():
        problems += check_table(frame, schema[name], allowed if name == "codings" else _without_code(allowed))
    problems += check_keys(raw, schema)
    if problems:
        raise StudyValidationError(problems, source)
    tables = {name: _typed(raw[name], schema[name], codebook) for name in TABLE_ORDER}
    return Study(**tables, meta=meta)


def _without_code(allowed: dict[str, set[str]]) -> dict[str, set[str]]:
    return {k: v for k, v in allowed.items() if k != "__code__"}


def _check_codebook(codebook: pd.DataFrame) -> list[Problem]:
    problems = []
    present = set(codebook["category"])
    for category in CONTROLLED_CATEGORIES:
        if category not in present:
            problems.append(Problem("codebook.csv", None, "category", category,
                                    "category is missing: the codebook must list its codes"))
    if "parent" in codebook.columns:
        codes = set(codebook["code"])
        rows = codebook.attrs.get("rows") or list(range(2, len(codebook) + 2))
        for i, parent in enumerate(codebook["parent"]):
            if parent and parent not in codes:
                problems.append(Problem("codebook.csv", rows[i], "parent", parent, "no such code in codebook.csv"))
    return problems


def _typed(frame: pd.DataFrame, table, codebook: pd.DataFrame) -> pd.DataFrame:
    """Convert a validated all-text frame to typed columns, keeping every row and its order."""
    out = frame.copy()
    out.attrs = {}
    for f in table.fields:
        if f.name not in out.columns:
            continue
        s = out[f.name]
        if f.type == "integer":
            out[f.name] = pd.to_numeric(s.where(s != ""), errors="raise").astype("Int64" if not f.required else "int64")
        elif f.type == "date":
            out[f.name] = pd.to_datetime(s.where(s != ""), format="%Y-%m-%d")
        elif f.category:
            codes = list(dict.fromkeys(codebook.loc[codebook["category"] == f.category, "code"]))
            out[f.name] = pd.Categorical(s.where(s != ""), categories=codes)
        elif not f.required:
            out[f.name] = s.where(s != "", None)
    return out.reset_index(drop=True)


def write_study(study: Study, path: str | Path, meta: dict | None = None) -> Path:
    """Write a study as a data package: the CSV files, ``datapackage.json`` and its documentation.

    Values are written as text exactly as they would be read back (dates ISO, empty for
    missing), rows in their order. A ``README.md`` codebook and a ``CITATION.cff`` are
    generated from the descriptor (:func:`~impt_analysis.package_docs.write_package_docs`).
    Returns the folder.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    meta = dict(study.meta if meta is None else meta)
    columns = {}
    for name, frame in study.tables().items():
        frame = frame.copy()
        for col in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[col]):
                frame[col] = frame[col].dt.strftime("%Y-%m-%d")
        frame.to_csv(folder / TABLES[name].path, index=False, encoding="utf-8", lineterminator="\n")
        columns[name] = list(frame.columns)
    descriptor = package_descriptor(meta, study.codebook, columns)
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_package_docs(folder, descriptor, study.codebook)
    return folder

