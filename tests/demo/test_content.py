"""What the interviews say: the second coder of the demo codes whole interviews, and disagrees now and then."""

from __future__ import annotations


def test_second_coder_codes_whole_interviews_with_occasional_disagreement(demo):
    """Every passage of a double-coded interview is coded by both; they disagree now and then."""
    codings = demo.codings
    double = set(codings.loc[codings["coder"] == "coder_2", "interview_id"])
    first = codings[(codings["coder"] == "coder_1") & codings["interview_id"].isin(double)]
    second = codings[codings["coder"] == "coder_2"]
    # the second coder's selections lie inside the first coder's passages, never elsewhere
    starts = set(zip(first["interview_id"], first["start"]))
    assert all(key in starts for key in zip(second["interview_id"], second["start"]))
    same = first.merge(second, on=["interview_id", "start", "end", "code"], how="left", indicator=True)
    share_same = (same["_merge"] == "both").mean()
    assert 0.8 < share_same < 1.0  # mostly the same code, not always
    assert len(second) < len(first)  # a passage or two left uncoded
    assert (second["end"] - second["start"] == second["excerpt"].str.len()).all()
