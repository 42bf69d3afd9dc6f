"""Check a data package before it is published: could anyone in it be identified?

:func:`check_disclosure` re-reads a package from its folder, the way a reader would get it,
and reports:

- the *k* its interviews reach: the size of the smallest group of interviews sharing country,
  year, sector and level (the quasi-identifiers a reader could know of a respondent);
- every free-text column (notes, excerpts, a name or label that is not the text generated from
  its row's codes) and every column outside the schema, which could hold anything;
- full interview dates, and the link from a respondent to their organisation;
- rows of knowledge, flows, barriers or codings that point at a single interview (a group of
  one), and, given the confidential study and the key, the linkage attack
  (:func:`~impt_analysis.privacy.linkage.linkage_attack`): how often
  the actors an interview's rows touch tell its respondent's sector, level or organisation,
  against the best guess from ``interviews.csv`` alone;
- in *every* file of the package (``datapackage.json`` string by string, ``README.md``,
  ``CITATION.cff``, ``DISCLOSURE.md``, every CSV cell, and any other file, which is itself
  reported as unexpected): text that looks like an e-mail address or a telephone number, or
  holds one of the names the user gives, matched whole-word, regardless of case and accents;
- counts from 1 to ``suppress_below - 1`` left in a suppressed table, and suppressed cells a
  reader can work out from the totals (:func:`~impt_analysis.privacy.suppression.recoverable_cells`,
  a solver check) or recount from the rows of ``barriers.csv``;
- in a public export, a disclosure record (``impt:disclosure``) missing, malformed
  (:meth:`~impt_analysis.privacy.record.DisclosureRecord.from_json`), or stating another k or
  ``suppress_below`` than the check's.

:func:`impt_analysis.privacy.publish.export_public` runs it on its own output and refuses to publish a
package that does not pass.

Examples
--------
>>> from impt_analysis.privacy.disclosure import check_disclosure
>>> from impt_analysis.study import demo_path
>>> check = check_disclosure(demo_path())     # the demo is not a public export
>>> check.passed, "codings.excerpt" in " ".join(check.free_text)
(False, True)
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..codebook import label_map
from ..schema import GENERATED_COLUMNS, ROW_TABLES, tables_for
from ..study import Study, load_study
from . import SUPPRESS_BELOW, K
from .deidentify import CASE_COUNT_MARGINS, QUASI_IDENTIFIERS, generated_text, pseudonym
from .linkage import LINKAGE_COLUMNS, linkage_attack
from .record import DisclosureRecord
from .suppression import recoverable_cells

__all__ = [
    "DisclosureCheck",
    "check_disclosure",
    "linkage_attack",
    "fold",
    "EMAIL",
    "TELEPHONE",
    "LINKAGE_COLUMNS",
]

log = logging.getLogger(__name__)

EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# Seven to fifteen digits, optionally after + or 00, separated by at most one space, dot,
# hyphen, slash or parenthesis; not part of a longer word (so a pseudonym's hex digits or a
# code never match). ISO dates are not telephone numbers.
TELEPHONE = re.compile(r"(?<![\w-])(?:\+|\(\+?)?\d(?:[ ./()-]{0,2}\d){6,14}(?![\w-])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A web address or DOI (a source's path in datapackage.json, CITATION.cff): digits in it are no telephone number.
_LINK = re.compile(r"(?:https?://|www\.|doi:|(?<![\w.])10\.\d{4,9}/)\S+", re.IGNORECASE)
_IDENTIFIER_COLUMNS = ["file", "row", "column", "kind", "value"]
# The files a package is made of besides its resources; anything else is reported.
PACKAGE_FILES = ("datapackage.json", "README.md", "CITATION.cff", "DISCLOSURE.md")
# Letters NFKD does not take apart, as they are commonly written without the mark.
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
    }
)


@dataclass(frozen=True)
class DisclosureCheck:
    """The findings of :func:`check_disclosure`; ``passed`` is True only if there are none.

    Attributes
    ----------
    path : Path
    k : int
        The k required.
    k_reached : int or None
        Size of the smallest class of interviews over country, year, sector and level (None
        if the package has no interview).
    free_text : list of str
        Free-text columns and columns outside the schema, as "table.column: why".
    identifiers : pandas.DataFrame
        Text that looks like an e-mail address or telephone number or holds a given name:
        file, row (CSV: the row, header = 1; other files: the line), column (CSV: the column;
        ``datapackage.json``: where in the descriptor, e.g. ``contributors[0].title``), kind,
        value.
    other : list of str
        Full dates, the respondent's organisation, rows linked to single interviews,
        unexpected files, small counts, recoverable suppressed cells, and a descriptor or
        disclosure record that cannot be read or does not fit the check.
    linkage : pandas.DataFrame
        The :func:`linkage_attack` (attribute, interviews, attack_correct, baseline_correct);
        empty when the confidential study was not given.
    """

    path: Path
    k: int
    k_reached: int | None
    free_text: list[str] = field(default_factory=list)
    identifiers: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_IDENTIFIER_COLUMNS))
    other: list[str] = field(default_factory=list)
    linkage: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LINKAGE_COLUMNS))

    @property
    def linkage_beaten(self) -> list[str]:
        """The attributes the linkage attack guesses better than ``interviews.csv`` alone."""
        worse = self.linkage[self.linkage["attack_correct"] > self.linkage["baseline_correct"]]
        return worse["attribute"].astype(str).tolist()

    @property
    def passed(self) -> bool:
        """True if the package reaches k, shows no free text, identifier or small count, and resists linkage."""
        k_ok = self.k_reached is None or self.k_reached >= self.k
        return (
            k_ok
            and not self.free_text
            and self.identifiers.empty
            and not self.other
            and not self.linkage_beaten
        )

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        reached = "no interviews" if self.k_reached is None else f"k reached {self.k_reached}"
        lines = [f"disclosure check of {self.path}: {verdict} ({reached}, {self.k} required)"]
        if self.k_reached is not None and self.k_reached < self.k:
            lines.append(f"  - interviews: a class of {self.k_reached} over {', '.join(QUASI_IDENTIFIERS)}")
        lines += [f"  - free text: {f}" for f in self.free_text]
        for r in self.identifiers.itertuples(index=False):
            where = (
                f"{r.file}"
                + (f", row {r.row}" if pd.notna(r.row) else "")
                + (f", column {r.column}" if isinstance(r.column, str) and r.column else "")
            )
            lines.append(f"  - {where}: looks like {r.kind}: {r.value!r}")
        lines += [f"  - {o}" for o in self.other]
        for r in self.linkage.itertuples(index=False):
            mark = "  - " if r.attack_correct > r.baseline_correct else "    "
            lines.append(
                f"{mark}linkage attack on the respondent's {r.attribute}: right for {r.attack_correct} of "
                f"{r.interviews} interviews, against {r.baseline_correct} from interviews.csv alone"
            )
        return "\n".join(lines)


def check_disclosure(
    path: str | Path,
    k: int = K,
    names: Iterable[str] = (),
    suppress_below: int = SUPPRESS_BELOW,
    *,
    study: Study | None = None,
    key: bytes | str | None = None,
) -> DisclosureCheck:
    """Re-read a data package and report what could identify someone in it.

    Parameters
    ----------
    path : str or Path
        The package folder (or its ``datapackage.json``).
    k : int
        The smallest class of interviews allowed.
    names : iterable of str
        Names that must not appear anywhere (respondents, children, coders): matched as whole
        words in every file, ignoring case and accents ("Jürgen" finds "JURGEN" and "jürgen").
    suppress_below : int
        Case counts and suppressed aggregate counts from 1 to ``suppress_below - 1`` are reported.
    study : Study, optional
        The confidential study the package was made from. With ``key``, the linkage attack is
        run against the truth, and suppressed cells are checked with their true values: the
        solver then also finds cells that the marks' bounds pin (two "<5" cells whose line
        hides 8). Without it, rows that name a group of one interview fail, and suppressed
        cells are checked by their pattern alone (totals not listed as withheld are known).
    key : bytes or str, optional
        The pseudonym key of the export.

    Returns
    -------
    DisclosureCheck

    Raises
    ------
    StudyValidationError
        If the package is not a valid study.
    ValueError
        If only one of ``study`` and ``key`` is given, or the key does not fit the package.

    Examples
    --------
    >>> import tempfile
    >>> from impt_analysis import load_study
    >>> from impt_analysis.privacy.publish import export_public
    >>> out = export_public(load_study(), tempfile.mkdtemp() + "/public", key=b"0123456789abcdef")
    >>> check_disclosure(out.path).passed
    True
    """
    if (study is None) != (key is None):
        raise ValueError(
            "give the confidential study and the pseudonym key together (study= and key=), or neither"
        )
    folder = Path(path)
    if folder.name == "datapackage.json":
        folder = folder.parent
    public = load_study(folder)
    descriptor, unread = _descriptor(folder)
    resources = [
        r
        for r in descriptor.get("resources", [])
        if isinstance(r, dict) and (folder / str(r.get("path", ""))).is_file()
    ]
    key_bytes = key.encode("utf-8") if isinstance(key, str) else key
    linkage = linkage_attack(public, study, key_bytes) if study is not None else None
    other = _other(public, k) + _unexpected_files(folder, resources)
    other += _suppression_findings(public, resources, folder, suppress_below, study, key_bytes)
    other += unread or _record_findings(public, descriptor, k, suppress_below)
    check = DisclosureCheck(
        folder,
        k,
        _k_reached(public),
        _free_text(public),
        _identifiers(folder, descriptor, resources, names),
        other,
        *(() if linkage is None else (linkage,)),
    )
    log.info("%s", str(check).splitlines()[0])
    return check


def _descriptor(folder: Path) -> tuple[dict, list[str]]:
    """``datapackage.json`` as a reader parses it, or nothing and a finding saying why it cannot be read.

    :func:`load_study` has read it already, but deeper in the call stack: how deep a nesting the
    parser reads depends on the stack, so a hostile descriptor's RecursionError is a finding here.
    """
    try:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8-sig"))
    except RecursionError:
        return {}, ["datapackage.json: nested too deeply to read, so nothing in it could be checked"]
    except ValueError as err:  # not UTF-8, not JSON, a number too long to read
        return {}, [f"datapackage.json: cannot be read ({err}), so nothing in it could be checked"]
    if not isinstance(descriptor, dict):
        return {}, ["datapackage.json: not a JSON object, so nothing in it could be checked"]
    return descriptor, []


def _record_findings(public: Study, descriptor: dict, k: int, suppress_below: int) -> list[str]:
    """What is wrong with a public export's disclosure record (``impt:disclosure``), read as a reader reads it.

    A study that is no public export (``impt:public``) needs none: it is checked for what it is.
    """
    if not public.public:
        return []
    if "impt:disclosure" not in descriptor:
        return [
            "datapackage.json: no disclosure record (impt:disclosure), which says what the export removed, "
            "generalised and suppressed"
        ]
    try:
        record = DisclosureRecord.from_json(descriptor["impt:disclosure"])
    except ValueError as err:
        return [f"datapackage.json: {err}"]
    stated = {"k": (record.k, k), "suppress_below": (record.suppress_below, suppress_below)}
    return [
        f"datapackage.json: the disclosure record (impt:disclosure) states {name} {theirs}, but the check "
        f"was asked for {name} {ours}"
        for name, (theirs, ours) in stated.items()
        if theirs != ours
    ]


# --- the tables -----------------------------------------------------------------------------------------


def _k_reached(study: Study) -> int | None:
    iv = study.interviews
    if iv.empty:
        return None
    year = (
        iv["year"] if "year" in iv else iv["date"].dt.year if "date" in iv else pd.Series(0, index=iv.index)
    )
    quasi = iv.assign(year=year)[list(QUASI_IDENTIFIERS)].astype(str)
    return int(quasi.groupby(list(QUASI_IDENTIFIERS)).size().min())


def _free_text(study: Study) -> list[str]:
    schema = tables_for(study.meta)
    labels = label_map(study.codebook)
    found = []
    for name, frame in study.tables().items():
        known = {f.name: f for f in schema[name].fields}
        for col in frame.columns:
            if col not in known:
                found.append(f"{name}.{col}: not a column of the schema, so it could hold anything")
            elif known[col].free_text:
                found.append(f"{name}.{col}: free text")
            elif (name, col) in GENERATED_COLUMNS:
                expected = [generated_text(name, row, labels) for row in frame.to_dict("records")]
                differ = sum(str(a) != b for a, b in zip(frame[col], expected))
                if differ:
                    found.append(
                        f"{name}.{col}: {differ} value(s) are not the text generated from "
                        f"{', '.join(GENERATED_COLUMNS[name, col])}, so they are free text"
                    )
    return found


def _other(study: Study, k: int) -> list[str]:
    found = []
    iv = study.interviews
    if "date" in iv and iv["date"].notna().any():
        found.append("interviews.date: full dates (a public export publishes the year only)")
    if "actor_id" in iv and iv["actor_id"].notna().any():
        found.append(
            "interviews.actor_id: links each respondent to an organisation and its exact sector and level"
        )
    sizes = (
        iv["interview_group"].astype(str).value_counts() if "interview_group" in iv else pd.Series(dtype=int)
    )
    for name in ROW_TABLES:
        frame = getattr(study, name)
        if frame.empty:
            continue
        if "interview_id" in frame:
            found.append(
                f"{name}.csv: its rows name their interview (interview_id), so the actors they touch point "
                "at the respondent"
            )
        elif "interview_group" in frame:
            size = frame["interview_group"].astype(str).map(sizes)
            single = int((size == 1).sum())
            if single:
                found.append(
                    f"{name}.csv: {single} row(s) name a group of one interview (interview_group), so the "
                    "actors they touch point at its respondent"
                )
            elif ((size < k) & (size > 1)).any():
                found.append(f"{name}.csv: rows name groups of fewer than {k} interviews (interview_group)")
    return found


def _unexpected_files(folder: Path, resources: list[dict]) -> list[str]:
    expected = {*PACKAGE_FILES, *(str(r["path"]) for r in resources)}
    return [
        f"{p.relative_to(folder).as_posix()}: a file the package does not describe, so it could hold anything"
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in expected
    ]


# --- suppressed tables ----------------------------------------------------------------------------------


def _suppression_findings(
    study: Study, resources: list[dict], folder: Path, below: int, truth: Study | None, key: bytes | None
) -> list[str]:
    found = []
    for r in resources:
        rule = r.get("impt:suppression")
        if not rule and r.get("name") == "case_counts":
            rule = {"value": "count", **CASE_COUNT_MARGINS}
        if not rule:
            continue
        path, value = str(r["path"]), rule["value"]
        table = pd.read_csv(folder / path, dtype=str, keep_default_na=False)
        if table.empty or value not in table:
            continue
        counts = pd.to_numeric(table[value].where(table[value] != ""), errors="coerce")
        if "suppression" in table:
            status = table["suppression"].fillna("")
            for label in table.index[counts.notna() & status.ne("")]:
                found.append(f"{path}, row {label + 2}: a shown count marked {status[label]}")
            for label in table.index[counts.isna() & status.eq("")]:
                found.append(f"{path}, row {label + 2}: an empty count not marked primary or secondary")
            # read a shown count as shown, and an unmarked empty one as hidden for a reason not given (0 or more)
            status = status.where(counts.isna() | status.eq(""), "").where(
                counts.notna() | status.ne(""), True
            )
        else:
            status = counts.isna()
        small = int(counts.between(1, below - 1).sum())
        if small and r.get("name") == "case_counts":
            found.append(f"case_counts.{value}: {small} count(s) of children from 1 to {below - 1}")
        elif small:
            found.append(f"{path}: {small} count(s) from 1 to {below - 1} in {value}")
        values = _true_values(r.get("name"), table, study, truth, key) if truth is not None else None
        try:
            labels = recoverable_cells(
                table,
                status,
                value=value,
                values=values,
                rows=rule["rows"],
                columns=rule["columns"],
                suppress_below=below,
                withheld=rule.get("withheld", []),
            )
        except ValueError as err:
            found.append(f"{path}: the suppression cannot be checked: {err}")
            continue
        for label in labels:
            found.append(f"{path}, row {int(label) + 2}: the suppressed count follows from the totals")
        if r.get("name") == "barrier_counts":
            found += _recounted(table, status, study, path)
    return found


_ASSESSMENT_CELL = ["country", "year", "domain", "level"]


def _true_values(name, table: pd.DataFrame, public: Study, truth: Study, key: bytes) -> pd.Series | None:
    """The true counts of a published suppressed table's rows, or None if they cannot be matched."""
    if name in ("case_counts", "assessments"):
        cc = getattr(truth, name)
        keys = ["country", "year", "tier", "child_group"] if name == "case_counts" else _ASSESSMENT_CELL
        real = (
            cc[keys]
            .astype(str)
            .assign(
                source_actor=cc["source_actor"].astype(str).map(lambda v: pseudonym(v, "actor", key)),
                count=cc["count"].astype(float),
            )
        )
        merged = (
            table[[*keys, "source_actor"]].astype(str).merge(real, how="left", on=[*keys, "source_actor"])
        )
        return merged["count"] if merged["count"].notna().all() and len(merged) == len(table) else None
    if name == "barrier_counts":
        real_id = truth.interviews["interview_id"].astype(str).map(lambda v: pseudonym(v, "interview", key))
        published = set(public.interviews["interview_id"].astype(str))
        country = dict(
            zip(truth.interviews["interview_id"].astype(str), truth.interviews["country"].astype(str))
        )
        b = truth.barriers.assign(
            pid=truth.barriers["interview_id"]
            .astype(str)
            .map(dict(zip(truth.interviews["interview_id"].astype(str), real_id)))
        )
        b = b[b["pid"].isin(published)].assign(
            country=lambda f: f["interview_id"].astype(str).map(country),
            barrier=lambda f: f["barrier"].astype(str),
        )
        n = b.drop_duplicates(["pid", "barrier"]).groupby(["country", "barrier"]).size()
        return pd.Series(
            [float(n.get((c, x), 0)) for c, x in zip(table["country"], table["barrier"])], index=table.index
        )
    return None


def _recounted(table: pd.DataFrame, status: pd.Series, study: Study, path: str) -> list[str]:
    """Hidden barrier counts that barriers.csv gives exactly: every group naming it holds one interview, or none does."""
    iv, b = study.interviews, study.barriers
    link = "interview_group" if "interview_group" in b else "interview_id"
    if link not in iv or link not in b:
        return []
    size = iv[link].astype(str).value_counts()
    country = (
        iv.drop_duplicates(link).set_index(iv.drop_duplicates(link)[link].astype(str))["country"].astype(str)
    )
    named = b.assign(g=b[link].astype(str), barrier=b["barrier"].astype(str)).drop_duplicates(
        ["g", "barrier"]
    )
    named = named.assign(country=named["g"].map(country), size=named["g"].map(size))
    found = []
    hidden = status.ne("") if status.dtype == object else status
    for label in table.index[hidden.to_numpy()]:
        c, x = table.at[label, "country"], table.at[label, "barrier"]
        rows = named[(named["country"] == c) & (named["barrier"] == x)]
        if len(rows) == rows["size"].sum():  # one interview per group naming it (or no group at all: 0)
            found.append(f"{path}, row {label + 2}: the suppressed count can be recounted from barriers.csv")
    return found


# --- identifiers in every file --------------------------------------------------------------------------


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` without case and accents (NFKD, combining marks dropped, casefold), and where each character came from.

    Examples
    --------
    >>> fold("Jürgen Øster")[0]
    'jurgen oster'
    """
    out, origin = [], []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", ch.translate(_LETTERS)):
            if unicodedata.combining(part):
                continue
            for c in part.casefold():
                out.append(c)
                origin.append(i)
    return "".join(out), origin


def _name_pattern(names: Iterable[str]) -> re.Pattern | None:
    wanted = sorted(
        {fold(n.strip())[0] for n in names if isinstance(n, str) and n.strip()}, key=len, reverse=True
    )
    if not wanted:
        return None
    words = [r"\s+".join(map(re.escape, w.split())) for w in wanted]
    # whole words: not inside a run of letters or digits (an underscore separates, as in a code id)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(words) + r")(?![^\W_])")


def _matches(
    text: str, named: re.Pattern | None, bounds: frozenset = frozenset()
) -> Iterator[tuple[str, str]]:
    """E-mail addresses, telephone numbers and names in ``text``.

    ``bounds``: numbers the package's schema states as a column's minimum or maximum (the
    README lists them, "0 to 10000000"): documented limits, not telephone numbers.
    """
    for m in EMAIL.finditer(text):
        yield "an e-mail address", m.group()
    links = [m.span() for m in _LINK.finditer(text)]
    for m in TELEPHONE.finditer(text):
        inside = any(a <= m.start() and m.end() <= b for a, b in links)
        if not _ISO_DATE.fullmatch(m.group()) and not inside and m.group() not in bounds:
            yield "a telephone number", m.group()
    if named is not None:
        folded, origin = fold(text)
        for m in named.finditer(folded):
            yield "a given name", text[origin[m.start()] : origin[m.end() - 1] + 1]


def _identifiers(folder: Path, descriptor: dict, resources: list[dict], names: Iterable[str]) -> pd.DataFrame:
    named = _name_pattern(names)
    bounds = frozenset(
        str(v)
        for r in resources
        for f in r.get("schema", {}).get("fields", [])
        if isinstance(f, dict)
        for k, v in (f.get("constraints") or {}).items()
        if k in ("minimum", "maximum") and isinstance(v, int) and not isinstance(v, bool)
    )
    csv_files = {str(r["path"]): r for r in resources if str(r["path"]).endswith(".csv")}
    hits = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(folder).as_posix()
        try:
            text = p.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            continue  # not text: reported as an unexpected file, or the loader refused it
        if rel == "datapackage.json":
            places = _json_strings(descriptor, text)
        elif rel in csv_files:
            places = _csv_cells(text, csv_files[rel])
        else:
            places = ((number, "", line) for number, line in enumerate(text.splitlines(), start=1))
        for row, column, cell in places:
            for kind, match in _matches(cell, named, bounds):
                hits.append({"file": rel, "row": row, "column": column, "kind": kind, "value": match})
    return pd.DataFrame(hits, columns=_IDENTIFIER_COLUMNS)


def _csv_cells(text: str, resource: dict) -> Iterator[tuple[int, str, str]]:
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        return
    header = records[0]
    numeric = {
        f.get("name")
        for f in resource.get("schema", {}).get("fields", [])
        if f.get("type") in ("integer", "number", "year")
    }
    for column in header:
        yield 1, column, column
    for number, record in enumerate(records[1:], start=2):
        for column, cell in zip(header, record):
            if cell and column not in numeric:
                yield number, column, cell


def _json_strings(descriptor, text: str) -> Iterator[tuple[int | None, str, str]]:
    """Every string of the descriptor, keys too, with its place (``contributors[0].title``) and line."""
    lines = text.splitlines()

    def line_of(s: str) -> int | None:
        for quoted in (json.dumps(s, ensure_ascii=False), json.dumps(s)):
            for number, line in enumerate(lines, start=1):
                if quoted in line:
                    return number
        return None

    def walk(node, where: str):
        if isinstance(node, dict):
            for k, v in node.items():
                here = f"{where}.{k}" if where else str(k)
                yield line_of(str(k)), here, str(k)
                yield from walk(v, here)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{where}[{i}]")
        elif isinstance(node, str):
            yield line_of(node), where, node

    yield from walk(descriptor, "")
