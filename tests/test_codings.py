"""Code frequencies and co-occurrence of coded segments, worked out by hand."""

from __future__ import annotations

import pytest

from impt_analysis import code_cooccurrence, code_frequencies

ACTORS = [
    {
        "actor_id": "C",
        "country": "DK",
        "sector": "child_protection",
        "level": "local",
        "kind": "organisation",
    },
    {
        "actor_id": "N",
        "country": "DK",
        "sector": "government",
        "level": "national",
        "kind": "national_coordinator",
    },
    {"actor_id": "E", "country": "EE", "sector": "police", "level": "national", "kind": "organisation"},
]
INTERVIEWS = [
    {
        "interview_id": "I1",
        "country": "DK",
        "date": "2010-05-01",
        "sector": "child_protection",
        "level": "local",
        "actor_id": "C",
    },
    {
        "interview_id": "I2",
        "country": "DK",
        "date": "2010-05-02",
        "sector": "government",
        "level": "national",
        "actor_id": "N",
    },
    {
        "interview_id": "I3",
        "country": "EE",
        "date": "2010-05-03",
        "sector": "police",
        "level": "national",
        "actor_id": "E",
    },
]


def coding(segment, interview, code, coder, start, end):
    return {
        "segment_id": segment,
        "interview_id": interview,
        "code": code,
        "coder": coder,
        "start": start,
        "end": end,
        "excerpt": "x" * (end - start),
    }  # an excerpt spans its positions


CODINGS = [
    coding("S1", "I1", "national_coordination", "coder_a", 0, 50),
    coding("S1", "I1", "national_coordination", "coder_b", 0, 50),  # a second coder, same code
    coding("S1", "I1", "side_information", "coder_b", 0, 50),  # a second code on the same segment
    coding("S2", "I1", "side_information", "coder_a", 40, 80),  # overlaps S1 (40 < 50)
    coding("S3", "I1", "case_numbers", "coder_a", 80, 120),  # touches S2 at 80: no overlap
    coding("S4", "I2", "case_numbers", "coder_a", 0, 30),
    coding("S5", "I2", "national_coordination", "coder_a", 10, 20),  # inside S4
    coding("S6", "I3", "data_protection_rules", "coder_a", 0, 10),  # a barrier code
    coding("S7", "I3", "case_numbers", "coder_a", 100, 150),
]


@pytest.fixture
def study(build):
    return build(actors=ACTORS, interviews=INTERVIEWS, codings=CODINGS)


def test_code_frequencies(study):
    freq = code_frequencies(study)
    assert list(freq.columns) == [
        "code",
        "label",
        "category",
        "parent",
        "segments",
        "applications",
        "interviews",
        "coders",
    ]
    assert freq[["code", "segments", "applications", "interviews", "coders"]].values.tolist() == [
        ["case_numbers", 3, 3, 3, 1],
        ["national_coordination", 2, 3, 2, 2],
        ["side_information", 2, 2, 1, 2],
        ["data_protection_rules", 1, 1, 1, 1],
    ]
    labels = freq.set_index("code")
    assert labels.loc["national_coordination", ["label", "category", "parent"]].tolist() == [
        "National co-ordination",
        "code",
        "aspects",
    ]
    assert labels.loc["data_protection_rules", ["label", "category"]].tolist() == [
        "Data protection rules",
        "barrier",
    ]
    assert labels.loc["data_protection_rules", "parent"] is None


def test_code_frequencies_by_country_and_coder(study):
    by_country = code_frequencies(study, by="country")
    assert by_country[["country", "code", "segments"]].values.tolist() == [
        ["DK", "case_numbers", 2],
        ["DK", "national_coordination", 2],
        ["DK", "side_information", 2],
        ["EE", "case_numbers", 1],
        ["EE", "data_protection_rules", 1],
    ]
    by_coder = code_frequencies(study, by="coder")
    assert by_coder[["coder", "code", "segments"]].values.tolist() == [
        ["coder_a", "case_numbers", 3],
        ["coder_a", "national_coordination", 2],
        ["coder_a", "data_protection_rules", 1],
        ["coder_a", "side_information", 1],
        ["coder_b", "national_coordination", 1],
        ["coder_b", "side_information", 1],
    ]
    by_level = code_frequencies(study, by="level").set_index(["level", "code"])["interviews"]
    assert by_level[("national", "case_numbers")] == 2
    with pytest.raises(ValueError, match="by must be one of"):
        code_frequencies(study, by="excerpt")


def test_code_cooccurrence_counts_same_and_overlapping_segments(study):
    matrix = code_cooccurrence(study)
    codes = ["case_numbers", "data_protection_rules", "national_coordination", "side_information"]
    assert list(matrix.index) == codes and list(matrix.columns) == codes
    assert matrix.index.name == "code"
    # national_coordination x side_information: S1 itself (both codes) and the pair S1-S2.
    # case_numbers x national_coordination: the pair S4-S5. S2-S3 only touch.
    assert matrix.values.tolist() == [
        [3, 0, 1, 0],
        [0, 1, 0, 0],
        [1, 0, 2, 2],
        [0, 0, 2, 2],
    ]


def test_code_cooccurrence_of_one_coder(study):
    a = code_cooccurrence(study, coder="coder_a")
    assert a.loc["national_coordination", "side_information"] == 1  # only the pair S1-S2
    assert a.loc["side_information", "side_information"] == 1
    b = code_cooccurrence(study, coder="coder_b")
    assert b.values.tolist() == [[1, 1], [1, 1]]
    with pytest.raises(ValueError, match="no codings by coder 'coder_z'"):
        code_cooccurrence(study, coder="coder_z")


def test_demo(demo):
    freq = code_frequencies(demo)
    assert freq["applications"].sum() == len(demo.codings)
    assert freq["label"].notna().all()
    matrix = code_cooccurrence(demo)
    assert (matrix.values == matrix.values.T).all()
    # Each demo segment has one span, so the diagonal is the number of segments per code.
    segments = freq.set_index("code")["segments"]
    assert {code: int(matrix.loc[code, code]) for code in matrix.index} == segments.to_dict()
