"""The information-flow graph: who knows what, and who tells whom.

This module answers the study's first two questions as graphs: *who holds information on
children at risk* (``knows`` edges from actors to information items, with the verification
the interview reported) and *where does it go* (``tells`` edges between actors, one per
reported flow). Everything else in the flow analysis (the three aspects, reach, side
information, brokerage, the figures) starts from :func:`build_graph` or :func:`flow_graph`.

Restricting to a country
------------------------
With ``country="DK"`` a graph holds Denmark's actors and items plus the actors outside
Denmark (international bodies, neighbours' contact points) that are linked to a Danish actor
by a flow. Its ``tells`` edges are the flows with at least one Danish end; a flow between two
outside actors is left out even when both are in the graph, because it is not part of the
country's information flows. Its ``knows`` edges are those between its actors and its items.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.graph import flow_graph
>>> G = flow_graph(load_study(), "DK")
>>> G.nodes["DK-A001"]["kind"]
'national_coordinator'
"""

from __future__ import annotations

import logging

import networkx as nx
import numpy as np
import pandas as pd

from .codebook import verification_order
from .schema import EVIDENCE_SEPARATOR
from .study import Study, interview_column

__all__ = [
    "build_graph",
    "flow_graph",
    "who_knows_what",
    "ACTOR_ATTRIBUTES",
    "ITEM_ATTRIBUTES",
    "GRAPH_COUNTRY_TABLES",
]

log = logging.getLogger(__name__)

ACTOR_ATTRIBUTES = ("name", "country", "sector", "level", "kind")
ITEM_ATTRIBUTES = ("label", "info_type", "child_group", "theme")


def _plain(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Columns as plain Python objects (str or None), so graph attributes are not numpy/categorical.

    An optional column the table does not have (a public export may leave one out) is None.
    """
    out = {}
    for col in columns:
        if col not in frame.columns:
            out[col] = [None] * len(frame)
            continue
        s = frame[col].astype(object)
        out[col] = s.where(s.notna(), None)
    return pd.DataFrame(out, index=frame.index)


#: The tables besides the interviews whose countries have a graph (:meth:`Study.check_country`'s
#: ``also``): a country with actors or items and no interview yet still has its graph.
GRAPH_COUNTRY_TABLES = ("actors", "items")


def _country_parts(study: Study, country: str | None, caller: str | None = None):
    """The actors, items, flows and knowledge of a country's graph (all of them without a country).

    Raises :class:`~impt_analysis.errors.UnknownCountryError`, naming ``caller``, for a country
    of no interview, actor or item of the study.
    """
    actors, items, flows, knowledge = study.actors, study.items, study.flows, study.knowledge
    if country is None:
        return actors, items, flows, knowledge
    country = study.check_country(country, caller=caller, also=GRAPH_COUNTRY_TABLES)
    home = actors["country"].astype(object) == country
    home_ids = actors.loc[home, "actor_id"]
    touches = flows["source_actor"].isin(home_ids) | flows["target_actor"].isin(home_ids)
    flows = flows[touches]
    linked = pd.concat([flows["source_actor"], flows["target_actor"]])
    actors = actors[home | actors["actor_id"].isin(linked)]
    items = items[items["country"].astype(object) == country]
    knowledge = knowledge[
        knowledge["actor_id"].isin(actors["actor_id"]) & knowledge["item_id"].isin(items["item_id"])
    ]
    return actors, items, flows, knowledge


def _edge_keys(knowledge: pd.DataFrame, key: str) -> list[str]:
    """The key of each ``knows`` edge: its interview, or, in a public export, its group of interviews,
    numbered ``<group>#2``, ``#3``, ... when the group holds several rows for one actor and item
    (different verification or source), so that none overwrites another."""
    if key == "interview_id":
        return knowledge[key].tolist()
    repeat = knowledge.groupby(["actor_id", "item_id", key], sort=False).cumcount()
    return [g if n == 0 else f"{g}#{n + 1}" for g, n in zip(knowledge[key], repeat)]


def _evidence_ids(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    """Each row's evidence as a tuple of segment ids (empty where the table has no evidence column,
    as in a spreadsheet study or a public export, or the row has none)."""
    if "evidence" not in frame.columns:
        return [()] * len(frame)
    return [
        tuple(s.strip() for s in str(v).split(EVIDENCE_SEPARATOR) if s.strip()) if isinstance(v, str) else ()
        for v in frame["evidence"].astype(object)
    ]


def _actor_nodes(actors: pd.DataFrame) -> list[tuple[str, dict]]:
    attrs = _plain(actors, ACTOR_ATTRIBUTES).assign(type="actor")
    return list(zip(actors["actor_id"], attrs.to_dict("records")))


def build_graph(study: Study, country: str | None = None) -> nx.MultiDiGraph:
    """The who-knows-what and who-tells-whom graph of a study or of one country.

    Parameters
    ----------
    study : Study
        A loaded study.
    country : str, optional
        A country code: the graph holds that country's actors and items plus the actors outside
        it linked to them by a flow (see the module docstring). Without it, the whole study.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are actors (``type="actor"``, ``name``, ``country`` [None for international
        actors], ``sector``, ``level``, ``kind``) and items (``type="item"``, ``country``,
        ``label``, ``info_type``, ``child_group``, ``theme``), keyed by their ids. Edges:

        - ``knows``, actor -> item, one per row of ``knowledge`` (key the ``interview_id``):
          ``type="knows"``, ``verification``, ``source_type``, ``interview_id``, ``evidence``;
        - ``tells``, actor -> actor, one per flow (key the ``flow_id``): ``type="tells"``,
          ``channel``, ``frequency``, ``flow_id``, ``interview_id``, ``item_id`` (None when
          the flow is about no particular item) and ``cross_border`` (True when the two
          actors' countries differ; an international actor has no country, so a flow
          between it and a national actor is cross-border, one between two international
          actors is not), ``evidence``.

        ``evidence`` (both kinds) is the tuple of segment ids (``codings.csv``) of the passages
        the row was coded from; empty when the study has none (a spreadsheet study, or a public
        export, which withholds evidence). :func:`impt_analysis.basis.passages` turns the ids
        into passages.

        In a public export, whose rows name a group of interviews, ``interview_group``
        replaces ``interview_id`` on both kinds of edge, and a ``knows`` edge is keyed by the
        group (``<group>#2``, ... for further rows of the group on the same actor and item).

    Raises
    ------
    UnknownCountryError
        If ``country`` is no country of the study's interviews, actors or items
        (:meth:`~impt_analysis.study.Study.check_country`).
    ValueError
        If an id is used both by an actor and an item.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> G = build_graph(load_study(), "DK")
    >>> sorted({d["type"] for _, _, d in G.edges(data=True)})
    ['knows', 'tells']
    """
    actors, items, flows, knowledge = _country_parts(study, country, "build_graph")
    clash = set(actors["actor_id"]) & set(items["item_id"])
    if clash:
        raise ValueError(
            f"ids used both by an actor (actors.csv) and an item (items.csv): {', '.join(sorted(clash))}"
        )
    G = nx.MultiDiGraph(country=country, synthetic=study.synthetic)
    G.add_nodes_from(_actor_nodes(actors))
    item_attrs = _plain(items, ("country",) + ITEM_ATTRIBUTES).assign(type="item")
    G.add_nodes_from(zip(items["item_id"], item_attrs.to_dict("records")))

    key = interview_column(knowledge)
    k = _plain(knowledge, ("verification", "source_type", key)).assign(type="knows")
    k["evidence"] = _evidence_ids(knowledge)
    G.add_edges_from(
        zip(knowledge["actor_id"], knowledge["item_id"], _edge_keys(knowledge, key), k.to_dict("records"))
    )

    country_of = actors.set_index("actor_id")["country"].astype(object)  # holds every flow's two ends
    src_country = flows["source_actor"].map(country_of)
    tgt_country = flows["target_actor"].map(country_of)
    cross = src_country.fillna("") != tgt_country.fillna("")
    f = _plain(flows, ("channel", "frequency", "flow_id", interview_column(flows), "item_id"))
    f = f.assign(type="tells", cross_border=cross.to_numpy(dtype=bool).tolist())
    f["evidence"] = _evidence_ids(flows)
    G.add_edges_from(
        zip(flows["source_actor"], flows["target_actor"], flows["flow_id"], f.to_dict("records"))
    )
    log.debug("build_graph(%s): %d nodes, %d edges", country, G.number_of_nodes(), G.number_of_edges())
    return G


def flow_graph(study: Study, country: str | None = None) -> nx.DiGraph:
    """Who tells whom: actors only, one edge per ordered pair of actors that exchange information.

    Parameters
    ----------
    study : Study
        A loaded study.
    country : str, optional
        Restrict to a country exactly as :func:`build_graph` does.

    Returns
    -------
    networkx.DiGraph
        Nodes are the actors (attributes as in :func:`build_graph`, ``type="actor"``). An edge
        ``a -> b`` exists when at least one flow goes from ``a`` to ``b``, with ``n_flows`` (the
        number of reported flows), ``regular`` (True if any of them is regular), ``frequency``
        (``"regular"`` if any is regular, else ``"ad_hoc"``), ``channels`` (sorted list of the
        distinct channels), ``cross_border`` (the two actors' countries differ),
        ``n_interviews`` (the distinct interviews reporting a flow of the pair: its independent
        informants; in a public export the distinct groups of interviews, a lower bound),
        ``flow_ids`` (the flows, in the order of ``flows.csv``) and ``items`` (what the flows
        carry: item id, ``""`` for flows naming no item, -> ``"regular"`` if a regular flow
        carries it, else ``"ad_hoc"``) and ``evidence`` (tuple of the segment ids behind all the
        pair's flows, each once, in the order of ``flows.csv``; empty without evidence).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> G = flow_graph(load_study(), "DK")
    >>> G.edges["DK-A003", "DK-A001"]["frequency"]
    'regular'
    """
    actors, _, flows, _ = _country_parts(study, country, "flow_graph")
    G = nx.DiGraph(country=country, synthetic=study.synthetic)
    G.add_nodes_from(_actor_nodes(actors))
    if len(flows) == 0:
        return G
    f = pd.DataFrame(
        {
            "source": flows["source_actor"].to_numpy(),
            "target": flows["target_actor"].to_numpy(),
            "regular": (flows["frequency"].astype(object) == "regular").to_numpy(),
            "channel": flows["channel"].astype(str).to_numpy(),
            "flow_id": flows["flow_id"].astype(str).to_numpy(),
            "informant": flows[interview_column(flows)].astype(object).to_numpy(),
            "evidence": pd.Series(_evidence_ids(flows), dtype=object).to_numpy(),
            "item": (
                flows["item_id"].astype(object).where(flows["item_id"].notna(), "").to_numpy()
                if "item_id" in flows.columns
                else [""] * len(flows)
            ),
        }
    )
    pairs = f.groupby(["source", "target"], sort=True)
    edges = pd.DataFrame(
        {
            "n_flows": pairs.size(),
            "regular": pairs["regular"].any(),
            "n_interviews": pairs["informant"].nunique(),
            "flow_ids": pairs["flow_id"].agg(list),
            # segment ids of all the pair's flows, first occurrence first, each once
            "evidence": pairs["evidence"].agg(lambda ids: tuple(dict.fromkeys(s for t in ids for s in t))),
        }
    )
    channels = f.drop_duplicates(["source", "target", "channel"]).sort_values("channel")
    edges["channels"] = channels.groupby(["source", "target"], sort=True)["channel"].agg(list)
    edges["items"] = _item_frequencies(f)
    edges = edges.reset_index()
    country_of = actors.set_index("actor_id")["country"].astype(object)
    src_country, tgt_country = edges["source"].map(country_of), edges["target"].map(country_of)
    cross = src_country.fillna("") != tgt_country.fillna("")
    attrs = pd.DataFrame(
        {
            "n_flows": edges["n_flows"].astype(int).tolist(),
            "regular": edges["regular"].astype(bool).tolist(),
            "frequency": np.where(edges["regular"], "regular", "ad_hoc").tolist(),
            "channels": edges["channels"],
            "cross_border": cross.astype(bool).tolist(),
            "n_interviews": edges["n_interviews"].astype(int).tolist(),
            "flow_ids": edges["flow_ids"],
            "items": edges["items"],
            "evidence": edges["evidence"],
        }
    )
    G.add_edges_from(zip(edges["source"], edges["target"], attrs.to_dict("records")))
    return G


def _item_frequencies(f: pd.DataFrame) -> pd.Series:
    """What each edge's flows carry: item id ("" for flows naming no item) -> strongest frequency."""
    regular = f.groupby(["source", "target", "item"], sort=True)["regular"].any()
    out: dict[tuple, dict] = {}
    for (source, target, item), r in regular.items():
        out.setdefault((source, target), {})[item] = "regular" if r else "ad_hoc"
    return pd.Series(out, dtype=object)


def who_knows_what(study: Study, country: str | None = None) -> pd.DataFrame:
    """Actors x items: the strongest verification with which each actor was reported to know each item.

    Parameters
    ----------
    study : Study
        A loaded study.
    country : str, optional
        Restrict to the actors and items of the country's graph (:func:`build_graph`).

    Returns
    -------
    pandas.DataFrame
        Index ``actor_id`` (every actor of the graph, in the order of ``actors.csv``), one column
        per ``item_id`` (in the order of ``items.csv``). A cell holds the strongest verification
        reported over all interviews, ``official`` > ``maybe`` > ``anecdotal``, as an ordered
        categorical (categories weakest first, so ``frame >= "maybe"`` works); it is **missing
        (NaN, test with** ``isna()`` **)** where no interview reported that the actor knows the item.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> wkw = who_knows_what(load_study(), "DK")
    >>> wkw.index.name, str(wkw.dtypes.iloc[0])
    ('actor_id', 'category')
    """
    actors, items, _, knowledge = _country_parts(study, country, "who_knows_what")
    dtype = pd.CategoricalDtype(list(verification_order(study.codebook)), ordered=True)
    row_of = pd.Series(np.arange(len(actors)), index=actors["actor_id"].to_numpy())
    col_of = pd.Series(np.arange(len(items)), index=items["item_id"].to_numpy())
    codes = np.full((len(actors), len(items)), -1, dtype=np.int8)
    rank = pd.Categorical(knowledge["verification"].astype(object), dtype=dtype).codes
    r = row_of.reindex(knowledge["actor_id"].to_numpy()).to_numpy()
    c = col_of.reindex(knowledge["item_id"].to_numpy()).to_numpy()
    ok = ~(np.isnan(r.astype(float)) | np.isnan(c.astype(float))) & (rank >= 0)
    # np.maximum.at keeps the strongest verification when several interviews report the same pair.
    np.maximum.at(codes, (r[ok].astype(np.intp), c[ok].astype(np.intp)), rank[ok].astype(np.int8))
    columns = {
        item: pd.Categorical.from_codes(codes[:, j], dtype=dtype) for j, item in enumerate(col_of.index)
    }
    frame = pd.DataFrame(columns, index=pd.Index(row_of.index, name="actor_id"))
    frame.columns.name = "item_id"
    return frame
