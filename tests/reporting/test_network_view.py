"""The interactive network's data and page, on a small study worked by hand (the browser tests are in
``test_browser``)."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from impt_analysis.errors import UnknownCountryError
from impt_analysis.reporting.network_view import network_data, network_html, network_iframe

PASSAGE = "We ring the police desk when a child goes missing."


@pytest.fixture
def chain(build):
    """Denmark: a school A4 tells an NGO A3, which tells the police A2, which tells the coordinator A1.

    A clinic A5 tells A3 ad hoc only; Swedish police B1 tell A2 (cross-border). A3 knows T1, reported
    once as anecdotal and once as maybe. Every flow is regular except A5 -> A3.
    """
    actors = [
        {
            "actor_id": "A1",
            "name": "Coordination unit",
            "country": "DK",
            "sector": "government",
            "level": "national",
            "kind": "national_coordinator",
        },
        {
            "actor_id": "A2",
            "name": "Police unit (Politi)",
            "country": "DK",
            "sector": "police",
            "level": "national",
            "kind": "organisation",
        },
        {
            "actor_id": "A3",
            "name": "Street NGO",
            "country": "DK",
            "sector": "ngo",
            "level": "local",
            "kind": "organisation",
        },
        {
            "actor_id": "A4",
            "name": "School",
            "country": "DK",
            "sector": "education",
            "level": "local",
            "kind": "organisation",
        },
        {
            "actor_id": "A5",
            "name": "Clinic",
            "country": "DK",
            "sector": "health",
            "level": "local",
            "kind": "organisation",
        },
        {
            "actor_id": "B1",
            "name": "Swedish police",
            "country": "SE",
            "sector": "police",
            "level": "national",
            "kind": "organisation",
        },
    ]
    flows = [
        {"source_actor": "A4", "target_actor": "A3"},
        {"source_actor": "A3", "target_actor": "A2", "evidence": "S1"},
        {"source_actor": "A3", "target_actor": "A2", "channel": "meeting", "frequency": "ad_hoc"},
        {"source_actor": "A2", "target_actor": "A1"},
        {"source_actor": "A5", "target_actor": "A3", "frequency": "ad_hoc", "channel": "informal_contact"},
        {"source_actor": "B1", "target_actor": "A2"},
    ]
    items = [{"item_id": "T1", "country": "DK", "label": "Children begging at the station"}]
    interviews = [
        {
            "interview_id": f"DK-I{n}",
            "country": "DK",
            "date": "2010-05-01",
            "sector": "ngo",
            "level": "local",
            "actor_id": "A3",
        }
        for n in (1, 2)
    ]
    interviews.append(
        {
            "interview_id": "SE-I1",
            "country": "SE",
            "date": "2010-05-01",
            "sector": "police",
            "level": "national",
            "actor_id": "B1",
        }
    )
    knowledge = [
        {"actor_id": "A3", "item_id": "T1", "verification": "anecdotal", "interview_id": "DK-I1"},
        {"actor_id": "A3", "item_id": "T1", "verification": "maybe", "interview_id": "DK-I2"},
    ]
    codings = [
        {
            "segment_id": "S1",
            "interview_id": "DK-I1",
            "code": "national_coordination",
            "coder": "c1",
            "start": 0,
            "end": len(PASSAGE),
            "excerpt": PASSAGE,
        }
    ]
    return build(
        actors, flows=flows, items=items, knowledge=knowledge, interviews=interviews, codings=codings
    )


def nodes_of(data):
    return {n["id"]: n for n in data["nodes"]}


def test_every_actor_linked_to_the_country_is_a_node_in_its_row(chain):
    data = network_data(chain, "DK")
    nodes = nodes_of(data)
    assert sorted(nodes) == ["A1", "A2", "A3", "A4", "A5", "B1"]
    y = {n: d["y"] for n, d in nodes.items()}
    assert (
        y["A3"] == y["A4"] == y["A5"] > y["A2"] > y["B1"]
    )  # local at the bottom, abroad on top (y grows down)
    assert y["A1"] < y["A2"]  # co-ordination lifted above its row
    assert [r[0] for r in data["rows"]] == ["Local", "National", "International"]


def test_shapes_colours_and_labels_are_the_static_figures(chain):
    nodes = nodes_of(network_data(chain, "DK"))
    assert nodes["A1"]["shape"] == "diamond" and nodes["A1"]["borderWidth"] == 3
    assert nodes["A2"]["shape"] == "dot" and nodes["A2"]["color"]["background"] == "#0072B2"
    assert nodes["A2"]["label"] == "Police unit"  # the parenthetical dropped, as in the figure
    assert nodes["B1"]["label"] == "SE: Swedish police"
    assert nodes["A1"]["info"]["kind"] == "National co-ordination"
    assert (nodes["A3"]["info"]["sector"], nodes["A3"]["info"]["level"]) == ("NGO", "Local")


def test_an_actors_panel_says_what_it_knows_and_whom_it_tells(chain):
    info = nodes_of(network_data(chain, "DK"))["A3"]["info"]
    assert info["knows"] == [
        ["Children begging at the station", "Maybe-information"]
    ]  # the stronger of the two
    assert info["tells"] == [["Police unit", "Formal report, Meeting", "Regular", 2]]
    assert sorted(info["told_by"]) == [
        ["Clinic", "Informal contact", "Ad hoc", 1],
        ["School", "Formal report", "Regular", 1],
    ]
    hover = nodes_of(network_data(chain, "DK"))["A3"]["hover"]
    assert hover[2] == "knows 1 item · tells 1 actor · told by 2 actors"


def test_a_links_panel_lists_its_flows_and_passages_only_when_asked(chain):
    edges = {e["id"]: e for e in network_data(chain, "DK")["edges"]}
    assert sorted(edges) == ["A2->A1", "A3->A2", "A4->A3", "A5->A3", "B1->A2"]
    link = edges["A3->A2"]
    assert link["flows"] == [
        {"item": "information in general", "channel": "Formal report", "frequency": "Regular"},
        {"item": "information in general", "channel": "Meeting", "frequency": "Ad hoc"},
    ]
    assert link["regular"] and not link["dashes"] and not link["cross_border"]
    assert edges["A5->A3"]["dashes"] and edges["B1->A2"]["cross_border"]
    assert "2 flows, regular, reported in 1 interview" == link["hover"][1]
    with_passages = {e["id"]: e for e in network_data(chain, "DK", passages=True)["edges"]}
    assert [f["passages"] for f in with_passages["A3->A2"]["flows"]] == [[PASSAGE], []]
    assert PASSAGE not in network_html(chain, "DK")
    assert PASSAGE in json.dumps(network_data(chain, "DK", passages=True))


def test_a_public_study_or_page_never_gets_passages(chain):
    with pytest.raises(ValueError, match="consultant's own screen"):
        network_data(chain, "DK", passages=True, public=True)
    public = dataclasses.replace(chain, meta={**chain.meta, "impt:public": True})
    with pytest.raises(ValueError, match="not on a public page"):
        network_html(public, "DK", passages=True)
    page = network_html(chain, "DK", public=True)
    assert PASSAGE not in page and "reported in" not in page


def test_a_public_page_does_not_tell_how_many_flows_a_link_has(chain):
    data = network_data(chain, "DK", public=True)
    edges = {e["id"]: e for e in data["edges"]}
    assert {e["width"] for e in edges.values()} == {1.5}
    assert edges["A3->A2"]["hover"][1] == "Regular"
    assert len(edges["A3->A2"]["flows"]) == 2  # two different flows, each once
    assert nodes_of(data)["A3"]["info"]["tells"] == [
        ["Police unit", "Formal report, Meeting", "Regular", None]
    ]


def test_reach_lights_the_ways_to_coordination_and_the_gatekeepers(chain):
    reach = network_data(chain, "DK")["reach"]
    school = reach["A4"]
    assert school["reaches"] and school["path_length"] == 3
    assert school["must_pass"] == ["A3", "A2"]  # nearest first
    assert school["nodes"] == ["A1", "A2", "A3", "A4"]
    assert school["links"] == ["A2->A1", "A3->A2", "A4->A3"]
    clinic = reach["A5"]  # ad hoc only: not followed by the default rules
    assert not clinic["reaches"] and clinic["nodes"] == [] and clinic["links"] == []


def test_recommended_channels_bring_the_clinic_in(chain):
    recommended = network_data(chain, "DK")["recommended"]
    assert recommended[0]["from"] == "A5" and recommended[0]["rank"] == 1
    assert "would bring 1 local or regional actor to co-ordination" in recommended[0]["hover"][1]


def test_the_page_is_self_contained_and_safe(build):
    evil = "</script><script>alert(1)</script>"
    study = build(
        [
            {
                "actor_id": "A1",
                "name": evil,
                "country": "DK",
                "sector": "police",
                "level": "local",
                "kind": "organisation",
            },
            {
                "actor_id": "A2",
                "country": "DK",
                "sector": "government",
                "level": "national",
                "kind": "national_coordinator",
            },
        ],
        flows=[{"source_actor": "A1", "target_actor": "A2"}],
    )
    page = network_html(study, "DK")
    assert evil not in page
    assert not re.search(r"""<(script|link|img|iframe)[^>]*(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
    assert re.findall(r"\n<script[^>]*>", page) == ["\n<script>", "\n<script>"]  # vis-network, then the view
    assert "sourceMappingURL" not in page
    frame = network_iframe(study, "DK")
    assert frame.startswith('<iframe class="impt-network"') and "<script>" not in frame  # escaped in srcdoc


def test_an_unknown_country_is_refused(chain):
    with pytest.raises(UnknownCountryError, match="unknown country 'XX'"):
        network_data(chain, "XX")


@pytest.fixture(scope="module")
def public_demo(tmp_path_factory):
    from impt_analysis import load_study
    from impt_analysis.privacy.publish import export_public

    out = export_public(load_study(), tmp_path_factory.mktemp("public") / "export", key=b"k" * 32)
    return load_study(out.path)


def test_the_network_of_a_public_export_reads_as_an_attacker_would(public_demo):
    from impt_analysis import load_study

    assert public_demo.public
    country = public_demo.countries[0]
    page = network_html(public_demo, country)
    data = json.loads(page.split("var DATA = ", 1)[1].split(";\n", 1)[0])
    assert data["public"] and not data["passages"]
    assert all("passages" not in f for e in data["edges"] for f in e["flows"])
    assert {e["width"] for e in data["edges"]} == {1.5}
    assert "reported in" not in page and " flows)" not in page.split("var DATA = ", 1)[1].split(";\n", 1)[0]
    truth = load_study()
    excerpts = [e for e in truth.codings["excerpt"].dropna().astype(str) if len(e) > 30]
    assert not any(e in page for e in excerpts)  # no coded passage on a public page
    with pytest.raises(ValueError, match="not on a public page"):
        network_html(public_demo, country, passages=True)


def test_the_explorer_on_a_public_export_shows_no_passage(public_demo):
    from impt_analysis.reporting.explore import Explorer

    country = public_demo.countries[0]
    ex = Explorer(public_demo).set(country=country).open_tab("Network")
    assert "passages&quot;: [" not in ex.network_pane.value and "passages\\u0022" not in ex.network_pane.value
    assert '"public": true' in ex.network_pane.value.replace("&quot;", '"')
