"""Small-cell suppression: hand-worked tables, and totals that never give a hidden cell away."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from impt_analysis.suppression import MARK, recoverable_cells, suppress_small_cells

P, S = "primary", "secondary"


def solvable_cells(values: np.ndarray, hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells of a wide table that its row and column totals determine, by linear algebra.

    The reader knows every shown cell and every total of a line holding two cells or more, so
    the hidden cells x satisfy A x = b. A cell is determined iff every solution agrees on it,
    i.e. the null space of A is zero at that cell. Independent of the module's graph method.
    """
    present = ~np.isnan(values)
    cells = [tuple(c) for c in np.argwhere(hidden & present)]
    if not cells:
        return []
    lines = []
    for i in range(values.shape[0]):
        if present[i].sum() > 1:
            lines.append([1.0 if c[0] == i else 0.0 for c in cells])
    for j in range(values.shape[1]):
        if present[:, j].sum() > 1:
            lines.append([1.0 if c[1] == j else 0.0 for c in cells])
    A = np.array(lines) if lines else np.zeros((1, len(cells)))
    _, sing, vt = np.linalg.svd(A)
    rank = int((sing > 1e-9).sum())
    null = vt[rank:]
    return [c for k, c in enumerate(cells) if null.shape[0] == 0 or np.all(np.abs(null[:, k]) < 1e-9)]


def test_hand_worked_rectangle():
    """3 at (x, a): the cheapest cycle through it is x-b (10), y-b (8), y-a (7): cost 25."""
    t = pd.DataFrame({"a": [3, 7, 12], "b": [10, 8, 40], "c": [20, 30, 50]}, index=["x", "y", "z"])
    s = suppress_small_cells(t)
    assert s.status.to_numpy().tolist() == [[P, S, ""], [S, S, ""], ["", "", ""]]
    assert (s.n_primary, s.n_secondary) == (1, 3)
    assert s.table["c"].tolist() == [20, 30, 50]
    assert s.table["a"].isna().tolist() == [True, True, False]
    assert t.loc["x", "a"] == 3  # the input is not changed


def test_smallest_non_zero_cells_are_preferred():
    """Paths x-b-z-a cost 50+5+9 = 64, cheaper than x-c-z-a (85), x-c-y-a (93), x-b-y-a (117)."""
    t = pd.DataFrame({"a": [2, 7, 9], "b": [50, 60, 5], "c": [6, 80, 70]}, index=["x", "y", "z"])
    s = suppress_small_cells(t)
    hidden = {(r, c) for r in t.index for c in t.columns if s.status.loc[r, c]}
    assert hidden == {("x", "a"), ("x", "b"), ("z", "b"), ("z", "a")}


def test_a_zero_is_used_only_when_nothing_else_protects():
    """Through the zero (x, b) the cycle would cost less, but zeros come last."""
    t = pd.DataFrame({"a": [3, 7], "b": [0, 8], "c": [6, 9]}, index=["x", "y"])
    s = suppress_small_cells(t)
    assert s.status.to_numpy().tolist() == [[P, "", S], [S, "", S]]
    only_zero = pd.DataFrame({"a": [3, 7], "b": [0, 8]}, index=["x", "y"])
    assert suppress_small_cells(only_zero).status.to_numpy().tolist() == [[P, S], [S, S]]


def test_one_column_table_hides_a_second_cell():
    """A single column: its total gives away a lone hidden cell, so the smallest other count goes too."""
    s = suppress_small_cells(pd.DataFrame({"n": [0, 3, 12, 40]}))
    assert s.status["n"].tolist() == ["", P, S, ""]
    assert s.display()["n"].tolist() == ["0", MARK, MARK, "40"]


def test_a_lone_cell_has_no_total_to_give_it_away():
    s = suppress_small_cells(pd.DataFrame({"n": [3]}))
    assert s.status["n"].tolist() == [P]
    assert s.n_secondary == 0


def test_degree_two_is_not_enough():
    """Two hidden 2x2 blocks joined by one hidden cell: every line has two hidden cells, yet the
    joining cell is row r1 + row r2 - column c1 - column c2 of the hidden part."""
    values = np.array([[3.0, 5, 2, 30], [6, 8, 40, 50], [20, 30, 9, 10], [60, 70, 11, 12]])
    t = pd.DataFrame(values, index=["r1", "r2", "r3", "r4"], columns=["c1", "c2", "c3", "c4"])
    hidden = pd.DataFrame(False, index=t.index, columns=t.columns)
    for r, c in [("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2"), ("r3", "c3"), ("r3", "c4"),
                 ("r4", "c3"), ("r4", "c4"), ("r1", "c3")]:
        hidden.loc[r, c] = True
    assert (hidden.sum(axis=1)[hidden.any(axis=1)] >= 2).all() and (hidden.sum()[hidden.any()] >= 2).all()
    assert recoverable_cells(t, hidden) == [("r1", "c3")]
    # solve for it as a reader would: the hidden part of rows r1, r2 minus that of columns c1, c2
    shown = t.where(~hidden, 0)
    hidden_part_rows = t.sum(axis=1) - shown.sum(axis=1)
    hidden_part_cols = t.sum() - shown.sum()
    recovered = hidden_part_rows[["r1", "r2"]].sum() - hidden_part_cols[["c1", "c2"]].sum()
    assert recovered == 2 == t.loc["r1", "c3"]
    assert solvable_cells(values, hidden.to_numpy()) == [(0, 2)]
    # the suppression itself protects that cell (it is a primary 2 here): nothing is solvable
    s = suppress_small_cells(t)
    assert recoverable_cells(t, s.suppressed) == []
    assert solvable_cells(values, s.suppressed.to_numpy()) == []


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_follows_from_the_totals(seed):
    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(1, 7, size=2))
    values = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40], size=shape).astype(float)
    if seed % 3 == 0:  # some tables have cells that do not exist
        values[rng.random(shape) < 0.2] = np.nan
    t = pd.DataFrame(values)
    try:
        s = suppress_small_cells(t)
    except ValueError as err:  # a cell whose own totals pin it: the caller must hide totals too
        assert "cannot be protected" in str(err)
        return
    hidden = s.suppressed.to_numpy()
    small = (values >= 1) & (values <= 4)
    assert (hidden[small]).all()
    assert s.status.to_numpy()[small].tolist() == [P] * int(small.sum())
    assert solvable_cells(values, hidden) == []
    assert recoverable_cells(t, s.suppressed) == []


def test_long_table_with_two_reports_in_one_cell():
    """Case counts: rows are a country's tier, columns the region's child group. DK has two
    sources for (identified, other); the cycle DK-other-SE-roma runs through the cheaper one."""
    cc = pd.DataFrame({
        "country": ["DK", "DK", "DK", "SE", "SE"],
        "tier": ["identified"] * 5,
        "child_group": ["other", "other", "roma", "other", "roma"],
        "source": ["police", "ngo", "police", "police", "police"],
        "count": [3, 30, 12, 8, 20],
    })
    s = suppress_small_cells(cc, value="count", rows=["country", "tier"], columns=["tier", "child_group"])
    # The 30 shares the 3's row and column, so hiding it alone closes a cycle (cost 30); the
    # other cycle, DK-roma (12), SE-roma (20), SE-other (8), would cost 40.
    assert s.status.tolist() == [P, S, "", "", ""]
    assert s.table["count"].isna().tolist() == [True, True, False, False, False]
    assert s.display()["count"].tolist() == [MARK, MARK, "12", "8", "20"]
    assert recoverable_cells(cc, s.suppressed, rows=["country", "tier"], columns=["tier", "child_group"]) == []


def test_a_cell_pinned_by_its_own_totals_is_refused():
    """Two blocks linked only by the 2: whatever else is hidden, r1 + r2 - a - b gives it."""
    t = pd.DataFrame({"a": [3, 6, None, None], "b": [5, 8, None, None], "c": [2, None, 9, 11],
                      "d": [None, None, 10, 12]}, index=["r1", "r2", "r3", "r4"])
    t.loc["r1", "a"] = 30
    with pytest.raises(ValueError, match="cannot be protected"):
        suppress_small_cells(t)


def test_nothing_hidden_below_one():
    s = suppress_small_cells(pd.DataFrame({"a": [1, 2], "b": [3, 4]}), suppress_below=1)
    assert not s.suppressed.to_numpy().any()


@pytest.mark.parametrize("table, message", [
    (pd.DataFrame({"a": [1, -2]}), "not a count"),
    (pd.DataFrame({"a": [1.5, 2]}), "not a count"),
    (pd.DataFrame({"a": ["x", 2]}), "not a count"),
])
def test_what_is_not_a_count_is_refused(table, message):
    with pytest.raises(ValueError, match=message):
        suppress_small_cells(table)


def test_bad_arguments_are_refused():
    t = pd.DataFrame({"g": ["a", "b"], "n": [1, 2]})
    with pytest.raises(ValueError, match="suppress_below"):
        suppress_small_cells(t[["n"]], suppress_below=0)
    with pytest.raises(ValueError, match="needs rows and columns"):
        suppress_small_cells(t, value="n")
    with pytest.raises(ValueError, match="no such column"):
        suppress_small_cells(t, value="n", rows=["g"], columns=["h"])
    with pytest.raises(ValueError, match="give value"):
        suppress_small_cells(t, rows=["g"], columns=["g"])
