"""Graph export: GEXF, GraphML and node-link JSON, and ``impt graph``."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner

from impt_analysis import write_study
from impt_analysis.cli import main
from impt_analysis.graph import build_graph, flow_graph
from impt_analysis.interop.export import export_graph, flat_graph


@pytest.fixture
def small():
    """Two parallel flows police -> coordinator and attributes of every awkward kind."""
    G = nx.MultiDiGraph(country="DK", synthetic=True, note=None)
    G.add_node("police", type="actor", sector="police", country="DK", tags=["a", "b"])
    G.add_node("coord", type="actor", sector="government", country=None, tags={"z", "y"})
    G.add_node("T1", type="item", label="Children begging", score=np.int64(3), extra={"b": 1, "a": [2]})
    G.add_edge(
        "police", "coord", "F1", type="tells", channel="meeting", regular=True, n=np.int64(2), item_id=None
    )
    G.add_edge("police", "coord", "F2", type="tells", channel="database", regular=False, n=1.5, item_id="T1")
    G.add_edge("police", "T1", "I1", type="knows", verification="official", n="many")
    return G


def test_flat_graph_turns_awkward_values_into_text(small):
    F = flat_graph(small)
    assert F.nodes["police"]["tags"] == "a; b"
    assert F.nodes["coord"]["tags"] == "y; z"  # a set is sorted
    assert F.nodes["coord"]["country"] == ""  # None -> empty text
    assert F.nodes["T1"]["extra"] == '{"a": [2], "b": 1}'
    assert F.nodes["T1"]["score"] == 3 and type(F.nodes["T1"]["score"]) is int
    assert F.edges["police", "coord", "F1"]["item_id"] == ""
    # n is int, float and str on different edges: one type per attribute, so text throughout
    assert [d["n"] for *_, d in F.edges(keys=True, data=True)] == ["2", "1.5", "many"]
    assert F.edges["police", "coord", "F1"]["regular"] is True
    assert F.graph == {"country": "DK", "synthetic": True, "note": ""}
    # the input graph is untouched
    assert small.nodes["police"]["tags"] == ["a", "b"] and small.graph["note"] is None


def test_int_and_float_mix_becomes_float():
    G = nx.DiGraph()
    G.add_edge("a", "b", w=1)
    G.add_edge("b", "c", w=2.5)
    F = flat_graph(G)
    assert F.edges["a", "b"]["w"] == 1.0 and type(F.edges["a", "b"]["w"]) is float


def test_gexf_renames_reserved_edge_type(small):
    F = flat_graph(small, gexf=True)
    assert F.edges["police", "coord", "F1"]["edge_type"] == "tells"
    assert "type" not in F.edges["police", "coord", "F1"]
    assert F.nodes["police"]["type"] == "actor"  # a node's type is not reserved


@pytest.mark.parametrize("suffix", [".gexf", ".graphml"])
def test_small_multigraph_round_trip(small, tmp_path, suffix):
    path = export_graph(small, tmp_path / f"g{suffix}")
    H = getattr(nx, f"read_{suffix[1:]}")(path)
    assert isinstance(H, nx.MultiDiGraph)
    assert sorted(H.nodes) == ["T1", "coord", "police"]
    assert sorted(H.edges(keys=True)) == [
        ("police", "T1", "I1"),
        ("police", "coord", "F1"),
        ("police", "coord", "F2"),
    ]
    kind = "edge_type" if suffix == ".gexf" else "type"
    assert H.edges["police", "coord", "F2"][kind] == "tells"
    assert H.edges["police", "coord", "F2"]["channel"] == "database"
    assert H.edges["police", "coord", "F1"]["regular"] is True
    assert H.nodes["police"]["tags"] == "a; b"


@pytest.mark.parametrize("suffix", [".gexf", ".graphml"])
@pytest.mark.parametrize("make", [build_graph, flow_graph])
def test_demo_graph_reads_back_with_same_nodes_edges_and_attributes(demo, tmp_path, suffix, make):
    G = make(demo, "DK")
    path = export_graph(G, tmp_path / f"dk{suffix}")
    H = getattr(nx, f"read_{suffix[1:]}")(path)
    assert type(H) is type(G)
    assert set(H.nodes) == set(G.nodes)
    if G.is_multigraph():
        assert sorted(H.edges(keys=True)) == sorted(G.edges(keys=True))
    else:
        assert sorted(H.edges) == sorted(G.edges)
    F = flat_graph(G, gexf=suffix == ".gexf")
    for n, data in F.nodes(data=True):
        read = dict(H.nodes[n])
        if suffix == ".gexf" and "label" not in data:
            assert read.pop("label") == n  # GEXF gives every node a label, the id by default
        assert read == data
    for *edge, data in F.edges(keys=True, data=True) if G.is_multigraph() else F.edges(data=True):
        read = {k: v for k, v in H.edges[tuple(edge)].items() if k != "id"}  # GEXF numbers its edges
        assert read == data


def test_json_keeps_lists_and_none(small, tmp_path):
    path = export_graph(small, tmp_path / "g.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) >= {"nodes", "edges", "directed", "multigraph", "graph"}
    H = nx.node_link_graph(data, edges="edges")
    assert H.nodes["police"]["tags"] == ["a", "b"]
    assert H.nodes["coord"]["country"] is None
    assert H.nodes["T1"]["score"] == 3
    assert H.edges["police", "coord", "F1"]["item_id"] is None
    assert sorted(H.edges(keys=True)) == sorted(small.edges(keys=True))


def test_format_overrides_extension(small, tmp_path):
    path = export_graph(small, tmp_path / "g.xml", format="graphml")
    assert nx.read_graphml(path).number_of_edges() == 3


def test_unknown_extension_is_refused(small, tmp_path):
    with pytest.raises(ValueError, match=r"\.gexf, \.graphml, \.json"):
        export_graph(small, tmp_path / "g.csv")
    assert not (tmp_path / "g.csv").exists()


def test_ids_that_clash_as_text_are_refused():
    with pytest.raises(ValueError, match="same id"):
        flat_graph(nx.Graph([(1, "1")]))


def test_creates_the_folder(small, tmp_path):
    path = export_graph(small, tmp_path / "a" / "b" / "g.gexf")
    assert path.is_file()


# --- impt graph ---------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def two_countries(build, tmp_path):
    """DK: a police unit tells the coordinator twice (regular, ad hoc); it also tells a Swedish contact point."""
    study = build(
        actors=[
            {
                "actor_id": "DK-C",
                "country": "DK",
                "sector": "government",
                "level": "national",
                "kind": "national_coordinator",
            },
            {
                "actor_id": "DK-P",
                "country": "DK",
                "sector": "police",
                "level": "national",
                "kind": "organisation",
            },
            {
                "actor_id": "SE-N",
                "country": "SE",
                "sector": "government",
                "level": "national",
                "kind": "contact_point",
            },
        ],
        flows=[
            {"source_actor": "DK-P", "target_actor": "DK-C"},
            {"source_actor": "DK-P", "target_actor": "DK-C", "frequency": "ad_hoc", "channel": "meeting"},
            {"source_actor": "DK-P", "target_actor": "SE-N"},
        ],
        items=[{"item_id": "DK-T1", "country": "DK"}],
        knowledge=[{"actor_id": "DK-P", "item_id": "DK-T1"}],
        # one row in every table, so that write_study writes each CSV with its header
        barriers=[
            {
                "interview_id": "DK-I1",
                "barrier": "data_protection_rules",
                "source_actor": "DK-P",
                "target_actor": "SE-N",
                "severity": 2,
            }
        ],
        codings=[
            {
                "segment_id": "S1",
                "interview_id": "DK-I1",
                "code": "cross_border",
                "coder": "c1",
                "start": 0,
                "end": 10,
                "excerpt": "synthetic",
            }
        ],
        case_counts=[
            {
                "country": "DK",
                "year": 2009,
                "tier": "identified",
                "child_group": "other",
                "count": 0,
                "basis": "official",
                "source_actor": "DK-P",
            }
        ],
    )
    write_study(study, tmp_path / "study")
    return tmp_path / "study"


def test_cli_graph_writes_gexf(two_countries, tmp_path):
    out = tmp_path / "dk.gexf"
    result = run("graph", "--data", two_countries, "--country", "DK", "--out", out)
    assert result.exit_code == 0, result.output
    assert "4 nodes, 4 edges" in result.output  # 3 actors + 1 item; 3 flows + 1 knows
    H = nx.read_gexf(out)
    assert sorted(H.nodes) == ["DK-C", "DK-P", "DK-T1", "SE-N"]
    assert sorted(H.edges(keys=True)) == [
        ("DK-P", "DK-C", "F1"),
        ("DK-P", "DK-C", "F2"),
        ("DK-P", "DK-T1", "DK-I1"),
        ("DK-P", "SE-N", "F3"),
    ]
    assert H.edges["DK-P", "SE-N", "F3"]["cross_border"] is True


def test_cli_graph_flows_only(two_countries, tmp_path):
    out = tmp_path / "dk.graphml"
    result = run("graph", "--data", two_countries, "--country", "dk", "--out", out, "--flows-only")
    assert result.exit_code == 0, result.output
    H = nx.read_graphml(out)
    assert isinstance(H, nx.DiGraph) and not H.is_multigraph()
    assert sorted(H.nodes) == ["DK-C", "DK-P", "SE-N"]
    edge = H.edges["DK-P", "DK-C"]
    assert (edge["n_flows"], edge["regular"], edge["channels"]) == (2, True, "formal_report; meeting")


def test_cli_graph_unknown_country_is_a_usage_error(two_countries, tmp_path):
    result = run("graph", "--data", two_countries, "--country", "XX", "--out", tmp_path / "x.gexf")
    assert result.exit_code == 2
    assert result.output == "Error: --country: unknown country 'XX': the study has DK, SE\n"  # one line
    assert not (tmp_path / "x.gexf").exists()


def test_cli_graph_unknown_extension_is_a_usage_error(tmp_path):
    result = run("graph", "--country", "DK", "--out", tmp_path / "dk.png")
    assert result.exit_code == 2 and ".gexf, .graphml, .json" in result.output


def test_cli_graph_bad_data_exits_1(demo_copy, tmp_path):
    path = demo_copy / "flows.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("regular", "weekly", 1), encoding="utf-8")
    result = run("graph", "--data", demo_copy, "--country", "DK", "--out", tmp_path / "dk.gexf")
    assert result.exit_code == 1
    assert "flows.csv" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "dk.gexf").exists()


def test_cli_graph_whole_study_by_default(tmp_path):
    out = tmp_path / "all.json"
    result = run("graph", "--out", out, "--flows-only")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 171
