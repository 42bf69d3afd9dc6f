"""Coded segments: how often each code is applied, and which codes are applied together.

The interviews are coded in a qualitative-analysis tool (QualCoder, NVivo, ATLAS.ti) with
the study's codebook: the three aspects, information holders, side information, case
numbers, verification practice, barriers and more. These are the two tables such tools show
first, computed from ``codings.csv``: code frequencies (segments, interviews and coders per
code), and code co-occurrence (codes applied to overlapping text). Only positions are used:
the excerpts never leave the study.

Examples
--------
>>> import impt_analysis as impt
>>> freq = impt.code_frequencies(impt.load_study())
>>> list(freq.columns[:5])
['code', 'label', 'category', 'parent', 'segments']
"""

from __future__ import annotations

import logging

import pandas as pd

from .study import Study, interview_column

__all__ = ["code_frequencies", "code_cooccurrence", "FREQUENCY_GROUPINGS"]

log = logging.getLogger(__name__)

PUBLIC_NOTE = (
    "Public export: codings name groups of interviews, not interviews, so the interviews behind a code "
    "cannot be counted (interviews is missing)."
)

#: What code frequencies can be grouped by: an interview attribute, or the coder.
FREQUENCY_GROUPINGS = ("country", "sector", "level", "coder")

# When a code is in several codebook categories (``media`` is a sector, a source type and a
# channel), its label is taken from the first of these, then from the codebook's order.
_CATEGORY_PREFERENCE = ("code", "barrier", "child_group", "verification", "info_type", "theme")


def code_frequencies(study: Study, by: str | None = None) -> pd.DataFrame:
    """How often each code is applied: segments, interviews and coders.

    Parameters
    ----------
    study : Study
    by : {"country", "sector", "level", "coder"}, optional
        Count per group: an attribute of the interview the segment comes from (sector and
        level of the respondent's organisation), or the coder.

    Returns
    -------
    pandas.DataFrame
        One row per code applied (per group, the ``by`` column first), sorted by group, then
        by ``segments`` (most first), then code: ``code``, ``label``, ``category`` and
        ``parent`` (from the codebook), ``segments`` (distinct segments coded with it; a
        segment coded by two coders counts once), ``applications`` (coding rows),
        ``interviews`` and ``coders`` (distinct). In a public export, whose codings name a
        group of interviews, ``interviews`` is missing (``<NA>``: the interviews behind a code
        cannot be counted) and ``attrs["note"]`` says so; grouping by country, sector or
        level uses the group's published values.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> freq = code_frequencies(load_study(), by="coder")
    >>> sorted(set(freq["coder"]))
    ['coder_1', 'coder_2']
    """
    if by is not None and by not in FREQUENCY_GROUPINGS:
        raise ValueError(
            f"code_frequencies: by must be one of {', '.join(FREQUENCY_GROUPINGS)} or None, not {by!r}"
        )
    codings = study.codings
    key = interview_column(codings)
    keys = [by] if by else []
    if by and by != "coder":
        # A public export's group of interviews shares one country, sector and level.
        attributes = study.interviews[[key, by]].drop_duplicates(key)
        codings = codings.merge(attributes, on=key, how="left")
    counted = (
        codings.groupby([*keys, "code"], observed=True)
        .agg(
            segments=("segment_id", "nunique"),
            applications=("segment_id", "size"),
            interviews=(key, "nunique"),
            coders=("coder", "nunique"),
        )
        .reset_index()
    )
    if key != "interview_id":
        counted["interviews"] = pd.array([pd.NA] * len(counted), dtype="Int64")
    labels = _code_labels(study)
    counted = counted.merge(labels, on="code", how="left")
    counted = counted.sort_values([*keys, "segments", "code"], ascending=[*([True] * len(keys)), False, True])
    columns = [
        *keys,
        "code",
        "label",
        "category",
        "parent",
        "segments",
        "applications",
        "interviews",
        "coders",
    ]
    out = counted[columns].reset_index(drop=True)
    if key != "interview_id":
        out.attrs["note"] = PUBLIC_NOTE
    return out


def code_cooccurrence(study: Study, coder: str | None = None) -> pd.DataFrame:
    """Which codes are applied to overlapping text: code x code.

    Two codes *co-occur* when they are applied to the same segment, or to segments of the
    same interview whose spans overlap (``[start, end)`` and ``[start', end')`` with
    ``start < end'`` and ``start' < end``), as QualCoder, NVivo and ATLAS.ti count
    co-occurrence on overlapping codings. A segment is the text span ``(interview_id,
    segment_id, start, end)`` with every code any coder (or ``coder``) applied to it.

    The cell (a, b), a != b, counts the distinct pairs of overlapping segments (or single
    segments) that carry a on one and b on the other; the diagonal counts the segments
    coded with the code.

    Parameters
    ----------
    study : Study
    coder : str, optional
        Only this coder's codings (by default, every coder's, pooled).

    Returns
    -------
    pandas.DataFrame
        A square, symmetric frame of integers indexed and labelled by the codes applied
        (sorted), with index and columns named ``code``.

    Raises
    ------
    ValueError
        For an unknown coder, or a public export (its codings do not name their interview).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> matrix = code_cooccurrence(load_study())
    >>> bool((matrix.values == matrix.values.T).all())
    True
    """
    codings = study.codings
    if interview_column(codings) != "interview_id":
        raise ValueError(
            "code_cooccurrence: a public export's codings name groups of interviews, so segments of "
            "different interviews of a group cannot be told apart and their overlap is not known"
        )
    if coder is not None:
        if coder not in set(codings["coder"]):
            raise ValueError(
                f"code_cooccurrence: no codings by coder {coder!r} "
                f"(coders: {', '.join(sorted(set(codings['coder'])))})"
            )
        codings = codings[codings["coder"] == coder]
    codes = sorted(set(codings["code"].astype(str)))
    spans = codings[["interview_id", "segment_id", "start", "end"]].drop_duplicates().reset_index(drop=True)
    spans["span"] = range(len(spans))
    tagged = codings.merge(spans, on=["interview_id", "segment_id", "start", "end"])[["span", "code"]]
    tagged = tagged.astype({"code": str}).drop_duplicates()
    # Pairs of overlapping spans (s <= t; s == t is a span with itself).
    pairs = spans.merge(spans, on="interview_id", suffixes=("_s", "_t"))
    pairs = pairs[
        (pairs["span_s"] <= pairs["span_t"])
        & (
            (pairs["span_s"] == pairs["span_t"])
            | ((pairs["start_s"] < pairs["end_t"]) & (pairs["start_t"] < pairs["end_s"]))
        )
    ]
    pairs = pairs[["span_s", "span_t"]]
    linked = pairs.merge(tagged.rename(columns={"span": "span_s", "code": "a"}), on="span_s").merge(
        tagged.rename(columns={"span": "span_t", "code": "b"}), on="span_t"
    )
    linked = linked[linked["a"] != linked["b"]]
    # A pair of spans counts once for {a, b}, whichever span carries which code.
    first = linked[["a", "b"]].min(axis=1)
    second = linked[["a", "b"]].max(axis=1)
    events = pd.DataFrame({"span_s": linked["span_s"], "span_t": linked["span_t"], "a": first, "b": second})
    events = events.drop_duplicates()
    counts = events.groupby(["a", "b"]).size()
    matrix = pd.DataFrame(
        0, index=pd.Index(codes, name="code"), columns=pd.Index(codes, name="code"), dtype="int64"
    )
    for (a, b), n in counts.items():
        matrix.loc[a, b] = matrix.loc[b, a] = n
    for code, n in tagged.groupby("code")["span"].nunique().items():
        matrix.loc[code, code] = n
    log.debug("code_cooccurrence: %d segments, %d co-occurring pairs", len(spans), len(events))
    return matrix


def _code_labels(study: Study) -> pd.DataFrame:
    """One label, category and parent per code, preferring thematic codes (see above)."""
    codebook = study.codebook.copy()
    rank = {c: i for i, c in enumerate(_CATEGORY_PREFERENCE)}
    codebook["_rank"] = codebook["category"].map(rank).fillna(len(rank))
    codebook["_order"] = range(len(codebook))
    best = codebook.sort_values(["_rank", "_order"]).drop_duplicates("code")
    parent = best["parent"] if "parent" in best.columns else None
    return pd.DataFrame(
        {
            "code": best["code"],
            "label": best["label"],
            "category": best["category"],
            "parent": parent.where(parent.notna() & (parent != ""), None) if parent is not None else None,
        }
    )
