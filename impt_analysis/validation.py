"""Strict validation of a study data package: every problem found, none guessed away.

Each check returns :class:`Problem` records naming the file, the row as a spreadsheet user
counts it (the header is row 1, the first record row 2), the column and the offending value.
:func:`read_table` never drops, coerces or reorders a record: a row it cannot read is reported.

Examples
--------
>>> from impt_analysis.validation import Problem
>>> str(Problem("flows.csv", 7, "frequency", "weekly", "not a code of category 'frequency'"))
"flows.csv, row 7, column frequency: 'weekly': not a code of category 'frequency'"
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .schema import MAX_COUNT, TABLES, Field, Table, table_schema, tables_for

__all__ = [
    "MAX_FIELD_CHARS",
    "Problem",
    "StudyValidationError",
    "read_table",
    "check_table",
    "check_keys",
    "check_span_texts",
    "check_descriptor",
    "did_you_mean",
]

_ISO_CACHE: set[str] = set()
_INTEGER = r"0|-?[1-9][0-9]*"
#: The longest value (in characters) a cell of a study may hold: the CSV reader's field limit,
#: checked by :func:`~impt_analysis.study.write_study` too, so that what is written can be read back.
MAX_FIELD_CHARS = 10_000_000
#: The largest CSV file read as a table (a real study's are a few MB): memory stays bounded.
MAX_TABLE_BYTES = 256 << 20
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


def iso_countries() -> set[str]:
    """ISO 3166-1 alpha-2 codes, from pycountry (loaded on first use)."""
    if not _ISO_CACHE:
        import pycountry

        _ISO_CACHE.update(c.alpha_2 for c in pycountry.countries)
    return _ISO_CACHE


@dataclass(frozen=True)
class Problem:
    """One problem in one place: file, row (header = 1), column, value and message."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        value = "" if self.value is None else f"{self.value!r}: "
        return f"{', '.join(where)}: {value}{self.message}"


class StudyValidationError(ValueError):
    """Raised when a study fails validation; ``.problems`` lists every problem found.

    Its text lists every problem; where one kind of problem (same file, column and message)
    recurs, it shows the first ``shown_per_kind`` and says how many more and in which rows,
    so that one broken key does not bury the rest. :meth:`report` gives every line.
    """

    shown_per_kind = 5

    def __init__(self, problems: list[Problem], source: str = "study"):
        self.problems = list(problems)
        self.source = source
        super().__init__(self.report(self.shown_per_kind))

    def report(self, per_kind: int | None = None) -> str:
        """The problems as text, at most ``per_kind`` lines for each kind (all if None)."""
        lines = [f"{self.source}: {len(self.problems)} problem(s) found"]
        kinds: dict[tuple, list[Problem]] = {}
        for p in self.problems:
            kinds.setdefault((p.file, p.column, p.message), []).append(p)
        for same in kinds.values():
            lines += [f"  - {p}" for p in same[:per_kind]]
            rest = same[per_kind:] if per_kind is not None else []
            if rest:
                rows = [p.row for p in rest if p.row is not None]
                where = f" (rows {min(rows)} to {max(rows)})" if rows else ""
                lines.append(f"    ... and {len(rest)} more of this kind{where}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The problems as a frame with columns file, row, column, value, message."""
        return pd.DataFrame(
            [p.__dict__ for p in self.problems], columns=["file", "row", "column", "value", "message"]
        )


def read_table(path: Path, table: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one CSV strictly as text: UTF-8 (a byte order mark is allowed), any line endings.

    Returns the frame (all columns as ``str``, empty cells as ``""``) and the problems found:
    a file that is missing or not UTF-8, a missing or duplicated column, a row with the wrong
    number of fields. The frame keeps every record in file order, ragged ones included.
    """
    name = path.name
    if not path.is_file():
        return None, [Problem(name, None, None, None, f"file is missing from the study folder {path.parent}")]
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        return None, [
            Problem(
                name,
                None,
                None,
                None,
                f"the file holds {size:,} bytes, more than the {MAX_TABLE_BYTES:,} "
                "a table of a study may hold: check it is the right file",
            )
        ]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [
            Problem(
                name,
                line,
                None,
                repr(raw[err.start : err.start + 4])[2:-1],
                "file is not UTF-8: save it as UTF-8 (the loader does not guess encodings)",
            )
        ]
    problems: list[Problem] = []
    csv.field_size_limit(MAX_FIELD_CHARS)  # the same limit write_study checks: what is written can be read
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as err:
        return None, [
            Problem(
                name,
                reader.line_num,
                None,
                None,
                f"cannot be read as CSV ({err}): a field longer than {MAX_FIELD_CHARS:,} characters "
                "or a stray quote; the longest field a study holds is that limit",
            )
        ]
    if not rows:
        return None, [Problem(name, 1, None, None, "file is empty: it needs at least a header row")]
    header, records = rows[0], rows[1:]
    seen: set[str] = set()
    for col in header:
        if col in seen:
            problems.append(
                Problem(name, 1, col, None, "column appears twice in the header: rename or delete one")
            )
        seen.add(col)
    for f in table.fields:
        if f.name not in seen and f.required:
            problems.append(Problem(name, 1, f.name, None, "required column is missing"))
    width = len(header)
    kept, numbers = [], []
    for i, rec in enumerate(records):
        if not any(rec):  # a blank line holds no record
            continue
        if len(rec) != width:
            problems.append(
                Problem(name, i + 2, None, None, f"row has {len(rec)} fields, the header has {width}")
            )
            rec = (rec + [""] * width)[:width]
        kept.append(rec)
        numbers.append(i + 2)
    if len(seen) < len(header):  # a repeated column (reported above) is left out of the frame, never merged
        first = sorted({col: i for i, col in reversed(list(enumerate(header)))}.values())
        kept = [[rec[i] for i in first] for rec in kept]
        header = [header[i] for i in first]
    frame = pd.DataFrame(kept, columns=header, dtype=str) if kept else pd.DataFrame(columns=header, dtype=str)
    frame.attrs["rows"] = numbers
    return frame, problems


#: How many distinct wrong values of one column get a "did you mean" (the rest, hostile input
#: most likely, are listed without one: the search stays bounded).
MAX_SUGGESTIONS = 20
#: The largest vocabulary or key column searched for a near value.
MAX_SUGGESTION_CHOICES = 10_000


def did_you_mean(value: str, choices) -> str:
    """``": did you mean 'x'?"`` for the valid value nearest to ``value`` (difflib), or ``""``.

    Examples
    --------
    >>> did_you_mean("child_protecton", ["police", "child_protection", "ngo"])
    ": did you mean 'child_protection'?"
    >>> did_you_mean("weekly", ["regular", "ad_hoc"])
    ''
    >>> did_you_mean("dk", ["DK", "DE"])
    ": did you mean 'DK'?"
    """
    if not isinstance(value, str) or not value:
        return ""
    folded: dict[str, str] = {}  # compared regardless of case ("dk-a003" is near "DK-A003")
    for c in sorted(str(c) for c in choices):
        folded.setdefault(c.casefold(), c)
    near = difflib.get_close_matches(value.casefold(), list(folded), n=1)
    return f": did you mean {folded[near[0]]!r}?" if near else ""


class _Suggester:
    """A message with the nearest valid value, for the first :data:`MAX_SUGGESTIONS` distinct values."""

    def __init__(self, message: str, choices):
        self.message = message
        self.choices = sorted(str(c) for c in choices) if len(choices) <= MAX_SUGGESTION_CHOICES else []
        self.said: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        if value not in self.said:
            if len(self.said) >= MAX_SUGGESTIONS or not self.choices:
                return self.message
            self.said[value] = self.message + did_you_mean(value, self.choices)
        return self.said[value]


def check_table(frame: pd.DataFrame, table: Table, allowed: dict[str, set[str]]) -> list[Problem]:
    """Row-level checks of one table: every constraint its fields and spans declare.

    Required values, types (integer, date), minimum and maximum, patterns (``Field.pattern``,
    matched as a whole) and vocabularies (``Field.category``: the codes of that category;
    ``Field.any_code``: every code of the codebook) -- the constraints
    :func:`~impt_analysis.schema.table_schema` writes into ``datapackage.json`` -- and, for each
    of the table's :class:`~impt_analysis.schema.Span`, a start not after its end (a rule across
    columns that Table Schema cannot say). A value that is not a code is told the nearest code,
    if one is near. ``allowed`` maps each category of the codebook to its codes.

    Examples
    --------
    >>> from impt_analysis.schema import Field, Span, Table
    >>> t = Table("passages", "", (Field("code", any_code=True), Field("from", type="integer"),
    ...     Field("to", type="integer")), spans=(Span("from", "to"),))
    >>> f = pd.DataFrame({"code": ["police", "weekly"], "from": ["3", "9"], "to": ["5", "4"]})
    >>> for p in check_table(f, t, {"sector": {"police"}, "theme": {"begging"}}):
    ...     print(p)
    passages.csv, row 3, column code: 'weekly': not a code of the codebook
    passages.csv, row 3, column from: '9': from is after to (4)
    """
    problems: list[Problem] = []
    rows = frame.attrs.get("rows") or list(range(2, len(frame) + 2))
    for f in table.fields:
        if f.name not in frame.columns:
            continue
        s = frame[f.name]
        empty = s.eq("")
        for msg, bad in _field_failures(f, s, empty, allowed):
            for i in bad.to_numpy().nonzero()[0]:
                text = msg(s.iat[i]) if callable(msg) else msg
                problems.append(Problem(table.path, rows[i], f.name, s.iat[i], text))
    for span in table.spans:
        if span.start not in frame.columns or span.end not in frame.columns:
            continue
        start = pd.to_numeric(frame[span.start], errors="coerce")
        end = pd.to_numeric(frame[span.end], errors="coerce")
        for i in (start > end).to_numpy().nonzero()[0]:
            problems.append(
                Problem(
                    table.path,
                    rows[i],
                    span.start,
                    frame[span.start].iat[i],
                    f"{span.start} is after {span.end} ({frame[span.end].iat[i]})",
                )
            )
    return problems


def check_span_texts(frame: pd.DataFrame, table: Table, rows: list[int] | None = None) -> list[Problem]:
    """A span's text holds exactly end - start code points (line endings included), or a problem names the row.

    For each :class:`~impt_analysis.schema.Span` of ``table`` with a text column (codings:
    ``excerpt``, ``start``, ``end``). A spreadsheet or editor that turns ``\\r\\n`` into ``\\n``
    shortens an excerpt: its positions then no longer point at it in the interview's text. An
    empty text, or a start after its end (an error of :func:`check_table`), is not measured.

    Examples
    --------
    >>> from impt_analysis.schema import TABLES
    >>> f = pd.DataFrame({"start": ["0", "10"], "end": ["5", "16"], "excerpt": ["Hello", "a\\nb"]})
    >>> [(p.row, p.message[:40]) for p in check_span_texts(f, TABLES["codings"])]
    [(3, 'the excerpt has 3 code points, but end -')]
    """
    rows = rows or list(range(2, len(frame) + 2))
    problems = []
    for span in table.spans:
        if not {span.start, span.end, span.text} <= set(frame.columns):
            continue
        # plain values: pandas would copy the frame's attrs (its row numbers) at every step
        for i, (start, end, text) in enumerate(
            zip(frame[span.start].tolist(), frame[span.end].tolist(), frame[span.text].tolist())
        ):
            try:
                start, end = int(start), int(end)
            except (TypeError, ValueError):
                continue
            if isinstance(text, str) and text and start <= end and len(text) != end - start:
                problems.append(
                    Problem(
                        table.path,
                        rows[i],
                        span.text,
                        None,
                        f"the {span.text} has {len(text)} code points, but {span.end} - {span.start} is "
                        f"{end - start} ({start}-{end}): line endings changed (CRLF to LF?) or the text was edited",
                    )
                )
    return problems


def study_warnings(study) -> list[str]:
    """What a valid study lacks or may have lost: no flows or knowledge, excerpts that no longer fit their positions.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> study_warnings(load_study())
    []
    """
    warnings = []
    for name, table in tables_for(study.meta).items():
        # a warning, not an error: the rows stay usable, but their positions no longer point at their text
        found = check_span_texts(getattr(study, name), table)
        warnings += [f"warning: {problem}" for problem in found[:5]]
        if len(found) > 5:
            warnings.append(
                f"warning: and {len(found) - 5} more rows of {table.path} whose text's length is not "
                "the span's end - start"
            )
    if len(study.interviews):
        for table, what in (
            ("flows", "who passes information to whom (the three aspects are 'not known')"),
            ("knowledge", "who knows what (triangulation and side information have nothing to count)"),
        ):
            if getattr(study, table).empty:
                warnings.append(
                    f"warning: {len(study.interviews)} interviews but no {table}: the study says nothing "
                    f"about {what}; code them with the coding frame (docs/coding-frame.md)"
                )
    return warnings


def _field_failures(f: Field, s: pd.Series, empty: pd.Series, allowed: dict[str, set[str]]):
    if f.required:
        yield "a value is required", empty
    filled = ~empty
    if f.type == "integer":
        # Written exactly as it is read back: ASCII digits, no sign but "-", no leading zero
        # ("02009", "+2009" and a fullwidth "２" would be rewritten, so they are errors).
        ok = s.str.fullmatch(_INTEGER)
        plain = s.str.fullmatch(r"[+-]?[0-9]+")
        yield "not a whole number", filled & ~ok & ~plain
        yield (
            "not a whole number as the study writes it (ASCII digits 0-9, no '+', no leading zero, e.g. 2009)",
            filled & ~ok & plain,
        )
        low = f.minimum
        high = f.maximum if f.maximum is not None else MAX_COUNT
        # compared as Python integers: no float rounding, no int64 wrap-around for 2**63
        value = [_whole(v) if good else None for v, good in zip(s.tolist(), (filled & ok).tolist())]
        if low is not None:
            yield (
                f"must be at least {low}",
                pd.Series([v is not None and v < low for v in value], index=s.index),
            )
        yield f"must be at most {high}", pd.Series([v is not None and v > high for v in value], index=s.index)
    elif f.type == "date":
        ok = s.str.fullmatch(_DATE)
        parsed = pd.to_datetime(s.where(filled & ok), format="%Y-%m-%d", errors="coerce")
        yield "not a date in the form YYYY-MM-DD", filled & (~ok | parsed.isna())
    if f.category:
        codes = allowed.get(f.category, set())
        yield (
            _Suggester(f"not a code of category {f.category!r} in the codebook", codes),
            filled & ~s.isin(codes),
        )
    elif f.any_code:
        codes = set().union(*allowed.values())
        yield _Suggester("not a code of the codebook", codes), filled & ~s.isin(codes)
    if f.pattern:
        matches = s.str.fullmatch(f.pattern).fillna(False).astype(bool)
        yield f.pattern_message or f"does not match the pattern {f.pattern}", filled & ~matches


def _whole(text: str) -> int | float:
    """A plain whole number (already matched), or +-inf if it has too many digits to matter."""
    if len(text) > 30:  # int() of a 100,000-digit string is slow (and refused by Python)
        return float("-inf") if text.startswith("-") else float("inf")
    return int(text)


def check_keys(frames: dict[str, pd.DataFrame], tables: dict | None = None) -> list[Problem]:
    """Primary keys unique and foreign keys resolvable, across the loaded tables.

    ``tables`` are the table definitions to check against (default: the full schema; a public
    export passes :data:`~impt_analysis.schema.PUBLIC_TABLES`).
    """
    problems: list[Problem] = []
    tables = TABLES if tables is None else tables
    for name, frame in frames.items():
        table = tables[name]
        rows = frame.attrs.get("rows") or list(range(2, len(frame) + 2))
        key = [c for c in table.primary_key if c in frame.columns]
        if key and len(key) == len(table.primary_key):
            dup = frame.duplicated(key, keep="first")
            if dup.any():
                first = frame.reset_index(drop=True).groupby(key, sort=False).cumcount()
                firsts = {
                    tuple(r): rows[i]
                    for i, r in enumerate(frame[key].itertuples(index=False))
                    if first.iat[i] == 0
                }
                for i in dup.to_numpy().nonzero()[0]:
                    values = tuple(frame[key].iloc[i])
                    problems.append(
                        Problem(
                            table.path,
                            rows[i],
                            ", ".join(key),
                            " / ".join(values),
                            f"duplicate key: the same as row {firsts[values]}",
                        )
                    )
        for fk in table.foreign_keys:
            target = frames.get(fk.resource)
            if fk.fields not in frame.columns or target is None or fk.reference not in target.columns:
                continue
            s = frame[fk.fields]
            keys = set(target[fk.reference])
            bad = s.ne("") & ~s.isin(keys)
            if bad.any():
                message = _Suggester(fk.message or f"no such {fk.reference} in {fk.resource}.csv", keys)
            for i in bad.to_numpy().nonzero()[0]:
                problems.append(Problem(table.path, rows[i], fk.fields, s.iat[i], message(s.iat[i])))
    problems += check_evidence(frames, tables)
    problems += check_respondents(frames, tables)
    return problems


def check_respondents(frames: dict[str, pd.DataFrame], tables: dict | None = None) -> list[Problem]:
    """An interview's ``sector`` and ``level`` are those of its respondent's organisation.

    ``interviews.actor_id`` names the organisation the respondent speaks for; its row in
    actors.csv says its sector and level, and the interview must say the same (otherwise one
    organisation interviewed twice could count as two sectors in triangulation). A public
    export has no ``interviews.actor_id`` (sector and level are generalised there): nothing is
    checked.

    Examples
    --------
    >>> frames = {"actors": pd.DataFrame({"actor_id": ["P"], "sector": ["police"], "level": ["local"]}),
    ...           "interviews": pd.DataFrame({"actor_id": ["P"], "sector": ["ngo"], "level": ["local"]})}
    >>> print(check_respondents(frames)[0])
    interviews.csv, row 2, column sector: 'ngo': the respondent's organisation P (actors.csv, row 2) has sector 'police'
    """
    tables = TABLES if tables is None else tables
    actors, interviews = frames.get("actors"), frames.get("interviews")
    if (
        actors is None
        or interviews is None
        or "actor_id" not in interviews.columns
        or "actor_id" not in actors.columns
    ):
        return []
    actor_rows = actors.attrs.get("rows") or list(range(2, len(actors) + 2))
    where = {a: (i, actor_rows[i]) for i, a in enumerate(actors["actor_id"].astype(str))}
    rows = interviews.attrs.get("rows") or list(range(2, len(interviews) + 2))
    path = tables["interviews"].path if "interviews" in tables else "interviews.csv"
    problems = []
    for i, actor in enumerate(interviews["actor_id"].astype(str)):
        if actor not in where:
            continue  # a dangling actor_id is reported by the foreign-key check
        j, actor_row = where[actor]
        for col in ("sector", "level"):
            if col not in interviews.columns or col not in actors.columns:
                continue
            mine, theirs = interviews[col].iat[i], actors[col].iat[j]
            if pd.isna(theirs) or str(theirs) == "" or pd.isna(mine) or str(mine) == str(theirs):
                continue
            problems.append(
                Problem(
                    path,
                    rows[i],
                    col,
                    str(mine),
                    f"the respondent's organisation {actor} "
                    f"(actors.csv, row {actor_row}) has {col} {str(theirs)!r}",
                )
            )
    return problems


def check_evidence(frames: dict[str, pd.DataFrame], tables: dict | None = None) -> list[Problem]:
    """Every segment id in an ``evidence`` column is a segment of codings.csv.

    Examples
    --------
    >>> from impt_analysis.schema import TABLES
    >>> frames = {"codings": pd.DataFrame({"segment_id": ["S1"]}),
    ...           "flows": pd.DataFrame({"evidence": ["S1;S9", ""]})}
    >>> [(p.row, p.value) for p in check_evidence(frames, TABLES)]
    [(2, 'S9')]
    """
    from .schema import EVIDENCE_SEPARATOR

    tables = TABLES if tables is None else tables
    codings = frames.get("codings")
    if codings is None or "segment_id" not in codings.columns:
        return []
    segments = set(codings["segment_id"].astype(str))
    problems = []
    for name, frame in frames.items():
        if (
            name not in tables
            or "evidence" not in frame.columns
            or "evidence" not in {f.name for f in tables[name].fields}
        ):
            continue
        rows = frame.attrs.get("rows") or list(range(2, len(frame) + 2))
        for i, value in enumerate(frame["evidence"].astype(str)):
            missing = [s for s in value.split(EVIDENCE_SEPARATOR) if s and s not in segments]
            if missing:
                problems.append(
                    Problem(
                        tables[name].path,
                        rows[i],
                        "evidence",
                        missing[0],
                        f"no such segment_id in codings.csv ({len(missing)} of the row's evidence)",
                    )
                )
    return problems


#: How a descriptor that says otherwise than the workbench checks is put right.
REGENERATE = "regenerate the descriptor with impt_analysis.study.rewrite_descriptor(folder)"
# Properties that document a column or a table without constraining it: not compared.
_DOCUMENTATION = frozenset({"description", "title", "example", "rdfType"})
_SCHEMA_DOCUMENTATION = frozenset({"$schema", "description", "title", "name"})
# The reading a resource may declare, and what the workbench reads (read_table: UTF-8 CSV).
_READING = {"encoding": ("utf-8", "utf8"), "format": ("csv",), "mediatype": ("text/csv",)}
_MISSING = object()


def check_descriptor(
    resource: dict, table: Table, codebook: pd.DataFrame, present: list[str] | None = None
) -> list[Problem]:
    """Every difference between what ``datapackage.json`` declares for a table and what the workbench checks.

    The workbench checks :func:`~impt_analysis.schema.table_schema` of ``table`` with the
    package's ``codebook`` and the columns its file has (``present``; None: every column):
    what :func:`~impt_analysis.study.write_study` writes. ``resource`` is the table's resource in
    the descriptor, any JSON (hostile input is reported, never trusted). Compared: the columns,
    each column's type, its constraints (required, enum -- as a set --, minimum, maximum,
    pattern, and any other) and other properties (``format``, ``trueValues``, ...), the primary
    and foreign keys, the missing values, the spans (:data:`~impt_analysis.schema.SPANS`), and
    the resource's encoding, format, dialect and compression; descriptions and titles are not.
    A constraint the descriptor declares that the workbench does not check (frictionless
    would), one it leaves out (frictionless would not check it), and a resource without a
    schema (frictionless would check nothing) are each a problem naming ``datapackage.json``,
    the table and the column.

    Examples
    --------
    >>> from impt_analysis.codebook import default_codebook
    >>> from impt_analysis.schema import TABLES, table_schema
    >>> cb = default_codebook()
    >>> schema = table_schema(TABLES["barriers"], cb)
    >>> check_descriptor({"schema": schema}, TABLES["barriers"], cb)
    []
    >>> schema["fields"][4]["constraints"]["maximum"] = 2
    >>> print(check_descriptor({"schema": schema}, TABLES["barriers"], cb)[0].message[:69])
    the descriptor declares maximum 2, but the workbench checks maximum 3
    """
    name, path = table.name, table.path
    problems = []
    for key, read in _READING.items():
        value = resource.get(key, _MISSING)
        if value is not _MISSING and not (isinstance(value, str) and value.casefold() in read):
            problems.append(
                _declared(
                    f"resources.{name}.{key}",
                    f"the descriptor declares {key} {_shown(value)}, but the workbench reads {path} as {read[0]}",
                )
            )
    for key in ("dialect", "compression"):
        if key in resource:
            problems.append(
                _declared(
                    f"resources.{name}.{key}",
                    f"the descriptor declares a {key}, but the workbench reads {path} as plain UTF-8 CSV "
                    "(commas, double quotes, a header row) and checks none",
                )
            )
    declared = resource.get("schema", _MISSING)
    where = f"resources.{name}.schema"
    if declared is _MISSING:
        return problems + [
            _declared(
                where,
                f"the descriptor declares no schema for {path}: frictionless would check nothing of it, "
                "the workbench checks the study's schema",
            )
        ]
    if isinstance(declared, str):
        return problems + [
            _declared(
                where,
                f"the schema is a reference ({_shown(declared)}), which the workbench does not read: "
                "the descriptor must hold the table's schema itself",
            )
        ]
    if not isinstance(declared, dict):
        return problems + [_declared(where, f"must be a Table Schema (a JSON object), not {_kind(declared)}")]
    if not isinstance(declared.get("fields"), list):
        return problems + [_declared(f"{where}.fields", "must be the list of the table's columns")]
    expected = table_schema(table, codebook, present)
    columns: dict[str, dict] = {}
    for i, spec in enumerate(declared["fields"]):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            problems.append(_declared(f"{where}.fields[{i}]", "must be a column: a JSON object with a name"))
        elif spec["name"] in columns:
            problems.append(_declared(f"{name}.{spec['name']}", "the descriptor declares this column twice"))
        else:
            columns[spec["name"]] = spec
    wanted = {spec["name"]: spec for spec in expected["fields"]}
    known = {f.name: f.required for f in table.fields}
    for column, spec in columns.items():
        if column not in wanted:
            if known.get(column):  # a required column missing from the file: read_table says so
                continue
            why = f"{path} has no such column" if column in known else "it is no column of the table"
            problems.append(
                _declared(
                    f"{name}.{column}",
                    f"the descriptor declares this column, but the workbench checks none ({why})",
                )
            )
            continue
        for message in _field_differences(spec, wanted[column], table.field(column)):
            problems.append(_declared(f"{name}.{column}", message))
    for column, spec in wanted.items():
        if column not in columns:
            problems.append(
                _declared(
                    f"{name}.{column}",
                    f"the descriptor does not declare this column, which the workbench checks ({_summary(spec)})",
                )
            )
    for message in _schema_differences(declared, expected):
        problems.append(_declared(name, message))
    return problems


def _declared(column: str, message: str) -> Problem:
    return Problem("datapackage.json", None, column, None, f"{message}: {REGENERATE}")


def _field_differences(declared: dict, expected: dict, f: Field) -> list[str]:
    """What a declared column says otherwise than the workbench's (``expected``), in words."""
    found = []
    for key in sorted((set(declared) | set(expected)) - _DOCUMENTATION - {"name", "constraints"}, key=str):
        found += _difference(key, declared.get(key, _MISSING), expected.get(key, _MISSING))
    constraints = declared.get("constraints", {})
    if not isinstance(constraints, dict):
        return [*found, f"the descriptor's constraints must be a JSON object, not {_kind(constraints)}"]
    wanted = expected.get("constraints", {})
    for key in sorted(set(constraints) | set(wanted), key=str):
        mine, theirs = constraints.get(key, _MISSING), wanted.get(key, _MISSING)
        if key == "required":  # not required is Table Schema's default
            mine = False if mine is _MISSING else mine
            theirs = theirs is not _MISSING and theirs
        if key == "enum" and isinstance(mine, list) and isinstance(theirs, list):
            found += _enum_difference(mine, theirs, f)
        elif key == "enum" and mine is _MISSING:
            found.append(
                f"the descriptor declares no enum, but the workbench checks one: {_vocabulary(f)} in "
                f"codebook.csv ({len(theirs)} codes)"
            )
        else:
            found += _difference(key, mine, theirs)
    return found


def _enum_difference(declared: list, expected: list, f: Field) -> list[str]:
    mine = {_canonical(v): v for v in declared}
    theirs = {_canonical(v): v for v in expected}
    extra = [mine[k] for k in mine if k not in theirs]
    lacking = [theirs[k] for k in theirs if k not in mine]
    if not extra and not lacking:
        return []
    parts = []
    if extra:
        parts.append(f"lists {_few(extra)}, which the workbench does not accept")
    if lacking:
        parts.append(f"leaves out {_few(lacking)}, which the workbench accepts")
    return [f"the descriptor's enum {' and '.join(parts)} ({_vocabulary(f)} in codebook.csv)"]


def _vocabulary(f: Field) -> str:
    return f"the codes of category {f.category!r}" if f.category else "every code"


def _schema_differences(declared: dict, expected: dict) -> list[str]:
    """What a declared Table Schema says otherwise than the workbench's about keys, missing values and spans."""
    found = []
    for key in sorted((set(declared) | set(expected)) - _SCHEMA_DOCUMENTATION - {"fields"}, key=str):
        mine, theirs = declared.get(key, _MISSING), expected.get(key, _MISSING)
        if key == "foreignKeys" and isinstance(mine, list) and isinstance(theirs, list):
            mine_keys = {_canonical(_foreign_key(fk)): fk for fk in mine}
            their_keys = {_canonical(_foreign_key(fk)): fk for fk in theirs}
            for k, fk in mine_keys.items():
                if k not in their_keys:
                    found.append(
                        f"the descriptor declares the foreign key {_key_words(fk)}, which the workbench does not check"
                    )
            for k, fk in their_keys.items():
                if k not in mine_keys:
                    found.append(
                        f"the descriptor does not declare the foreign key {_key_words(fk)}, which the workbench checks"
                    )
            continue
        if key == "primaryKey" and isinstance(mine, str):  # Table Schema allows one name for a list of one
            mine = [mine]
        if key == "missingValues":  # [""] is Table Schema's default
            mine, theirs = ([""] if v is _MISSING else v for v in (mine, theirs))
        found += _difference(key, mine, theirs)
    return found


def _foreign_key(fk):
    """A foreign key with its field lists as lists (Table Schema allows one name for a list of one)."""
    if not isinstance(fk, dict):
        return fk
    out = dict(fk)
    if isinstance(out.get("fields"), str):
        out["fields"] = [out["fields"]]
    reference = out.get("reference")
    if isinstance(reference, dict) and isinstance(reference.get("fields"), str):
        out["reference"] = {**reference, "fields": [reference["fields"]]}
    return out


def _key_words(fk) -> str:
    """A foreign key as ``item_id -> items.item_id`` (anything else as its JSON)."""
    fk = _foreign_key(fk)
    reference = fk.get("reference") if isinstance(fk, dict) else None
    if (
        isinstance(reference, dict)
        and all(
            isinstance(v, list) and all(isinstance(c, str) for c in v)
            for v in (fk.get("fields"), reference.get("fields"))
        )
        and isinstance(reference.get("resource"), str)
    ):
        return f"{', '.join(fk['fields'])} -> {reference['resource']}.{', '.join(reference['fields'])}"
    return _shown(fk)


def _difference(key: str, declared, expected) -> list[str]:
    if _canonical(declared) == _canonical(expected):
        return []
    mine = f"no {key}" if declared is _MISSING else f"{key} {_shown(declared)}"
    theirs = f"no {key}" if expected is _MISSING else f"{key} {_shown(expected)}"
    return [f"the descriptor declares {mine}, but the workbench checks {theirs}"]


def _summary(spec: dict) -> str:
    """A column of the workbench's schema in a few words: type and constraints."""
    parts = [f"type {spec.get('type', 'string')}"]
    for key, value in spec.get("constraints", {}).items():
        if key == "required":
            parts.append("required")
        elif key == "enum":
            parts.append(f"enum of {len(value)} codes")
        else:
            parts.append(f"{key} {_shown(value)}")
    return ", ".join(parts)


def _canonical(value) -> str:
    """One text per JSON value, so that values compare exactly (``2`` is not ``2.0`` nor ``true``)."""
    if value is _MISSING:
        return "<missing>"
    if type(value) is str:  # most values: a code of an enum
        return "s" + value
    try:
        return "j" + json.dumps(value, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return "r" + repr(value)


def _shown(value, limit: int = 80) -> str:
    text = repr(value) if isinstance(value, str) else _canonical(value)[1:]
    return text if len(text) <= limit else f"{text[: limit - 20]}... ({len(text):,} characters)"


def _few(values: list, shown: int = 5) -> str:
    words = ", ".join(_shown(v, 40) for v in values[:shown])
    return words + (f" and {len(values) - shown} more" if len(values) > shown else "")


def _kind(value) -> str:
    return {list: "a list", str: "text", bool: "true or false", type(None): "null"}.get(
        type(value), "a number"
    )


def frictionless_problems(folder: str | Path) -> list[Problem]:
    """Validate a study package with frictionless (the reference Table Schema validator).

    Its errors become :class:`Problem` records like the fast validator's: the resource's file,
    the row as a spreadsheet counts it (header = 1; frictionless counts the same way), the
    column, the cell and frictionless's own note. An error of the descriptor names
    ``datapackage.json``. Slower than :func:`~impt_analysis.study.load_study` (seconds, not a
    fraction of one), so ``impt validate --strict`` runs it on request.

    Examples
    --------
    >>> from impt_analysis.study import demo_path
    >>> frictionless_problems(demo_path())
    []
    """
    import frictionless

    folder = Path(folder)
    if folder.name == "datapackage.json":
        folder = folder.parent
    try:
        report = frictionless.validate(str(folder / "datapackage.json"))
    except frictionless.FrictionlessException as err:  # a descriptor it cannot even open
        return [Problem("datapackage.json", None, None, None, f"frictionless cannot read it: {err}")]
    problems = [Problem("datapackage.json", None, None, None, _note(e)) for e in report.errors]
    for task in report.tasks:
        file = task.place or f"{task.name}.csv"
        if isinstance(file, str) and file.startswith(str(folder)):
            file = Path(file).relative_to(folder).as_posix()
        for e in task.errors:
            cell = getattr(e, "cell", None)
            problems.append(
                Problem(
                    str(file),
                    getattr(e, "row_number", None),
                    getattr(e, "field_name", None),
                    None if cell is None else str(cell),
                    _note(e),
                )
            )
    return problems


def _note(error) -> str:
    """A frictionless error as one sentence: its title and note (its full message without a note)."""
    note = getattr(error, "note", "") or ""
    title = getattr(error, "title", "") or getattr(error, "type", "")
    return f"{title}: {note}" if note else str(getattr(error, "message", error))
