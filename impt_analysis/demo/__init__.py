"""The synthetic demonstration study: believable, deterministic, and labelled as synthetic.

The real BSR IMPT interviews are confidential. This generator builds a study with the
structure the 2010 report describes for each country (its published three-aspect table):
who coordinates, whether professional networks reach coordination, and whether local and
regional actors feed it. Actors are role descriptions, never real organisations or people;
items come from the trends and issues the report names. The same seed gives the same study.

``wave=2`` gives a plausible follow-up study of the same countries in which some gaps closed
(see :data:`WAVE2_CHANGES`), for comparing two waves.

Examples
--------
>>> from impt_analysis.demo import generate_study
>>> study = generate_study(n_interviews=60, seed=2010)
>>> len(study.interviews), study.synthetic
(60, True)
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from ..codebook import default_codebook, label_map
from ..study import Study, study_from_tables
from .content import (
    items_and_knowledge,
    make_barriers,
    make_case_counts,
    make_codings,
    make_interviews,
    second_coder,
)
from .roles import WAVE2_CHANGES
from .structure import Builder, assign_flows, country_actors, country_flows, international_actors, profiles

__all__ = ["generate_study", "write_demo", "demo_metadata", "DEMO_SEED", "WAVE2_CHANGES", "CODED_PROJECT"]

DEMO_SEED = 2010
#: The file name of the demonstration study as a project coded with the coding frame.
CODED_PROJECT = "demo.qdpx"


def generate_study(n_interviews: int = 60, seed: int = DEMO_SEED, wave: int = 1) -> Study:
    """Generate the synthetic demonstration study.

    Parameters
    ----------
    n_interviews : int
        Total number of interviews, spread over the nine countries (6 to 8 each at 60). Actors
        and items grow with it, so that ``n_interviews=6000`` gives a study 100 times larger.
    seed : int
        Seed of the random generator: the same seed gives the same study.
    wave : int
        1 for the 2010 study; 2 for a follow-up (interviews in 2012) in which some gaps
        have closed (:data:`WAVE2_CHANGES`).

    Returns
    -------
    Study
        Labelled synthetic (``study.synthetic`` is True).

    Examples
    --------
    >>> study = generate_study(90, seed=1)
    >>> bool(study.interviews.groupby("country").size().between(9, 11).all())
    True
    """
    if n_interviews < 9:
        raise ValueError("n_interviews must be at least 9 (one per country)")
    if wave not in (1, 2):
        raise ValueError("wave must be 1 or 2")
    rng = random.Random(f"{seed}-{wave}")
    coder_2 = random.Random(f"{seed}-{wave}-coder_2")  # its own stream: the rest does not depend on it
    b = Builder(rng, wave)
    by_country = profiles(wave)
    countries = list(by_country)
    per_country = {c: n_interviews // len(countries) for c in countries}
    for c in rng.sample(countries, k=n_interviews % len(countries)):
        per_country[c] += 1
    year = 2010 if wave == 1 else 2012
    codebook = default_codebook()
    labels = label_map(codebook)
    ids_by_country, interviews_by_country, known_by = {}, {}, {}
    for country in countries:
        replicas = max(1, round(per_country[country] / 7))
        ids_by_country[country] = country_actors(b, country, by_country[country], replicas)
        country_flows(b, country, by_country[country], ids_by_country[country])
    international_actors(
        b,
        {c: ids["ncp"][0] for c, ids in ids_by_country.items()},
        {c: ids["migration"][0] for c, ids in ids_by_country.items()},
    )
    names = {a["actor_id"]: a["name"] for a in b.actors}
    for country in countries:
        ids, p = ids_by_country[country], by_country[country]
        interviews = make_interviews(b, country, ids, per_country[country], year)
        interviews_by_country[country] = interviews
        known_by.update(items_and_knowledge(b, country, ids, interviews))
        start = len(b.barriers)
        make_barriers(b, country, p, ids, interviews)
        barriers: dict[str, list[str]] = {}
        for row in b.barriers[start:]:
            barriers.setdefault(row["interview_id"], []).append(row["barrier"])
        coord = ids["coord"][0] if "coord" in ids else ids["ncp"][0]
        make_codings(b, interviews, barriers, names, labels, coord)
        second_coder(b, coder_2, interviews)
        make_case_counts(b, country, p, ids, year - 1)
    assign_flows(b, interviews_by_country, known_by)
    return _to_study(b, codebook, n_interviews, seed, wave)


def write_demo(study: Study, path: str | Path) -> Path:
    """Write a demonstration study as a data package, with its coded project beside the tables.

    The folder holds what :func:`~impt_analysis.study.write_study` writes and ``demo.qdpx``
    (:data:`CODED_PROJECT`): synthetic interview texts coded with the coding frame
    (:func:`~impt_analysis.interop.refi_qda.coded.write_coded_qdpx`), one passage per row of the
    network tables, the interviews the second coder coded (``coder_2`` in ``codings.csv``)
    coded by a second coder as well. ``impt import-qdpx`` on it gives the study's actors, items,
    knowledge, flows, barriers and case counts back. The same study gives the same bytes.

    Parameters
    ----------
    study : Study
        A synthetic study (:func:`generate_study`).
    path : str or Path
        The folder to write.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    ValueError
        A study not labelled synthetic: the coded project is a demonstration only.

    Examples
    --------
    >>> import tempfile
    >>> folder = write_demo(generate_study(9, seed=1), tempfile.mkdtemp())
    >>> (folder / "demo.qdpx").exists()
    True
    """
    from ..interop.refi_qda.coded import write_coded_qdpx
    from ..study import write_study

    if not study.synthetic:
        raise ValueError("write_demo: the study is not labelled synthetic; write it with write_study")
    folder = write_study(study, path)
    coders = study.codings.groupby("interview_id")["coder"].nunique()
    double_coded = sorted(coders.index[coders > 1])
    write_coded_qdpx(study, folder / CODED_PROJECT, double_coded=double_coded)
    return folder


def _to_study(b: Builder, codebook: pd.DataFrame, n_interviews: int, seed: int, wave: int) -> Study:
    from ..schema import TABLES

    def frame(name: str, rows: list[dict]) -> pd.DataFrame:
        columns = [f.name for f in TABLES[name].fields]
        return pd.DataFrame(rows, columns=columns)

    meta = demo_metadata(n_interviews, seed, wave)
    tables = {
        name: frame(name, getattr(b, name))
        for name in (
            "actors",
            "interviews",
            "items",
            "knowledge",
            "flows",
            "barriers",
            "codings",
            "case_counts",
        )
    }
    study = study_from_tables({"codebook": codebook, **tables}, meta)
    return study


def demo_metadata(n_interviews: int = 60, seed: int = DEMO_SEED, wave: int = 1) -> dict:
    """Package metadata of the demonstration study, saying plainly that it is synthetic."""
    wave_label = "" if wave == 1 else f", wave {wave} (follow-up)"
    return {
        "name": "bsr-impt-demo" if wave == 1 else "bsr-impt-demo-wave2",
        "title": f"BSR IMPT synthetic demonstration study{wave_label}",
        "description": (
            "SYNTHETIC DEMONSTRATION DATA. Generated by impt_analysis.demo.generate_study "
            f"(n_interviews={n_interviews}, seed={seed}, wave={wave}). The real BSR IMPT interviews (Council of the "
            "Baltic Sea States, 2010) are confidential: this study imitates their structure, following the published "
            "three-aspect table per country, so that the workbench can be shown and tested. No row describes a real "
            "person, organisation or case; actors are role descriptions. demo.qdpx beside the tables is the same "
            "study as a REFI-QDA project coded with the coding frame (generated sentences, one per row of the "
            "network tables; a third of the interviews coded by a second coder too): impt import-qdpx on it gives "
            "back the actors, items, knowledge, flows, barriers and case counts."
        ),
        "version": "1.0.0",
        "impt:synthetic": True,
        "impt:generator": {"n_interviews": n_interviews, "seed": seed, "wave": wave},
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "sources": [
            {
                "title": "Baltic Sea Region Information Management to Prevent Trafficking (BSR IMPT), "
                "CBSS Expert Group for Cooperation on Children at Risk, 2010",
                "path": "https://www.childcentre.info",
            }
        ],
        "contributors": [{"title": "IMPT Workbench contributors", "roles": ["creator"]}],
        "keywords": [
            "synthetic",
            "trafficking",
            "children at risk",
            "information management",
            "Baltic Sea region",
        ],
    }
