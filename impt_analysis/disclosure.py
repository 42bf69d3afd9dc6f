"""Check a data package before it is published: could anyone in it be identified?

:func:`check_disclosure` re-reads a package from its folder, the way a reader would get it,
and reports:

- the *k* its interviews reach: the size of the smallest group of interviews sharing country,
  year, sector and level (the quasi-identifiers a reader could know of a respondent);
- every free-text column (notes, excerpts, a name or label that is not the text generated from
  its row's codes) and every column outside the schema, which could hold anything;
- full interview dates, and the link from a respondent to their organisation;
- every cell of every table that looks like an e-mail address or a telephone number, or holds
  one of the names the user gives (people the study must never name);
- case counts (children) and suppressed aggregate counts from 1 to ``suppress_below - 1``,
  and suppressed cells that the table's row and column totals would give away.

:func:`impt_analysis.publish.export_public` runs it on its own output and refuses to publish a
package that does not pass.

Examples
--------
>>> from impt_analysis.disclosure import check_disclosure
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from .deidentify import CASE_COUNT_MARGINS, QUASI_IDENTIFIERS, generated_text
from .codebook import label_map
from .schema import GENERATED_COLUMNS, tables_for
from .study import Study, load_study
from .suppression import recoverable_cells

__all__ = ["DisclosureCheck", "check_disclosure", "EMAIL", "TELEPHONE"]

log = logging.getLogger(__name__)

EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# Seven to fifteen digits, optionally after + or 00, separated by at most one space, dot,
# hyphen, slash or parenthesis; not part of a longer word (so a pseudonym's hex digits or a
# code never match). ISO dates are not telephone numbers.
TELEPHONE = re.compile(r"(?<![\w-])(?:\+|\(\+?)?\d(?:[ ./()-]{0,2}\d){6,14}(?![\w-])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        Cells that look like an e-mail address or telephone number or hold a given name:
        file, row (header = 1), column, kind, value.
    other : list of str
        Full dates, the respondent's organisation, small counts, recoverable suppressed cells.
    """

    path: Path
    k: int
    k_reached: int | None
    free_text: list[str] = field(default_factory=list)
    identifiers: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["file", "row", "column", "kind", "value"]))
    other: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True if the package reaches k and shows no free text, identifier or small count."""
        k_ok = self.k_reached is None or self.k_reached >= self.k
        return k_ok and not self.free_text and self.identifiers.empty and not self.other

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        reached = "no interviews" if self.k_reached is None else f"k reached {self.k_reached}"
        lines = [f"disclosure check of {self.path}: {verdict} ({reached}, {self.k} required)"]
        if self.k_reached is not None and self.k_reached < self.k:
            lines.append(f"  - interviews: a class of {self.k_reached} over {', '.join(QUASI_IDENTIFIERS)}")
        lines += [f"  - free text: {f}" for f in self.free_text]
        lines += [f"  - {r.file}, row {r.row}, column {r.column}: looks like {r.kind}: {r.value!r}"
                  for r in self.identifiers.itertuples(index=False)]
        lines += [f"  - {o}" for o in self.other]
        return "\n".join(lines)


def check_disclosure(path: str | Path, k: int = 5, names: Iterable[str] = (), suppress_below: int = 5) -> DisclosureCheck:
    """Re-read a data package and report what could identify someone in it.

    Parameters
    ----------
    path : str or Path
        The package folder (or its ``datapackage.json``).
    k : int
        The smallest class of interviews allowed.
    names : iterable of str
        Names that must not appear anywhere (respondents, children, coders); matched as whole
        words, case-insensitively.
    suppress_below : int
        Case counts and suppressed aggregate counts from 1 to ``suppress_below - 1`` are reported.

    Returns
    -------
    DisclosureCheck

    Raises
    ------
    StudyValidationError
        If the package is not a valid study.

    Examples
    --------
    >>> import tempfile
    >>> from impt_analysis import load_study
    >>> from impt_analysis.publish import export_public
    >>> out = export_public(load_study(), tempfile.mkdtemp() + "/public", key=b"0123456789abcdef")
    >>> check_disclosure(out.path).passed
    True
    """
    folder = Path(path)
    if folder.name == "datapackage.json":
        folder = folder.parent
    study = load_study(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8-sig"))
    resources = [r for r in descriptor.get("resources", []) if (folder / r.get("path", "")).is_file()]
    k_reached = _k_reached(study)
    check = DisclosureCheck(folder, k, k_reached, _free_text(study), _identifiers(folder, resources, names),
                            _other(study, resources, folder, suppress_below))
    log.info("%s", str(check).splitlines()[0])
    return check


def _k_reached(study: Study) -> int | None:
    iv = study.interviews
    if iv.empty:
        return None
    year = iv["year"] if "year" in iv else iv["date"].dt.year if "date" in iv else pd.Series(0, index=iv.index)
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
                    found.append(f"{name}.{col}: {differ} value(s) are not the text generated from "
                                 f"{', '.join(GENERATED_COLUMNS[name, col])}, so they are free text")
    return found


def _identifiers(folder: Path, resources: list[dict], names: Iterable[str]) -> pd.DataFrame:
    wanted = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    named = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, wanted)) + r")(?!\w)", re.IGNORECASE) if wanted else None
    hits = []
    for r in resources:
        text = (folder / r["path"]).read_text(encoding="utf-8-sig")
        records = list(csv.reader(io.StringIO(text, newline="")))
        if not records:
            continue
        header = records[0]
        numeric = {f["name"] for f in r.get("schema", {}).get("fields", [])
                   if f.get("type") in ("integer", "number", "year")}
        for number, record in enumerate(records[1:], start=2):
            for column, cell in zip(header, record):
                if not cell or column in numeric:
                    continue
                for kind, match in _matches(cell, named):
                    hits.append({"file": r["path"], "row": number, "column": column, "kind": kind, "value": match})
    return pd.DataFrame(hits, columns=["file", "row", "column", "kind", "value"])


def _matches(cell: str, named: re.Pattern | None):
    for m in EMAIL.finditer(cell):
        yield "an e-mail address", m.group()
    for m in TELEPHONE.finditer(cell):
        if not _ISO_DATE.fullmatch(m.group()):
            yield "a telephone number", m.group()
    if named is not None:
        for m in named.finditer(cell):
            yield "a given name", m.group()


def _other(study: Study, resources: list[dict], folder: Path, suppress_below: int) -> list[str]:
    found = []
    iv = study.interviews
    if "date" in iv and iv["date"].notna().any():
        found.append("interviews.date: full dates (a public export publishes the year only)")
    if "actor_id" in iv and iv["actor_id"].notna().any():
        found.append("interviews.actor_id: links each respondent to an organisation and its exact sector and level")
    small = study.case_counts["count"].between(1, suppress_below - 1)
    if small.any():
        found.append(f"case_counts.count: {int(small.sum())} count(s) of children from 1 to {suppress_below - 1}")
    if not study.case_counts.empty:
        hidden = study.case_counts["count"].isna()
        for label in recoverable_cells(study.case_counts, hidden, **CASE_COUNT_MARGINS):
            found.append(f"case_counts.csv, row {int(label) + 2}: the suppressed count follows from the totals")
    for r in resources:
        rule = r.get("impt:suppression")
        if not rule or r["name"] == "case_counts":
            continue
        table = pd.read_csv(folder / r["path"], dtype={rule["value"]: "Int64"}, keep_default_na=False,
                            na_values={rule["value"]: [""]})
        values = table[rule["value"]]
        small = values.between(1, suppress_below - 1)
        if small.any():
            found.append(f"{r['path']}: {int(small.sum())} count(s) from 1 to {suppress_below - 1} in {rule['value']}")
        for label in recoverable_cells(table, values.isna(), rows=rule["rows"], columns=rule["columns"]):
            found.append(f"{r['path']}, row {int(label) + 2}: the suppressed count follows from the totals")
    return found
