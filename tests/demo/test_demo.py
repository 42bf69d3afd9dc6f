"""The synthetic demonstration study as a whole: deterministic, believable, labelled synthetic."""

from __future__ import annotations

import filecmp

import pytest

from impt_analysis.demo import CODED_PROJECT, DEMO_SEED, generate_study, write_demo
from impt_analysis.study import demo_path


def test_committed_demo_equals_fresh_generation(tmp_path):
    write_demo(generate_study(60, seed=DEMO_SEED), tmp_path)
    committed = sorted(p.name for p in demo_path().iterdir())
    assert CODED_PROJECT in committed  # the coded project is compared byte for byte too
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    match, mismatch, errors = filecmp.cmpfiles(demo_path(), tmp_path, committed, shallow=False)
    assert mismatch == [] and errors == [], "regenerate with: impt demo-data --out data/demo"


def test_same_seed_same_study_other_seed_other_study():
    a, b, c = generate_study(60, seed=5), generate_study(60, seed=5), generate_study(60, seed=6)
    assert a.flows.equals(b.flows) and a.codings.equals(b.codings)
    assert not a.knowledge.equals(c.knowledge)


def test_shape_of_the_demo(demo):
    per_country = demo.interviews.groupby("country").size()
    assert len(per_country) == 9 and per_country.between(6, 8).all()
    assert (demo.interviews["date"].dt.year == 2010).all()
    actors = demo.actors[demo.actors["country"].notna()].groupby("country").size()
    assert actors.between(10, 25).all()
    international = demo.actors[demo.actors["level"] == "international"]
    assert len(international) >= 2 and international["country"].isna().all()
    barriers = demo.barriers.groupby("interview_id").size()
    assert barriers.between(1, 4).all() and len(barriers) == 60
    assert set(demo.case_counts["tier"]) == {
        "identified",
        "suspected",
        "exploitative_situation",
        "at_risk_context",
    }
    # a second coder on a third of the interviews (two of each country's), on the whole of each
    second = demo.codings.groupby("interview_id")["coder"].nunique() > 1
    assert second.sum() == 18
    assert (
        demo.interviews[demo.interviews["interview_id"].isin(second.index[second])].groupby("country").size()
        == 2
    ).all()
    assert demo.meta["impt:synthetic"] is True and "SYNTHETIC" in demo.meta["description"]


def test_coded_project_is_labelled_synthetic_and_small():
    import zipfile

    path = demo_path() / CODED_PROJECT
    assert path.stat().st_size < 400_000
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde" and names[1:] == sorted(names[1:])
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        project = archive.read("project.qde").decode("utf-8")
    assert 'name="BSR IMPT synthetic demonstration study"' in project
    assert "SYNTHETIC DEMONSTRATION DATA" in project


def test_wave_two_is_a_later_follow_up():
    study = generate_study(60, wave=2)
    assert (study.interviews["date"].dt.year == 2012).all()
    assert study.meta["name"].endswith("wave2") and study.synthetic


@pytest.mark.parametrize("n", [9, 600])
def test_generator_scales(n):
    study = generate_study(n, seed=1)
    assert len(study.interviews) == n
    assert study.interviews.groupby("country").size().between(n // 9, n // 9 + 1).all()


def test_too_few_interviews_is_refused():
    with pytest.raises(ValueError, match="at least 9"):
        generate_study(5)
