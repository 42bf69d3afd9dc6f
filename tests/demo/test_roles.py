"""The vocabulary of the synthetic world: role descriptions, never a person; every code one of the codebook's."""

from __future__ import annotations

from impt_analysis.codebook import codes, default_codebook
from impt_analysis.demo import roles


def test_actors_are_role_descriptions(demo):
    """No person: every actor name says what kind of body it is."""
    words = (
        "service",
        "unit",
        "office",
        "board",
        "NGO",
        "group",
        "network",
        "station",
        "worker",
        "work",
        "centre",
        "district",
        "Contact Point",
        "organisation",
        "shelter",
    )
    assert all(any(w in name for w in words) for name in demo.actors["name"])


def test_every_code_the_roles_use_is_one_of_the_codebook_s():
    """The vocabularies live in the codebook: a role, item or excerpt with a code it does not hold
    would make a demo that fails its own validation."""
    cb = default_codebook()

    def valid(category, values):
        return set(values) - set(codes(cb, category)) == set()

    assert valid(
        "sector", [r[2] for r in roles.NATIONAL + roles.REGIONAL + roles.LOCAL + roles.INTERNATIONAL]
    )
    assert valid("level", [r[3] for r in roles.NATIONAL] + ["regional", "local", "international"])
    assert valid("kind", [r[4] for r in roles.NATIONAL] + [r[3] for r in roles.INTERNATIONAL])
    assert valid("info_type", [i[1] for i in roles.ITEMS]) and valid(
        "child_group", [i[2] for i in roles.ITEMS]
    )
    assert valid("theme", [i[3] for i in roles.ITEMS])
    assert set(roles.SOURCE_BY_VERIFICATION) == set(codes(cb, "verification"))
    assert valid("source_type", [s for v in roles.SOURCE_BY_VERIFICATION.values() for s in v])
    assert valid("code", roles.EXCERPTS)
    assert set(roles.HOLDERS_PER_ITEM) == set(codes(cb, "info_type"))


def test_the_countries_of_the_roles_are_the_published_table_s():
    from impt_analysis.reference import reference_table

    countries = set(reference_table().index)
    assert set(roles.LOCAL_SERVICE) == countries
    assert {c for pair in roles.NEIGHBOURS for c in pair} == countries
    assert roles.WITHOUT_COORDINATOR <= countries and set(roles.WAVE2_CHANGES) <= countries
