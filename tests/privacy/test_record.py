"""The disclosure record: its JSON form is what datapackage.json holds, and a malformed one is refused."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest

from impt_analysis.privacy.record import (
    DisclosureRecord,
    FrameCodes,
    GeneralisedCountry,
    GeneratedColumns,
    InterviewCounts,
    LinkageResult,
    SuppressedCells,
    Withheld,
    shown_count,
)


def hand_record(**changes) -> DisclosureRecord:
    """DK: 6 published, sectors grouped, levels hidden; SE: 5 published, 2 suppressed (shown "<5")."""
    record = DisclosureRecord(
        k=5,
        suppress_below=5,
        quasi_identifiers=("country", "year", "sector", "level"),
        rows_pooled=True,
        interviews=InterviewCounts(published=11, suppressed="<5"),
        rows_removed_with_suppressed_interviews={"knowledge": 3, "flows": 2, "barriers": 0, "codings": 4},
        generalisation=(
            GeneralisedCountry("DK", 6, "group", "any", 0, 6),
            GeneralisedCountry("SE", 5, "exact", "exact", "<5", 5),
        ),
        k_reached=5,
        withheld=Withheld({"case_counts": 1, "knowledge": 0, "flows": 1, "barriers": 0}, 2, 3, 1),
        removed_columns={"interviews.date": 11, "interviews.notes": 4},
        generated_columns=GeneratedColumns(actor_names=7, item_labels=3),
        frame_codes=FrameCodes(),
        pseudonyms={"actor": 7, "interview": 11, "item": 3, "group": 3},
        rows_merged_in_groups={"knowledge": 2, "barriers": 1},
        suppressed_cells={
            "case_counts": SuppressedCells(cells=8, suppressed=4, primary=2, secondary=2),
            "barrier_counts": SuppressedCells(cells=30, suppressed=4, primary=4, secondary=0),
        },
        withheld_totals={"case_counts": 1, "barrier_counts": 0},
    )
    return replace(record, **changes)


HAND_JSON = {
    "k": 5,
    "suppress_below": 5,
    "quasi_identifiers": ["country", "year", "sector", "level"],
    "rows_pooled": True,
    "interviews": {"published": 11, "suppressed": "<5"},
    "rows_removed_with_suppressed_interviews": {"knowledge": 3, "flows": 2, "barriers": 0, "codings": 4},
    "generalisation": [
        {"country": "DK", "interviews": 6, "sector": "group", "level": "any", "suppressed": 0, "k": 6},
        {"country": "SE", "interviews": 5, "sector": "exact", "level": "exact", "suppressed": "<5", "k": 5},
    ],
    "k_reached": 5,
    "withheld": {
        "rows_removed_pointing_at_withheld_countries": {
            "case_counts": 1,
            "knowledge": 0,
            "flows": 1,
            "barriers": 0,
        },
        "links_emptied_pointing_at_withheld_countries": 2,
        "actors": 3,
        "items": 1,
    },
    "removed_columns": {"interviews.date": 11, "interviews.notes": 4},
    "generated_columns": {"actors.name": 7, "items.label": 3},
    "frame_codes": {"pseudonymised": 0, "dropped": 0},
    "pseudonyms": {"actor": 7, "interview": 11, "item": 3, "group": 3},
    "rows_merged_in_groups": {"knowledge": 2, "barriers": 1},
    "suppressed_cells": {
        "case_counts": {"cells": 8, "suppressed": 4, "primary": 2, "secondary": 2},
        "barrier_counts": {"cells": 30, "suppressed": 4, "primary": 4, "secondary": 0},
    },
    "withheld_totals": {"case_counts": 1, "barrier_counts": 0},
}


def test_the_json_form_has_every_key_in_order():
    out = hand_record().to_json()
    assert out == HAND_JSON
    assert json.dumps(out) == json.dumps(HAND_JSON)  # the same order, key by key
    assert hand_record().groups == 3


def test_linkage_is_written_only_once_measured():
    assert "linkage" not in hand_record().to_json()
    record = hand_record(linkage=(LinkageResult("sector", 11, 4, 9),))
    out = record.to_json()
    assert list(out)[-1] == "linkage"
    assert out["linkage"] == [
        {"attribute": "sector", "interviews": 11, "attack_correct": 4, "baseline_correct": 9}
    ]
    assert hand_record(linkage=()).to_json()["linkage"] == []


@pytest.mark.parametrize("linkage", [None, (), (LinkageResult("actor", 11, 2, 3),)])
def test_round_trip(linkage):
    record = hand_record(linkage=linkage)
    again = DisclosureRecord.from_json(json.loads(json.dumps(record.to_json())))
    assert again == record
    assert json.dumps(again.to_json()) == json.dumps(record.to_json())


def test_an_exported_package_s_record_reads_back_as_written(tmp_path):
    from impt_analysis import load_study
    from impt_analysis.privacy.publish import export_public

    out = export_public(load_study(), tmp_path / "public", key=b"0123456789abcdef")
    text = json.loads((out.path / "datapackage.json").read_text(encoding="utf-8"))["impt:disclosure"]
    assert DisclosureRecord.from_json(text) == out.record
    assert json.dumps(out.record.to_json()) == json.dumps(text)


def test_in_study_is_stated_only_when_it_gives_no_small_count_away():
    assert InterviewCounts.shown(published=11, in_study=13, suppress_below=5) == InterviewCounts(11, "<5")
    assert InterviewCounts.shown(published=11, in_study=11, suppress_below=5) == InterviewCounts(11, 0, 11)
    assert InterviewCounts.shown(published=11, in_study=17, suppress_below=5) == InterviewCounts(11, 6, 17)
    assert InterviewCounts(11, "<5").to_json() == {"published": 11, "suppressed": "<5"}
    assert shown_count(4, 5) == "<5" and shown_count(5, 5) == 5


def _with(path: str, value):
    """HAND_JSON with the value at a path (keys and list positions joined by /) replaced; ``...`` removes it."""
    data = copy.deepcopy(HAND_JSON)
    *parents, last = path.split("/")
    target = data
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("k", ..., r"the record has no k$"),
        ("surprise", 1, r"the record has unexpected keys: 'surprise'"),
        ("k", "5", r"k must be a whole number of at least 1, not '5'"),
        ("k", 0, r"k must be a whole number of at least 1, not 0"),
        ("suppress_below", -5, r"suppress_below must be a whole number of at least 1, not -5"),
        ("rows_pooled", 1, r"rows_pooled must be true or false, not 1"),
        ("quasi_identifiers", "country", r"quasi_identifiers must be a list of names"),
        ("interviews/suppressed", 2, r'interviews.suppressed must be 0, at least 5, or "<5", not 2'),
        ("interviews/suppressed", "<3", r'interviews.suppressed must be 0, at least 5, or "<5"'),
        (
            "interviews/in_study",
            13,
            r'interviews.in_study must be left out when the suppressed count is "<5"',
        ),
        ("generalisation/1/suppressed", 3, r"generalisation\[1\].suppressed must be 0, at least 5"),
        ("generalisation/0/k", None, r"generalisation\[0\].k must be a whole number"),
        ("generalisation", {}, r"generalisation must be a list"),
        ("withheld/actors", -1, r"withheld.actors must be a whole number of at least 0, not -1"),
        ("withheld/rows_removed_pointing_at_withheld_countries/flows", 1.5, r"withheld.rows_removed_"),
        ("removed_columns/interviews.date", True, r"removed_columns.interviews.date must be a whole number"),
        ("generated_columns/items.label", ..., r"generated_columns has no items.label"),
        ("frame_codes/renamed", 1, r"frame_codes has unexpected keys: 'renamed'"),
        (
            "suppressed_cells/case_counts/suppressed",
            3,
            r"suppressed_cells.case_counts.suppressed must be primary",
        ),
        ("suppressed_cells", [], r"suppressed_cells must be an object"),
        (
            "linkage",
            [{"attribute": "sector"}],
            r"linkage\[0\] has no interviews, attack_correct, baseline_correct",
        ),
    ],
)
def test_a_malformed_record_is_refused(path, value, message):
    with pytest.raises(ValueError, match=r"^malformed disclosure record \(impt:disclosure\): " + message):
        DisclosureRecord.from_json(_with(path, value))


def test_a_consistent_study_total_is_read():
    data = _with("interviews", {"published": 11, "suppressed": 6, "in_study": 17})
    assert DisclosureRecord.from_json(data).interviews == InterviewCounts(11, 6, 17)
    with pytest.raises(
        ValueError, match=r"interviews.in_study must be 17 \(published \+ suppressed\), not 18"
    ):
        DisclosureRecord.from_json(_with("interviews", {"published": 11, "suppressed": 6, "in_study": 18}))


def test_not_an_object_is_refused():
    with pytest.raises(ValueError, match=r"the record must be an object, not \[1, 2\]"):
        DisclosureRecord.from_json([1, 2])
