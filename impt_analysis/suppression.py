"""Small-cell suppression: hide counts of 1 to 4, and the cells that would give them away.

The study's third aim was to make information on children at risk useful "without
threatening individual integrity". A published table that says one child was identified in a
country, or that one respondent of a sector named a barrier, can point at a person. This
module hides such counts in any two-way table of counts, for the public export
(:mod:`impt_analysis.publish`) and for the public report pages alike.

Method
------
*Primary suppression* hides every count from 1 to ``suppress_below - 1``. A zero is shown: it
points at no one.

*Secondary suppression* hides further cells, because a table shows (or lets anyone compute)
its row and column totals, and a hidden cell that is alone in its row can be worked out as the
total minus the rest. The usual rule, "every row and column with a hidden cell has at least
two", is needed but not enough: two blocks of hidden cells joined by one hidden cell satisfy it,
yet the joining cell follows from the totals of either block. The exact condition [1]_: draw
the table as a graph with a node per row and per column and an edge per hidden cell. The totals
are one equation per node, and a hidden cell can be worked out from them if and only if its
edge lies on no cycle of the graph, i.e. it is a *bridge*. A line with a single cell has no
total of its own (its total *is* the cell, and is hidden with it); its end of the edge goes to
one shared node that carries no equation.

While some hidden cell is a bridge, the cells of the cheapest path that closes a cycle through
it are hidden too. The path is found with Dijkstra's algorithm over all cells of the table: a
hidden cell costs nothing, a non-zero count costs its value, and a zero costs more than all
counts together, so the smallest non-zero cells are preferred (least information lost) and
zeros are used only when nothing else can protect a cell. Each round puts one more hidden
cell on a cycle and takes none off, so the loop ends; the result is stable.

What this does not do: a reader can still *bound* a hidden cell (it is at most the hidden
total of its row), only not recover it exactly; and only the row and column totals of the
table given are considered. Show every hidden cell with the same mark: marking the cells of
1 to 4 differently from the secondary ones lets a reader narrow them down (a row whose "<5" and
"x" cells hide 6 between them must hold 1 and 5).

References
----------
.. [1] Gusfield, D. (1988). A graph theoretic approach to statistical data security.
   *SIAM Journal on Computing* 17(3), 552-571. See also Cox, L. H. (1980). Suppression
   methodology and statistical disclosure control. *JASA* 75(370), 377-385.

Examples
--------
>>> import pandas as pd
>>> from impt_analysis.suppression import suppress_small_cells
>>> t = pd.DataFrame({"a": [3, 7, 12], "b": [10, 8, 40], "c": [20, 30, 50]}, index=["x", "y", "z"])
>>> s = suppress_small_cells(t)
>>> s.status.to_numpy().tolist()
[['primary', 'secondary', ''], ['secondary', 'secondary', ''], ['', '', '']]
>>> s.display()["a"].tolist()
['[c]', '[c]', '12']
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Sequence

import numpy as np
import pandas as pd

__all__ = ["Suppression", "suppress_small_cells", "recoverable_cells", "PRIMARY", "SECONDARY", "MARK"]

log = logging.getLogger(__name__)

PRIMARY = "primary"
SECONDARY = "secondary"
MARK = "[c]"
_FREE = ("free",)  # the node of lines with a single cell: it carries no equation


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
        or a Series aligned with the rows of a long one. Keep it for the record (how many
        cells, and why); never publish it.
    suppress_below : int
        Counts from 1 to ``suppress_below - 1`` were suppressed.
    value : str or None
        The count column of a long table; None for a wide one.
    """

    table: pd.DataFrame
    status: pd.DataFrame | pd.Series
    suppress_below: int
    value: str | None = None

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

    def display(self, mark: str = MARK) -> pd.DataFrame:
        """The table as text for publication: every hidden cell shows ``mark``.

        One mark for all hidden cells, on purpose (see the module's notes). A cell that is
        not a count (``NaN`` in a wide table) is shown empty.

        Examples
        --------
        >>> import pandas as pd
        >>> s = suppress_small_cells(pd.DataFrame({"n": [0, 3, 12, 40]}))
        >>> s.display()["n"].tolist()       # the total 55 would give the 3 away: 12 is hidden too
        ['0', '[c]', '[c]', '40']
        """
        def text(col: pd.Series, hidden: pd.Series) -> pd.Series:
            shown = col.astype("Int64").astype(str).where(col.notna(), "")
            return shown.where(~hidden, mark)

        if self.value is None:
            return pd.DataFrame({c: text(self.table[c], self.suppressed[c]) for c in self.table.columns},
                                index=self.table.index)
        out = self.table.copy()
        out[self.value] = text(self.table[self.value], self.suppressed)
        return out


def suppress_small_cells(table: pd.DataFrame, suppress_below: int = 5, *, value: str | None = None,
                         rows: Sequence[str] | None = None, columns: Sequence[str] | None = None) -> Suppression:
    """Hide counts from 1 to ``suppress_below - 1``, and the cells that would reveal them from totals.

    Parameters
    ----------
    table : pandas.DataFrame
        Either a *wide* table whose cells are counts (rows x columns, ``NaN`` for "no cell"),
        whose row and column totals may be published; or, with ``value``, a *long* table with
        one cell per record.
    suppress_below : int
        Counts from 1 to ``suppress_below - 1`` are hidden (primary suppression). 1 hides nothing.
    value : str, optional
        Long tables: the column holding the counts.
    rows, columns : sequence of str, optional
        Long tables: the columns that place a record in a row, and in a column, of the two-way
        table whose totals may be published. Records sharing the same ``rows`` values add up to
        one row total; likewise for ``columns``. For case counts,
        ``rows=["country", "year", "tier"]`` (a country's total per tier) and
        ``columns=["year", "tier", "child_group"]`` (the region's total per group).

    Returns
    -------
    Suppression
        The masked table, the status of every cell (primary, secondary or shown) and counts.

    Raises
    ------
    ValueError
        If a cell is not a count (a whole number of at least 0), the arguments do not fit the
        table, or a cell cannot be protected at all (its own row and column totals pin it: then
        those totals must be hidden too).

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"country": ["DK", "DK", "SE", "SE"], "group": ["a", "b", "a", "b"],
    ...                      "count": [2, 9, 6, 11]})
    >>> s = suppress_small_cells(long, value="count", rows=["country"], columns=["group"])
    >>> s.status.tolist(), (s.n_primary, s.n_secondary)
    (['primary', 'secondary', 'secondary', 'secondary'], (1, 3))
    """
    if not isinstance(suppress_below, (int, np.integer)) or isinstance(suppress_below, bool) or suppress_below < 1:
        raise ValueError(f"suppress_below must be a whole number of at least 1, not {suppress_below!r}")
    cells = _Cells(table, value, rows, columns)
    status = np.full(len(cells.values), "", dtype=object)
    primary = (cells.values >= 1) & (cells.values < suppress_below)
    status[primary] = PRIMARY
    hidden = set(np.flatnonzero(primary).tolist())
    for i in _secondary(cells, hidden):
        status[i] = SECONDARY
    log.debug("suppressed %d primary and %d secondary cells of %d", primary.sum(), (status == SECONDARY).sum(),
              len(status))
    return cells.result(status, suppress_below)


def recoverable_cells(table: pd.DataFrame, suppressed: pd.DataFrame | pd.Series, *,
                      rows: Sequence[str] | None = None, columns: Sequence[str] | None = None) -> list:
    """The hidden cells whose value follows exactly from the table's row and column totals.

    Empty for a well-suppressed table. Only the pattern matters, not the values, so it can
    check a published table whose hidden cells are blank.

    Parameters
    ----------
    table : pandas.DataFrame
        The wide table (a cell exists where it is hidden or holds a value), or the long table
        (every record is a cell; give ``rows`` and ``columns`` as for :func:`suppress_small_cells`).
    suppressed : pandas.DataFrame or pandas.Series
        True where a cell is hidden: a frame shaped like a wide table, or a Series aligned with
        the records of a long one.

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
    long = rows is not None or columns is not None
    if long:
        mask = pd.Series(suppressed, index=table.index).fillna(False).astype(bool)
        present = pd.DataFrame({"__n": 0}, index=table.index)
        cells = _Cells(pd.concat([table[list(dict.fromkeys([*rows, *columns]))], present], axis=1), "__n",
                       rows, columns)
        flags = mask.to_numpy()
    else:
        mask = pd.DataFrame(suppressed).reindex_like(table).fillna(False).astype(bool)
        exists = table.notna() | mask
        cells = _Cells(exists.astype(float).where(exists), None, None, None)
        flags = np.array([mask.iat[i, j] for i, j in cells.positions], dtype=bool)
    return [cells.labels[i] for i in sorted(_determined(cells, set(np.flatnonzero(flags).tolist())))]


class _Cells:
    """The cells of a table as arrays: value, row line, column line, position and label."""

    def __init__(self, table: pd.DataFrame, value: str | None, rows, columns):
        if value is None:
            if rows is not None or columns is not None:
                raise ValueError("rows and columns place the records of a long table: give value too")
            self.long, self.frame = False, table
            numbers = table.apply(pd.to_numeric, errors="coerce")
            bad = numbers.isna() & table.notna()
            if bad.to_numpy().any():
                i, j = np.argwhere(bad.to_numpy())[0]
                raise ValueError(f"cell ({table.index[i]!r}, {table.columns[j]!r}): {table.iat[i, j]!r} is not a count")
            arr = numbers.to_numpy(dtype=float)
            self.positions = [tuple(p) for p in np.argwhere(~np.isnan(arr))]
            self.values = np.array([arr[i, j] for i, j in self.positions], dtype=float)
            self.row_key = [i for i, _ in self.positions]
            self.col_key = [j for _, j in self.positions]
            self.labels = [(table.index[i], table.columns[j]) for i, j in self.positions]
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
            col_ids = table.groupby(list(columns), sort=False, observed=True, dropna=False).ngroup().to_numpy()
            self.row_key = row_ids[present].tolist()
            self.col_key = col_ids[present].tolist()
            self.labels = [table.index[i] for i in self.positions]
        negative = (self.values < 0) | (self.values != np.floor(self.values))
        if negative.any():
            k = int(np.flatnonzero(negative)[0])
            raise ValueError(f"cell {self.labels[k]!r}: {self.values[k]!r} is not a count (a whole number of at least 0)")
        row_size, col_size = Counter(self.row_key), Counter(self.col_key)
        self.ends: list[tuple[Hashable, Hashable]] = [
            (("row", r) if row_size[r] > 1 else _FREE, ("col", c) if col_size[c] > 1 else _FREE)
            for r, c in zip(self.row_key, self.col_key)
        ]

    def result(self, status: np.ndarray, suppress_below: int) -> Suppression:
        if not self.long:
            grid = pd.DataFrame("", index=self.frame.index, columns=self.frame.columns, dtype=object)
            for (i, j), s in zip(self.positions, status):
                grid.iat[i, j] = s
            masked = self.frame.apply(pd.to_numeric).astype("Int64").mask(grid.ne(""))
            return Suppression(masked, grid, suppress_below)
        series = pd.Series("", index=self.frame.index, dtype=object, name="suppressed")
        series.iloc[self.positions] = status
        masked = self.frame.copy()
        masked[self.value] = pd.to_numeric(self.frame[self.value]).astype("Int64").mask(series.ne(""))
        return Suppression(masked, series, suppress_below, self.value)


def _determined(cells: _Cells, hidden: set[int]) -> set[int]:
    """Hidden cells that row and column totals pin down: the bridges of the hidden cells' graph."""
    import networkx as nx

    G = nx.Graph()
    for i in hidden:
        u, v = cells.ends[i]
        if u == v:  # alone in its row and in its column: no total involves it
            continue
        G.add_edge(u, ("cell", i))
        G.add_edge(("cell", i), v)
    out = set()
    for a, b in nx.bridges(G):
        for node in (a, b):
            if node[0] == "cell":
                out.add(node[1])
    return out


def _secondary(cells: _Cells, hidden: set[int]) -> list[int]:
    """Hide cheapest cycle-closing paths until no hidden cell is a bridge; return the cells added."""
    import networkx as nx

    added: list[int] = []
    too_much = float(cells.values.sum()) + 1.0  # the cost of a zero: more than every count together
    while determined := _determined(cells, hidden):
        d = min(determined)
        H = nx.Graph()
        for j, (u, v) in enumerate(cells.ends):
            if j == d or u == v:
                continue
            w = 0.0 if j in hidden else (float(cells.values[j]) if cells.values[j] > 0 else too_much)
            if not H.has_edge(u, v) or H[u][v]["w"] > w:
                H.add_edge(u, v, w=w, cell=j)
        try:
            path = nx.dijkstra_path(H, *cells.ends[d], weight="w")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            raise ValueError(f"cell {cells.labels[d]!r} cannot be protected: its row and column totals pin it "
                             "down whatever else is hidden, so hide those totals too") from None
        for u, v in zip(path, path[1:]):
            j = H[u][v]["cell"]
            if j not in hidden:
                hidden.add(j)
                added.append(j)
    return added
