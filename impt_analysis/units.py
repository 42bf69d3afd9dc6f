"""What two coders are compared on: units of text built from the positions of their codings.

Real coding does not come in shared segments. NVivo writes one selection per coding, so two
coders never share a segment id, and a passage one coder coded and the other left uncoded has
no row at all for the second. This module builds the units of inter-coder agreement
(:mod:`impt_analysis.agreement`) from where the codings lie in each document instead:

* **Which documents count.** A coder counts for a document (an interview) when the coder coded
  anything in it, or is listed for it (``assigned``). Documents that two or more coders count
  for are compared; the others are reported (:func:`coders_by_document`), never dropped silently.
* **Characters** (as QualCoder compares coders): the characters of a compared document that
  some counting coder coded with any code, cut into intervals at every coding's start and end
  (:func:`character_intervals`). Every character of an interval was coded by the same coders
  with the same codes, so an interval is a unit weighted by its length. Characters no coder
  coded are not units: the study does not hold the documents' lengths, and counting them
  would add agreement on "nothing here" that nobody decided. A *stretch* is a run of
  overlapping codings, the unit the bootstrap resamples.
* **Passages** (as ATLAS.ti compares overlapping quotations): the codings of a compared
  document, of any code and coder, joined where two overlap by at least ``overlap`` of their
  union (``overlap / union >= 0.5`` by default, and transitively) (:func:`passages`). A coder
  applied a code to a passage when one of its codings with that code is part of it.

Wherever a coder counts for a document and did not apply a code to a unit, its value for the
unit is "not coded with this code", never missing: so a passage one coder coded and the other
left uncoded is a disagreement. Codings of no length (start = end) cover no character and are
left out of both (:func:`impt_analysis.agreement.agreement` counts them in its note).

Examples
--------
>>> import pandas as pd
>>> codings = pd.DataFrame({"interview_id": ["I1", "I1"], "code": ["x", "x"], "coder": ["A", "B"],
...                         "start": [0, 2], "end": [10, 10]})
>>> character_intervals(codings)[0][["start", "end", "length"]].values.tolist()
[[0, 2, 2], [2, 10, 8]]
>>> passages(codings)["passage"].tolist()    # 8 of 10 characters overlap: one passage
[1, 1]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_OVERLAP", "character_intervals", "coders_by_document", "coders_of", "passages"]

#: Two codings are one passage when they overlap by at least this share of their union.
DEFAULT_OVERLAP = 0.5
DOCUMENT = "interview_id"


def coders_by_document(codings: pd.DataFrame, assigned: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which coders count for each document, and whether it is compared.

    Parameters
    ----------
    codings : pandas.DataFrame
        Rows of ``codings.csv`` (``interview_id``, ``coder``).
    assigned : pandas.DataFrame, optional
        Pairs (``interview_id``, ``coder``) of coders listed for a document though they may
        have coded nothing in it: everything they left uncoded there is "not coded".

    Returns
    -------
    pandas.DataFrame
        One row per document, in the order of the codings: ``interview_id``, ``coders`` (the
        counting coders, sorted, joined by ", "), ``n_coders`` and ``compared`` (two or more).

    Examples
    --------
    >>> codings = pd.DataFrame({"interview_id": ["I1", "I1", "I2"], "coder": ["B", "A", "A"]})
    >>> coders_by_document(codings).values.tolist()
    [['I1', 'A, B', 2, True], ['I2', 'A', 1, False]]
    """
    coders = coders_of(codings, assigned)
    rows = [
        {DOCUMENT: d, "coders": ", ".join(c), "n_coders": len(c), "compared": len(c) >= 2}
        for d, c in coders.items()
    ]
    return pd.DataFrame(rows, columns=[DOCUMENT, "coders", "n_coders", "compared"])


def coders_of(codings: pd.DataFrame, assigned: pd.DataFrame | None = None) -> dict[str, list[str]]:
    """The sorted coders who count for each document, documents in the order of the codings.

    Examples
    --------
    >>> coders_of(pd.DataFrame({"interview_id": ["I1", "I1"], "coder": ["B", "A"]}))
    {'I1': ['A', 'B']}
    """
    pairs = codings[[DOCUMENT, "coder"]].astype(str)
    if assigned is not None:
        missing = {DOCUMENT, "coder"} - set(assigned.columns)
        if missing:
            raise ValueError(
                f"assigned: needs the columns interview_id and coder (missing: {', '.join(sorted(missing))})"
            )
        pairs = pd.concat([pairs, assigned[[DOCUMENT, "coder"]].astype(str)], ignore_index=True)
    coders: dict[str, set] = {}
    for document, coder in zip(pairs[DOCUMENT], pairs["coder"]):
        coders.setdefault(document, set()).add(coder)
    return {d: sorted(c) for d, c in coders.items()}


def _spans(codings: pd.DataFrame) -> pd.DataFrame:
    spans = codings[[DOCUMENT, "code", "coder", "start", "end"]].astype(
        {"code": str, "coder": str, DOCUMENT: str}
    )
    return spans[spans["end"] > spans["start"]]


def character_intervals(codings: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coded characters of each document, cut where any coding starts or ends.

    Returns
    -------
    intervals : pandas.DataFrame
        One row per interval: ``interview_id``, ``start``, ``end``, ``length`` and ``stretch``
        (a number shared by the intervals of one run of overlapping codings of the document,
        numbered from 0 over the whole frame). Sorted by document (in order of first
        appearance) and position.
    coded : pandas.DataFrame
        One row per interval, coder and code applied to it: ``interval`` (the row position
        in ``intervals``), ``coder``, ``code``.

    Examples
    --------
    >>> codings = pd.DataFrame({"interview_id": ["I1"] * 3, "code": ["x", "y", "x"],
    ...                         "coder": ["A", "A", "B"], "start": [0, 20, 5], "end": [10, 30, 10]})
    >>> intervals, coded = character_intervals(codings)
    >>> intervals[["start", "end", "stretch"]].values.tolist()
    [[0, 5, 0], [5, 10, 0], [20, 30, 1]]
    >>> coded.values.tolist()
    [[0, 'A', 'x'], [1, 'A', 'x'], [1, 'B', 'x'], [2, 'A', 'y']]
    """
    spans = _spans(codings)
    rows, coded, offset, stretch = [], [], 0, 0
    for document, group in spans.groupby(DOCUMENT, sort=False):
        cuts = np.unique(np.concatenate([group["start"].to_numpy(), group["end"].to_numpy()]))
        starts, ends = group["start"].to_numpy(), group["end"].to_numpy()
        first, last = np.searchsorted(cuts, starts), np.searchsorted(cuts, ends)
        covered = np.zeros(len(cuts) - 1, dtype=bool)
        for a, b in zip(first, last):
            covered[a:b] = True
        keep = np.flatnonzero(covered)
        position = np.full(len(cuts) - 1, -1)
        position[keep] = np.arange(len(keep)) + offset
        for code, coder, a, b in zip(group["code"], group["coder"], first, last):
            coded += [(int(i), coder, code) for i in position[a:b]]
        # A new stretch begins wherever an interval does not touch the one before it.
        new = np.r_[True, cuts[keep][1:] != cuts[keep + 1][:-1]] if len(keep) else np.array([], dtype=bool)
        ids = stretch + np.cumsum(new) - 1
        stretch += int(new.sum())
        rows.append(
            pd.DataFrame(
                {
                    DOCUMENT: document,
                    "start": cuts[keep],
                    "end": cuts[keep + 1],
                    "length": cuts[keep + 1] - cuts[keep],
                    "stretch": ids,
                }
            )
        )
        offset += len(keep)
    intervals = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(
            {
                DOCUMENT: pd.Series(dtype=object),
                **{c: pd.Series(dtype="int64") for c in ("start", "end", "length", "stretch")},
            }
        )
    )
    coded = (
        pd.DataFrame(coded, columns=["interval", "coder", "code"])
        .drop_duplicates()
        .sort_values(["interval", "coder", "code"], ignore_index=True)
    )
    return intervals, coded


def passages(codings: pd.DataFrame, overlap: float = DEFAULT_OVERLAP) -> pd.DataFrame:
    """The codings (of some length) of each document, each with the passage it is part of.

    Two codings, of any code and coder, are part of one passage when the characters they
    share are at least ``overlap`` of the characters either covers (their union); passages
    join transitively.

    Parameters
    ----------
    codings : pandas.DataFrame
        Rows of ``codings.csv``.
    overlap : float
        The share of the union two codings must share, greater than 0 and at most 1
        (1: only codings of the very same span are one passage).

    Returns
    -------
    pandas.DataFrame
        The codings with ``end > start``, in their order, with ``passage``: a number from 1
        within the document, in order of the passages' first character.

    Examples
    --------
    >>> codings = pd.DataFrame({"interview_id": ["I1"] * 3, "code": ["x", "x", "y"],
    ...                         "coder": ["A", "B", "B"], "start": [0, 30, 5], "end": [20, 50, 25]})
    >>> passages(codings)["passage"].tolist()   # [0, 20) and [5, 25) share 15 of 25 characters
    [1, 2, 1]
    """
    if not 0 < overlap <= 1:
        raise ValueError(f"overlap must be greater than 0 and at most 1, not {overlap!r}")
    spans = codings[codings["end"] > codings["start"]].copy()
    spans["passage"] = pd.Series(dtype="int64")
    for _, group in spans.groupby(spans[DOCUMENT].astype(str), sort=False):
        spans.loc[group.index, "passage"] = _cluster(
            group["start"].to_numpy(), group["end"].to_numpy(), overlap
        )
    return spans.astype({"passage": "int64"})


def _cluster(starts: np.ndarray, ends: np.ndarray, overlap: float) -> np.ndarray:
    """Passage numbers (from 1, by first character) of spans joined by overlap / union >= overlap."""
    distinct, which = np.unique(np.column_stack([starts, ends]), axis=0, return_inverse=True)
    which = np.asarray(which).reshape(-1)
    parent = list(range(len(distinct)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (a, b) in enumerate(distinct):  # sorted by start, so only later spans can overlap
        for j in range(i + 1, len(distinct)):
            c, d = distinct[j]
            if c >= b:
                break
            shared, union = min(b, d) - c, max(b, d) - a
            if shared >= overlap * union:
                parent[root(j)] = root(i)
    roots = [root(i) for i in range(len(distinct))]
    first = {}
    for i, r in enumerate(roots):
        first.setdefault(r, distinct[i][0])
    order = {r: n for n, r in enumerate(sorted(first, key=lambda r: (first[r], r)), 1)}
    return np.array([order[roots[k]] for k in which], dtype="int64")
