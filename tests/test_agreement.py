"""Inter-coder agreement by position in the text, checked against cases worked out by hand."""

from __future__ import annotations

import math
import zipfile

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from impt_analysis import agreement
from impt_analysis.agreement import coded_documents, disagreements, reliability
from impt_analysis.units import character_intervals, passages

ACTORS = [
    {"actor_id": "DK-A", "country": "DK", "sector": "police", "level": "local", "kind": "organisation"},
    {"actor_id": "EE-A", "country": "EE", "sector": "ngo", "level": "local", "kind": "organisation"},
]
X, Y, Z = "cross_border", "good_practice", "case_numbers"
TEXT = "".join(chr(ord("a") + i % 26) for i in range(400))  # the interviews' text, for excerpts
_ids = iter(range(1, 10_000))


def coding(coder, code, start, end, interview="DK-I1", segment=None):
    """One coding; by default its own segment, as NVivo writes one selection per coding."""
    return {
        "segment_id": segment or f"s{next(_ids)}",
        "interview_id": interview,
        "code": code,
        "coder": coder,
        "start": start,
        "end": end,
        "excerpt": TEXT[start:end],
    }


def passage_level(study, by="code", **kw):
    return agreement(study, by, level="passage", n_boot=0, **kw)


# --- the four passages of issue 17 ------------------------------------------------------------
# Coder A codes four passages (10 characters each) with x; B codes the first two with x and
# leaves the other two uncoded (or codes them with y).
FOUR = [(0, 10), (20, 30), (40, 50), (60, 70)]


def four_passages(build, other=None):
    codings = [coding("A", X, a, b) for a, b in FOUR] + [coding("B", X, a, b) for a, b in FOUR[:2]]
    if other:
        codings += [coding("B", other, a, b) for a, b in FOUR[2:]]
    return build(ACTORS, codings=codings)


@pytest.mark.parametrize("other", [None, Y])
def test_four_passages_two_agreements_two_disagreements(build, other):
    row = passage_level(four_passages(build, other)).set_index("code").loc[X]
    # A = (1, 1, 1, 1), B = (1, 1, 0, 0): 2 of 4 agree.
    # Kappa: P(A 1) = 1, P(B 1) = 1/2, chance 1 * 1/2 + 0 = 1/2 = observed: 0.
    # Alpha: o11 = 2 + 2 (passages 1, 2), o01 = o10 = 2 (passages 3, 4); n1 = 6, n0 = 2, n = 8:
    #   1 - (n - 1) o01 / (n0 n1) = 1 - 7 * 2 / 12 = -1/6.
    assert (row["n_documents"], row["n_coders"], row["n_units"], row["n_coded"]) == (1, 2, 4, 4)
    assert row["percent_agreement"] == pytest.approx(0.5)
    assert row["cohen_kappa"] == pytest.approx(0.0)
    assert row["krippendorff_alpha"] == pytest.approx(-1 / 6)
    assert round(row["krippendorff_alpha"], 3) == -0.167 and row["reliability"] == "unreliable"


def test_four_passages_by_character(build):
    row = agreement(four_passages(build), level="character", n_boot=0).set_index("code").loc[X]
    # 40 characters, 20 agreeing, as many disagreeing: percent 1/2, kappa 0; alpha with the
    # characters as units: o11 = 40, o01 = 20, n1 = 60, n0 = 20, n = 80: 1 - 79 * 20 / 1200.
    assert (row["n_units"], row["n_coded"]) == (40, 40)
    assert row["percent_agreement"] == pytest.approx(0.5) and row["cohen_kappa"] == pytest.approx(0)
    assert row["krippendorff_alpha"] == pytest.approx(1 - 79 * 20 / 1200)


def test_the_disagreements_of_the_four_passages(build):
    table = disagreements(four_passages(build, Y), X)
    assert table[["passage", "passage_start", "passage_end"]].drop_duplicates().values.tolist() == [
        [3, 40, 50],
        [4, 60, 70],
    ]
    third = table[table["passage"] == 3].set_index("coder")
    assert third["applied"].to_dict() == {"A": True, "B": False}
    assert third["spans"].to_dict() == {"A": "40-50", "B": "40-50"}
    assert third["other_codes"].to_dict() == {"A": "", "B": Y}
    assert third.loc["A", "excerpt"] == TEXT[40:50]
    # Left uncoded by B: its row says so with no span.
    uncoded = disagreements(four_passages(build), X).set_index(["passage", "coder"])
    assert uncoded.loc[(4, "B"), ["applied", "spans", "excerpt"]].tolist() == [False, "", ""]
    # Every code: y is a disagreement on the same two passages.
    assert set(disagreements(four_passages(build, Y))["code"]) == {X, Y}
    with pytest.raises(ValueError, match="not a code of the codebook"):
        disagreements(four_passages(build), "no_such_code")


# --- shifted spans -------------------------------------------------------------------------
def shifted(build):
    # A codes x on [0, 100), B on [20, 120); both code y on [200, 250).
    return build(
        ACTORS,
        codings=[
            coding("A", X, 0, 100),
            coding("B", X, 20, 120),
            coding("A", Y, 200, 250),
            coding("B", Y, 200, 250),
        ],
    )


def test_shifted_but_overlapping_spans_by_character(build):
    row = agreement(shifted(build), n_boot=0).set_index("code").loc[X]
    # Characters coded: [0, 120) and [200, 250), 170. For x: [0, 20) A only, [20, 100) both,
    # [100, 120) B only, [200, 250) neither. Agree on 80 + 50 = 130 of 170.
    # Kappa: joint (1,1) 80, (0,0) 50, (1,0) 20, (0,1) 20; P(A 1) = P(B 1) = 100/170;
    #   chance (100^2 + 70^2) / 170^2 = 14900/28900, observed 22100/28900: kappa 7200/14000.
    # Alpha: o11 = 160, o00 = 100, o01 = 40; n1 = 200, n0 = 140, n = 340: 1 - 339 * 40 / 28000.
    assert (row["n_units"], row["n_coded"]) == (170, 120)
    assert row["percent_agreement"] == pytest.approx(13 / 17)
    assert row["cohen_kappa"] == pytest.approx(7200 / 14000)
    assert row["krippendorff_alpha"] == pytest.approx(1 - 339 * 40 / 28000)


def test_shifted_spans_by_passage_and_the_overlap_threshold(build):
    # [0, 100) and [20, 120) share 80 of 120 characters (2/3): one passage at the default 0.5.
    row = passage_level(shifted(build)).set_index("code").loc[X]
    # Passages: x (1, 1), y (0, 0): all agree; alpha = 1 - 3 * 0 / (2 * 2) = 1.
    assert (row["n_units"], row["percent_agreement"], row["krippendorff_alpha"]) == (2, 1.0, 1.0)
    assert row["reliability"] == "reliable"
    # With 0.7, A's and B's spans are two passages: x (1, 0), (0, 1), and (0, 0) on y's:
    #   1 of 3 agree; o01 = 2, o00 = 2, n0 = 4, n1 = 2, n = 6: alpha = 1 - 5 * 2 / 8 = -1/4.
    row = passage_level(shifted(build), overlap=0.7).set_index("code").loc[X]
    assert (row["n_units"], row["percent_agreement"]) == (3, pytest.approx(1 / 3))
    assert row["krippendorff_alpha"] == pytest.approx(-1 / 4)
    with pytest.raises(ValueError, match="overlap must be"):
        passage_level(shifted(build), overlap=0)


def test_passages_and_intervals_by_hand():
    codings = pd.DataFrame(
        [
            coding("A", X, 0, 100),
            coding("B", X, 20, 120),
            coding("B", Y, 30, 40),
            coding("A", Y, 200, 250),
            coding("A", Z, 5, 5),
        ]
    )
    # [30, 40) shares 10 of 100 with [0, 100): a passage of its own; the empty coding is left out.
    assert passages(codings)["passage"].tolist() == [1, 1, 2, 3]
    intervals, coded = character_intervals(codings)
    assert intervals[["start", "end", "stretch"]].values.tolist() == [
        [0, 20, 0],
        [20, 30, 0],
        [30, 40, 0],
        [40, 100, 0],
        [100, 120, 0],
        [200, 250, 1],
    ]
    assert coded[coded["interval"] == 2][["coder", "code"]].values.tolist() == [["A", X], ["B", X], ["B", Y]]


# --- which documents count ---------------------------------------------------------------------
def test_a_document_only_one_coder_coded_is_reported_not_compared(build):
    extra = [coding("A", X, 0, 50, interview="EE-I1"), coding("A", Y, 60, 80, interview="EE-I1")]
    study = build(ACTORS, codings=[c for c in shifted(build).codings.to_dict("records")] + extra)
    documents = coded_documents(study)
    assert documents.values.tolist() == [["DK-I1", "A, B", 2, True], ["EE-I1", "A", 1, False]]
    table = agreement(study, n_boot=0)
    # EE-I1 changes nothing: the numbers of the shifted case.
    assert table.set_index("code").loc[X, "krippendorff_alpha"] == pytest.approx(1 - 339 * 40 / 28000)
    assert (table["n_documents"] == 1).all()
    assert "1 coded by one coder only is not compared: EE-I1" in table.attrs["note"]


def test_a_coder_listed_for_a_document_counts_there(build):
    study = build(
        ACTORS,
        codings=[coding("A", X, 0, 10), coding("A", X, 20, 30), coding("B", X, 0, 10, interview="EE-I1")],
    )
    assert agreement(study).empty
    assert "No interview was coded by two or more coders" in agreement(study).attrs["note"]
    listed = pd.DataFrame({"interview_id": ["DK-I1"], "coder": ["B"]})
    row = passage_level(study, assigned=listed).iloc[0]
    # B read DK-I1 and coded nothing: two disagreements, percent 0, alpha undefined-free:
    #   o01 = 2, n0 = n1 = 2, n = 4: 1 - 3 * 2 / 4 = -1/2.
    assert (row["n_documents"], row["n_units"], row["percent_agreement"]) == (1, 2, 0.0)
    assert row["krippendorff_alpha"] == pytest.approx(-0.5)


def test_one_coder_only(build):
    table = agreement(build(ACTORS, codings=[coding("A", X, 0, 10)]))
    assert table.empty and list(table.columns)[0] == "code"
    assert table.attrs["note"] == "Only one coder coded this study: there is no agreement to measure."


# --- three coders ------------------------------------------------------------------------------
def test_three_coders(build):
    # Passages: P1 A x, B x, C x; P2 A x, B x (C coded the interview, not there); P3 A y, B y, C x.
    codings = [coding(c, X, 0, 10) for c in "ABC"] + [
        coding("A", X, 20, 30),
        coding("B", X, 20, 30),
        coding("A", Y, 40, 50),
        coding("B", Y, 40, 50),
        coding("C", X, 40, 50),
    ]
    row = passage_level(build(ACTORS, codings=codings)).set_index("code").loc[X]
    # Pairs agreeing: P1 3 of 3, P2 1 of 3, P3 1 of 3: 5/9.
    # Alpha: P1 o11 = 3 * 2 / 2 = 3; P2 (1, 1, 0): o11 = 1, o01 = 1; P3 (0, 0, 1): o00 = 1, o01 = 1.
    #   o11 = 4, o00 = 1, o01 = 2; n1 = 6, n0 = 3, n = 9: 1 - 8 * 2 / 18 = 1/9.
    assert (row["n_coders"], row["n_units"]) == (3, 3)
    assert row["percent_agreement"] == pytest.approx(5 / 9)
    assert math.isnan(row["cohen_kappa"])  # Cohen's kappa is for two coders
    assert row["krippendorff_alpha"] == pytest.approx(1 / 9)
    import krippendorff

    data = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1]], dtype=float)  # coders x passages
    assert row["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )


# --- against an independent computation --------------------------------------------------------
def _by_hand(codings: pd.DataFrame, code: str):
    """Character by character: each document's coded characters, every coder of it 0 or 1."""
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    coders = sorted(set(codings["coder"]))
    columns = []
    for _, doc in codings.groupby("interview_id"):
        if doc["coder"].nunique() < 2:
            continue
        for ch in range(int(doc["end"].max())):
            here = doc[(doc["start"] <= ch) & (ch < doc["end"])]
            if len(here):
                columns.append(
                    [
                        float(((here["coder"] == c) & (here["code"] == code)).any())
                        if c in set(doc["coder"])
                        else np.nan
                        for c in coders
                    ]
                )
    data = np.array(columns).T
    agree = pairs = 0
    for u in data.T:
        v = u[~np.isnan(u)]
        for i in range(len(v)):
            for j in range(i + 1, len(v)):
                pairs += 1
                agree += v[i] == v[j]
    alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    kappa = cohen_kappa_score(data[0], data[1]) if len(coders) == 2 else float("nan")
    return agree / pairs, kappa, alpha


def test_character_level_equals_a_count_character_by_character(build):
    rng = np.random.default_rng(7)
    codings = []
    for interview in ("DK-I1", "EE-I1"):
        for coder in ("A", "B"):
            for _ in range(6):
                start = int(rng.integers(0, 150))
                codings.append(
                    coding(
                        coder,
                        [X, Y, Z][int(rng.integers(0, 3))],
                        start,
                        start + int(rng.integers(5, 40)),
                        interview=interview,
                    )
                )
    study = build(ACTORS, codings=codings)
    table = agreement(study, n_boot=0).set_index("code")
    for code in table.index:
        percent, kappa, alpha = _by_hand(study.codings, code)
        assert table.loc[code, "percent_agreement"] == pytest.approx(percent), code
        assert table.loc[code, "cohen_kappa"] == pytest.approx(kappa), code
        assert table.loc[code, "krippendorff_alpha"] == pytest.approx(alpha), code


# --- pooled, by country, the bootstrap ----------------------------------------------------------
def test_pooled_and_by_country(build):
    study = four_passages(build, Y)
    [row] = passage_level(study, by=None).to_dict("records")
    # (passage, code) pairs: x A 1111 B 1100; y A 0000 B 0011: 4 of 8 agree.
    #   o11 = 4, o00 = 4, o01 = 4; n1 = n0 = 8, n = 16: alpha = 1 - 15 * 4 / 64 = 1/16.
    #   Kappa: joint (1,1) 2, (1,0) 2, (0,0) 2, (0,1) 2: chance 1/2 = observed: 0.
    assert (row["group"], row["n_units"], row["n_coded"]) == ("all", 4, 4)
    assert row["percent_agreement"] == pytest.approx(0.5) and row["cohen_kappa"] == pytest.approx(0)
    assert row["krippendorff_alpha"] == pytest.approx(1 / 16)
    per_country = passage_level(study, by="country")
    assert per_country["country"].tolist() == ["DK"]
    assert per_country["krippendorff_alpha"].iloc[0] == pytest.approx(1 / 16)
    with pytest.raises(ValueError, match="by must be"):
        agreement(study, by="nonsense")
    with pytest.raises(ValueError, match="level must be"):
        agreement(study, level="word")


def test_the_bootstrap_interval_is_seeded(demo):
    a = agreement(demo, n_boot=200, seed=3)
    b = agreement(demo, n_boot=200, seed=3)
    c = agreement(demo, n_boot=200, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["alpha_low"].equals(c["alpha_low"])
    defined = a.dropna(subset=["alpha_low"])
    assert len(defined) and (defined["alpha_low"] <= defined["alpha_high"]).all()
    inside = (defined["alpha_low"] <= defined["krippendorff_alpha"] + 1e-9) & (
        defined["krippendorff_alpha"] <= defined["alpha_high"] + 1e-9
    )
    assert inside.mean() > 0.8


def test_reliability_in_words():
    # Compared to three decimals, as shown: .7996 is shown .800.
    assert [reliability(a) for a in (0.800, 0.7996, 0.7994, 0.667, 0.6664, float("nan"))] == [
        "reliable",
        "reliable",
        "tentative",
        "tentative",
        "unreliable",
        "undefined",
    ]


def test_a_public_export_says_it_cannot_answer(demo, tmp_path):
    from impt_analysis import load_study
    from impt_analysis.privacy.publish import export_public

    public = load_study(export_public(demo, tmp_path / "public", key=b"k" * 32).path)
    for call in (agreement, disagreements, coded_documents):
        with pytest.raises(ValueError, match="groups of interviews, not documents"):
            call(public)


# --- a multi-coder project in NVivo's layout ---------------------------------------------------
def G(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


SOURCE_TEXT = [
    "We call the police. The school tells us. Nobody else.",
    "The NGO rings us weekly. We write to the ministry.",
]
# (source, start, end, code guid, user guid): one selection per coding, as NVivo writes them.
NVIVO_CODINGS = [
    (0, 0, 19, 11, 1),
    (0, 0, 19, 11, 2),  # "We call the police." both: Data protection
    (0, 20, 40, 12, 1),
    (0, 20, 40, 11, 2),  # "The school tells us." A Reporting duty, B Data protection
    (0, 41, 53, 11, 1),  # "Nobody else." A only
    (1, 0, 24, 12, 1),
    (1, 2, 24, 12, 2),  # "The NGO rings us weekly." both Reporting duty, B shifted
    (1, 25, 50, 11, 2),  # "We write to the ministry." B only
]


def nvivo_project(path):
    codes = (
        f'<Code guid="{G(10)}" name="Barriers" isCodable="false">'
        f'<Code guid="{G(11)}" name="Data protection" isCodable="true"/>'
        f'<Code guid="{G(12)}" name="Reporting duty" isCodable="true"/></Code>'
    )
    selections = {0: "", 1: ""}
    for n, (src, start, end, code, user) in enumerate(NVIVO_CODINGS):
        selections[src] += (
            f'<PlainTextSelection guid="{G(4000 + n)}" startPosition="{start}" endPosition="{end}" '
            f'creatingUser="{G(user)}"><Coding guid="{G(5000 + n)}" creatingUser="{G(user)}">'
            f'<CodeRef targetGUID="{G(code)}"/></Coding></PlainTextSelection>'
        )
    sources = "".join(
        f'<TextSource guid="{G(3000 + s)}" name="Interview {s + 1}" plainTextPath="internal://s{s}.txt">'
        f"{selections[s]}</TextSource>"
        for s in (0, 1)
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Two users" '
        f'origin="NVivo 14.24.0"><Users><User guid="{G(1)}" name="coder_a"/><User guid="{G(2)}" name="coder_b"/>'
        f"</Users><CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{sources}</Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for s, text in enumerate(SOURCE_TEXT):
            archive.writestr(f"sources/s{s}.txt", text)
    return path


@pytest.fixture
def nvivo(tmp_path):
    from impt_analysis.interop.refi_qda import read_qdpx

    return read_qdpx(
        nvivo_project(tmp_path / "nvivo.qdpx"),
        mapping={
            "defaults": {"country": "DK", "date": "2010-06-01", "sector": "government", "level": "national"}
        },
    )


def test_a_two_user_nvivo_project_gives_the_hand_count(nvivo):
    assert nvivo.codings.groupby("segment_id")["coder"].nunique().max() == 1  # no shared segment
    table = passage_level(nvivo).set_index("code")
    assert set(table.index) == {"data_protection", "reporting_duty"} and (table["n_documents"] == 2).all()
    # Passages: I1 p1 [0,19) p2 [20,40) p3 [41,53); I2 p1 [0,24) and [2,24) (22 of 24 shared),
    # p2 [25,50). Data protection: A 1 0 1 0 0, B 1 1 0 0 1: agree on p1, I2 p1: 2 of 5.
    #   o11 = 2, o00 = 2, o01 = 3; n1 = 5, n0 = 5, n = 10: alpha = 1 - 9 * 3 / 25 = -2/25.
    # Reporting duty: A 0 1 0 1 0, B 0 0 0 1 0: 4 of 5.
    #   o11 = 2, o00 = 6, o01 = 1; n1 = 3, n0 = 7: alpha = 1 - 9 * 1 / 21 = 4/7.
    dp, leg = table.loc["data_protection"], table.loc["reporting_duty"]
    assert (dp["n_units"], dp["n_coded"], dp["percent_agreement"]) == (5, 4, pytest.approx(2 / 5))
    assert dp["krippendorff_alpha"] == pytest.approx(-2 / 25)
    assert leg["percent_agreement"] == pytest.approx(4 / 5) and leg["krippendorff_alpha"] == pytest.approx(
        4 / 7
    )
    spans = disagreements(nvivo, "data_protection")
    assert spans[spans["coder"] == "coder_b"]["excerpt"].tolist() == [
        "The school tells us.",
        "",
        "We write to the ministry.",
    ]


# --- the command --------------------------------------------------------------------------------
def _write(study, folder):
    from impt_analysis.study import write_study

    write_study(study, folder)
    return str(folder)


def test_the_command_prints_a_table(nvivo, tmp_path):
    from impt_analysis.cli import main

    result = CliRunner().invoke(
        main, ["agreement", "--data", _write(nvivo, tmp_path / "s"), "--level", "passage", "--boot", "100"]
    )
    assert result.exit_code == 0, result.output
    assert "data_protection" in result.output and "unreliable" in result.output
    assert "Empty DataFrame" not in result.output
    assert "2 of 2 coded interviews were coded by two or more coders and compared" in result.output
    out = tmp_path / "a.csv"
    result = CliRunner().invoke(main, ["agreement", "--data", str(tmp_path / "s"), "--out", str(out)])
    assert result.exit_code == 0 and pd.read_csv(out)["code"].tolist() == [
        "data_protection",
        "reporting_duty",
    ]


def test_the_command_on_one_coder_says_so_in_one_sentence(build, tmp_path):
    from impt_analysis.cli import main

    folder = _write(build(ACTORS, codings=[coding("A", X, 0, 10)]), tmp_path / "s")
    result = CliRunner().invoke(main, ["agreement", "--data", folder])
    assert result.exit_code == 0
    assert result.output.strip() == "Only one coder coded this study: there is no agreement to measure."


# --- the explorer's agreement tab ---------------------------------------------------------------
def test_the_explorer_shows_where_they_disagree(build, demo, tmp_path):
    from impt_analysis.reporting.explore import Explorer

    pane = Explorer(four_passages(build, Y)).open_tab("Agreement").agreement_pane.value
    # x and y on passages 3 and 4: four disagreements, each coder's spans and excerpts shown.
    assert "<b>Where they disagree</b>: 4 passages" in pane and TEXT[40:50] in pane and "Alpha" in pane
    assert "Empty DataFrame" not in pane
    import dataclasses

    study = four_passages(build)
    public = dataclasses.replace(
        study, codings=study.codings.drop(columns="excerpt"), meta={"impt:public": True}
    )
    pane = Explorer(public).open_tab("Agreement").agreement_pane.value
    assert "groups of interviews, not documents" in pane and TEXT[:10] not in pane


def test_the_command_takes_the_coders_listed_for_an_interview(build, tmp_path):
    from impt_analysis.cli import main

    study = build(
        ACTORS,
        codings=[coding("A", X, 0, 10), coding("A", X, 20, 30), coding("B", X, 0, 10, interview="EE-I1")],
    )
    folder = _write(study, tmp_path / "s")
    (tmp_path / "listed.csv").write_text("interview_id,coder\nDK-I1,B\n")
    result = CliRunner().invoke(
        main,
        ["agreement", "--data", folder, "--level", "passage", "--assigned", str(tmp_path / "listed.csv")],
    )
    assert result.exit_code == 0, result.output
    assert (
        "1 of 2 coded interviews was coded by two or more coders" in result.output
        and "-0.500" in result.output
    )
    (tmp_path / "bad.csv").write_text("interview_id,coder\nDK-I9,B\n")
    result = CliRunner().invoke(
        main, ["agreement", "--data", folder, "--assigned", str(tmp_path / "bad.csv")]
    )
    assert (
        result.exit_code == 1
        and "row 2, column interview_id" in result.output
        and "Traceback" not in result.output
    )


def test_the_command_on_a_public_export_says_why_it_cannot_answer(demo, tmp_path):
    from impt_analysis.cli import main
    from impt_analysis.privacy.publish import export_public

    out = export_public(demo, tmp_path / "public", key=b"k" * 32).path
    result = CliRunner().invoke(main, ["agreement", "--data", str(out)])
    assert result.exit_code == 1 and "not documents" in result.output and "Traceback" not in result.output


def test_a_coder_name_with_a_comma(build):
    # NVivo user names are free text: "Smith, J" is one coder, not two.
    codings = [coding("Smith, J", X, a, b) for a, b in FOUR] + [coding("B", X, a, b) for a, b in FOUR[:2]]
    row = passage_level(build(ACTORS, codings=codings)).iloc[0]
    assert (row["n_coders"], row["percent_agreement"]) == (2, 0.5)
    assert set(disagreements(build(ACTORS, codings=codings))["coder"]) == {"Smith, J", "B"}
