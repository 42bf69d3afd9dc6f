"""Non-default rules decide everywhere: the figures mark the actors the analysis counts, and the
scorecard, regional views and channels follow the same rules (issue 15).

The study (Denmark), by hand: C a national co-ordinator (government), K a National Contact
Point (police, national), H a regional hub (kind professional_network, child protection),
R local social services, S a local school (it knows item T1). Regular flows R -> H, S -> K.

- default rules: coordination actors C and K; local input must end at C, or at K if K passes
  information to C (it does not): nobody reaches co-ordination.
- ``RULES``: professional networks are coordination actors too, and local input may end at
  any of them: coordination actors C, K and H; R reaches H, S reaches K: H, R and S all feed.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from impt_analysis import study_from_tables  # noqa: E402
from impt_analysis.channels import channel_candidates, recommend_channels  # noqa: E402
from impt_analysis.coordination import three_aspects  # noqa: E402
from impt_analysis.graph import flow_graph  # noqa: E402
from impt_analysis.reach import reach  # noqa: E402
from impt_analysis.regional import scorecard  # noqa: E402
from impt_analysis.reporting import plots  # noqa: E402
from impt_analysis.rules import AspectRules, coordination_actors  # noqa: E402

RULES = AspectRules(
    coordination_kinds=("national_coordinator", "contact_point", "professional_network"),
    reach_via_passing_ncp=False,
)


def actor(actor_id, sector, level, kind="organisation"):
    return {
        "actor_id": actor_id,
        "name": f"{actor_id} office",
        "country": "DK",
        "sector": sector,
        "level": level,
        "kind": kind,
    }


@pytest.fixture(scope="module")
def study():
    flows = [("R", "H"), ("S", "K")]
    return study_from_tables(
        {
            "actors": [
                actor("C", "government", "national", "national_coordinator"),
                actor("K", "police", "national", "contact_point"),
                actor("H", "child_protection", "regional", "professional_network"),
                actor("R", "social_services", "local"),
                actor("S", "education", "local"),
            ],
            "interviews": [
                {
                    "interview_id": "I1",
                    "country": "DK",
                    "date": "2010-05-01",
                    "sector": "government",
                    "level": "national",
                    "actor_id": "C",
                }
            ],
            "flows": [
                {
                    "flow_id": f"F{n}",
                    "interview_id": "I1",
                    "source_actor": s,
                    "target_actor": t,
                    "channel": "formal_report",
                    "frequency": "regular",
                }
                for n, (s, t) in enumerate(flows, 1)
            ],
            "items": [
                {
                    "item_id": "T1",
                    "country": "DK",
                    "label": "Item",
                    "info_type": "trend",
                    "child_group": "other",
                    "theme": "asylum_migration",
                }
            ],
            "knowledge": [
                {
                    "interview_id": "I1",
                    "actor_id": "S",
                    "item_id": "T1",
                    "verification": "official",
                    "source_type": "official_data",
                }
            ],
        }
    )


def outlined(fig):
    """Actors drawn with the thick outline of a coordination actor in the flow figure."""
    nodes = [a for ax in fig.axes for a in ax.get_children() if (a.get_gid() or "").startswith("node:")]
    return sorted(a.get_gid()[5:] for a in nodes if a.get_linewidths()[0] > 2)


def bold(fig):
    """Actors whose row label is bold in the who-knows-what figure."""
    ax = fig.axes[0]
    return sorted(
        t.get_text().split(" office")[0] for t in ax.get_yticklabels() if t.get_fontweight() == "bold"
    )


def test_the_analysis_with_each_set_of_rules(study):
    G = flow_graph(study, "DK")
    assert coordination_actors(G, "DK") == ["C", "K"]
    assert coordination_actors(G, "DK", RULES) == ["C", "K", "H"]
    assert reach(study, "DK").set_index("actor_id")["reaches"].to_dict() == {
        "H": False,
        "R": False,
        "S": False,
    }
    assert reach(study, "DK", RULES).set_index("actor_id")["reaches"].to_dict() == {
        "H": True,
        "R": True,
        "S": True,
    }
    assert three_aspects(study).loc["DK", "local_input"] == "-"
    assert three_aspects(study, RULES).loc["DK", "local_input"] == "X"


@pytest.mark.parametrize("rules", [None, RULES], ids=["default", "custom"])
def test_the_flow_figure_outlines_the_coordination_actors_of_the_rules(study, rules):
    expected = sorted(coordination_actors(flow_graph(study, "DK"), "DK", rules))
    assert outlined(plots.draw_flows(study, "DK", rules=rules)) == expected


@pytest.mark.parametrize("rules", [None, RULES], ids=["default", "custom"])
def test_the_knowledge_figure_emboldens_the_coordination_actors_of_the_rules(study, rules):
    expected = sorted(coordination_actors(flow_graph(study, "DK"), "DK", rules))
    assert bold(plots.draw_who_knows_what(study, "DK", rules=rules)) == expected


@pytest.mark.parametrize("rules", [None, RULES], ids=["default", "custom"])
def test_the_aspects_figure_shows_the_verdicts_of_the_rules(study, rules):
    fig = plots.draw_three_aspects(study, reference=False, rules=rules)
    texts = [t for ax in fig.axes for t in ax.texts]
    cell = next(a for ax in fig.axes for a in ax.patches if a.get_gid() == "cell:DK:local_input:derived")
    x, y = cell.get_x(), cell.get_y()
    drawn = [
        t.get_text()
        for t in texts
        if abs(t.get_position()[0] - (x + 0.46)) < 0.05 and abs(t.get_position()[1] - (y + 0.44)) < 0.05
    ]
    assert drawn == [three_aspects(study, rules).loc["DK", "local_input"]]


def test_scorecard_follows_the_rules(study):
    """coordination_exists: an actor of a coordinator kind; ngos_feed_in False (no NGO);
    local_reaches_national: local input X or (X), only with RULES."""
    card = scorecard(study).loc["DK"]
    assert (bool(card["coordination_exists"]), bool(card["local_reaches_national"])) == (True, False)
    assert bool(scorecard(study, RULES).loc["DK", "local_reaches_national"])
    none = AspectRules(coordinator_kinds=("no_such_kind",))
    assert not bool(scorecard(study, none).loc["DK", "coordination_exists"])


def test_channels_follow_the_rules(study):
    """Default: K, H, R and S are cut off, only C is a target. From H, C gains H and R (2 local
    or regional actors); from K, K and S (1, and S's item T1); H first. RULES: everyone feeds."""
    assert channel_candidates(study, "DK") == [("K", "C"), ("H", "C"), ("R", "C"), ("S", "C")]
    top = recommend_channels(study, "DK", k=1)
    assert top[["source_actor", "target_actor", "new_actors", "new_items"]].values.tolist() == [
        ["H", "C", ["H", "R"], []]
    ]
    assert channel_candidates(study, "DK", RULES) == []
    assert recommend_channels(study, "DK", rules=RULES).empty


@pytest.mark.parametrize("rules", [None, RULES], ids=["default", "custom"])
def test_the_network_view_marks_the_coordination_actors_of_the_rules(study, rules):
    from impt_analysis.reporting.network_view import network_data

    data = network_data(study, "DK", rules=rules)
    marked = sorted(n["id"] for n in data["nodes"] if n["borderWidth"] == 3)
    assert marked == sorted(coordination_actors(flow_graph(study, "DK"), "DK", rules))
    reaching = sorted(a for a, way in data["reach"].items() if way["reaches"])
    assert reaching == ([] if rules is None else ["H", "R", "S"])
