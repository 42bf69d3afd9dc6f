"""Shared fixtures: the demo study, and a builder of small hand-made studies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from impt_analysis import load_study, study_from_tables
from impt_analysis.study import demo_path

REPO = Path(__file__).resolve().parents[1]
# The shared REFI-QDA samples live beside the checkout (``../shared``); IMPT_SHARED overrides.
SAMPLES = next(
    (
        p / "samples" / "refi-qda"
        for p in ([Path(os.environ["IMPT_SHARED"])] if os.environ.get("IMPT_SHARED") else [])
        + [REPO.parent / "shared", REPO.parent.parent / "shared", Path("/work/shared")]
        if (p / "samples" / "refi-qda").is_dir()
    ),
    REPO.parent / "shared" / "samples" / "refi-qda",
)


# Five reporting organisations (four in DK, one in EE), each interviewed once: the small study
# behind the hand-worked triangulation and basis tests.
REPORTING_ACTORS = [
    {"actor_id": "P1", "country": "DK", "sector": "police", "level": "national", "kind": "organisation"},
    {"actor_id": "NG", "country": "DK", "sector": "ngo", "level": "national", "kind": "organisation"},
    {
        "actor_id": "CP",
        "country": "DK",
        "sector": "child_protection",
        "level": "local",
        "kind": "organisation",
    },
    {"actor_id": "P2", "country": "DK", "sector": "police", "level": "local", "kind": "organisation"},
    {"actor_id": "EP", "country": "EE", "sector": "police", "level": "national", "kind": "organisation"},
]
REPORTING_INTERVIEWS = [
    {"interview_id": f"I{n}", "country": c, "date": "2010-05-01", "sector": s, "level": lv, "actor_id": a}
    for n, (a, c, s, lv) in enumerate(
        [
            ("P1", "DK", "police", "national"),
            ("NG", "DK", "ngo", "national"),
            ("CP", "DK", "child_protection", "local"),
            ("P2", "DK", "police", "local"),
            ("EP", "EE", "police", "national"),
        ],
        1,
    )
]


@pytest.fixture(scope="session")
def demo():
    """The bundled synthetic demonstration study (loaded once; do not modify it)."""
    return load_study()


@pytest.fixture
def demo_copy(tmp_path):
    """A writable copy of the demo study's folder, for breaking on purpose."""
    target = tmp_path / "study"
    shutil.copytree(demo_path(), target)
    return target


def make_study(
    actors,
    flows=(),
    items=(),
    knowledge=(),
    interviews=None,
    barriers=(),
    codings=(),
    case_counts=(),
    meta=None,
):
    """A small validated study from terse records; defaults fill what a test does not care about.

    ``actors``: dicts with actor_id, country, sector, level, kind (name defaults to the id).
    ``interviews``: default one per country, ``<CC>-I1``, with the country's first actor.
    ``flows``: dicts with source_actor, target_actor; frequency "regular", channel
    "formal_report", interview_id the source's country interview, flow_id numbered.
    ``items``: dicts with item_id and country; info_type "trend", child_group "other",
    theme "asylum_migration", label the id.
    ``knowledge``: dicts with actor_id, item_id; verification "official", source_type
    "official_data", interview_id the actor's country interview.
    """
    actors = [{"name": a["actor_id"], **a} for a in actors]
    country_of = {a["actor_id"]: a.get("country") or "" for a in actors}
    if interviews is None:
        interviews, seen = [], set()
        for a in actors:
            c = a.get("country")
            if c and c not in seen:
                seen.add(c)
                interviews.append(
                    {
                        "interview_id": f"{c}-I1",
                        "country": c,
                        "date": "2010-05-01",
                        "sector": a["sector"],
                        "level": a["level"],
                        "actor_id": a["actor_id"],
                    }
                )
    first = {i["country"]: i["interview_id"] for i in reversed(list(interviews))}
    any_interview = interviews[0]["interview_id"] if interviews else ""

    def interview_of(actor_id):
        return first.get(country_of.get(actor_id, ""), any_interview)

    flows = [
        {
            "flow_id": f"F{n}",
            "channel": "formal_report",
            "frequency": "regular",
            "interview_id": interview_of(f["source_actor"]),
            **f,
        }
        for n, f in enumerate(flows, 1)
    ]
    items = [
        {
            "label": i["item_id"],
            "info_type": "trend",
            "child_group": "other",
            "theme": "asylum_migration",
            **i,
        }
        for i in items
    ]
    knowledge = [
        {
            "verification": "official",
            "source_type": "official_data",
            "interview_id": interview_of(k["actor_id"]),
            **k,
        }
        for k in knowledge
    ]
    return study_from_tables(
        {
            "actors": actors,
            "interviews": interviews,
            "flows": flows,
            "items": items,
            "knowledge": knowledge,
            "barriers": list(barriers),
            "codings": list(codings),
            "case_counts": list(case_counts),
        },
        meta,
    )


@pytest.fixture
def build():
    """The :func:`make_study` builder, as a fixture."""
    return make_study
