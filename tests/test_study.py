"""The Study object (equality, repr) and how load_study finds its tables: the descriptor's resources."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from impt_analysis import StudyValidationError, load_study, study_from_tables
from impt_analysis.errors import UnknownCountryError
from impt_analysis.study import Study, resource_file, write_study

ACTOR = {"actor_id": "A", "name": "Municipal social services", "country": "DK", "sector": "social_services"}
ACTOR |= {"level": "local", "kind": "organisation"}


def descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def save(folder: Path, d: dict) -> None:
    (folder / "datapackage.json").write_text(json.dumps(d, indent=2), encoding="utf-8")


def resource(d: dict, name: str) -> dict:
    return next(r for r in d["resources"] if r["name"] == name)


def problems_of(folder) -> list:
    with pytest.raises(StudyValidationError) as info:
        load_study(folder)
    return info.value.problems


# --- equality and repr ------------------------------------------------------------------------


def test_a_study_equals_itself_and_its_round_trip(demo, tmp_path):
    assert demo == demo
    copy = load_study(write_study(demo, tmp_path / "copy"))
    assert copy == demo and demo.equals(copy)
    assert copy.path != demo.path  # where it was read from is not part of the study


def test_one_changed_cell_or_property_makes_studies_differ():
    one = study_from_tables({"actors": [ACTOR]}, meta={"title": "T"})
    assert one == study_from_tables({"actors": [ACTOR]}, meta={"title": "T"})
    assert one != study_from_tables({"actors": [{**ACTOR, "level": "regional"}]}, meta={"title": "T"})
    assert one != study_from_tables({"actors": [ACTOR]}, meta={"title": "U"})
    assert one != study_from_tables({"actors": [ACTOR, {**ACTOR, "actor_id": "B"}]}, meta={"title": "T"})
    assert one != "a study" and (one == "a study") is False


def test_a_column_of_another_type_or_order_makes_studies_differ():
    one = study_from_tables({"actors": [ACTOR]})
    other = study_from_tables({"actors": [ACTOR]})
    other.actors["sector"] = other.actors["sector"].astype(str)  # same text, no longer a categorical
    assert one != other
    other = study_from_tables({"actors": [ACTOR]})
    other.actors = other.actors[list(other.actors.columns)[::-1]]
    assert one != other


def test_public_barrier_counts_are_compared_too():
    a = study_from_tables({"actors": [ACTOR]})
    b = study_from_tables({"actors": [ACTOR]})
    b.barrier_counts = b.actors.head(0)
    assert a != b


def test_a_study_is_not_hashable():
    with pytest.raises(TypeError):
        hash(study_from_tables({}))


def test_repr_is_one_short_line_with_title_countries_and_row_counts(demo):
    text = repr(demo)
    assert "\n" not in text and len(text) < 400
    assert text.startswith(f"Study({demo.meta['title']!r}, countries=['DE', 'DK', 'EE', ")
    assert f"interviews={len(demo.interviews)}" in text and f"flows={len(demo.flows)}" in text
    small = study_from_tables({"actors": [ACTOR]}, meta={"title": "Small"})
    assert repr(small).startswith("Study('Small', countries=[], rows: codebook=")
    assert "actors=1, interviews=0" in repr(small)


# --- check_country: the one check of "a country of the study" --------------------------------

INTERVIEW = {"interview_id": "DK-I1", "country": "DK", "date": "2010-05-01", "sector": "social_services"}
INTERVIEW |= {"level": "local", "actor_id": "A"}


def test_check_country_returns_the_code_or_names_what_the_study_has():
    # one interview from DK; actor B is from SE, where nobody was interviewed
    study = study_from_tables(
        {"actors": [ACTOR, {**ACTOR, "actor_id": "B", "country": "SE"}], "interviews": [INTERVIEW]}
    )
    assert study.check_country("DK") == "DK"
    with pytest.raises(UnknownCountryError) as info:
        study.check_country("dk", caller="recommend_channels")  # compared as given: no silent upper-casing
    assert isinstance(info.value, ValueError) and info.value.exit_code == 2
    assert str(info.value) == "recommend_channels: unknown country 'dk': the study has DK; did you mean 'DK'?"
    with pytest.raises(UnknownCountryError, match=r"^unknown country 'SE': the study has DK$"):
        study.check_country("SE")  # an actor's country, but no interview from it
    with pytest.raises(UnknownCountryError, match=r"^unknown country 'FI': the study has DK; leave it out$"):
        study.check_country("FI", hint="leave it out")


def test_check_country_also_accepts_the_countries_of_other_tables():
    study = study_from_tables(
        {"actors": [ACTOR, {**ACTOR, "actor_id": "B", "country": "SE"}], "interviews": [INTERVIEW]}
    )
    assert study.check_country("SE", also=("actors",)) == "SE"
    with pytest.raises(UnknownCountryError, match=r"^unknown country 'XX': the study has DK, SE$"):
        study.check_country("XX", also=("actors", "items"))
    with pytest.raises(UnknownCountryError):  # a confidential study has no barrier counts: they add nothing
        study.check_country("SE", also=("barrier_counts",))
    with pytest.raises(ValueError, match="no table 'actor'") as info:
        study.check_country("SE", also=("actor",))
    assert not isinstance(info.value, UnknownCountryError)  # a slip of the caller, not of the user


def test_check_country_of_a_study_without_interviews_or_of_a_public_export():
    study = study_from_tables({"actors": [ACTOR]})
    with pytest.raises(
        UnknownCountryError,
        match=r"^unknown country 'DK': the study has no country at all \(none in its interviews\)$",
    ):
        study.check_country("DK")
    assert study.check_country("DK", also=("actors",)) == "DK"
    with pytest.raises(UnknownCountryError, match=r"\(none in its interviews, actors or items\)$"):
        study_from_tables({}).check_country("DK", also=("actors", "items"))
    public = dataclasses.replace(
        study_from_tables({"actors": [ACTOR], "interviews": [INTERVIEW]}), meta={"impt:public": True}
    )
    with pytest.raises(UnknownCountryError, match=r"^unknown country 'SE': the public export has DK$"):
        public.check_country("SE")


# --- the tables are where the descriptor says ---------------------------------------------------


def test_tables_are_read_from_the_resource_paths(demo, tmp_path):
    folder = write_study(demo, tmp_path / "s")
    (folder / "tables").mkdir()
    d = descriptor(folder)
    for name in ("flows", "knowledge"):
        shutil.move(folder / f"{name}.csv", folder / "tables" / f"the-{name}.csv")
        resource(d, name)["path"] = f"tables/the-{name}.csv"
    save(folder, d)
    assert load_study(folder) == demo


def test_the_path_not_the_name_decides(demo, tmp_path):
    """A file named like a table but not the one the descriptor names is not read."""
    folder = write_study(demo, tmp_path / "s")
    shutil.copy(folder / "flows.csv", folder / "flows-v2.csv")
    (folder / "flows.csv").write_text("not,the,flows\n", encoding="utf-8")
    d = descriptor(folder)
    resource(d, "flows")["path"] = "flows-v2.csv"
    save(folder, d)
    assert len(load_study(folder).flows) == len(demo.flows)


def test_a_table_the_descriptor_does_not_list_is_an_error(demo_copy):
    d = descriptor(demo_copy)
    d["resources"] = [r for r in d["resources"] if r["name"] != "items"]
    save(demo_copy, d)
    [p] = problems_of(demo_copy)
    assert (p.file, p.column, p.value) == ("datapackage.json", "resources", "items")
    assert "lists no resource 'items'" in p.message


def test_resources_that_are_not_a_list_are_an_error(demo_copy):
    d = descriptor(demo_copy)
    d["resources"] = {"flows": "flows.csv"}
    save(demo_copy, d)
    problems = problems_of(demo_copy)
    assert (problems[0].file, problems[0].column) == ("datapackage.json", "resources")
    assert "must be a list" in problems[0].message


@pytest.mark.parametrize(
    "path",
    [
        "../flows.csv",
        "/etc/passwd",
        "tables/../../flows.csv",
        "https://example.org/flows.csv",
        "a\\flows.csv",
    ],
)
def test_a_path_out_of_the_folder_is_refused(demo_copy, path):
    d = descriptor(demo_copy)
    resource(d, "flows")["path"] = path
    save(demo_copy, d)
    [p] = problems_of(demo_copy)
    assert (p.file, p.column, p.value) == ("datapackage.json", "resources.flows.path", path)
    assert "inside the study folder" in p.message


def test_a_symbolic_link_out_of_the_folder_is_refused(demo_copy, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(demo_copy / "flows.csv", outside / "flows.csv")
    os.symlink(outside, demo_copy / "linked")
    d = descriptor(demo_copy)
    resource(d, "flows")["path"] = "linked/flows.csv"
    save(demo_copy, d)
    [p] = problems_of(demo_copy)
    assert (p.column, p.value) == ("resources.flows.path", "linked/flows.csv")


@pytest.mark.parametrize("path", [None, ["flows.csv", "more.csv"], 7])
def test_a_path_that_is_not_one_text_is_refused(demo_copy, path):
    d = descriptor(demo_copy)
    if path is None:
        del resource(d, "flows")["path"]
    else:
        resource(d, "flows")["path"] = path
    save(demo_copy, d)
    [p] = problems_of(demo_copy)
    assert (p.file, p.column) == ("datapackage.json", "resources.flows.path")
    assert "one relative path" in p.message


def test_resource_file_without_a_readable_descriptor_takes_the_usual_name():
    assert resource_file(Path("s"), "flows", None) == (Path("s") / "flows.csv", [])


def test_study_is_still_a_dataclass_with_its_tables_as_fields(demo):
    import dataclasses

    names = [f.name for f in dataclasses.fields(Study)]
    assert names[:9] == ["codebook", "actors", "interviews", "items", "knowledge", "flows", "barriers"] + [
        "codings",
        "case_counts",
    ]
