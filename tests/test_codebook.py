"""The codebook: its default vocabularies, labels, the order of a category, and checked values."""

from __future__ import annotations

import pandas as pd
import pytest

from impt_analysis.codebook import (
    VOCABULARIES,
    category_rows,
    check_value,
    codes,
    default_codebook,
    label_map,
    verification_order,
)


def small(rank: list[str] | None = None) -> pd.DataFrame:
    """A codebook of five rows: three verification levels in a made-up row order, two frequencies."""
    frame = pd.DataFrame(
        [
            ("maybe", "verification", "Maybe"),
            ("rumour", "verification", "Rumour"),
            ("official", "verification", "Official"),
            ("regular", "frequency", "Regular"),
            ("media", "channel", "Media"),
        ],
        columns=["code", "category", "label"],
    )
    if rank is not None:
        frame["rank"] = rank
    return frame


def test_without_a_rank_a_category_keeps_the_row_order():
    assert codes(small(), "verification") == ["maybe", "rumour", "official"]
    assert verification_order(small()) == ("official", "rumour", "maybe")  # weakest first: reversed
    assert codes(small(), "tier") == []


def test_the_rank_orders_a_category_and_unranked_codes_follow():
    cb = small(rank=["2", "", "1", "", ""])  # rumour has no rank: after the ranked two
    assert codes(cb, "verification") == ["official", "maybe", "rumour"]
    assert category_rows(cb, "verification")["label"].tolist() == ["Official", "Maybe", "Rumour"]
    assert verification_order(cb) == ("rumour", "maybe", "official")


def test_a_rank_that_is_not_a_number_is_an_error():
    with pytest.raises(ValueError):
        codes(small(rank=["first", "", "1", "", ""]), "verification")


def test_label_map_keys_by_category_and_code():
    cb = pd.concat(
        [small(), pd.DataFrame([("media", "source", "Media reports")], columns=["code", "category", "label"])]
    )
    labels = label_map(cb)
    assert labels[("channel", "media")] == "Media"
    assert labels[("source", "media")] == "Media reports"  # the same code, another category, another label
    assert len(labels) == 6


def test_check_value_names_the_value_and_the_valid_codes():
    assert check_value(small(), "frequency", "regular") == "regular"
    with pytest.raises(ValueError, match=r"^frequency 'weekly' is not in the codebook \(valid: regular\)$"):
        check_value(small(), "frequency", "weekly")
    with pytest.raises(ValueError, match=r"^the channel 3 is not in the codebook \(valid: media\)$"):
        check_value(small(), "channel", 3, what="the channel")  # never coerced to text
    with pytest.raises(ValueError, match=r"\(valid: none\)"):
        check_value(small(), "tier", "t1")


def test_the_default_codebook():
    cb = default_codebook()
    assert list(cb.columns)[:5] == ["code", "category", "label", "description", "parent"]
    # the report's three verification levels, strongest first, and its two frequencies
    assert codes(cb, "verification") == ["official", "maybe", "anecdotal"]
    assert codes(cb, "frequency") == ["regular", "ad_hoc"]
    # every controlled vocabulary is there, code for code, in its order
    for category, values in VOCABULARIES.items():
        assert codes(cb, category) == [code for code, _, _ in values], category
    # thematic codes nest under parents that are codes themselves
    thematic = cb[cb["category"] == "code"]
    parents = set(thematic["parent"]) - {""}
    assert parents <= set(thematic["code"])
    assert thematic.set_index("code").loc["national_coordination", "parent"] == "aspects"
    assert not cb.duplicated(["category", "code"]).any()
