"""Small-cell suppression: hand-worked tables, the solver check, and totals that never give a hidden cell away."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impt_analysis.privacy.suppression import (
    SECONDARY_MARK,
    hidden_cell_bounds,
    primary_mark,
    recoverable_cells,
    suppress_small_cells,
)

P, S = "primary", "secondary"


def grid(rows, index=None, columns=None):
    index = index or ["x", "y", "z"][: len(rows)]
    columns = columns or ["a", "b", "c"][: len(rows[0])]
    return pd.DataFrame(rows, index=index, columns=columns)


# --- the solver on tables worked out by hand -------------------------------------------------------------


def test_a_2x2_table_with_one_hidden_cell_is_solved():
    """Row x totals 13, and 10 is shown: the 3 is 13 - 10."""
    t = grid([[3, 10], [7, 8]])
    status = grid([[P, ""], ["", ""]])
    b = hidden_cell_bounds(t, status, values=t)
    assert b[["label", "min", "max", "disclosed"]].to_numpy().tolist() == [[("x", "a"), 3.0, 3.0, True]]
    assert recoverable_cells(t, status, values=t) == [("x", "a")]
    assert recoverable_cells(t.where(status.eq("")), status) == [
        ("x", "a")
    ]  # the pattern alone gives it away


def test_a_row_with_a_single_hidden_cell_gives_it_away():
    """Two hidden cells, but row y holds only one: y's total less 8 gives the 5, then column a the 3."""
    t = grid([[3, 10, 20], [5, 8, 30]])
    status = grid([[P, S, ""], [S, "", ""]])
    assert sorted(recoverable_cells(t, status, values=t)) == [("x", "a"), ("x", "b"), ("y", "a")]


def test_a_cycle_of_four_hidden_cells_is_not_solved():
    """Hidden sums: row x 13, row y 15, column a 10, column b 18. With a = (x, a) from 1 to 4:
    (x, b) = 13 - a, (y, a) = 10 - a, (y, b) = 5 + a, all secondary (0 or at least 5): a is 1 to 4."""
    t = grid([[3, 10, 20], [7, 8, 30], [12, 40, 50]])
    status = grid([[P, S, ""], [S, S, ""], ["", "", ""]])
    b = hidden_cell_bounds(t, status, values=t).set_index("label")
    assert b.loc[[("x", "a"), ("x", "b"), ("y", "a"), ("y", "b")], ["min", "max"]].to_numpy().tolist() == [
        [1, 4],
        [9, 12],
        [6, 9],
        [6, 9],
    ]
    assert not b["disclosed"].any()
    assert recoverable_cells(t.where(status.eq("")), status) == []


def test_a_cell_hidden_for_a_reason_not_given_is_at_least_zero():
    """The same cycle, the marks not told (True where hidden): with a = (x, a) from 0 to 10,
    (x, b) = 13 - a, (y, a) = 10 - a, (y, b) = 5 + a."""
    t = grid([[3, 10, 20], [7, 8, 30], [12, 40, 50]])
    hidden = grid([[True, True, False], [True, True, False], [False, False, False]])
    b = hidden_cell_bounds(t, hidden, values=t)
    assert b[["status", "min", "max"]].to_numpy().tolist() == [
        ["hidden", 0, 10],
        ["hidden", 3, 13],
        ["hidden", 0, 10],
        ["hidden", 5, 15],
    ]


def test_a_line_of_one_cell_gives_it_away_by_its_total():
    """The flaw of the earlier model. SE has one figure, 9, and DK's b is the only one of its column:
    their totals are the cells. Hiding them with DK's 3 made a "cycle" through lines with no
    total, yet SE's total gives the 9, column b's the 20, then column a's the 3."""
    long = pd.DataFrame({"country": ["DK", "DK", "SE"], "group": ["a", "b", "a"], "n": [3, 20, 9]})
    how = dict(rows=["country"], columns=["group"])
    earlier = pd.Series([P, S, S])
    assert recoverable_cells(long, earlier, values=long["n"], **how) == [0, 1, 2]


def test_a_small_total_is_not_a_published_total():
    """DE's only figure is a 3 and DK's a 4: their totals are small counts themselves, published
    nowhere. The reader has column a (12), column b (10) and SE (15): with t = DE's cell,
    (SE, a) = 12 - t, (SE, b) = 3 + t, at least 5 as a secondary cell, so t >= 2, and DK's
    = 7 - t, at most 4, so t >= 3: DE's is 3 or 4, and so on. Nothing is pinned."""
    long = pd.DataFrame(
        {"country": ["DE", "SE", "SE", "DK"], "group": ["a", "a", "b", "b"], "n": [3, 9, 6, 4]}
    )
    status = pd.Series([P, S, S, P])
    b = hidden_cell_bounds(long, status, values=long["n"], rows=["country"], columns=["group"])
    assert b[["label", "min", "max"]].to_numpy().tolist() == [[0, 3, 4], [1, 8, 9], [2, 6, 7], [3, 3, 4]]
    assert not b["disclosed"].any()


def test_the_marks_bound_a_cycle():
    """Two primary 4s in row x: its hidden part is 8, and a primary cell is at most 4, so both are 4
    and then the rest. Linear algebra alone (the pattern) sees a cycle and no disclosure."""
    t = grid([[4, 4, 20], [9, 8, 30], [12, 40, 50]])
    status = grid([[P, P, ""], [S, S, ""], ["", "", ""]])
    b = hidden_cell_bounds(t, status, values=t)
    assert b["disclosed"].all() and b["min"].tolist() == b["max"].tolist() == [4, 4, 9, 8]
    assert recoverable_cells(t.where(status.eq("")), status) == []
    s = suppress_small_cells(t)
    assert s.status.loc["x", ["a", "b"]].tolist() == [P, P]
    assert recoverable_cells(t, s.status, values=t, withheld=s.withheld) == []


def test_a_hidden_zero_cannot_move_down():
    """Row x hides 3 + 0 = 3 in all; the 0 is secondary, so 0 or at least 5: it is 0, the 3 is 3."""
    t = grid([[3, 0], [7, 8]])
    status = grid([[P, S], [S, S]])
    assert hidden_cell_bounds(t, status, values=t)["disclosed"].tolist() == [True] * 4
    s = suppress_small_cells(t)
    assert recoverable_cells(t, s.status, values=t, withheld=s.withheld) == []


def test_two_records_in_one_cell_do_not_protect_each_other():
    """Two sources for DK's (identified, other): the totals give their sum only, so hiding the 30
    beside the 3 leaves the cell's hidden part, 33, pinned by row DK (45 - 12) and column other."""
    cc = pd.DataFrame(
        {
            "country": ["DK", "DK", "DK", "SE", "SE"],
            "tier": "identified",
            "child_group": ["other", "other", "roma", "other", "roma"],
            "source": ["police", "ngo", "police", "police", "police"],
            "count": [3, 30, 12, 8, 20],
        }
    )
    how = dict(rows=["country", "tier"], columns=["tier", "child_group"])
    assert recoverable_cells(cc, pd.Series([P, S, "", "", ""]), values=cc["count"], **how) == [0, 1]
    s = suppress_small_cells(cc, value="count", **how)
    # the cycle DK-other, DK-roma (12), SE-roma (20), SE-other (8) is the one that protects
    assert s.status.tolist() == [P, "", S, S, S]
    assert s.display()["count"].tolist() == ["<5", "30", SECONDARY_MARK, SECONDARY_MARK, SECONDARY_MARK]
    assert recoverable_cells(cc, s.status, values=cc["count"], withheld=s.withheld, **how) == []
    assert s.withheld == ()


def test_totals_are_withheld_when_no_cell_can_protect():
    """DK's 3 shares its row with a column of one cell (20, known by its total) and its column with
    SE's only figure (9): no cycle of cells exists. Column a's total (12) is withheld first, then
    DK's (23); nothing else is hidden."""
    long = pd.DataFrame({"country": ["DK", "DK", "SE"], "group": ["a", "b", "a"], "n": [3, 20, 9]})
    how = dict(rows=["country"], columns=["group"])
    s = suppress_small_cells(long, value="n", **how)
    assert s.status.tolist() == [P, "", ""]
    assert s.withheld == (
        {"line": "column", "group": "a", "reason": S},
        {"line": "row", "country": "DK", "reason": S},
    )
    assert recoverable_cells(long, s.status, values=long["n"], withheld=s.withheld, **how) == []
    assert recoverable_cells(long, s.status, values=long["n"], **how) == [0]  # publish them, and the 3 is out


# --- suppress_small_cells on hand-worked tables ----------------------------------------------------------


def test_hand_worked_rectangle():
    """3 at (x, a): the cheapest cycle through it is x-b (10), y-b (8), y-a (7): cost 25."""
    t = grid([[3, 10, 20], [7, 8, 30], [12, 40, 50]])
    s = suppress_small_cells(t)
    assert s.status.to_numpy().tolist() == [[P, S, ""], [S, S, ""], ["", "", ""]]
    assert (s.n_primary, s.n_secondary) == (1, 3)
    assert s.table["c"].tolist() == [20, 30, 50]
    assert s.table["a"].isna().tolist() == [True, True, False]
    assert t.loc["x", "a"] == 3  # the input is not changed


def test_primary_and_secondary_marks_differ_and_zeros_show():
    t = grid([[3, 10, 0], [7, 8, 0], [12, 40, 0]])
    shown = suppress_small_cells(t).display()
    assert shown.to_numpy().tolist() == [
        ["<5", "suppressed", "0"],
        ["suppressed", "suppressed", "0"],
        ["12", "40", "0"],
    ]
    assert suppress_small_cells(t, 3).display()["a"].tolist() == ["3", "7", "12"]
    assert primary_mark(10) == "<10"
    s = suppress_small_cells(t, 10)
    shown = s.display(primary="·", secondary="x")
    assert set(shown.where(s.status.eq(P)).stack()) == {"·"} and set(shown.where(s.status.eq(S)).stack()) == {
        "x"
    }


def test_smallest_non_zero_cells_are_preferred():
    """Paths x-b-z-a cost 50+5+9 = 64, cheaper than x-c-z-a (85), x-c-y-a (93), x-b-y-a (117)."""
    t = grid([[2, 50, 6], [7, 60, 80], [9, 5, 70]])
    s = suppress_small_cells(t)
    hidden = {(r, c) for r in t.index for c in t.columns if s.status.loc[r, c]}
    assert hidden == {("x", "a"), ("x", "b"), ("z", "b"), ("z", "a")}


def test_one_column_table_hides_a_second_cell():
    """A single column: its total gives away a lone hidden cell, so the smallest other count goes too.
    The rows of a one-column table are cells, not totals: hiding the 12 is enough."""
    s = suppress_small_cells(pd.DataFrame({"n": [0, 3, 12, 40]}))
    assert s.status["n"].tolist() == ["", P, S, ""]
    assert s.display()["n"].tolist() == ["0", "<5", "suppressed", "40"]


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
    for r, c in [
        ("r1", "c1"),
        ("r1", "c2"),
        ("r2", "c1"),
        ("r2", "c2"),
        ("r3", "c3"),
        ("r3", "c4"),
        ("r4", "c3"),
        ("r4", "c4"),
        ("r1", "c3"),
    ]:
        hidden.loc[r, c] = True
    assert recoverable_cells(t, hidden) == [("r1", "c3")]
    shown = t.where(~hidden, 0)
    recovered = (t.sum(axis=1) - shown.sum(axis=1))[["r1", "r2"]].sum() - (t.sum() - shown.sum())[
        ["c1", "c2"]
    ].sum()
    assert recovered == 2 == t.loc["r1", "c3"]
    s = suppress_small_cells(t)
    assert recoverable_cells(t, s.status, values=t, withheld=s.withheld) == []


def test_nothing_hidden_below_one():
    s = suppress_small_cells(pd.DataFrame({"a": [1, 2], "b": [3, 4]}), suppress_below=1)
    assert not s.suppressed.to_numpy().any()


@pytest.mark.parametrize(
    "table, message",
    [
        (pd.DataFrame({"a": [1, -2]}), "not a count"),
        (pd.DataFrame({"a": [1.5, 2]}), "not a count"),
        (pd.DataFrame({"a": ["x", 2]}), "not a count"),
    ],
)
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
    with pytest.raises(ValueError, match="status 'maybe'"):
        hidden_cell_bounds(t[["n"]], pd.DataFrame({"n": ["maybe", ""]}))
    with pytest.raises(ValueError, match="no such row"):
        recoverable_cells(
            t, pd.Series([P, ""]), rows=["g"], columns=["g"], withheld=[{"line": "row", "g": "z"}]
        )


# --- the property: after suppression no hidden cell has a single feasible value ---------------------------

COUNTS = st.sampled_from([np.nan, 0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40])


@st.composite
def wide_tables(draw):
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    return pd.DataFrame(
        np.array(draw(st.lists(COUNTS, min_size=rows * cols, max_size=rows * cols)), dtype=float).reshape(
            rows, cols
        )
    )


@st.composite
def long_tables(draw):
    """Case counts: a row per (country, tier), a column per (tier, group), two sources possible."""
    records = draw(
        st.lists(
            st.tuples(
                st.sampled_from("ABCD"),
                st.sampled_from("st"),
                st.sampled_from("pqr"),
                st.sampled_from("uv"),
                COUNTS.filter(lambda v: v == v),
            ),
            min_size=1,
            max_size=16,
            unique_by=lambda r: r[:4],
        )
    )
    return pd.DataFrame(records, columns=["country", "tier", "group", "source", "n"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wide_tables(), st.sampled_from([3, 5]))
def test_no_hidden_cell_of_a_wide_table_is_solvable(t, below):
    s = suppress_small_cells(t, below)
    values, status = t.to_numpy(), s.status.to_numpy()
    small = (values >= 1) & (values < below)
    assert (status[small] == P).all() and not (status[~small] == P).any()
    kept = (status == "") & ~np.isnan(values)
    assert (s.table.astype(float).to_numpy()[kept] == values[kept]).all()
    assert recoverable_cells(t, s.status, values=t, withheld=s.withheld, suppress_below=below) == []
    assert recoverable_cells(t.where(status == ""), s.status, withheld=s.withheld, suppress_below=below) == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_tables())
def test_no_hidden_cell_of_a_long_table_is_solvable(cc):
    how = dict(rows=["country", "tier"], columns=["tier", "group"])
    s = suppress_small_cells(cc, value="n", **how)
    assert (s.status.eq(P) == cc["n"].between(1, 4)).all()
    assert recoverable_cells(cc, s.status, values=cc["n"], withheld=s.withheld, **how) == []
    assert recoverable_cells(s.table, s.status, value="n", withheld=s.withheld, **how) == []


def test_the_demo_case_counts():
    """The demo's 8 small case counts: after suppression none follows from the totals not withheld."""
    from impt_analysis import load_study
    from impt_analysis.privacy.deidentify import CASE_COUNT_MARGINS

    cc = load_study().case_counts.astype({"tier": str, "child_group": str})
    s = suppress_small_cells(cc, value="count", **CASE_COUNT_MARGINS)
    assert s.n_primary == int(cc["count"].between(1, 4).sum()) == 8
    assert (
        recoverable_cells(cc, s.status, values=cc["count"], withheld=s.withheld, **CASE_COUNT_MARGINS) == []
    )
    reasons = {w["reason"] for w in s.withheld}
    assert reasons <= {P, S}
    # DK's only identified figure is a 4: its total is small, withheld by the rule itself
    assert {"line": "row", "country": "DK", "year": 2009, "tier": "identified", "reason": P} in s.withheld


# --- an independent check of the solver: every completion of small tables, by search -------------------


def completions(values: np.ndarray, status: np.ndarray, below: int, withheld=()):
    """Per hidden cell, every value it takes in some completion a reader cannot rule out.

    The reader's model, written out again: every row and column total is known unless it is
    withheld, or the line's only non-zero entry is a single primary cell; a primary cell is 1 to
    below - 1, a secondary one 0 or at least below (up to the grand total plus below, the
    solver's own bound); a one-row table has no column totals of its own, nor a one-column
    table row totals.
    """
    n_rows, n_cols = values.shape
    hidden = [tuple(c) for c in np.argwhere(status != "")]
    cap = int(values.sum()) + below

    def known(kind, k):
        if (kind == "row" and n_cols == 1) or (kind == "col" and n_rows == 1) or (kind, k) in withheld:
            return False
        line = [(k, j) for j in range(n_cols)] if kind == "row" else [(i, k) for i in range(n_rows)]
        content = [c for c in line if status[c] != "" or values[c] != 0]
        return not (len(content) == 1 and status[content[0]] == P)

    lines = [
        [c for c in hidden if (c[0] if kind == "row" else c[1]) == k]
        for kind, size in (("row", n_rows), ("col", n_cols))
        for k in range(size)
        if known(kind, k)
    ]
    lines = [(line, int(sum(values[c] for c in line))) for line in lines if line]
    domain = {c: range(1, below) if status[c] == P else [0, *range(below, cap + 1)] for c in hidden}
    seen = {c: set() for c in hidden}
    value = {}

    def search(k):
        for line, total in lines:
            assigned = [value[c] for c in line if c in value]
            if sum(assigned) > total or (len(assigned) == len(line) and sum(assigned) != total):
                return
        if k == len(hidden):
            for c in hidden:
                seen[c].add(value[c])
            return
        for v in domain[hidden[k]]:
            value[hidden[k]] = v
            search(k + 1)
        del value[hidden[k]]

    search(0)
    return seen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 3),
    st.integers(1, 3),
    st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9]), min_size=9, max_size=9),
    st.lists(st.booleans(), min_size=9, max_size=9),
)
def test_the_solver_agrees_with_every_completion(n_rows, n_cols, cells, hide):
    """On random small tables and hidden patterns, the solver's least and greatest values are
    those of the search over every completion."""
    values = np.array(cells[: n_rows * n_cols], dtype=float).reshape(n_rows, n_cols)
    small = (values >= 1) & (values < 5)
    hidden = small | np.array(hide[: n_rows * n_cols]).reshape(n_rows, n_cols)
    status = np.where(small, P, np.where(hidden, S, ""))
    if not hidden.any():
        return
    seen = completions(values, status, 5)
    b = hidden_cell_bounds(pd.DataFrame(values), pd.DataFrame(status), values=pd.DataFrame(values))
    for label, low, high in b[["label", "min", "max"]].itertuples(index=False):
        assert (low, high) == (min(seen[label]), max(seen[label])), label


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 2),
    st.integers(1, 3),
    st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9]), min_size=6, max_size=6),
)
def test_no_completion_search_pins_a_cell_after_suppression(n_rows, n_cols, cells):
    values = np.array(cells[: n_rows * n_cols], dtype=float).reshape(n_rows, n_cols)
    s = suppress_small_cells(pd.DataFrame(values))
    withheld = {("row" if w["line"] == "row" else "col", w["label"]) for w in s.withheld if w["reason"] == S}
    seen = completions(values, s.status.to_numpy(), 5, withheld)
    assert all(len(v) > 1 for v in seen.values()), seen
