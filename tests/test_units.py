"""The units two coders are compared on, built by hand from where their codings lie."""

from __future__ import annotations

import pandas as pd
import pytest

from impt_analysis.units import character_intervals, coders_by_document, coders_of, passages


def codings(rows):
    return pd.DataFrame(rows, columns=["interview_id", "code", "coder", "start", "end"])


def test_an_assigned_coder_counts_for_a_document_they_left_uncoded():
    c = codings([("I1", "x", "A", 0, 5), ("I2", "x", "A", 0, 5)])
    assigned = pd.DataFrame({"interview_id": ["I2"], "coder": ["B"]})
    assert coders_of(c, assigned) == {"I1": ["A"], "I2": ["A", "B"]}
    assert coders_by_document(c, assigned).values.tolist() == [["I1", "A", 1, False], ["I2", "A, B", 2, True]]
    with pytest.raises(ValueError, match=r"needs the columns interview_id and coder \(missing: coder\)"):
        coders_of(c, pd.DataFrame({"interview_id": ["I2"]}))


def test_character_intervals_cut_at_every_start_and_end():
    # A codes x on [0, 10); B codes x on [4, 6) and y on [8, 12); a coding of no length is left out;
    # [20, 22) in I2 is a stretch of its own.
    c = codings(
        [
            ("I1", "x", "A", 0, 10),
            ("I1", "x", "B", 4, 6),
            ("I1", "y", "B", 8, 12),
            ("I1", "z", "A", 3, 3),
            ("I2", "x", "A", 20, 22),
        ]
    )
    intervals, coded = character_intervals(c)
    assert intervals.values.tolist() == [
        ["I1", 0, 4, 4, 0],
        ["I1", 4, 6, 2, 0],
        ["I1", 6, 8, 2, 0],
        ["I1", 8, 10, 2, 0],
        ["I1", 10, 12, 2, 0],
        ["I2", 20, 22, 2, 1],
    ]
    assert coded.values.tolist() == [
        [0, "A", "x"],
        [1, "A", "x"],
        [1, "B", "x"],
        [2, "A", "x"],
        [3, "A", "x"],
        [3, "B", "y"],
        [4, "B", "y"],
        [5, "A", "x"],
    ]


def test_a_gap_starts_a_new_stretch():
    intervals, _ = character_intervals(codings([("I1", "x", "A", 0, 5), ("I1", "x", "B", 7, 9)]))
    assert intervals[["start", "end", "stretch"]].values.tolist() == [[0, 5, 0], [7, 9, 1]]


def test_passages_join_codings_that_overlap_enough():
    # [0, 10) and [2, 10): 8 of 10 shared -> one passage; [6, 16) shares 4 of 16 with [0, 10)
    # and 4 of 14 with [2, 10): not at overlap 0.5, but at 0.25 both pairs join (0.25, 0.29).
    c = codings([("I1", "x", "A", 0, 10), ("I1", "x", "B", 2, 10), ("I1", "y", "B", 6, 16)])
    assert passages(c)["passage"].tolist() == [1, 1, 2]
    assert passages(c, overlap=0.25)["passage"].tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="overlap must be greater than 0 and at most 1, not 0"):
        passages(c, overlap=0)
