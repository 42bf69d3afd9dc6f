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
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .schema import MAX_COUNT, TABLES, Field, Table

__all__ = [
    "MAX_FIELD_CHARS",
    "Problem",
    "StudyValidationError",
    "read_table",
    "check_table",
    "check_keys",
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
    """Cell-level checks of one table: every constraint its fields declare.

    Required values, types (integer, date), minimum and maximum, patterns (``Field.pattern``,
    matched as a whole) and vocabularies (``Field.category``: the codes of the codebook) -- the
    constraints :func:`~impt_analysis.schema.table_schema` writes into ``datapackage.json``.
    A value that is not a code is told the nearest code, if one is near.
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
    if "start" in frame.columns and "end" in frame.columns:
        start = pd.to_numeric(frame["start"], errors="coerce")
        end = pd.to_numeric(frame["end"], errors="coerce")
        for i in (start > end).to_numpy().nonzero()[0]:
            problems.append(
                Problem(
                    table.path,
                    rows[i],
                    "start",
                    frame["start"].iat[i],
                    f"start is after end ({frame['end'].iat[i]})",
                )
            )
    return problems


def check_excerpt_lengths(frame: pd.DataFrame, path: str, rows: list[int] | None = None) -> list[Problem]:
    """An excerpt holds exactly end - start code points (line endings included), or a problem names the row.

    A spreadsheet or editor that turns ``\\r\\n`` into ``\\n`` shortens an excerpt: its positions
    then no longer point at it in the interview's text.

    Examples
    --------
    >>> f = pd.DataFrame({"start": ["0", "10"], "end": ["5", "16"], "excerpt": ["Hello", "a\\nb"]})
    >>> [(p.row, p.message[:40]) for p in check_excerpt_lengths(f, "codings.csv")]
    [(3, 'the excerpt has 3 code points, but end -')]
    """
    if "excerpt" not in frame.columns or "start" not in frame.columns or "end" not in frame.columns:
        return []
    rows = rows or list(range(2, len(frame) + 2))
    problems = []
    # plain values: pandas would copy the frame's attrs (its row numbers) at every step
    for i, (start, end, text) in enumerate(
        zip(frame["start"].tolist(), frame["end"].tolist(), frame["excerpt"].tolist())
    ):
        try:
            start, end = int(start), int(end)
        except (TypeError, ValueError):
            continue
        if isinstance(text, str) and text and start <= end and len(text) != end - start:
            problems.append(
                Problem(
                    path,
                    rows[i],
                    "excerpt",
                    None,
                    f"the excerpt has {len(text)} code points, but end - start is {end - start} "
                    f"({start}-{end}): line endings changed (CRLF to LF?) or the text was edited",
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
    if not study.public and "excerpt" in study.codings.columns:
        # a warning, not an error: the codings stay usable, but their positions no longer point at them
        for problem in check_excerpt_lengths(study.codings, "codings.csv")[:5]:
            warnings.append(f"warning: {problem}")
        n = len(check_excerpt_lengths(study.codings, "codings.csv"))
        if n > 5:
            warnings.append(f"warning: and {n - 5} more codings whose excerpt length is not end - start")
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
    if f.name == "code" and "__code__" in allowed:
        yield (
            _Suggester("not a code of the codebook", allowed["__code__"]),
            filled & ~s.isin(allowed["__code__"]),
        )
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
                message = _Suggester(f"no such {fk.reference} in {fk.resource}.csv", keys)
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
