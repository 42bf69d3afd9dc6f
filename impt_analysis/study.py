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

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .codebook import CONTROLLED_CATEGORIES, default_codebook, label_map
from .codebook import codes as category_codes
from .errors import UnknownCountryError
from .interop.package_docs import write_package_docs
from .paths import file_in
from .schema import BARRIER_COUNTS, TABLE_ORDER, TABLES, package_descriptor, resource_descriptor, tables_for
from .validation import (
    Problem,
    StudyValidationError,
    check_descriptor,
    check_keys,
    check_table,
    did_you_mean,
    read_table,
)

__all__ = [
    "Study",
    "load_study",
    "study_from_tables",
    "write_study",
    "rewrite_descriptor",
    "demo_path",
    "interview_column",
    "BARRIER_COUNTS_RESOURCE",
    "SUPPRESSION_REASONS",
]

_PACKAGE_DIR = Path(__file__).resolve().parent

#: The aggregate a public export publishes beside its tables: interviews naming each barrier per country.
BARRIER_COUNTS_RESOURCE = "barrier_counts"
#: Why a count of a public export is missing: "" shown, "primary" a small count, "secondary" hidden to protect one.
SUPPRESSION_REASONS = ("", "primary", "secondary")


def demo_path() -> Path:
    """The folder of the bundled synthetic demonstration study (wheel or source checkout)."""
    for candidate in (_PACKAGE_DIR / "data" / "demo", _PACKAGE_DIR.parent / "data" / "demo"):
        if (candidate / "datapackage.json").is_file():
            return candidate
    raise FileNotFoundError("the demonstration study is not installed with impt_analysis")


@dataclass(eq=False, repr=False)
class Study:
    """A loaded study: one DataFrame per table, plus the package metadata.

    Controlled values are pandas categoricals whose categories are the codebook's codes;
    ``start``, ``end``, ``severity``, ``year`` and ``count`` are integers, ``date`` a datetime.
    A public export (``study.public``) has ``interviews.year`` instead of ``date``, no free
    text, and empty (``<NA>``) suppressed case counts. Its rows of knowledge, flows, barriers
    and codings name an ``interview_group`` (a class of at least k published interviews), not
    an interview (see :func:`interview_column`), its items carry ``n_interviews``,
    ``n_organisations`` and ``n_sectors``, and ``barrier_counts`` holds the package's
    ``barrier_counts.csv`` (``country``, ``barrier``, ``interviews`` [``<NA>`` where
    suppressed], ``suppression`` ["", "primary" or "secondary"]); it is None for a
    confidential study.

    Two studies are equal (``==``) when their metadata and every table are equal: the same
    columns in the same order, the same dtypes (categories included) and the same values row
    by row; where a study was loaded from (``path``) does not count. The ``repr`` is one line:
    title, countries and the rows of each table.

    Examples
    --------
    >>> study = load_study()
    >>> study == load_study(), study == study_from_tables({})
    (True, False)
    >>> repr(study)[:75]
    "Study('BSR IMPT synthetic demonstration study', countries=['DE', 'DK', 'EE'"
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
    barrier_counts: pd.DataFrame | None = None
    #: The optional aggregated assessments (``assessments.csv``); empty when the study has none.
    assessments: pd.DataFrame | None = None

    def __post_init__(self):
        for name, table in tables_for(self.meta).items():  # an optional table left out is empty
            if table.optional and getattr(self, name) is None:
                empty = pd.DataFrame({f.name: pd.Series(dtype=str) for f in table.fields})
                setattr(self, name, _typed(empty, table, self.codebook))

    __hash__ = None  # mutable tables: a study is no dictionary key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Study):
            return NotImplemented
        return self.equals(other)

    def equals(self, other: Study) -> bool:
        """True if ``other`` holds the same metadata and tables (see the class docstring)."""
        if self.meta != other.meta:
            return False
        mine, theirs = self.barrier_counts, other.barrier_counts
        if (mine is None) != (theirs is None) or (mine is not None and not _same_frame(mine, theirs)):
            return False
        return all(_same_frame(a, b) for a, b in zip(self.tables().values(), other.tables().values()))

    def __repr__(self) -> str:
        rows = ", ".join(f"{name}={len(frame)}" for name, frame in self.tables().items())
        if self.barrier_counts is not None:
            rows += f", barrier_counts={len(self.barrier_counts)}"
        public = ", public" if self.public else ""
        title = self.meta.get("title", self.name)
        return f"Study({title!r}, countries={self.countries}{public}, rows: {rows})"

    @property
    def countries(self) -> list[str]:
        """The sorted country codes of the study's interviews."""
        return sorted(set(self.interviews["country"].dropna().astype(str)))

    def check_country(
        self, country: str, *, caller: str | None = None, also: tuple[str, ...] = (), hint: str = ""
    ) -> str:
        """``country`` if it is a country of the study, else :class:`~impt_analysis.errors.UnknownCountryError`.

        The one check of "a country of the study" for every analysis, page and command. A
        country of the study is one of its interviews' (:attr:`countries`); ``also`` widens
        that, for an analysis that can show a country without interviews, to the countries
        named in other tables (a graph's actors and items, case counts, assessments). The code
        is compared as given: a caller that takes a user's input (the ``impt`` command, a
        notebook parameter) upper-cases it first.

        Parameters
        ----------
        country : str
            The code asked for.
        caller : str, optional
            Who asks (a function, or a command-line option such as ``"--country"``), put
            before the message.
        also : tuple of str
            Tables whose ``country`` column counts too, e.g. ``("actors", "items")``; a
            table or column the study has not (a confidential study's ``barrier_counts``)
            adds none.
        hint : str
            A sentence added to the message: why the country may be missing, or what else the
            caller takes.

        Returns
        -------
        str
            ``country``.

        Raises
        ------
        UnknownCountryError
            A ``ValueError`` (exit code 2 in the ``impt`` command) with one message:
            ``"<caller>: unknown country 'XX': the study has DE, DK, ...; <hint>"``, with
            "did you mean 'DK'?" for a near code, "the public export has" for a public
            export, and "the study has no country at all (none in its interviews)" for a
            study without one.
        ValueError
            If ``also`` names no table of a study.

        Examples
        --------
        >>> study = load_study()
        >>> study.check_country("DK")
        'DK'
        >>> study.check_country("dk", caller="recommend_channels")
        Traceback (most recent call last):
        ...
        impt_analysis.errors.UnknownCountryError: recommend_channels: unknown country 'dk': the study has DE, DK, EE, FI, LT, LV, NO, PL, SE; did you mean 'DK'?
        """
        known = set(self.countries)
        for name in also:
            if name not in (*TABLE_ORDER, BARRIER_COUNTS_RESOURCE):
                raise ValueError(f"check_country: no table {name!r} (tables: {', '.join(TABLE_ORDER)})")
            frame = getattr(self, name)
            if frame is not None and "country" in frame.columns:
                known |= set(frame["country"].dropna().astype(str)) - {""}
        if isinstance(country, str) and country in known:
            return str(country)
        who = "public export" if self.public else "study"
        if known:
            has = f"the {who} has {', '.join(sorted(known))}"
        else:
            tables = ["interviews", *also]
            where = " or ".join([", ".join(tables[:-1]), tables[-1]]) if len(tables) > 1 else tables[0]
            has = f"the {who} has no country at all (none in its {where})"
        shown = repr(str(country)) if isinstance(country, str) else repr(country)
        message = f"unknown country {shown}: {has}"
        near = did_you_mean(country, known)
        if near:
            message += "; " + near.removeprefix(": ")
        if hint:
            message += f"; {hint}"
        raise UnknownCountryError(f"{caller}: {message}" if caller else message)

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
        lines.append(
            f"{len(self.interviews)} interviews in {len(per_country)} countries: "
            + ", ".join(f"{c} {n}" for c, n in per_country.items())
        )
        for name in ("actors", "items", "knowledge", "flows", "barriers", "codings", "case_counts"):
            lines.append(f"  {name:<12} {len(getattr(self, name)):>7} rows")
        return "\n".join(lines)


def _same_frame(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Same columns (in order), dtypes and values; missing values equal where both are missing."""
    return list(a.columns) == list(b.columns) and a.dtypes.equals(b.dtypes) and a.equals(b)


def interview_column(rows: pd.DataFrame) -> str:
    """The column by which rows of knowledge, flows, barriers or codings name their interview.

    ``interview_id`` in a confidential study; ``interview_group`` in a public export, whose
    rows name only the group of published interviews they come from (see
    :data:`~impt_analysis.schema.ROW_TABLES`).

    Examples
    --------
    >>> interview_column(load_study().flows)
    'interview_id'
    """
    return (
        "interview_group"
        if "interview_group" in rows.columns and "interview_id" not in rows.columns
        else "interview_id"
    )


def _read_meta(folder: Path) -> tuple[dict, list[Problem], dict[str, dict] | None]:
    """The descriptor's package properties, the problems reading it, and its resources by name.

    The resources are None where the descriptor could not be read (its problems say why).
    """
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        missing = Problem(
            "datapackage.json", None, None, None, f"file is missing from the study folder {folder}"
        )
        return {}, [missing], None
    if descriptor.stat().st_size > MAX_DESCRIPTOR_BYTES:
        return (
            {},
            [
                Problem(
                    "datapackage.json",
                    None,
                    None,
                    None,
                    f"the descriptor is larger than {MAX_DESCRIPTOR_BYTES:,} bytes: not a study's descriptor",
                )
            ],
            None,
        )
    try:
        meta = json.loads(descriptor.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return (
            {},
            [
                Problem(
                    "datapackage.json",
                    getattr(err, "lineno", None),
                    None,
                    None,
                    f"not valid UTF-8 JSON: {err}",
                )
            ],
            None,
        )
    except RecursionError:
        return (
            {},
            [
                Problem(
                    "datapackage.json",
                    None,
                    None,
                    None,
                    "the JSON is nested too deeply to read: not a study's descriptor",
                )
            ],
            None,
        )
    if not isinstance(meta, dict):
        return (
            {},
            [Problem("datapackage.json", None, None, None, "the descriptor must be a JSON object")],
            None,
        )
    problems = meta_problems(meta, "datapackage.json")
    if problems:
        return {}, problems, None
    resources = meta.pop("resources", None)
    if not isinstance(resources, list):
        return meta, [_descriptor_problem("resources", None, "must be a list of the package's tables")], {}
    named, problems = {}, []
    for r in resources:
        if isinstance(r, dict) and isinstance(r.get("name"), str):
            if r["name"] in named:
                problems.append(
                    _descriptor_problem(
                        "resources",
                        r["name"],
                        "the descriptor lists this resource twice: the workbench reads the first",
                    )
                )
            named.setdefault(r["name"], r)
    return meta, problems, named


def _descriptor_problem(column: str, value, message: str) -> Problem:
    return Problem("datapackage.json", None, column, None if value is None else str(value), message)


def resource_file(
    folder: Path, name: str, resources: dict[str, dict] | None
) -> tuple[Path | None, list[Problem]]:
    """The file of resource ``name`` as the descriptor gives it, checked to stay inside ``folder``.

    ``resources`` are the descriptor's resources by name (None: the descriptor could not be read,
    and the table's usual ``<name>.csv`` is taken). The path is a relative POSIX path: each of its
    parts goes through :func:`~impt_analysis.paths.file_in`, so ``..``, an absolute path, a URL, a
    backslash or a symbolic link out of the folder is refused.

    Examples
    --------
    >>> resource_file(Path("s"), "flows", {"flows": {"name": "flows", "path": "data/flows.csv"}})
    (PosixPath('s/data/flows.csv'), [])
    >>> print(resource_file(Path("s"), "flows", {"flows": {"path": "../flows.csv"}})[1][0])
    datapackage.json, column resources.flows.path: '../flows.csv': must be a relative path inside the study folder (no '..', no leading '/', no URL, no backslash)
    >>> print(resource_file(Path("s"), "flows", {})[1][0])
    datapackage.json, column resources: 'flows': the descriptor lists no resource 'flows' (flows.csv)
    """
    default = f"{name}.csv"
    if resources is None:
        return folder / default, []
    if name not in resources:
        return None, [
            _descriptor_problem("resources", name, f"the descriptor lists no resource {name!r} ({default})")
        ]
    where = f"resources.{name}.path"
    path = resources[name].get("path")
    if not isinstance(path, str):
        kind = "missing" if path is None else f"a {type(path).__name__}"
        return None, [
            _descriptor_problem(where, None, f"must be the table's file (one relative path), not {kind}")
        ]
    target = Path(folder)
    try:
        for part in path.split("/"):
            target = file_in(target, part)
    except ValueError:
        return None, [
            _descriptor_problem(
                where,
                path,
                "must be a relative path inside the study folder (no '..', no leading '/', no URL, no backslash)",
            )
        ]
    return target, []


#: The largest ``datapackage.json`` read (a study's is a few KB).
MAX_DESCRIPTOR_BYTES = 10_000_000
# Package properties that are text, and those that are true or false.
_TEXT_PROPERTIES = ("name", "title", "description", "version", "homepage", "created", "id")
_FLAG_PROPERTIES = ("impt:public", "impt:synthetic")


def meta_problems(meta: dict, where: str) -> list[Problem]:
    """The package properties that are not of their type: text properties as text, flags as true/false.

    Examples
    --------
    >>> [p.message for p in meta_problems({"title": ["x"], "impt:public": "yes"}, "datapackage.json")]
    ['must be text, not a list', 'must be true or false, not a str']
    """
    problems = []
    for key in _TEXT_PROPERTIES:
        if key in meta and not isinstance(meta[key], str):
            problems.append(
                Problem(where, None, key, None, f"must be text, not a {type(meta[key]).__name__}")
            )
    for key in _FLAG_PROPERTIES:
        if key in meta and not isinstance(meta[key], bool):
            problems.append(
                Problem(where, None, key, None, f"must be true or false, not a {type(meta[key]).__name__}")
            )
    return problems


def _unescape_public(frame: pd.DataFrame, table) -> pd.DataFrame:
    """Undo :func:`excel_safe` on the text columns of a public export's table (read back exactly)."""
    if frame is None:
        return frame
    for f in table.fields:
        if f.type == "string" and f.name in frame.columns:
            frame[f.name] = frame[f.name].map(lambda v: v[1:] if v.startswith("'") else v)
    return frame


#: What a spreadsheet would read as a formula at the start of a cell (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def excel_safe(value: str) -> str:
    """A public CSV's text value, safe to open in Excel: a leading ``= + - @``, tab, CR or ``'`` gets a ``'``.

    A public export escapes its text columns so (OWASP's advice on CSV injection), and
    :func:`load_study` takes the ``'`` off again, so every value is read back exactly.

    Examples
    --------
    >>> print(excel_safe("=1+2"), excel_safe("'quoted"), excel_safe("plain"))
    '=1+2 ''quoted plain
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


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
        For a public export (``"impt:public": true``), with ``barrier_counts`` read from its
        ``barrier_counts.csv`` (validated: a count is empty exactly where ``suppression``
        says why).

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
        raise StudyValidationError(
            [Problem(str(folder), None, None, None, "no such study folder")], str(folder)
        )
    meta, problems, resources = _read_meta(folder)
    tables = tables_for(meta)
    raw: dict[str, pd.DataFrame] = {}
    listed = resources or {}
    for name in TABLE_ORDER:
        if tables[name].optional and name not in listed and not (folder / tables[name].path).is_file():
            continue  # an optional table the package does not have: empty
        if tables[name].optional and name not in listed:
            file, found = folder / tables[name].path, []  # an optional table beside, unlisted: read
        else:
            file, found = resource_file(folder, name, resources)
        problems += found
        if file is None:
            continue
        frame, found = read_table(file, tables[name])
        problems += found
        if meta.get("impt:public"):
            frame = _unescape_public(frame, tables[name])
        if frame is not None:
            raw[name] = frame
    counts = None
    counts_file = folder / f"{BARRIER_COUNTS_RESOURCE}.csv"
    if meta.get("impt:public") and (BARRIER_COUNTS_RESOURCE in listed or counts_file.is_file()):
        # The aggregate of a public export: listed in the descriptor, it must be there and valid.
        if BARRIER_COUNTS_RESOURCE in listed:
            counts_file, found = resource_file(folder, BARRIER_COUNTS_RESOURCE, resources)
            problems += found
        if counts_file is not None:
            counts, found = read_table(counts_file, _barrier_counts_table())
            problems += found
            counts = _unescape_public(counts, _barrier_counts_table())
    if resources:
        problems += _descriptor_problems(resources, meta, raw, counts)
    study = _validated(raw, meta, problems, str(folder), counts)
    study.path = folder
    return study


def study_from_tables(tables: dict[str, pd.DataFrame | list[dict]], meta: dict | None = None) -> Study:
    """Build a validated Study from in-memory tables, as :func:`load_study` would from files.

    Missing tables are empty; a missing codebook is the default one. Values are validated
    exactly as in files (every problem reported, with the row a spreadsheet would show).
    With ``meta={"impt:public": True}`` the tables are those of a public export, and
    ``tables["barrier_counts"]`` (optional) becomes ``study.barrier_counts``.

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
                frame = frame.reindex(
                    columns=list(frame.columns)
                    + [c for c in columns if c not in frame.columns and schema[name].field(c).required]
                )
            for col in columns:
                # A public export leaves out what it does not publish: absent stays absent.
                if (
                    col not in frame.columns
                    and not schema[name].field(col).required
                    and not meta.get("impt:public")
                ):
                    frame[col] = ""
        frame = frame[
            [c for c in columns if c in frame.columns] + [c for c in frame.columns if c not in columns]
        ]
        frame = frame.astype(object).where(frame.notna(), "")
        frame = frame.apply(lambda col: col.map(_as_text)) if len(frame) else frame.astype(str)
        frame.attrs["rows"] = list(range(2, len(frame) + 2))
        raw[name] = frame
    problems = [
        Problem(schema[name].path, 1, f.name, None, "required column is missing")
        for name, frame in raw.items()
        for f in schema[name].fields
        if f.required and f.name not in frame.columns
    ]
    counts = None
    if tables.get(BARRIER_COUNTS_RESOURCE) is not None:
        counts = pd.DataFrame(tables[BARRIER_COUNTS_RESOURCE])
        counts = counts.astype(object).where(counts.notna(), "")
        counts = counts.apply(lambda col: col.map(_as_text)) if len(counts) else counts.astype(str)
        counts.attrs["rows"] = list(range(2, len(counts) + 2))
        table = _barrier_counts_table()
        problems += [
            Problem(table.path, 1, f.name, None, "required column is missing")
            for f in table.fields
            if f.required and f.name not in counts.columns
        ]
        if not meta.get("impt:public"):
            problems.append(
                Problem(
                    table.path,
                    None,
                    None,
                    None,
                    "barrier counts are an aggregate of a public export only (meta impt:public)",
                )
            )
    return _validated(raw, meta, problems, "tables", counts)


def _as_text(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


def _barrier_counts_table():
    """The table definition of ``barrier_counts.csv`` (:data:`~impt_analysis.schema.BARRIER_COUNTS`).

    Its ``suppression`` pattern (empty, ``primary`` or ``secondary``) is checked with the
    other constraints by :func:`~impt_analysis.validation.check_table`, its keys (a country is
    one of a published interview) with the other tables' by
    :func:`~impt_analysis.validation.check_keys`.
    """
    return BARRIER_COUNTS


def _check_barrier_counts(frame: pd.DataFrame, allowed: dict[str, set[str]]) -> list[Problem]:
    """Cell and consistency checks of ``barrier_counts.csv``: a count is empty exactly when suppressed."""
    table = _barrier_counts_table()
    problems = check_table(frame, table, allowed)
    rows = frame.attrs.get("rows") or list(range(2, len(frame) + 2))
    if "suppression" not in frame.columns:  # optional as a value ("" is shown), required as a column
        problems.append(Problem(table.path, 1, "suppression", None, "required column is missing"))
    else:
        reason = frame["suppression"]  # its values: the field's pattern, checked by check_table
        if "interviews" in frame.columns:
            empty = frame["interviews"].eq("")
            for i in (empty & reason.eq("")).to_numpy().nonzero()[0]:
                problems.append(
                    Problem(
                        table.path,
                        rows[i],
                        "interviews",
                        "",
                        "a count is empty only where suppressed, and suppression is empty here",
                    )
                )
            for i in (~empty & reason.isin(SUPPRESSION_REASONS[1:])).to_numpy().nonzero()[0]:
                problems.append(
                    Problem(
                        table.path,
                        rows[i],
                        "interviews",
                        frame["interviews"].iat[i],
                        f"the count is marked {reason.iat[i]!r} (suppressed) but is given",
                    )
                )
    return problems


def _typed_barrier_counts(frame: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    table = _barrier_counts_table()
    out = _typed(frame, table, codebook)
    out["interviews"] = out["interviews"].astype("Int64")
    out["suppression"] = frame["suppression"].to_numpy(dtype=object)
    order = [f.name for f in table.fields]
    return out[order + [c for c in out.columns if c not in order]]


def _validated(
    raw: dict[str, pd.DataFrame],
    meta: dict,
    problems: list[Problem],
    source: str,
    barrier_counts: pd.DataFrame | None = None,
) -> Study:
    """Validate all-text tables and return the typed Study, or raise with every problem."""
    codebook = _codebook_of(raw)
    if codebook is raw.get("codebook"):
        problems += _check_codebook(codebook)
    allowed = {cat: set(group["code"]) for cat, group in codebook.groupby("category")}
    schema = tables_for(meta)
    for name, frame in raw.items():
        problems += check_table(frame, schema[name], allowed)
    if barrier_counts is None:
        problems += check_keys(raw, schema)
    else:
        problems += _check_barrier_counts(barrier_counts, allowed)
        table = _barrier_counts_table()
        problems += check_keys({**raw, table.name: barrier_counts}, {**schema, table.name: table})
    if problems:
        raise StudyValidationError(problems, source)
    tables = {name: _typed(raw[name], schema[name], codebook) for name in TABLE_ORDER if name in raw}
    counts = None if barrier_counts is None else _typed_barrier_counts(barrier_counts, codebook)
    return Study(**tables, meta=meta, barrier_counts=counts)


def _codebook_of(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The package's codebook as read, or the default one where it has none (its problems say why)."""
    codebook = raw.get("codebook")
    if codebook is None or not {"code", "category"} <= set(codebook.columns):
        return default_codebook()
    return codebook


def _package_tables(meta: dict) -> dict:
    """The tables a package may list: a public export's include its barrier counts."""
    tables = dict(tables_for(meta))
    if meta.get("impt:public"):
        tables[BARRIER_COUNTS_RESOURCE] = _barrier_counts_table()
    return tables


def _descriptor_problems(
    resources: dict[str, dict], meta: dict, raw: dict[str, pd.DataFrame], counts: pd.DataFrame | None
) -> list[Problem]:
    """Where ``datapackage.json`` says otherwise than the workbench checks, and resources it does not read.

    Each table read is compared with the schema the workbench checks for its columns
    (:func:`~impt_analysis.validation.check_descriptor`): nothing the descriptor declares goes
    unchecked, and nothing the workbench checks goes undeclared (frictionless reads the
    descriptor). A listed resource that is no table of the package is a problem too: nothing it
    declares would be checked.
    """
    tables = _package_tables(meta)
    frames = dict(raw) if counts is None else {**raw, BARRIER_COUNTS_RESOURCE: counts}
    codebook = _codebook_of(raw)[["code", "category"]]
    codebook.attrs = {}  # its row numbers, which pandas would copy at every step
    problems = []
    for name, resource in resources.items():
        if name not in tables:
            whose = "a public export" if meta.get("impt:public") else "a study"
            problems.append(
                _descriptor_problem(
                    "resources",
                    name,
                    f"no table of {whose}: the workbench does not read it, so nothing it declares is "
                    "checked; remove it from the descriptor",
                )
            )
        elif name in frames:
            problems += check_descriptor(resource, tables[name], codebook, list(frames[name].columns))
    return problems


def rewrite_descriptor(path: str | Path) -> list[str]:
    """Write into ``datapackage.json`` the schema the workbench checks for each of the package's tables.

    For a package whose descriptor says otherwise than the workbench checks (a code added to
    ``codebook.csv`` by hand, a descriptor written by an older workbench or edited by hand):
    :func:`load_study` names each difference. Each resource of a table gets the Table Schema
    of :func:`~impt_analysis.schema.table_schema`, from the package's ``codebook.csv`` and the
    columns of the table's file, and the reading the workbench does (UTF-8 CSV, no dialect, no
    compression); its path and every other property (``impt:`` properties too) stay. The
    ``README.md`` and ``CITATION.cff``, written from the descriptor, are written again. The data
    are not checked: load the study afterwards.

    Parameters
    ----------
    path : str or Path
        The study folder (or its ``datapackage.json``).

    Returns
    -------
    list of str
        The resources whose description changed.

    Raises
    ------
    StudyValidationError
        If the descriptor, the codebook or a table's file cannot be read.

    Examples
    --------
    >>> import shutil, tempfile
    >>> folder = Path(shutil.copytree(demo_path(), tempfile.mkdtemp() + "/study"))
    >>> descriptor = json.loads((folder / "datapackage.json").read_text())
    >>> del descriptor["resources"][5]["schema"]["fields"][4]["constraints"]["enum"]  # flows.channel
    >>> _ = (folder / "datapackage.json").write_text(json.dumps(descriptor))
    >>> rewrite_descriptor(folder)
    ['flows']
    >>> len(load_study(folder).flows)
    286
    """
    folder = Path(path)
    if folder.name == "datapackage.json":
        folder = folder.parent
    meta, problems, resources = _read_meta(folder)
    if problems or resources is None:
        raise StudyValidationError(problems, str(folder))
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8-sig"))
    tables = _package_tables(meta)
    columns: dict[str, list[str]] = {}
    for name in ["codebook", *[n for n in resources if n != "codebook" and n in tables]]:
        file, problems = resource_file(folder, name, resources)
        frame, found = read_table(file, tables[name]) if file is not None else (None, [])
        if frame is None:
            raise StudyValidationError(problems + found, str(folder))
        columns[name] = list(frame.columns)
        if name == "codebook":
            codebook = _codebook_of({"codebook": frame})
    changed = []
    for r in descriptor["resources"]:
        if not isinstance(r, dict) or r.get("name") not in columns:
            continue
        table, before = tables[r["name"]], json.dumps(r, sort_keys=True)
        for key in ("dialect", "compression"):
            r.pop(key, None)
        fresh = resource_descriptor(table, codebook, columns[r["name"]])
        r.update({k: v for k, v in fresh.items() if k in ("encoding", "format", "mediatype", "schema")})
        if json.dumps(r, sort_keys=True) != before:
            changed.append(r["name"])
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_package_docs(folder, descriptor)
    return changed


def _check_codebook(codebook: pd.DataFrame) -> list[Problem]:
    problems = []
    present = set(codebook["category"])
    for category in CONTROLLED_CATEGORIES:
        if category not in present:
            problems.append(
                Problem(
                    "codebook.csv",
                    None,
                    "category",
                    category,
                    "category is missing: the codebook must list its codes",
                )
            )
    rows = codebook.attrs.get("rows") or list(range(2, len(codebook) + 2))
    for i, code in enumerate(codebook["code"]):
        if code.startswith(FORMULA_STARTS) or any(c < " " for c in code):
            problems.append(
                Problem(
                    "codebook.csv",
                    rows[i],
                    "code",
                    code,
                    "a code is an identifier: it may not begin with = + - @ ' or hold control characters",
                )
            )
    if "parent" in codebook.columns:
        codes = set(codebook["code"])
        for i, parent in enumerate(codebook["parent"]):
            if parent and parent not in codes:
                problems.append(
                    Problem("codebook.csv", rows[i], "parent", parent, "no such code in codebook.csv")
                )
        parent_of = {c: p for c, p in zip(codebook["code"], codebook["parent"]) if p}
        in_cycle: set[str] = set()
        done: set[str] = set()
        for start in parent_of:  # each code walked once: linear in the codebook, however deep
            path, on_path, at = [], set(), start
            while at is not None and at not in done and at not in on_path:
                path.append(at)
                on_path.add(at)
                at = parent_of.get(at)
            if at is not None and at in on_path:
                in_cycle.update(path[path.index(at) :])
            done.update(path)
        for i, code in enumerate(codebook["code"]):
            if code in in_cycle:
                problems.append(
                    Problem(
                        "codebook.csv",
                        rows[i],
                        "parent",
                        codebook["parent"].iat[i],
                        "the parents form a cycle: a code cannot be its own ancestor",
                    )
                )
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
            out[f.name] = pd.to_numeric(s.where(s != ""), errors="raise").astype(
                "Int64" if not f.required else "int64"
            )
        elif f.type == "date":
            out[f.name] = pd.to_datetime(s.where(s != ""), format="%Y-%m-%d")
        elif f.category:
            out[f.name] = pd.Categorical(s.where(s != ""), categories=category_codes(codebook, f.category))
        elif not f.required:
            out[f.name] = s.where(s != "", None)
    return out.reset_index(drop=True)


def _check_bounds(frame: pd.DataFrame, table) -> None:
    """Refuse, before anything is written, a whole number the reader would refuse (outside the schema's range)."""
    from .schema import MAX_COUNT

    for f in table.fields:
        if (
            f.type != "integer"
            or f.name not in frame.columns
            or not pd.api.types.is_numeric_dtype(frame[f.name])
        ):
            continue
        values = frame[f.name]
        high = f.maximum if f.maximum is not None else MAX_COUNT
        outside = (values > high) | ((values < f.minimum) if f.minimum is not None else False)
        bad = (values.notna() & outside).fillna(False).astype(bool)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise StudyValidationError(
                [
                    Problem(
                        table.path,
                        i + 2,
                        f.name,
                        str(values.iat[i]),
                        f"outside {f.minimum if f.minimum is not None else '...'} to {high}, "
                        "the range a study may hold: it could not be read back",
                    )
                ],
                "write_study",
            )


def _check_lengths(values: pd.Series, file: str, column: str) -> None:
    """Refuse, before anything is written, a value longer than the reader's field limit."""
    from .validation import MAX_FIELD_CHARS

    lengths = values.map(lambda v: len(v) if isinstance(v, str) else 0)
    if len(lengths) and lengths.max() > MAX_FIELD_CHARS:
        i = int(lengths.to_numpy().argmax())
        raise StudyValidationError(
            [
                Problem(
                    file,
                    i + 2,
                    column,
                    None,
                    f"the value has {lengths.iat[i]:,} characters, more than the "
                    f"{MAX_FIELD_CHARS:,} a study's cell may hold; shorten it",
                )
            ],
            "write_study",
        )


def write_study(study: Study, path: str | Path, meta: dict | None = None) -> Path:
    """Write a study as a data package: the CSV files, ``datapackage.json`` and its documentation.

    Values are written as text exactly as they would be read back (dates ISO, empty for
    missing), rows in their order. A ``README.md`` codebook and a ``CITATION.cff`` are
    generated from the descriptor (:func:`~impt_analysis.interop.package_docs.write_package_docs`).
    Returns the folder.
    """
    folder = Path(path)
    meta = dict(study.meta if meta is None else meta)
    tables = tables_for(meta)
    frames = {}
    for name, frame in study.tables().items():
        if tables[name].optional and frame.empty:
            continue  # an optional table without rows is left out of the package
        frame = frame.copy()
        for col in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[col]):
                frame[col] = frame[col].dt.strftime("%Y-%m-%d")
            elif frame[col].dtype == object or isinstance(frame[col].dtype, pd.StringDtype):
                _check_lengths(frame[col], f"{name}.csv", col)
        _check_bounds(frame, tables[name])
        if meta.get("impt:public"):  # safe to open in Excel, read back exactly by load_study
            for f in tables[name].fields:
                if f.type == "string" and f.name in frame.columns and frame[f.name].dtype == object:
                    frame[f.name] = frame[f.name].map(lambda v: excel_safe(v) if isinstance(v, str) else v)
        frames[name] = frame
    folder.mkdir(parents=True, exist_ok=True)
    columns = {}
    for name, frame in frames.items():
        # csv quotes a field holding "\n" but not one holding a bare "\r", which readers take for
        # a line end: a table with one is written with every field quoted (read back the same).
        quoting = csv.QUOTE_ALL if _holds_carriage_return(frame) else csv.QUOTE_MINIMAL
        frame.to_csv(
            folder / TABLES[name].path, index=False, encoding="utf-8", lineterminator="\n", quoting=quoting
        )
        columns[name] = list(frame.columns)
    descriptor = package_descriptor(meta, study.codebook, columns)
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_package_docs(folder, descriptor, study.codebook)
    return folder


def _holds_carriage_return(frame: pd.DataFrame) -> bool:
    """True if a text cell of ``frame`` holds a carriage return."""
    return any(
        frame[col].map(lambda v: isinstance(v, str) and "\r" in v).any()
        for col in frame.columns
        if frame[col].dtype == object or isinstance(frame[col].dtype, pd.StringDtype)
    )
