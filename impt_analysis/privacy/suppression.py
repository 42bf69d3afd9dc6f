"""Small-cell suppression: hide counts of 1 to 4, and the cells that would give them away.

The study's third aim was to make information on children at risk useful "without
threatening individual integrity". A published table that says one child was identified in a
country, or that one respondent of a sector named a barrier, can point at a person. This
module hides such counts in any two-way table of counts, for the public export
(:mod:`impt_analysis.privacy.publish`) and for the public report pages alike, and checks the result
the way a reader would attack it: with a solver.

Method
------
*Primary suppression* hides every count from 1 to ``suppress_below - 1``; it is shown as
``"<5"`` (``f"<{suppress_below}"``). A zero is shown: it points at no one.

*Secondary suppression* hides further cells, shown as ``"suppressed"``, because a reader may
know the totals of the table's lines and work a hidden cell out from them.

What the reader knows (the model the check and the suppression share):

- every shown cell, and which hidden cells are primary and which secondary. The marks differ,
  so that a hidden zero does not read as "small"; the price is that they tell the reader
  more than one mark would: a primary cell is an integer from 1 to ``suppress_below - 1``, a
  secondary one 0 or at least ``suppress_below`` (it would be primary otherwise). The solver
  uses exactly these sets (a mixed-integer programme), not merely "at least 0", so a cycle of
  hidden cells protects only if these bounds leave it room to move;
- the total of every line of the table (every row and every column: for a long table, all
  records sharing their ``rows`` values, or their ``columns`` values), *including a line
  holding a single cell*, whose total is that cell. The one exception is a total the same rule
  hides wherever it is published: a line whose only non-zero content is one primary cell has a
  total from 1 to ``suppress_below - 1``, itself a small count. (The rows of a one-column wide
  table are single cells, not totals of their own; likewise the columns of a one-row table.)
  This is where the earlier model failed: it took the total of a line of one cell to be hidden
  with the cell, so a secondary cell alone in its line (a country's only figure for a tier,
  whose total the country publishes) was counted as protection. On the demo's case counts, 11
  of the 19 cells it hid follow from the totals of all lines, and 10 even when small totals are
  withheld;
- records of a long table that share both a row and a column (two sources reporting the same
  country, tier and child group) fall into one cell of the two-way table: the totals give only
  their sum, so the unit a reader can solve for is the hidden part of that cell, and two hidden
  records in one cell do not protect each other.

Which totals are withheld is public: a small total shows in the table itself (a line whose only
non-zero entry is one ``"<5"``), and the others are listed (:attr:`Suppression.withheld`).

A hidden cell is *disclosed* if the least and the greatest value it can take, given all of the
above, are equal (:func:`hidden_cell_bounds`). With ``suppress_below=2`` a primary cell is 1 by
its mark alone; that is not counted as a disclosure by the totals.

The algorithm draws the table as a graph [1]_: a node per line whose total is known, one shared
node for the lines whose total is not, and an edge per hidden cell. A hidden cell follows from
the totals by linear algebra alone if and only if its edge lies on no cycle, i.e. it is a
*bridge* (the shared node carries no equation, so a path between two lines without a total is
as good as a cycle). While some hidden cell is a bridge, the cells of the cheapest path that
closes a cycle through it are hidden too, found with Dijkstra's algorithm: a hidden cell costs
nothing, a non-zero count its value, a zero more than all counts together, so the smallest
non-zero cells go first and zeros last. Once no cell is a bridge, the bounds are checked: a
cycle can still be pinned by the bounds (two primary 4s alternating on one cycle: the row's
hidden 8 must be 4 + 4; a hidden zero cannot move down, nor a primary 1). A cell so pinned gets
a further cycle of cells not yet hidden. If no cycle can be closed (the totals alone give the
cell: a country's only figure for a tier whose region total is known, or a region total that is
the grand total less the others), the smaller of the cell's line totals is *withheld*: listed in
:attr:`Suppression.withheld`, to be published nowhere (a public export lists them in its
descriptor). Each round hides a cell or withholds a total and takes nothing back, so the loop
ends.

What this guarantees: no hidden cell of the table has a single value consistent with the shown
cells, the line totals not withheld and the marks. What it does not: a reader can still *bound*
a hidden cell (a primary one to 1 to ``suppress_below - 1`` by its mark alone, any one to at
most the hidden part of its line); only the lines of the table given are considered, not a
total over another grouping (a country over all tiers, per source); and a withheld total
protects only if no one publishes it.

References
----------
.. [1] Gusfield, D. (1988). A graph theoretic approach to statistical data security.
   *SIAM Journal on Computing* 17(3), 552-571. See also Cox, L. H. (1980). Suppression
   methodology and statistical disclosure control. *JASA* 75(370), 377-385.

Examples
--------
>>> import pandas as pd
>>> from impt_analysis.privacy.suppression import suppress_small_cells
>>> t = pd.DataFrame({"a": [3, 7, 12], "b": [10, 8, 40], "c": [20, 30, 50]}, index=["x", "y", "z"])
>>> s = suppress_small_cells(t)
>>> s.status.to_numpy().tolist()
[['primary', 'secondary', ''], ['secondary', 'secondary', ''], ['', '', '']]
>>> s.display()["a"].tolist()
['<5', 'suppressed', '12']
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import SUPPRESS_BELOW

__all__ = [
    "Suppression",
    "suppress_small_cells",
    "recoverable_cells",
    "hidden_cell_bounds",
    "PRIMARY",
    "SECONDARY",
    "SECONDARY_MARK",
    "primary_mark",
]

log = logging.getLogger(__name__)

PRIMARY = "primary"
SECONDARY = "secondary"
HIDDEN = "hidden"  # hidden for a reason the reader is not told: 0 or more
SECONDARY_MARK = "suppressed"
_FREE = ("free",)  # the node of the lines whose total is not known: it carries no equation


def primary_mark(suppress_below: int = SUPPRESS_BELOW) -> str:
    """The mark of a primary (small) cell: ``"<5"`` for ``suppress_below=5``."""
    return f"<{suppress_below}"


@dataclass(frozen=True)
class Suppression:
    """The result of :func:`suppress_small_cells`.

    Attributes
    ----------
    table : pandas.DataFrame
        A copy of the input with the suppressed counts set to ``<NA>`` (nullable ``Int64``):
        every count column of a wide table, or the ``value`` column of a long one.
    status : pandas.DataFrame or pandas.Series
        ``"primary"``, ``"secondary"`` or ``""`` per cell: a frame shaped like a wide table,
        or a Series aligned with the rows of a long one. A public export publishes it (the
        ``suppression`` column), so that a hidden zero does not read as a small count.
    suppress_below : int
        Counts from 1 to ``suppress_below - 1`` were suppressed.
    value : str or None
        The count column of a long table; None for a wide one.
    withheld : tuple of dict
        The line totals that must not be published, each a dict: ``line`` ("row" or
        "column"), ``reason`` ("primary": the total is itself a count from 1 to
        ``suppress_below - 1``; "secondary": no further hidden cell could protect a cell of the
        line, so its total is withheld instead), and the line's key (the ``rows`` or
        ``columns`` values of a long table; ``label`` for a wide one). Every other line total
        may be published: the suppression holds against it.
    """

    table: pd.DataFrame
    status: pd.DataFrame | pd.Series
    suppress_below: int
    value: str | None = None
    withheld: tuple = ()

    @property
    def suppressed(self) -> pd.DataFrame | pd.Series:
        """True where a cell is hidden, for whatever reason."""
        return self.status.ne("")

    @property
    def n_primary(self) -> int:
        """Number of cells hidden because they count 1 to ``suppress_below - 1``."""
        return int(self.status.eq(PRIMARY).to_numpy().sum())

    @property
    def n_secondary(self) -> int:
        """Number of cells hidden so that the primary ones cannot be worked out from totals."""
        return int(self.status.eq(SECONDARY).to_numpy().sum())

    def display(self, primary: str | None = None, secondary: str = SECONDARY_MARK) -> pd.DataFrame:
        """The table as text for publication: ``"<5"`` for a small count, ``"suppressed"`` for a secondary cell.

        A zero is shown as ``0``; a cell that is not a count (``NaN`` in a wide table) is
        shown empty.

        Parameters
        ----------
        primary : str, optional
            The mark of a primary cell; ``f"<{suppress_below}"`` by default.
        secondary : str
            The mark of a secondary cell.

        Examples
        --------
        >>> import pandas as pd
        >>> s = suppress_small_cells(pd.DataFrame({"n": [0, 3, 12, 40]}))
        >>> s.display()["n"].tolist()       # the total 55 would give the 3 away: 12 is hidden too
        ['0', '<5', 'suppressed', '40']
        """
        primary = primary_mark(self.suppress_below) if primary is None else primary

        def text(col: pd.Series, status: pd.Series) -> pd.Series:
            shown = col.astype("Int64").astype(str).where(col.notna(), "")
            return shown.where(status.ne(PRIMARY), primary).where(status.ne(SECONDARY), secondary)

        if self.value is None:
            return pd.DataFrame(
                {c: text(self.table[c], self.status[c]) for c in self.table.columns}, index=self.table.index
            )
        out = self.table.copy()
        out[self.value] = text(self.table[self.value], self.status)
        return out


def suppress_small_cells(
    table: pd.DataFrame,
    suppress_below: int = SUPPRESS_BELOW,
    *,
    value: str | None = None,
    rows: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> Suppression:
    """Hide counts from 1 to ``suppress_below - 1``, and the cells that would reveal them from totals.

    Parameters
    ----------
    table : pandas.DataFrame
        Either a *wide* table whose cells are counts (rows x columns, ``NaN`` for "no cell"),
        whose row and column totals may be published; or, with ``value``, a *long* table with
        one record per row.
    suppress_below : int
        Counts from 1 to ``suppress_below - 1`` are hidden (primary suppression). 1 hides nothing.
    value : str, optional
        Long tables: the column holding the counts.
    rows, columns : sequence of str, optional
        Long tables: the columns that place a record in a row, and in a column, of the two-way
        table whose totals may be published. Records sharing the same ``rows`` values add up to
        one row total; likewise for ``columns``; records sharing both are one cell. For case
        counts, ``rows=["country", "year", "tier"]`` (a country's total per tier) and
        ``columns=["year", "tier", "child_group"]`` (the region's total per group).

    Returns
    -------
    Suppression
        The masked table, the status of every cell (primary, secondary or shown) and counts.
        No hidden cell has a single value consistent with the shown cells, the totals and the
        marks (see the module's notes).

    Raises
    ------
    ValueError
        If a cell is not a count (a whole number of at least 0), or the arguments do not fit the
        table. (A cell that no further hidden cell can protect is not an error: one of its line
        totals is withheld instead, listed in :attr:`Suppression.withheld`.)

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"country": ["DK", "DK", "SE", "SE"], "group": ["a", "b", "a", "b"],
    ...                      "count": [2, 9, 6, 11]})
    >>> s = suppress_small_cells(long, value="count", rows=["country"], columns=["group"])
    >>> s.status.tolist(), (s.n_primary, s.n_secondary)
    (['primary', 'secondary', 'secondary', 'secondary'], (1, 3))
    """
    _check_below(suppress_below)
    cells = _Cells(table, value, rows, columns)
    status = np.full(len(cells.values), "", dtype=object)
    primary = (cells.values >= 1) & (cells.values < suppress_below)
    status[primary] = PRIMARY
    withheld: set = set()
    added = _secondary(cells, status, suppress_below, withheld)
    log.debug(
        "suppressed %d primary and %d secondary cells of %d, withheld %d totals",
        primary.sum(),
        added,
        len(status),
        len(withheld),
    )
    return cells.result(status, suppress_below, withheld)


def hidden_cell_bounds(
    table: pd.DataFrame,
    status: pd.DataFrame | pd.Series,
    *,
    value: str | None = None,
    values=None,
    rows: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    suppress_below: int = SUPPRESS_BELOW,
    withheld: Sequence[dict] = (),
) -> pd.DataFrame:
    """The least and greatest value a reader can give each hidden cell: the solver check.

    The reader's knowledge is the module's model: the shown cells, every line total except one
    the rule hides, and the marks (a primary cell is an integer from 1 to
    ``suppress_below - 1``; a secondary one is 0 or at least ``suppress_below``; a cell hidden
    for a reason not given, ``True`` in a boolean ``status``, is at least 0). The bounds are
    found by mixed-integer programming (:func:`scipy.optimize.milp`), minimising and
    maximising the hidden part of each cell subject to the totals.

    Parameters
    ----------
    table : pandas.DataFrame
        As for :func:`suppress_small_cells`: a wide table, or a long one with ``rows`` and
        ``columns`` (every record is a cell). Hidden cells may be blank.
    status : pandas.DataFrame or pandas.Series
        ``"primary"``, ``"secondary"`` or ``""`` per cell (or booleans: True = hidden), shaped
        like the wide table or aligned with the long one's records.
    value : str, optional
        Long tables: the column of counts as published (blank where hidden). Without it (and
        without ``values``) every shown cell is taken to be non-zero, which may only make the
        check stricter.
    values : pandas.DataFrame or pandas.Series, optional
        The true counts (shaped like ``table``, or its value column), from which the totals the
        reader knows are formed. Without them only the pattern is checked: a hidden cell is
        disclosed if the totals determine it in every table with this pattern (linear algebra;
        ``min`` and ``max`` are then ``NaN``).
    suppress_below : int
    withheld : sequence of dict
        Line totals not published (:attr:`Suppression.withheld`); every other one is known.

    Returns
    -------
    pandas.DataFrame
        One row per hidden record: ``label`` (``(row, column)`` of a wide table, the index label
        of a long one), ``status``, ``min``, ``max`` (of the hidden part of its cell of the two-way
        table) and ``disclosed``.

    Examples
    --------
    A 2x2 table with one hidden cell: its row total minus the shown 7 gives the 3.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"a": [3, 7], "b": [10, 8]}, index=["x", "y"])
    >>> status = pd.DataFrame([["primary", ""], ["", ""]], index=t.index, columns=t.columns)
    >>> hidden_cell_bounds(t, status, values=t)[["label", "min", "max", "disclosed"]].to_numpy().tolist()
    [[('x', 'a'), 3.0, 3.0, True]]
    """
    _check_below(suppress_below)
    cells, state = _checked_cells(table, status, rows, columns, value if values is None else None)
    truth = None
    if values is not None:
        truth = _Cells(
            values
            if rows is None and columns is None
            else table.assign(**{"__n": pd.Series(values, index=table.index)}),
            None if rows is None and columns is None else "__n",
            rows,
            columns,
        ).values
        if len(truth) != len(cells.values):
            raise ValueError("values must hold a count for every cell of the table, hidden or not")
        cells.values = truth
    result = _bounds(cells, state, suppress_below, truth, cells.find_lines(withheld))
    out = []
    for i in np.flatnonzero(state != ""):
        low, high, disclosed = result[cells.cell[i]]
        out.append(
            {"label": cells.labels[i], "status": state[i], "min": low, "max": high, "disclosed": disclosed}
        )
    return pd.DataFrame(out, columns=["label", "status", "min", "max", "disclosed"])


def recoverable_cells(
    table: pd.DataFrame,
    suppressed: pd.DataFrame | pd.Series,
    *,
    value: str | None = None,
    values=None,
    rows: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    suppress_below: int = SUPPRESS_BELOW,
    withheld: Sequence[dict] = (),
) -> list:
    """The hidden cells a reader can work out exactly from the totals (:func:`hidden_cell_bounds`).

    Empty for a well-suppressed table. Without ``values`` only the pattern counts, so it can
    check a published table whose hidden cells are blank; with the true ``values`` the bounds
    the marks give are used too.

    Parameters
    ----------
    table, value, values, rows, columns, suppress_below, withheld
        As for :func:`hidden_cell_bounds`.
    suppressed : pandas.DataFrame or pandas.Series
        The status of every cell (``"primary"``, ``"secondary"``, ``""``), or True where hidden.

    Returns
    -------
    list
        ``(row label, column label)`` pairs for a wide table, index labels for a long one.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"a": [3, 7], "b": [10, 8]}, index=["x", "y"])
    >>> recoverable_cells(t, t.eq(3))
    [('x', 'a')]
    >>> recoverable_cells(t, t.notna())
    []
    """
    bounds = hidden_cell_bounds(
        table,
        suppressed,
        value=value,
        values=values,
        rows=rows,
        columns=columns,
        suppress_below=suppress_below,
        withheld=withheld,
    )
    return bounds.loc[bounds["disclosed"], "label"].tolist()


def _check_below(suppress_below) -> None:
    if (
        not isinstance(suppress_below, (int, np.integer))
        or isinstance(suppress_below, bool)
        or suppress_below < 1
    ):
        raise ValueError(f"suppress_below must be a whole number of at least 1, not {suppress_below!r}")


def _checked_cells(table, status, rows, columns, value) -> tuple[_Cells, np.ndarray]:
    """The cells of a published table (hidden ones blank or not) and their status as an array.

    A hidden cell's value is taken as 0 (unknown); a shown one as published, or as 1 (non-zero)
    if the long table's ``value`` column is not given.
    """
    long = rows is not None or columns is not None
    if long:
        state = pd.Series(status, index=table.index)
        hidden = state.map(
            lambda v: bool(v) and v is not False and not (not isinstance(v, str) and pd.isna(v))
        )
        shown = (
            pd.to_numeric(table[value], errors="coerce")
            if value is not None
            else pd.Series(1.0, index=table.index)
        )
        present = pd.DataFrame({"__n": shown.where(~hidden, 0).fillna(0)}, index=table.index)
        cells = _Cells(
            pd.concat([table[list(dict.fromkeys([*rows, *columns]))], present], axis=1), "__n", rows, columns
        )
        flat = [state.iloc[i] for i in cells.positions]
    else:
        state = pd.DataFrame(status).reindex_like(table)
        hidden = state.map(
            lambda v: bool(v) and v is not False and not (not isinstance(v, str) and pd.isna(v))
        )
        exists = table.notna() | hidden
        cells = _Cells(table.where(~hidden, 0).where(exists), None, None, None)
        flat = [state.iat[i, j] for i, j in cells.positions]
    out = np.full(len(flat), "", dtype=object)
    for k, v in enumerate(flat):
        if isinstance(v, str):
            if v not in ("", PRIMARY, SECONDARY):
                raise ValueError(f"cell {cells.labels[k]!r}: status {v!r} is not primary, secondary or empty")
            out[k] = v
        elif v is not None and not pd.isna(v) and bool(v):
            out[k] = HIDDEN
    return cells, out


class _Cells:
    """The records of a table as arrays (value, row line, column line, label), and the cells they fall in."""

    def __init__(self, table: pd.DataFrame, value: str | None, rows, columns):
        if value is None:
            if rows is not None or columns is not None:
                raise ValueError("rows and columns place the records of a long table: give value too")
            self.long, self.frame = False, table
            numbers = table.apply(pd.to_numeric, errors="coerce")
            bad = numbers.isna() & table.notna()
            if bad.to_numpy().any():
                i, j = np.argwhere(bad.to_numpy())[0]
                raise ValueError(
                    f"cell ({table.index[i]!r}, {table.columns[j]!r}): {table.iat[i, j]!r} is not a count"
                )
            arr = numbers.to_numpy(dtype=float)
            self.positions = [tuple(p) for p in np.argwhere(~np.isnan(arr))]
            self.values = np.array([arr[i, j] for i, j in self.positions], dtype=float)
            self.row_key = [i for i, _ in self.positions]
            self.col_key = [j for _, j in self.positions]
            self.labels = [(table.index[i], table.columns[j]) for i, j in self.positions]
            # A row of a one-column table is one cell, not a total of its own (likewise a column of one row).
            self.lines = {"row": table.shape[1] > 1, "col": table.shape[0] > 1}
            self.line_keys = {
                **{("row", i): {"label": table.index[i]} for i in set(self.row_key)},
                **{("col", j): {"label": table.columns[j]} for j in set(self.col_key)},
            }
        else:
            if not rows or not columns:
                raise ValueError("a long table needs rows and columns: the columns that place a record")
            missing = [c for c in [value, *rows, *columns] if c not in table.columns]
            if missing:
                raise ValueError(f"no such column in the table: {', '.join(map(str, missing))}")
            self.long, self.frame, self.value = True, table, value
            numbers = pd.to_numeric(table[value], errors="coerce")
            bad = numbers.isna() & table[value].notna()
            if bad.any():
                label = bad[bad].index[0]
                raise ValueError(f"record {label!r}, column {value}: {table[value][label]!r} is not a count")
            present = numbers.notna().to_numpy()
            self.positions = list(np.flatnonzero(present))
            self.values = numbers.to_numpy(dtype=float)[present]
            row_ids = table.groupby(list(rows), sort=False, observed=True, dropna=False).ngroup().to_numpy()
            col_ids = (
                table.groupby(list(columns), sort=False, observed=True, dropna=False).ngroup().to_numpy()
            )
            self.row_key = row_ids[present].tolist()
            self.col_key = col_ids[present].tolist()
            self.labels = [table.index[i] for i in self.positions]
            self.lines = {"row": True, "col": True}
            self.line_keys = {}
            for kind, keys, ids in (("row", rows, row_ids), ("col", columns, col_ids)):
                for pos in self.positions:
                    self.line_keys.setdefault(
                        (kind, int(ids[pos])), {c: _plain(table[c].iloc[pos]) for c in keys}
                    )
            self.row_key = [int(r) for r in self.row_key]
            self.col_key = [int(c) for c in self.col_key]
        negative = (self.values < 0) | (self.values != np.floor(self.values))
        if negative.any():
            k = int(np.flatnonzero(negative)[0])
            raise ValueError(
                f"cell {self.labels[k]!r}: {self.values[k]!r} is not a count (a whole number of at least 0)"
            )
        # Records sharing a row and a column are one cell of the two-way table: totals give their sum only.
        index: dict[tuple, int] = {}
        self.cell = np.array(
            [index.setdefault((r, c), len(index)) for r, c in zip(self.row_key, self.col_key)]
        )
        self.cell_lines = list(index)  # cell -> (row key, column key)
        self.records: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(self.cell):
            self.records[int(c)].append(i)

    def find_lines(self, withheld: Sequence[dict]) -> set:
        """The line nodes of withheld totals given as dicts (see :attr:`Suppression.withheld`)."""
        found = set()
        for entry in withheld:
            kind = {"row": "row", "column": "col"}.get(str(entry.get("line")))
            if kind is None:
                raise ValueError(f"withheld total {entry!r}: line must be 'row' or 'column'")
            want = {k: str(v) for k, v in entry.items() if k not in ("line", "reason")}
            match = [
                node
                for node, key in self.line_keys.items()
                if node[0] == kind and {k: str(v) for k, v in key.items()} == want
            ]
            if not match:
                raise ValueError(f"withheld total {entry!r}: no such {entry['line']} in the table")
            found.update(match)
        return found

    def describe(self, withheld: set, status: np.ndarray) -> tuple:
        """The withheld totals as dicts: those the algorithm chose, and those the small-count rule hides."""
        small = {
            node
            for pair in _ends(self, status, withheld, with_nodes=True)
            for node in pair
            if node[0] == "small"
        }
        out = []
        for node, reason in [*((n, SECONDARY) for n in withheld), *((n[1], PRIMARY) for n in small)]:
            out.append(
                {"line": "row" if node[0] == "row" else "column", **self.line_keys[node], "reason": reason}
            )
        return tuple(sorted(out, key=lambda d: (d["reason"] != PRIMARY, d["line"], str(list(d.values())))))

    def result(self, status: np.ndarray, suppress_below: int, withheld: set) -> Suppression:
        lines = self.describe(withheld, status)
        if not self.long:
            grid = pd.DataFrame("", index=self.frame.index, columns=self.frame.columns, dtype=object)
            for (i, j), s in zip(self.positions, status):
                grid.iat[i, j] = s
            masked = self.frame.apply(pd.to_numeric).astype("Int64").mask(grid.ne(""))
            return Suppression(masked, grid, suppress_below, None, lines)
        series = pd.Series("", index=self.frame.index, dtype=object, name="suppression")
        series.iloc[self.positions] = status
        masked = self.frame.copy()
        masked[self.value] = pd.to_numeric(self.frame[self.value]).astype("Int64").mask(series.ne(""))
        return Suppression(masked, series, suppress_below, self.value, lines)


def _plain(value):
    """A key value as JSON would hold it (numpy integers become int)."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value if isinstance(value, (int, float, str)) else str(value)


def _ends(cells: _Cells, status: np.ndarray, withheld: set, with_nodes: bool = False) -> list[tuple]:
    """Per cell of the two-way table, the nodes of its row and its column: the line, or _FREE.

    A line's total is known (an equation) unless it is withheld, or its only non-zero content
    is one primary record: then the total is a count from 1 to suppress_below - 1, which the
    rule hides too (``with_nodes``: ("small", line) instead of _FREE for those).
    """
    content: dict[tuple, list[int]] = defaultdict(list)
    for i, (r, c) in enumerate(zip(cells.row_key, cells.col_key)):
        if status[i] != "" or cells.values[i] != 0:
            content[("row", r)].append(i)
            content[("col", c)].append(i)

    def node(line):
        if not cells.lines[line[0]] or line in withheld:
            return _FREE
        held = content.get(line, [])
        if len(held) == 1 and status[held[0]] == PRIMARY:
            return ("small", line) if with_nodes else _FREE
        return line

    return [(node(("row", r)), node(("col", c))) for r, c in cells.cell_lines]


def _hidden_cells(cells: _Cells, status: np.ndarray) -> set[int]:
    return {int(cells.cell[i]) for i in np.flatnonzero(status != "")}


def _bridges(ends, hidden: set[int]) -> set[int]:
    """Hidden cells that line totals pin down by linear algebra: the bridges of the hidden cells' graph."""
    import networkx as nx

    G = nx.Graph()
    for c in hidden:
        u, v = ends[c]
        if u == v:  # both lines without a total: no equation involves it
            continue
        G.add_edge(u, ("cell", c))
        G.add_edge(("cell", c), v)
    out = set()
    for a, b in nx.bridges(G):
        for node in (a, b):
            if node[0] == "cell":
                out.add(node[1])
    return out


def _bounds(cells: _Cells, status: np.ndarray, below: int, truth: np.ndarray | None, withheld: set) -> dict:
    """Per hidden cell of the two-way table: (min, max, disclosed) of its hidden part."""
    ends = _ends(cells, status, withheld)
    hidden = sorted(_hidden_cells(cells, status))
    if truth is None:
        pinned = _bridges(ends, set(hidden))
        return {c: (np.nan, np.nan, c in pinned) for c in hidden}
    return _milp_bounds(cells, status, below, truth, ends, hidden)


def _milp_bounds(cells, status, below, truth, ends, hidden, pinned_only: bool = False) -> dict[int, tuple]:
    """(min, max, disclosed) of each hidden cell's hidden part, one mixed-integer programme per connected part.

    Hidden records are linked by the known line totals they share; each linked part is solved
    on its own. ``pinned_only``: stop at the maximum when it already exceeds the true value
    (the cell is not pinned; its minimum is then reported as NaN).
    """
    var = [int(i) for i in np.flatnonzero(status != "")]  # one variable per hidden record
    lines: dict[Hashable, list[int]] = defaultdict(list)
    for i in var:
        for node in ends[int(cells.cell[i])]:
            if node != _FREE:
                lines[node].append(i)
    parent = {i: i for i in var}

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for members in lines.values():
        for i in members[1:]:
            parent[root(i)] = root(members[0])
    for c in cells.records:  # records of one cell are solved together
        held = [i for i in cells.records[c] if i in parent]
        for i in held[1:]:
            parent[root(i)] = root(held[0])
    parts: dict[int, list[int]] = defaultdict(list)
    for i in var:
        parts[root(i)].append(i)
    out = {}
    for part in parts.values():
        members = set(part)
        part_lines = {node: ks for node, ks in lines.items() if ks[0] in members}
        part_cells = [c for c in hidden if cells.records[c] and any(i in members for i in cells.records[c])]
        out.update(_part_bounds(cells, status, below, truth, part, part_lines, part_cells, pinned_only))
    return out


def _part_bounds(cells, status, below, truth, var, lines, hidden, pinned_only) -> dict[int, tuple]:
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(var)
    position = {i: k for k, i in enumerate(var)}
    second = [k for k, i in enumerate(var) if status[i] == SECONDARY]
    big = float(truth.sum()) + below  # no cell exceeds the grand total
    size = n + len(second)  # x (counts), then z (is the secondary cell non-zero?)
    low, high = np.zeros(size), np.full(size, big)
    for k, i in enumerate(var):
        if status[i] == PRIMARY:
            low[k], high[k] = 1, below - 1
    high[n : n + len(second)] = 1
    rows, lb, ub = [], [], []
    for ks in lines.values():
        row = np.zeros(size)
        row[[position[i] for i in ks]] = 1
        total = float(sum(truth[i] for i in ks))  # the line total less its shown cells
        rows.append(row)
        lb.append(total)
        ub.append(total)
    for j, k in enumerate(second):  # x = 0 if z = 0, below <= x <= big if z = 1
        a = np.zeros(size)
        a[k], a[n + j] = 1, -below
        rows.append(a)
        lb.append(0)
        ub.append(np.inf)
        b = np.zeros(size)
        b[k], b[n + j] = 1, -big
        rows.append(b)
        lb.append(-np.inf)
        ub.append(0)
    constraints = LinearConstraint(np.array(rows), lb, ub) if rows else ()
    integrality, bounds = np.ones(size), Bounds(low, high)
    out, seen = {}, []  # seen: solutions found so far; one that moves a cell shows it is not pinned
    for c in hidden:
        ks = [position[i] for i in cells.records[c] if i in position]
        objective = np.zeros(size)
        objective[ks] = 1
        now = float(sum(truth[var[k]] for k in ks))
        if pinned_only and any(abs(x[ks].sum() - now) > 0.5 for x in seen):
            out[c] = (np.nan, np.nan, False)
            continue
        found = []
        for sign in (-1, 1):  # the maximum first
            res = milp(sign * objective, integrality=integrality, bounds=bounds, constraints=constraints)
            if not res.success:
                raise ValueError(
                    "the hidden cells and totals admit no solution: the values do not fit the table"
                )
            found.append(round(sign * res.fun, 6))
            seen.append(res.x)
            if pinned_only and found[0] > now:
                found.append(np.nan)
                break
        hi, lo = found
        trivial = below == 2 and all(status[var[k]] == PRIMARY for k in ks)
        out[c] = (lo, hi, bool(lo == hi) and not trivial)
    return out


def _secondary(cells: _Cells, status: np.ndarray, below: int, withheld: set) -> int:
    """Hide cells (or withhold totals) until no hidden cell has a single feasible value; return cells added."""
    import networkx as nx

    added = 0
    too_much = float(cells.values.sum()) + 1.0  # the cost of a zero: more than every count together
    while True:
        ends = _ends(cells, status, withheld)
        hidden = _hidden_cells(cells, status)
        determined, fresh_only = _bridges(ends, hidden), False
        if not determined:
            bounds = _milp_bounds(cells, status, below, cells.values, ends, sorted(hidden), pinned_only=True)
            determined, fresh_only = {c for c, (_, _, d) in bounds.items() if d}, True
        if not determined:
            return added
        d = min(determined)
        H = nx.Graph()
        for c, (u, v) in enumerate(ends):
            if c == d or u == v:
                continue
            shown = [i for i in cells.records[c] if status[i] == ""]
            if c in hidden and not (fresh_only and c in determined):
                w, pick = 0.0, None
            elif not shown:
                continue  # a cell all hidden already, pinned with d by the bounds: it cannot help
            else:
                pick = min(shown, key=lambda i: (cells.values[i] == 0, cells.values[i]))
                w = float(cells.values[pick]) if cells.values[pick] > 0 else too_much
            if not H.has_edge(u, v) or H[u][v]["w"] > w:
                H.add_edge(u, v, w=w, pick=pick)
        try:
            path = nx.dijkstra_path(H, *ends[d], weight="w")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            path = []
        new = [H[u][v]["pick"] for u, v in zip(path, path[1:]) if H[u][v]["pick"] is not None]
        if not new:
            withheld.add(_line_to_withhold(cells, ends[d]))
            continue
        for i in new:
            status[i] = SECONDARY
        added += len(new)


def _line_to_withhold(cells: _Cells, ends: tuple) -> Hashable:
    """No cycle of cells can protect a cell: withhold one of its line totals, the smaller one.

    Withholding only takes an equation away, so no cell becomes easier to work out.
    """
    known = [n for n in ends if n != _FREE]
    if not known:  # both totals withheld already, yet pinned by the marks alone (cannot happen for below > 2)
        raise ValueError("a hidden cell is pinned by its mark alone")

    def total(node):
        kind, key = node
        member = cells.row_key if kind == "row" else cells.col_key
        return float(sum(v for v, k in zip(cells.values, member) if k == key))

    return min(known, key=lambda n: (total(n), n[0] != "row"))
