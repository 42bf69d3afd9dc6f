"""The linkage attack: do the rows of a public export tell who each respondent is?

A public export generalises each interview's sector and level in ``interviews.csv`` until
every class holds k interviews. The rows reported in an interview (knowledge, flows,
barriers) touch actors, and an interview whose rows all touch one local school is the school
social worker's, whatever ``interviews.csv`` says. :func:`linkage_attack` measures that: it
guesses each respondent from the rows and compares the guesses with the truth, against the
best anyone could do from ``interviews.csv`` alone. A public export names each row's group of
interviews (``interview_group``) instead of the interview, and passes only if the attack does
no better than that baseline; made with ``deidentify(..., pool_rows=False)`` it does.
:func:`impt_analysis.privacy.disclosure.check_disclosure` runs it when given the confidential study.
"""

from __future__ import annotations

import pandas as pd

from ..schema import ROW_TABLES
from ..study import Study
from .deidentify import QUASI_IDENTIFIERS, pseudonym

__all__ = ["linkage_attack", "LINKAGE_COLUMNS"]

LINKAGE_COLUMNS = ["attribute", "interviews", "attack_correct", "baseline_correct"]


def linkage_attack(public: Study, truth: Study, key: bytes) -> pd.DataFrame:
    """How well the rows of a public export tell each interview's respondent, against interviews.csv alone.

    The attack: for each published interview, take the rows that name its group (or the
    interview itself, in a package that links rows to interviews): knowledge (the actor who
    knows), flows and barriers (source and target). The actor they touch most often (ties
    broken by the actor's pseudonym, in sort order) is the guess of the respondent's
    organisation, and its sector and level the guess of theirs. The baseline: within each class
    of ``interviews.csv`` (country, year, published sector and level), the most common true
    value, i.e. the best any single guess per class can do from ``interviews.csv`` alone. Truth
    is the confidential study, mapped to the package's pseudonyms with ``key``.

    Parameters
    ----------
    public : Study
        The public export (``study.public``).
    truth : Study
        The confidential study it was made from.
    key : bytes
        The pseudonym key of the export.

    Returns
    -------
    pandas.DataFrame
        One row per attribute ("sector", "level", "actor"): interviews (published), and how
        many the attack and the baseline get right. An export protects its respondents if the
        attack is never better than the baseline.

    Raises
    ------
    ValueError
        If an interview of the package is not in ``truth`` under ``key``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> from impt_analysis.privacy.deidentify import deidentify
    >>> study, key = load_study(), b"0123456789abcdef"
    >>> a = linkage_attack(deidentify(study, key=key).study, study, key).set_index("attribute")
    >>> bool((a["attack_correct"] <= a["baseline_correct"]).all()), int(a.loc["sector", "interviews"])
    (True, 60)
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    iv = public.interviews.copy()
    link = (
        "interview_group"
        if all("interview_group" in getattr(public, t) for t in ROW_TABLES)
        else "interview_id"
    )
    touched = []
    for name, columns in (
        ("knowledge", ["actor_id"]),
        ("flows", ["source_actor", "target_actor"]),
        ("barriers", ["source_actor", "target_actor"]),
    ):
        frame = getattr(public, name)
        for column in columns:
            if column in frame and link in frame:
                touched.append(
                    pd.DataFrame(
                        {"group": frame[link].astype("string"), "actor": frame[column].astype("string")}
                    )
                )
    rows = (
        pd.concat(touched, ignore_index=True).dropna()
        if touched
        else pd.DataFrame(columns=["group", "actor"])
    )
    top = (
        rows.groupby(["group", "actor"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["group", "n", "actor"], ascending=[True, False, True])
        .drop_duplicates("group")
        .set_index("group")["actor"]
    )
    actors = public.actors.assign(actor_id=public.actors["actor_id"].astype(str)).set_index("actor_id")
    guess = pd.DataFrame({"actor": iv[link].astype(str).map(top)})
    for attribute in ("sector", "level"):
        guess[attribute] = guess["actor"].map(actors[attribute].astype(str))

    real = truth.interviews
    real_id = real["interview_id"].astype(str).map(lambda v: pseudonym(v, "interview", key))
    real = pd.DataFrame(
        {
            "sector": real["sector"].astype(str).to_numpy(),
            "level": real["level"].astype(str).to_numpy(),
            "actor": real["actor_id"]
            .map(lambda v: None if pd.isna(v) or v == "" else pseudonym(str(v), "actor", key))
            .to_numpy(),
        },
        index=real_id.to_numpy(),
    )
    ids = iv["interview_id"].astype(str)
    missing = ids[~ids.isin(real.index)]
    if len(missing):
        raise ValueError(
            f"interview {missing.iat[0]} of the package is not in the confidential study under this key "
            "(a different study, or a different key)"
        )
    true = real.loc[ids.to_numpy()].reset_index(drop=True)
    guess = guess.reset_index(drop=True)
    classes = iv[list(QUASI_IDENTIFIERS)].astype(str).reset_index(drop=True)
    out = []
    for attribute in ("sector", "level", "actor"):
        right = int((guess[attribute].notna() & (guess[attribute] == true[attribute])).sum())
        best = (
            int(
                classes.assign(v=true[attribute].fillna(""))
                .groupby(list(QUASI_IDENTIFIERS))["v"]
                .agg(lambda s: s.value_counts().iat[0])
                .sum()
            )
            if len(iv)
            else 0
        )
        out.append(
            {"attribute": attribute, "interviews": len(iv), "attack_correct": right, "baseline_correct": best}
        )
    return pd.DataFrame(out, columns=LINKAGE_COLUMNS)
