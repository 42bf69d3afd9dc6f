"""Every analysis and every figure on a study whose codebook adds a verification level, a sector
and an actor kind: the codebook decides the vocabularies (issue 15).

The study (Denmark), worked out by hand:

- codebook: the default one plus ``corroborated`` (verification, its row last but ``rank`` 2:
  between official, rank 1, and maybe, rank 3; anecdotal is 4), ``youth_work`` (sector, "Youth
  work") and ``youth_hub`` (kind, "Youth hub");
- actors: C the national co-ordinator (government), P national police, Y a local youth hub
  (youth_work), L local social services, N a local NGO;
- regular flows P -> C, Y -> C, L -> Y; N has none;
- knowledge: N knows T1 as maybe (interview I3) and as corroborated (I2); Y knows T2 as
  corroborated (I2), L knows T2 as anecdotal (I3).

So the verification order, weakest first, is anecdotal < maybe < corroborated < official;
T1's strongest level is corroborated (the row order alone would make it the weakest); T1 is
side information (only N holds it, and N reaches nobody).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from impt_analysis import study_from_tables  # noqa: E402
from impt_analysis.barriers import barrier_table  # noqa: E402
from impt_analysis.basis import basis  # noqa: E402
from impt_analysis.channels import recommend_channels, with_channels  # noqa: E402
from impt_analysis.codebook import default_codebook, verification_order  # noqa: E402
from impt_analysis.coordination import aspect_table, three_aspects  # noqa: E402
from impt_analysis.graph import who_knows_what  # noqa: E402
from impt_analysis.reach import reach, side_information  # noqa: E402
from impt_analysis.regional import scorecard  # noqa: E402
from impt_analysis.reporting import plots  # noqa: E402
from impt_analysis.reporting.plots.style import EXTRA_COLOURS, figure_look  # noqa: E402
from impt_analysis.triangulation import triangulate  # noqa: E402
from impt_analysis.waves import compare_studies  # noqa: E402


def codebook_with_additions() -> pd.DataFrame:
    added = pd.DataFrame(
        [
            {
                "code": "youth_work",
                "category": "sector",
                "label": "Youth work",
                "description": "Youth clubs.",
            },
            {"code": "youth_hub", "category": "kind", "label": "Youth hub", "description": "A local hub."},
            {"code": "corroborated", "category": "verification", "label": "Corroborated", "description": "."},
        ]
    )
    cb = pd.concat([default_codebook(), added], ignore_index=True).fillna("")
    ranks = {"official": "1", "corroborated": "2", "maybe": "3", "anecdotal": "4"}
    cb["rank"] = [ranks[c] if cat == "verification" else "" for c, cat in zip(cb["code"], cb["category"])]
    return cb


def actor(actor_id, sector, level, kind="organisation"):
    return {
        "actor_id": actor_id,
        "name": f"{actor_id} office",
        "country": "DK",
        "sector": sector,
        "level": level,
        "kind": kind,
    }


def interview(interview_id, actor_id, sector, level):
    return {
        "interview_id": interview_id,
        "country": "DK",
        "date": "2010-05-01",
        "sector": sector,
        "level": level,
        "actor_id": actor_id,
    }


def flow(n, source, target, frequency="regular"):
    return {
        "flow_id": f"F{n}",
        "interview_id": "I1",
        "source_actor": source,
        "target_actor": target,
        "channel": "formal_report",
        "frequency": frequency,
    }


def known(interview_id, actor_id, item_id, verification):
    return {
        "interview_id": interview_id,
        "actor_id": actor_id,
        "item_id": item_id,
        "verification": verification,
        "source_type": "official_data",
    }


def item(item_id, info_type="trend"):
    return {
        "item_id": item_id,
        "country": "DK",
        "label": f"Item {item_id}",
        "info_type": info_type,
        "child_group": "other",
        "theme": "asylum_migration",
    }


def make(codebook=None):
    tables = {
        "codebook": codebook_with_additions() if codebook is None else codebook,
        "actors": [
            actor("C", "government", "national", "national_coordinator"),
            actor("P", "police", "national"),
            actor("Y", "youth_work", "local", "youth_hub"),
            actor("L", "social_services", "local"),
            actor("N", "ngo", "local"),
        ],
        "interviews": [
            interview("I1", "C", "government", "national"),
            interview("I2", "Y", "youth_work", "local"),
            interview("I3", "N", "ngo", "local"),
        ],
        "flows": [flow(1, "P", "C"), flow(2, "Y", "C"), flow(3, "L", "Y")],
        "items": [item("T1"), item("T2", "emerging_issue")],
        "knowledge": [
            known("I3", "N", "T1", "maybe"),
            known("I2", "N", "T1", "corroborated"),
            known("I2", "Y", "T2", "corroborated"),
            known("I3", "L", "T2", "anecdotal"),
        ],
        "barriers": [{"interview_id": "I2", "barrier": "lack_of_training", "severity": "2"}],
        "case_counts": [
            {
                "country": "DK",
                "year": "2009",
                "tier": "identified",
                "child_group": "other",
                "count": "3",
                "basis": "official",
                "source_actor": "C",
            }
        ],
    }
    return study_from_tables(tables)


@pytest.fixture(scope="module")
def study():
    return make()


# --- the codebook's order --------------------------------------------------------------------


def test_the_rank_column_places_the_new_level(study):
    assert verification_order(study.codebook) == ("anecdotal", "maybe", "corroborated", "official")
    assert list(study.knowledge["verification"].cat.categories) == [
        "official",
        "corroborated",
        "maybe",
        "anecdotal",
    ]


def test_without_rank_the_row_order_decides():
    """The same codebook without ranks: corroborated, listed last, is the weakest level."""
    cb = codebook_with_additions().drop(columns="rank")
    s = make(cb)
    assert verification_order(s.codebook) == ("corroborated", "anecdotal", "maybe", "official")
    assert side_information(s, "DK")["verification"].tolist() == ["maybe"]


def test_a_rank_that_is_not_a_whole_number_is_refused():
    from impt_analysis.validation import StudyValidationError

    cb = codebook_with_additions()
    cb.loc[cb["code"] == "corroborated", "rank"] = "second"
    with pytest.raises(StudyValidationError, match="rank"):
        make(cb)


# --- every analysis ------------------------------------------------------------------------------


def test_who_knows_what_shows_the_new_level_as_known(study):
    wkw = who_knows_what(study, "DK")
    assert wkw.loc["Y", "T2"] == "corroborated"
    assert wkw.loc["N", "T1"] == "corroborated"  # stronger than N's other report, maybe
    assert wkw.loc["L", "T2"] == "anecdotal"
    assert (wkw["T2"] > "maybe").tolist() == [False, False, True, False, False]  # the categorical's order
    assert not (wkw["T2"] > "corroborated").any()
    assert int(wkw.notna().sum().sum()) == 3


def test_side_information_ranks_the_new_level(study):
    side = side_information(study, "DK")
    assert side["item_id"].tolist() == ["T1"]
    row = side.iloc[0]
    assert (row["holders"], row["sectors"], row["verification"], row["n_interviews"]) == (
        ["N"],
        ["ngo"],
        "corroborated",
        2,
    )


def test_three_aspects_and_aspect_table(study):
    """C hears regularly from police and youth work: 2 sectors of 3 needed, (X); no network, -;
    Y and L feed C, N does not: 2 of 3 local actors, X."""
    assert three_aspects(study).loc["DK", ["coordination", "networks", "local_input"]].tolist() == [
        "(X)",
        "-",
        "X",
    ]
    table = aspect_table(study, "DK")
    assert table["derived"].tolist() == ["(X)", "-", "X"]
    assert "2 sectors" in table["evidence"].iat[0]


def test_reach(study):
    r = reach(study, "DK").set_index("actor_id")
    assert r["reaches"].to_dict() == {"Y": True, "L": True, "N": False}
    assert r.loc["L", "must_pass"] == ["Y"] and r.loc["Y", "sector"] == "youth_work"


def test_triangulate_and_basis(study):
    tri = triangulate(study).set_index("item_id")
    assert tri.loc["T1", "verifications"] == ["corroborated", "maybe"]  # strongest first
    assert tri.loc["T1", "sectors"] == ["ngo", "youth_work"] and tri.loc["T1", "status"] == "triangulated"
    b = basis(study).iloc[0]
    assert (b["n_reports"], b["official"], b["corroborated"], b["maybe"], b["anecdotal"]) == (4, 0, 2, 1, 1)


def test_brokerage_barriers_channels_scorecard_waves(study):
    from impt_analysis.brokerage import brokers
    from impt_analysis.waves import wave_indicators

    b = brokers(study, "DK")  # L -> Y -> C, L and Y local, C national: Y represents the local level
    assert b[["actor_id", "kind", "representative", "total"]].values.tolist() == [["Y", "youth_hub", 1, 1]]
    assert barrier_table(study)[["barrier", "interviews"]].values.tolist() == [["lack_of_training", 1]]
    top = recommend_channels(study, "DK", k=2)  # only N is cut off: one channel, N -> C
    assert top[["source_actor", "target_actor", "new_items"]].values.tolist() == [["N", "C", ["T1"]]]
    card = scorecard(study).loc["DK"]
    assert (bool(card["coordination_exists"]), int(card["tiers_disseminated"]), bool(card["four_tiers"])) == (
        True,
        1,
        False,
    )
    w = wave_indicators(study).loc["DK"]
    assert (w["side_items"], w["triangulated_items"]) == (1, 2)
    change = compare_studies(study, study)
    assert change.loc["DK", "local_input_after"] == "X"


def test_with_channels_refuses_an_unknown_value(study):
    with pytest.raises(
        ValueError, match=r"channel 'telephone' is not in the codebook \(valid: formal_report"
    ):
        with_channels(study, [("N", "C")], channel="telephone")
    with pytest.raises(
        ValueError, match=r"frequency 'weekly' is not in the codebook \(valid: regular, ad_hoc\)"
    ):
        with_channels(study, [("N", "C")], frequency="weekly")
    with pytest.raises(ValueError, match="actors not in actors.csv: X"):
        with_channels(study, [("X", "C")])
    added = with_channels(study, [("N", "C")], channel="informal_contact", frequency="ad_hoc")
    assert added.flows["channel"].astype(str).tolist()[-1] == "informal_contact"
    assert added.flows["frequency"].notna().all()


# --- every figure --------------------------------------------------------------------------------


def _node(fig, actor_id):
    found = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == f"node:{actor_id}"]
    assert len(found) == 1
    return found[0]


def _legend_texts(fig):
    return [
        t.get_text()
        for ax in fig.axes
        for leg in ax.findobj(matplotlib.legend.Legend)
        for t in leg.get_texts()
    ]


def test_the_look_of_the_new_vocabulary(study):
    look = figure_look(study)
    assert look.sector_colour("youth_work") == EXTRA_COLOURS[0]
    assert look.sector_group("youth_work")[1] == "Youth work"
    assert look.kind_markers["youth_hub"] == "^" and look.kind_labels["youth_hub"] == "Youth hub"
    assert look.verification == ("anecdotal", "maybe", "corroborated", "official")
    assert len(set(look.verification_colours.values())) == 4  # four distinct shades


def test_flow_figure_draws_the_new_sector_and_kind(study):
    fig = plots.draw_flows(study, "DK")
    y = _node(fig, "Y")
    assert to_hex(y.get_facecolor()[0]) == EXTRA_COLOURS[0].lower()
    legend = _legend_texts(fig)
    assert "Youth work" in legend and "Youth hub" in legend and "Other sectors" not in legend


def test_knowledge_figure_shades_four_levels(study):
    fig = plots.draw_who_knows_what(study, "DK")
    mesh = next(a for ax in fig.axes for a in ax.get_children() if a.get_gid() == "cells")
    assert mesh.cmap.N == 4
    look = figure_look(study)
    assert to_hex(mesh.cmap(mesh.norm(2))) == look.verification_colours["corroborated"]
    legend = _legend_texts(fig)
    assert legend[:4] == ["Official data", "Corroborated", "Maybe-information", "Anecdotal evidence"]
    # the subtitle counts the reports of each level: 2 corroborated, 1 maybe, 1 anecdotal
    subtitle = " ".join(t.get_text() for t in fig.texts if t.get_gid() == "subtitle")
    assert "0 official data, 2 corroborated, 1 maybe-information, 1 anecdotal evidence" in " ".join(
        subtitle.split()
    )


def test_the_other_figures_draw(study):
    for fig in (
        plots.draw_three_aspects(study, reference=False),
        plots.draw_barriers(study, "DK"),
        plots.draw_change(compare_studies(study, study), study, study),
    ):
        assert fig.texts[0].get_text()


def test_matching_items_count_the_new_level(study):
    from impt_analysis.selection import Selection, matching_items, select

    t = matching_items(select(study, Selection(country="DK")))
    assert list(t.columns[-5:]) == ["official", "corroborated", "maybe", "anecdotal", "strongest"]
    assert t[["item_id", "corroborated", "maybe", "anecdotal", "strongest"]].values.tolist() == [
        ["T1", 1, 1, 0, "corroborated"],
        ["T2", 1, 0, 1, "corroborated"],
    ]


def test_the_network_view_names_the_new_vocabulary(study):
    from impt_analysis.reporting.network_view import network_data

    nodes = {n["id"]: n for n in network_data(study, "DK")["nodes"]}
    y = nodes["Y"]
    assert (y["info"]["sector"], y["info"]["kind"], y["shape"]) == ("Youth work", "Youth hub", "triangle")
    assert y["color"]["background"] == EXTRA_COLOURS[0]
    assert y["group_label"] == "Youth work"
    assert nodes["N"]["info"]["knows"] == [["Item T1", "Corroborated"]]
