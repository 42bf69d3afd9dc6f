"""How reliable is the coding? Inter-coder agreement on the text two or more coders coded.

When a consultant and a university (or two members of a team) code the same interviews, the
study's findings are only as good as their agreement. Coders are compared by *where* their
codings lie in each document, not by segment ids (NVivo gives every coding its own selection):
the units are built by :mod:`impt_analysis.units` from the documents two or more coders coded,
either

* ``level="character"`` (the default, as QualCoder compares coders): every character of such
  a document that some coder coded, with any code; or
* ``level="passage"`` (as ATLAS.ti compares overlapping quotations): passages, the codings of
  any code and coder joined where they overlap by at least ``overlap`` (0.5) of their union.

For each unit and code, each coder who coded the document (a coder counts for a document when
it coded anything in it) either applied the code there or did not: "not coded" is a value, so
a passage one coder coded and another left uncoded is a disagreement. Three measures compare
those decisions, per code or pooled over codes:

* **percent agreement**: the share of pairs of coders, over all units, who made the same
  decision (for two coders, the share of units on which they agree);
* **Cohen's kappa** [1]_: agreement corrected for chance, for exactly two coders;
* **Krippendorff's alpha** [2]_ (nominal, binary per code): agreement corrected for chance for
  any number of coders. Krippendorff's unitizing alpha (u-alpha, [3]_) is the measure made for
  spans of text, but no maintained Python implementation exists (the ``krippendorff`` package
  does nominal to ratio alpha on given units; ``krippendorff-unitized-alpha`` has had one
  release, in 2022, pinned to numpy < 2). So alpha is computed on the character-level units,
  each character a unit: for binary codes this approaches u-alpha on the coded text.

Each alpha comes with a percentile bootstrap confidence interval, resampling whole stretches of
coded text (character level) or passages (passage level) with a fixed seed, so the interval is
the same on every run, and with Krippendorff's thresholds in words: .800 or more "reliable",
from .667 "tentative" (for tentative conclusions only), below .667 "unreliable". Kappa and
alpha are undefined (NaN) when every decision is the same, since chance then explains
everything. A public export names groups of interviews, not documents, so its coders'
passages cannot be laid over each other: agreement is measured on the confidential study.

References
----------
.. [1] Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
   Psychological Measurement* 20(1), 37-46.
.. [2] Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
   https://repository.upenn.edu/asc_papers/43
.. [3] Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology*, 2nd
   ed., ch. 12.4 (alpha for unitizing). Thresholds: ch. 12.7.

Examples
--------
>>> import impt_analysis as impt
>>> table = impt.agreement(impt.load_study(), level="passage", n_boot=50)
>>> list(table.columns)[:5]
['code', 'n_documents', 'n_coders', 'n_units', 'n_coded']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .study import Study
from .units import DEFAULT_OVERLAP, DOCUMENT, character_intervals, coders_by_document, coders_of, passages

__all__ = ["RELIABLE", "TENTATIVE", "agreement", "coded_documents", "disagreements", "reliability"]

#: Krippendorff's thresholds: rely on alpha >= .800; draw tentative conclusions from .667 on.
RELIABLE, TENTATIVE = 0.800, 0.667
LEVELS = ("character", "passage")
COLUMNS = [
    "n_documents",
    "n_coders",
    "n_units",
    "n_coded",
    "percent_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "alpha_low",
    "alpha_high",
    "reliability",
]


def reliability(alpha: float) -> str:
    """Krippendorff's alpha in words, against .800 (reliable) and .667 (tentative).

    Alpha is compared as shown, to three decimals, so that the word agrees with the number.

    Examples
    --------
    >>> [reliability(a) for a in (0.9, 0.7, 0.5, float("nan"))]
    ['reliable', 'tentative', 'unreliable', 'undefined']
    """
    if np.isnan(alpha):
        return "undefined"
    shown = round(float(alpha), 3)
    return "reliable" if shown >= RELIABLE else "tentative" if shown >= TENTATIVE else "unreliable"


def _confidential(study: Study, what: str) -> None:
    if study.public or DOCUMENT not in study.codings.columns:
        raise ValueError(
            f"{what}: a public export's codings name groups of interviews, not documents, so where "
            "two coders' passages overlap is not known; measure agreement on the confidential study"
        )


def coded_documents(study: Study, *, assigned: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which coders coded each interview, and whether it is compared (two or more coders).

    A coder counts for an interview when it coded anything in it, or is listed for it in
    ``assigned`` (pairs ``interview_id``, ``coder``). Interviews only one coder coded are not
    compared: :func:`agreement` names how many in its note.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> int(coded_documents(load_study())["compared"].sum())
    18
    """
    _confidential(study, "coded_documents")
    return coders_by_document(study.codings, assigned)


@dataclass
class _Units:
    documents: np.ndarray  # the interview of each unit
    weights: np.ndarray  # characters of each unit (1 for a passage)
    clusters: np.ndarray  # what the bootstrap resamples: stretch or passage, from 0
    counts: np.ndarray  # units x coders: the coder counts for the unit's document
    coders: list
    applied: pd.DataFrame  # unit, coder (column of counts), code: the coder applied the code there

    def values(self, code: str) -> np.ndarray:
        """Units x coders for one code: 1 applied, 0 not (the coder counts there), NaN it does not count."""
        values = np.where(self.counts, 0.0, np.nan)
        rows = self.applied[self.applied["code"] == code]
        values[rows["unit"].to_numpy(), rows["coder"].to_numpy()] = 1.0
        return values


def _units(
    study: Study, level: str, overlap: float, assigned: pd.DataFrame | None
) -> tuple[_Units, pd.DataFrame]:
    documents = coders_by_document(study.codings, assigned)
    coders_by = {d: c for d, c in coders_of(study.codings, assigned).items() if len(c) >= 2}
    coders = sorted({c for cs in coders_by.values() for c in cs})
    column = {c: i for i, c in enumerate(coders)}
    codings = study.codings[study.codings[DOCUMENT].astype(str).isin(set(coders_by))]
    if level == "character":
        intervals, coded = character_intervals(codings)
        unit_documents, weights = intervals[DOCUMENT].to_numpy(), intervals["length"].to_numpy(float)
        clusters = intervals["stretch"].to_numpy()
        applied = coded.rename(columns={"interval": "unit"})
    else:
        spans = passages(codings, overlap).astype({DOCUMENT: str, "coder": str, "code": str})
        keys = spans[[DOCUMENT, "passage"]].drop_duplicates().sort_values("passage", kind="stable")
        keys = keys.assign(order=keys[DOCUMENT].map({d: i for i, d in enumerate(coders_by)}))
        keys = keys.sort_values(["order", "passage"], kind="stable").reset_index(drop=True)
        number = pd.Series(range(len(keys)), index=pd.MultiIndex.from_frame(keys[[DOCUMENT, "passage"]]))
        spans["unit"] = number.loc[list(zip(spans[DOCUMENT], spans["passage"]))].to_numpy()
        unit_documents, weights = keys[DOCUMENT].to_numpy(), np.ones(len(keys))
        clusters = np.arange(len(keys))
        applied = spans[["unit", "coder", "code"]].drop_duplicates()
    counts = np.zeros((len(unit_documents), len(coders)), dtype=bool)
    for i, d in enumerate(unit_documents):
        counts[i, [column[c] for c in coders_by[d]]] = True
    applied = applied.assign(coder=applied["coder"].map(column)).astype({"unit": "int64", "coder": "int64"})
    return _Units(unit_documents, weights, clusters, counts, coders, applied), documents


def _features(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per unit: weighted pairs, agreeing pairs, and the coincidences o00, o01, o11 of alpha."""
    m = (~np.isnan(values)).sum(axis=1)
    n1 = (values == 1).sum(axis=1)
    n0 = m - n1
    w = np.where(m >= 2, weights, 0.0)
    per = np.where(m >= 2, m - 1, 1)
    return np.column_stack(
        [
            w * m * (m - 1) / 2,
            w * (n1 * (n1 - 1) + n0 * (n0 - 1)) / 2,
            w * n0 * (n0 - 1) / per,
            w * n0 * n1 / per,
            w * n1 * (n1 - 1) / per,
        ]
    )


def _alpha(o00, o01, o11):
    """Nominal alpha of a binary variable from its coincidences: 1 - (n - 1) o01 / (n0 n1)."""
    n0, n1 = o00 + o01, o11 + o01
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n0 * n1 > 0, 1 - (n0 + n1 - 1) * o01 / (n0 * n1), np.nan)


def _kappa(values: list[np.ndarray], weights: np.ndarray, pair: tuple[int, int]) -> float:
    """Cohen's kappa of two coders over every unit (and code) both decided on."""
    joint = np.zeros((2, 2))
    for v in values:
        a, b = v[:, pair[0]], v[:, pair[1]]
        both = ~np.isnan(a) & ~np.isnan(b)
        np.add.at(joint, (a[both].astype(int), b[both].astype(int)), weights[both])
    if joint.sum() == 0:
        return float("nan")
    joint /= joint.sum()
    chance = float(joint.sum(axis=1) @ joint.sum(axis=0))
    return float("nan") if chance >= 1 else float((np.trace(joint) - chance) / (1 - chance))


def _bootstrap(
    features: list[np.ndarray], clusters: np.ndarray, n_boot: int, seed: int, confidence: float
) -> list[tuple[float, float]]:
    """Percentile intervals of alpha over resamples of whole clusters, one per features (units x 5).

    Every features array is of the same units, and every one is resampled with the same draws
    (generating the draws costs more than using them).
    """
    if n_boot <= 0 or len(clusters) == 0:
        return [(float("nan"), float("nan"))] * len(features)
    ids, cluster = np.unique(clusters, return_inverse=True)
    totals = np.zeros((len(ids), 3 * len(features)))
    np.add.at(totals, cluster, np.hstack([f[:, 2:] for f in features]))
    rng = np.random.default_rng(seed)
    alphas = []
    for start in range(0, n_boot, 100):  # in chunks: n_boot x clusters could be large
        size = min(100, n_boot - start)
        resampled = rng.multinomial(len(ids), np.full(len(ids), 1 / len(ids)), size=size) @ totals
        alphas.append(_alpha(resampled[:, 0::3], resampled[:, 1::3], resampled[:, 2::3]))
    alphas = np.vstack(alphas)
    tail = (1 - confidence) / 2 * 100
    intervals = []
    for column in alphas.T:
        column = column[~np.isnan(column)]
        low, high = np.percentile(column, [tail, 100 - tail]) if len(column) else (np.nan, np.nan)
        intervals.append((float(low), float(high)))
    return intervals


def _rows(
    units: _Units, mask: np.ndarray, code_sets: list[list[str]], n_boot: int, seed: int, confidence: float
) -> list[dict]:
    """One row of measures per set of codes (pooled within the set), on the units of ``mask``."""
    weights = units.weights[mask]
    active = np.flatnonzero(units.counts[mask].any(axis=0))
    rows, features = [], []
    for codes in code_sets:
        values = [units.values(code)[mask] for code in codes]
        f = sum((_features(v, weights) for v in values), np.zeros((int(mask.sum()), 5)))
        pairs, agree, o00, o01, o11 = f.sum(axis=0)
        alpha = float(_alpha(o00, o01, o11))
        coded = np.zeros(int(mask.sum()), dtype=bool)
        for v in values:
            coded |= (v == 1).any(axis=1)
        rows.append(
            {
                "n_documents": len(set(units.documents[mask])),
                "n_coders": len(active),
                "n_units": int(weights.sum()),
                "n_coded": int(weights[coded].sum()),
                "percent_agreement": agree / pairs if pairs else float("nan"),
                "cohen_kappa": _kappa(values, weights, tuple(active)) if len(active) == 2 else float("nan"),
                "krippendorff_alpha": alpha,
                "alpha_low": np.nan,
                "alpha_high": np.nan,
                "reliability": reliability(alpha),
            }
        )
        features.append(f)
    for row, (low, high) in zip(rows, _bootstrap(features, units.clusters[mask], n_boot, seed, confidence)):
        row.update(alpha_low=low, alpha_high=high)
    return rows


def agreement(
    study: Study,
    by: str | None = "code",
    *,
    level: str = "character",
    overlap: float = DEFAULT_OVERLAP,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    assigned: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Inter-coder agreement on the interviews two or more coders coded, by position in the text.

    Parameters
    ----------
    study : Study
        A confidential study (a public export raises ValueError: it names no documents).
    by : {"code", None} or a column of ``interviews`` (e.g. ``"country"``)
        ``"code"``: one row per code applied in a compared interview, its units being all
        units of the compared interviews. Otherwise the decisions on every (unit, code) pair
        are pooled: over the whole study (``None``, one row ``"all"``) or per value of an
        interview column.
    level : {"character", "passage"}
        The units (see :mod:`impt_analysis.units`): coded characters, or passages.
    overlap : float
        Passage level: the share of their union two codings must share to be one passage.
    n_boot, seed, confidence : int, int, float
        Bootstrap resamples (0: no interval), the seed of the resampling, the interval's level.
    assigned : pandas.DataFrame, optional
        Pairs (``interview_id``, ``coder``) of coders who count for an interview though they
        may have coded nothing in it.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n_documents`` (compared interviews), ``n_coders``, ``n_units``
        (characters or passages), ``n_coded`` (of them, those some coder applied the code to,
        or any of the pooled codes), ``percent_agreement`` (0 to 1), ``cohen_kappa`` (NaN
        unless exactly two coders), ``krippendorff_alpha``, ``alpha_low`` and ``alpha_high``
        (the bootstrap interval) and ``reliability`` (:func:`reliability`). ``attrs`` holds
        ``level``, ``overlap`` and ``note``, a sentence naming the interviews left out (one
        coder only: :func:`coded_documents` lists them) and the codings of no length.
        With no compared interview the frame is empty and the note says why.

    Examples
    --------
    >>> import impt_analysis as impt
    >>> table = impt.agreement(impt.load_study(), by=None, n_boot=0)
    >>> table[["group", "n_documents", "n_coders"]].values.tolist()
    [['all', 18, 2]]
    """
    _confidential(study, "agreement")
    if by is not None and by != "code" and by not in study.interviews.columns:
        raise ValueError(f"by must be 'code', None or a column of interviews, not {by!r}")
    if level not in LEVELS:
        raise ValueError(f"level must be 'character' or 'passage', not {level!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    units, documents = _units(study, level, overlap, assigned)
    codes = sorted(set(units.applied["code"]))
    if by == "code":
        everything = np.ones(len(units.weights), dtype=bool)
        rows = [
            {"code": code, **row}
            for code, row in zip(
                codes, _rows(units, everything, [[c] for c in codes], n_boot, seed, confidence)
            )
        ]
        label = "code"
    else:
        label = "group" if by is None else by
        if by is None:
            groups = {"all": np.ones(len(units.weights), dtype=bool)} if len(units.weights) else {}
        else:
            of_interview = study.interviews.drop_duplicates(DOCUMENT).set_index(DOCUMENT)[by].astype(object)
            of_unit = pd.Series(units.documents).astype(str).map(of_interview.rename(index=str)).to_numpy()
            groups = {value: of_unit == value for value in sorted(set(of_unit), key=str)}
        rows = [
            {label: value, **_rows(units, mask, [codes], n_boot, seed, confidence)[0]}
            for value, mask in groups.items()
        ]
    table = pd.DataFrame(rows, columns=[label] + COLUMNS)
    empty = int((study.codings["end"] <= study.codings["start"]).sum())
    coders = units.coders or sorted(set(study.codings["coder"].astype(str)))
    table.attrs.update(level=level, overlap=overlap, note=_note(documents, coders, empty))
    return table


def _note(documents: pd.DataFrame, coders: list[str], empty: int) -> str:
    compared, alone = documents[documents["compared"]], documents[~documents["compared"]]
    if len(compared) == 0:
        text = (
            "Only one coder coded this study: there is no agreement to measure."
            if len(coders) <= 1
            else f"No interview was coded by two or more coders ({', '.join(coders)} coded different interviews): "
            "there is no agreement to measure."
        )
    else:
        were = "was" if len(compared) == 1 else "were"
        text = f"{len(compared)} of {len(documents)} coded interviews {were} coded by two or more coders and compared."
        if len(alone):
            shown = ", ".join(alone[DOCUMENT].head(10)) + (
                f" and {len(alone) - 10} more" if len(alone) > 10 else ""
            )
            text += f" {len(alone)} coded by one coder only {'is' if len(alone) == 1 else 'are'} not compared: {shown}."
    if empty:
        text += f" {empty} codings of no length (start = end) cover no text and are not counted."
    return text


def disagreements(
    study: Study,
    code: str | None = None,
    *,
    overlap: float = DEFAULT_OVERLAP,
    assigned: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The passages where the coders of an interview differ on a code, with every coder's spans.

    A passage (:func:`impt_analysis.units.passages`) of an interview two or more coders coded
    is a disagreement on a code when some, but not all, of the interview's coders applied the
    code to it. Excerpts are free text about children: they are shown on the consultant's
    machine and never leave it (a public export has none, and raises ValueError here).

    Parameters
    ----------
    study : Study
    code : str, optional
        The code (default: every code).
    overlap, assigned
        As for :func:`agreement`.

    Returns
    -------
    pandas.DataFrame
        One row per disagreement and coder of the interview: ``code``, ``interview_id``,
        ``passage`` (numbered within the interview), ``passage_start``, ``passage_end`` (the
        passage's first position and the position after its last), ``coder``, ``applied``
        (whether this coder applied the code), ``spans`` (this coder's spans with the code, or
        if it did not apply it, its spans in the passage with other codes: ``"start-end"``,
        joined by ``"; "``), ``other_codes`` (the codes it applied there instead) and, where the
        study has excerpts, ``excerpt`` (the text of those spans, joined by ``" / "``).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> table = disagreements(load_study(), "unclear_definitions")
    >>> sorted(set(table["coder"]))
    ['coder_1', 'coder_2']
    """
    _confidential(study, "disagreements")
    known = set(study.codebook["code"].astype(str))
    if code is not None and code not in known:
        raise ValueError(f"disagreements: {code!r} is not a code of the codebook")
    coders_by = {d: c for d, c in coders_of(study.codings, assigned).items() if len(c) >= 2}
    codings = study.codings[study.codings[DOCUMENT].astype(str).isin(set(coders_by))]
    spans = passages(codings, overlap).astype({DOCUMENT: str, "coder": str, "code": str})
    has_excerpt = "excerpt" in spans.columns
    columns = [
        "code",
        DOCUMENT,
        "passage",
        "passage_start",
        "passage_end",
        "coder",
        "applied",
        "spans",
        "other_codes",
    ] + (["excerpt"] if has_excerpt else [])
    if code is not None:
        spans = spans[spans.groupby([DOCUMENT, "passage"])["code"].transform(lambda c: (c == code).any())]
    # What each coder coded in each passage, as plain tuples: the loop below only looks them up.
    coded: dict[tuple, list] = {}
    for row in spans.sort_values(["start", "end"], kind="stable").itertuples(index=False):
        coded.setdefault((getattr(row, DOCUMENT), row.passage, row.coder), []).append(
            (row.start, row.end, row.code, getattr(row, "excerpt", "") if has_excerpt else "")
        )
    extent = spans.groupby([DOCUMENT, "passage"]).agg(first=("start", "min"), last=("end", "max"))
    appliers = spans.groupby([DOCUMENT, "passage", "code"])["coder"].agg(set)
    rows = []
    for (document, passage, c), applied in appliers.items():
        counting = coders_by[document]
        if (code is not None and c != code) or applied >= set(counting):
            continue
        first, last = extent.loc[(document, passage)]
        for coder in counting:
            mine = coded.get((document, passage, coder), [])
            # Its spans with the code, or where it did not apply it, its spans there with other codes.
            shown = {(a, b): e for a, b, k, e in reversed(mine) if k == c or coder not in applied}
            row = {
                "code": c,
                DOCUMENT: document,
                "passage": int(passage),
                "passage_start": int(first),
                "passage_end": int(last),
                "coder": coder,
                "applied": coder in applied,
                "spans": "; ".join(f"{a}-{b}" for a, b in sorted(shown)),
                "other_codes": ", ".join(sorted({k for _, _, k, _ in mine} - {c})),
            }
            if has_excerpt:
                row["excerpt"] = " / ".join("" if pd.isna(shown[s]) else str(shown[s]) for s in sorted(shown))
            rows.append(row)
    table = pd.DataFrame(rows, columns=columns)
    return (
        table.sort_values(["code", DOCUMENT, "passage", "coder"], kind="stable", ignore_index=True)
        if len(table)
        else table
    )
