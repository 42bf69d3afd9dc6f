"""Inter-coder agreement, checked against cases worked out by hand."""

from __future__ import annotations

import math

import pytest

from impt_analysis import agreement
from impt_analysis.agreement import double_coded

ACTORS = [{"actor_id": "DK-A", "country": "DK", "sector": "police", "level": "local", "kind": "organisation"},
          {"actor_id": "EE-A", "country": "EE", "sector": "ngo", "level": "local", "kind": "organisation"}]
X, Y = "cross_border", "good_practice"


def coding(segment, coder, code, interview="DK-I1"):
    n = int(segment[1:])
    return {"segment_id": segment, "interview_id": interview, "code": code, "coder": coder,
            "start": 10 * n, "end": 10 * n + 5}


# Two coders A and B on four segments of DK-I1; s5 is coded by A alone and is left out.
#   segment   A        B
#   s1        x        x
#   s2        x        x, y
#   s3        x        y
#   s4        y        y
TWO_CODERS = [coding("s1", "A", X), coding("s1", "B", X),
              coding("s2", "A", X), coding("s2", "B", X), coding("s2", "B", Y),
              coding("s3", "A", X), coding("s3", "B", Y),
              coding("s4", "A", Y), coding("s4", "B", Y),
              coding("s5", "A", X)]


def test_two_coders_per_code(build):
    table = agreement(build(ACTORS, codings=TWO_CODERS)).set_index("code")
    # Code x: A = (1, 1, 1, 0), B = (1, 1, 0, 0) on s1..s4.
    #   Agreement on s1, s2, s4: 3/4. P(A says 1) = 3/4, P(B says 1) = 1/2.
    #   Chance: 3/4 * 1/2 + 1/4 * 1/2 = 1/2, so kappa = (3/4 - 1/2) / (1 - 1/2) = 1/2.
    #   Alpha: coincidences o11 = 4 (s1, s2), o00 = 2 (s4), o10 = o01 = 1 (s3); n1 = 5, n0 = 3,
    #   n = 8: alpha = 1 - (n - 1) (o10 + o01) / (2 n1 n0) = 1 - 7 * 2 / 30 = 8/15.
    x = table.loc[X]
    assert (x["n_segments"], x["n_coded"], x["n_coders"]) == (4, 3, 2)
    assert x["percent_agreement"] == pytest.approx(3 / 4)
    assert x["cohen_kappa"] == pytest.approx(1 / 2)
    assert x["krippendorff_alpha"] == pytest.approx(8 / 15)
    # Code y: A = (0, 0, 0, 1), B = (0, 1, 1, 1).
    #   Agreement on s1, s4: 2/4. P(A 1) = 1/4, P(B 1) = 3/4; chance 1/4*3/4 + 3/4*1/4 = 3/8;
    #   kappa = (1/2 - 3/8) / (5/8) = 1/5.
    #   Alpha: o00 = 2 (s1), o11 = 2 (s4), o01 = o10 = 2 (s2, s3); n0 = n1 = 4, n = 8:
    #   alpha = 1 - 7 * 4 / (2 * 4 * 4) = 1/8.
    y = table.loc[Y]
    assert (y["n_segments"], y["n_coded"]) == (4, 3)
    assert y["percent_agreement"] == pytest.approx(1 / 2)
    assert y["cohen_kappa"] == pytest.approx(1 / 5)
    assert y["krippendorff_alpha"] == pytest.approx(1 / 8)


def test_two_coders_pooled(build):
    [row] = agreement(build(ACTORS, codings=TWO_CODERS), by=None).to_dict("records")
    # The 8 units (s1..s4 x {x, y}): A = (1,1,1,0, 0,0,0,1), B = (1,1,0,0, 0,1,1,1).
    #   Agreement 3 + 2 = 5 of 8. P(A 1) = 4/8, P(B 1) = 5/8; chance 1/2*5/8 + 1/2*3/8 = 1/2;
    #   kappa = (5/8 - 1/2) / (1/2) = 1/4.
    #   Alpha: o11 = 6 (s1x, s2x, s4y), o00 = 4 (s4x, s1y), o01 = o10 = 3 (s3x, s2y, s3y);
    #   n1 = 9, n0 = 7, n = 16: alpha = 1 - 15 * 6 / (2 * 9 * 7) = 2/7.
    assert (row["group"], row["n_segments"], row["n_coded"], row["n_coders"]) == ("all", 4, 6, 2)
    assert row["percent_agreement"] == pytest.approx(5 / 8)
    assert row["cohen_kappa"] == pytest.approx(1 / 4)
    assert row["krippendorff_alpha"] == pytest.approx(2 / 7)


def test_three_coders_with_a_missing_decision(build):
    # Code x on three segments; C did not code s2.
    #   s1: A x, B x, C x -> (1, 1, 1)
    #   s2: A x, B y      -> (1, 0, -)
    #   s3: A y, B y, C x -> (0, 0, 1)
    codings = [coding("s1", c, X) for c in "ABC"] + [coding("s2", "A", X), coding("s2", "B", Y),
                                                       coding("s3", "A", Y), coding("s3", "B", Y), coding("s3", "C", X)]
    x = agreement(build(ACTORS, codings=codings)).set_index("code").loc[X]
    # Pairs of coders agreeing: s1 3 of 3, s2 0 of 1, s3 1 of 3 (A-B): 4/7.
    # Alpha: each ordered pair in a unit of m values counts 1/(m - 1).
    #   s1: 6 pairs (1,1) / 2 -> o11 = 3; s2: o10 = o01 = 1;
    #   s3 (0,0,1): (0,0) x2, (0,1) x2, (1,0) x2, each / 2 -> o00 = 1, o01 = 1, o10 = 1.
    #   o11 = 3, o00 = 1, o01 = o10 = 2; n1 = 5, n0 = 3, n = 8: alpha = 1 - 7 * 4 / 30 = 1/15.
    assert (x["n_segments"], x["n_coders"]) == (3, 3)
    assert x["percent_agreement"] == pytest.approx(4 / 7)
    assert math.isnan(x["cohen_kappa"])  # Cohen's kappa is for two coders
    assert x["krippendorff_alpha"] == pytest.approx(1 / 15)


def test_by_country_and_undefined_measures(build):
    # In EE both coders apply x to the only double-coded segment: every decision is the same,
    # so chance explains all and kappa and alpha are undefined.
    codings = TWO_CODERS + [coding("s7", "A", X, "EE-I1"), coding("s7", "B", X, "EE-I1")]
    table = agreement(build(ACTORS, codings=codings), by="country").set_index("country")
    assert list(table.index) == ["DK", "EE"]
    assert table.loc["DK", "krippendorff_alpha"] == pytest.approx(2 / 7)  # as pooled above
    ee = table.loc["EE"]
    assert (ee["n_segments"], ee["n_coded"], ee["percent_agreement"]) == (1, 1, 1.0)
    assert math.isnan(ee["cohen_kappa"]) and math.isnan(ee["krippendorff_alpha"])


def test_no_double_coding_and_bad_by(build):
    study = build(ACTORS, codings=[coding("s1", "A", X)])
    assert agreement(study).empty
    assert double_coded(study).empty
    with pytest.raises(ValueError, match="by must be"):
        agreement(study, by="nonsense")


def test_demo_has_two_coders_on_about_a_fifth_of_segments(demo):
    twice = double_coded(demo)
    segments = demo.codings.drop_duplicates(["interview_id", "segment_id"])
    shared = twice.drop_duplicates(["interview_id", "segment_id"])
    assert set(twice["coder"]) == {"coder_1", "coder_2"}
    assert 0.1 < len(shared) / len(segments) < 0.3
    table = agreement(demo)
    assert (table["n_segments"] == len(shared)).all()
    assert table["percent_agreement"].between(0, 1).all()
    assert set(table["code"]) == set(twice["code"])
