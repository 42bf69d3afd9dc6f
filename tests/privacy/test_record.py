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
            "case_counts": SuppressedCells(cells=8, primary=2, secondary=2),
            "barrier_counts": SuppressedCells(cells=30, primary=4, secondary=0),
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
    assert InterviewCounts.shown(published=11, in_study=11, suppress_below=5) == InterviewCounts(11, 0)
    assert InterviewCounts.shown(published=11, in_study=17, suppress_below=5) == InterviewCounts(11, 6)
    assert InterviewCounts(11, "<5").to_json() == {"published": 11, "suppressed": "<5"}
    assert shown_count(4, 5) == "<5" and shown_count(5, 5) == 5


def a_5001_digit_number() -> int:
    """Made when a test runs: pytest could not name a parameter that str() refuses."""
    return 10**5000


def _with(path: str, value):
    """HAND_JSON with the value at a path (keys and list positions joined by /) replaced; ``...`` removes it.

    A callable value is called first (a_5001_digit_number)."""
    value = value() if callable(value) else value
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
        ("suppressed_cells/case_counts/suppressed", ..., r"suppressed_cells.case_counts has no suppressed"),
        # the tables whose cells DISCLOSURE.md states
        ("suppressed_cells/case_counts", ..., r"suppressed_cells has no case_counts$"),
        ("suppressed_cells/barrier_counts", ..., r"suppressed_cells has no barrier_counts$"),
        # counts past 2**53 - 1, and a number too long for str(), are refused with their place
        ("k", 2**53, r"k must be a whole number of at most 9007199254740991, not 9007199254740992$"),
        (
            "withheld/actors",
            a_5001_digit_number,
            r"withheld.actors must be a whole number of at most 9007199254740991, not ",
        ),
        (
            "interviews/suppressed",
            a_5001_digit_number,
            r"interviews.suppressed must be a whole number of at most 90",
        ),
        (
            "quasi_identifiers",
            lambda: [a_5001_digit_number()],
            r"quasi_identifiers\[0\] must be a text, not <a whole number of about 5001 digits>$",
        ),
        (
            "generalisation",
            lambda: {"DK": [a_5001_digit_number()]},
            r"generalisation must be a list, not \{'DK': \[<a whole number of about 5001 digits>\]\}$",
        ),
        # figures that contradict each other: DK 6 published (smallest class 6), SE 5 (5), 11 in all
        ("k_reached", 4, r"k_reached must be at least k \(5\), not 4$"),
        ("k_reached", 6, r"k_reached must be 5 \(the smallest generalisation\[\].k\), not 6$"),
        ("k_reached", None, r"k_reached must be 5 \(the smallest generalisation\[\].k\), not None$"),
        ("generalisation", [], r"k_reached must be null, as no country is published, not 5$"),
        ("generalisation/1/k", 6, r"generalisation\[1\].k must be at most its interviews \(5\), not 6$"),
        (
            "generalisation/0/interviews",
            7,
            r"interviews.published must be 12 \(the sum of generalisation\[\].interviews\), not 11$",
        ),
        (
            "interviews/published",
            12,
            r"interviews.published must be 11 \(the sum of generalisation\[\].interviews\), not 12$",
        ),
        (
            "linkage",
            [{"attribute": "sector", "interviews": 10, "attack_correct": 4, "baseline_correct": 9}],
            r"linkage\[0\].interviews must be 11 \(interviews.published\), not 10$",
        ),
        (
            "linkage",
            [{"attribute": "sector", "interviews": 11, "attack_correct": 12, "baseline_correct": 9}],
            r"linkage\[0\].attack_correct must be at most its interviews \(11\), not 12$",
        ),
        (
            "linkage",
            [{"attribute": "level", "interviews": 11, "attack_correct": 0, "baseline_correct": 13}],
            r"linkage\[0\].baseline_correct must be at most its interviews \(11\), not 13$",
        ),
    ],
)
def test_a_malformed_record_is_refused(path, value, message):
    with pytest.raises(ValueError, match=r"^malformed disclosure record \(impt:disclosure\): " + message):
        DisclosureRecord.from_json(_with(path, value))


def test_a_consistent_study_total_is_read():
    data = _with("interviews", {"published": 11, "suppressed": 6, "in_study": 17})
    assert DisclosureRecord.from_json(data).interviews == InterviewCounts(11, 6)
    with pytest.raises(
        ValueError, match=r"interviews.in_study must be 17 \(published \+ suppressed\), not 18"
    ):
        DisclosureRecord.from_json(_with("interviews", {"published": 11, "suppressed": 6, "in_study": 18}))


def test_not_an_object_is_refused():
    with pytest.raises(ValueError, match=r"the record must be an object, not \[1, 2\]"):
        DisclosureRecord.from_json([1, 2])


def test_the_stated_totals_are_computed():
    """in_study is published + suppressed (none while suppressed is "<5"); a table's suppressed cells are
    primary + secondary. Both are in the JSON where they always were, and a stated one must agree."""
    assert InterviewCounts(11, 6).in_study == 17 and InterviewCounts(11, 0).in_study == 11
    assert InterviewCounts(11, "<5").in_study is None
    assert InterviewCounts(11, 6).to_json() == {"published": 11, "suppressed": 6, "in_study": 17}
    cells = SuppressedCells(cells=8, primary=2, secondary=2)
    assert cells.suppressed == 4
    assert json.dumps(cells.to_json()) == '{"cells": 8, "suppressed": 4, "primary": 2, "secondary": 2}'
    with pytest.raises(
        ValueError, match=r"suppressed_cells.case_counts.suppressed must be primary \+ secondary \(4\)"
    ):
        SuppressedCells.from_json(
            {"cells": 8, "suppressed": 5, "primary": 2, "secondary": 2}, "suppressed_cells.case_counts"
        )
    with pytest.raises(
        ValueError, match=r"x.suppressed must be primary \+ secondary \(9\), at most cells, not 9"
    ):
        SuppressedCells.from_json({"cells": 8, "suppressed": 9, "primary": 5, "secondary": 4}, "x")


def test_the_largest_count_is_read():
    data = _with("removed_columns/interviews.date", 2**53 - 1)
    assert DisclosureRecord.from_json(data).removed_columns["interviews.date"] == 2**53 - 1


def test_no_country_published_and_no_smallest_class_is_consistent():
    data = {
        **_with("generalisation", []),
        "interviews": {"published": 0, "suppressed": 11, "in_study": 11},
        "k_reached": None,
    }
    record = DisclosureRecord.from_json(data)
    assert record.k_reached is None and record.interviews.in_study == 11


def test_every_attribute_the_record_reads_has_a_reader():
    """A part's attributes are read by their annotation; one without a reader fails on import, not on reading."""
    from dataclasses import dataclass, fields

    from impt_analysis.privacy import record

    for cls, readers in record._FIELD_READERS.items():
        assert list(readers) == [f.name for f in fields(cls)]
    assert set(record._FIELD_READERS) == {GeneralisedCountry, Withheld, FrameCodes, LinkageResult}

    @dataclass(frozen=True)
    class Later:
        interviews: int
        reached: int | None

    with pytest.raises(
        TypeError, match=r"Later has attributes of a type _READERS cannot read \(reached: int \| None\)"
    ):
        record._field_readers(Later)


# --- the disclosure check reads the record (a hand-made package, tests/privacy/test_linkage.py) --------


@pytest.fixture
def package(tmp_path):
    from impt_analysis.study import write_study
    from tests.privacy.test_linkage import public, withhold

    folder = write_study(public(pooled=True), tmp_path / "public")
    withhold(folder, [{"line": "row", "country": "DK", "year": 2009, "tier": "identified"}])
    return folder


def _edit_record(folder, edit):
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def test_the_check_reads_the_record_as_a_reader_gets_it(package):
    from impt_analysis.privacy.disclosure import check_disclosure

    assert check_disclosure(package).passed
    check = check_disclosure(package, k=7, suppress_below=3)
    assert [o for o in check.other if o.startswith("datapackage.json")] == [
        "datapackage.json: the disclosure record (impt:disclosure) states k 5, but the check was asked for k 7",
        "datapackage.json: the disclosure record (impt:disclosure) states suppress_below 5, but the check was "
        "asked for suppress_below 3",
    ]


def test_a_missing_or_malformed_record_is_a_finding(package):
    from impt_analysis.privacy.disclosure import check_disclosure

    _edit_record(package, lambda d: d["impt:disclosure"].__setitem__("k_reached", 4))
    check = check_disclosure(package)
    assert check.other == [
        "datapackage.json: malformed disclosure record (impt:disclosure): k_reached must be at least k (5), not 4"
    ]
    assert not check.passed
    _edit_record(package, lambda d: d["impt:disclosure"].pop("suppressed_cells"))
    assert check_disclosure(package).other == [
        "datapackage.json: malformed disclosure record (impt:disclosure): the record has no suppressed_cells"
    ]
    _edit_record(package, lambda d: d.pop("impt:disclosure"))
    check = check_disclosure(package)
    assert check.other == [
        "datapackage.json: no disclosure record (impt:disclosure), which says what the export removed, "
        "generalised and suppressed"
    ]
    assert not check.passed


def test_a_study_that_is_no_export_needs_no_record():
    from impt_analysis.privacy.disclosure import check_disclosure
    from impt_analysis.study import demo_path

    assert not [o for o in check_disclosure(demo_path()).other if "impt:disclosure" in o]


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "[" * 400 + "]" * 400,
            "datapackage.json: nested too deeply to read, so nothing in it could be checked",
        ),
        ("[1, 2]", "datapackage.json: not a JSON object, so nothing in it could be checked"),
        ("{", "datapackage.json: cannot be read (Expecting property name enclosed in double quotes: line 1"),
    ],
)
def test_a_descriptor_the_check_cannot_read_is_a_finding(tmp_path, text, finding):
    """load_study reads the descriptor first, deeper in the stack; the check's own reading fails as a finding."""
    import inspect
    import sys

    from impt_analysis.privacy.disclosure import _descriptor

    (tmp_path / "datapackage.json").write_text(text, encoding="utf-8")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 200)  # 400 levels of nesting are too deep for the parser
    try:
        descriptor, found = _descriptor(tmp_path)
    finally:
        sys.setrecursionlimit(limit)
    assert descriptor == {} and len(found) == 1 and found[0].startswith(finding)
