"""Export the information-flow graph for Gephi, Cytoscape and the web.

The study's graphs (:func:`~impt_analysis.graph.build_graph`,
:func:`~impt_analysis.graph.flow_graph`) are networkx graphs. Researchers who lay out and
explore them in Gephi or Cytoscape need them as GEXF or GraphML; web viewers (d3, sigma.js)
want node-link JSON. :func:`export_graph` picks the format from the file extension.

GEXF and GraphML hold only strings, numbers and booleans, so before writing them:

- a list, tuple or set becomes its items joined by ``"; "`` (``["meeting", "database"]`` ->
  ``"meeting; database"``; a set is sorted first), a dict becomes its JSON text, ``None``
  becomes the empty string, and any other object (a date, a numpy value) its text;
- an attribute that holds values of different types on different nodes (or edges) is written
  as text throughout, because both formats declare one type per attribute;
- in GEXF only, attribute names the format itself reserves are renamed with a ``node_`` or
  ``edge_`` prefix: an edge's ``type`` (GEXF's directed/undirected flag) becomes
  ``edge_type``; likewise ``id``, ``start``, ``end``, ``pid``, ``viz``, ``spells``. GEXF
  also has no graph attributes, so the graph's own attributes are kept in GraphML and JSON only.

Node-link JSON keeps lists, dicts and ``None`` as they are. Node ids are written as text in
every format, so a graph read back has string ids. A multigraph's edge keys are written (as
the edge ids of GraphML, and an attribute of GEXF); networkx reads a file back as a
multigraph only when it holds parallel edges (``nx.read_graphml(path, force_multigraph=True)``
always does).

Examples
--------
>>> import networkx as nx
>>> from impt_analysis.interop.export import export_graph
>>> G = nx.DiGraph()
>>> G.add_edge("a", "b", channels=["meeting", "database"])
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "flows.graphml"
>>> _ = export_graph(G, path)
>>> nx.read_graphml(path).edges["a", "b"]["channels"]
'meeting; database'
"""

from __future__ import annotations

import json
import logging
import numbers
import re
from collections.abc import Mapping
from pathlib import Path

import networkx as nx

from ..paths import replaced_atomically

__all__ = ["export_graph", "FORMATS", "flat_graph"]

log = logging.getLogger(__name__)

#: File extension -> format name.
FORMATS = {".gexf": "gexf", ".graphml": "graphml", ".json": "json"}

# Names networkx's GEXF writer takes out of the attributes and interprets (as the edge's
# directed/undirected flag, its id, time spells, visual attributes): kept under a prefix.
_GEXF_RESERVED = {
    "node": {"id", "pid", "start", "end", "viz", "spells", "parents", "slices"},
    "edge": {"id", "type", "start", "end", "viz", "spells", "key", "networkx_key"},
}


def _scalar(value):
    """A value GEXF and GraphML can hold: str, bool, int or float."""
    if value is None:
        return ""
    if isinstance(value, (str, bool)):
        return value
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # a numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    if isinstance(value, (set, frozenset)):
        return "; ".join(sorted(str(v) for v in value))
    if isinstance(value, (list, tuple)):
        return "; ".join("" if v is None else str(v) for v in value)
    return str(value)


def _flatten(records: list[dict]) -> list[dict]:
    """Scalar attributes, written as text where one attribute mixes types across records."""
    records = [{k: _scalar(v) for k, v in r.items()} for r in records]
    kinds: dict[str, set] = {}
    for r in records:
        for k, v in r.items():
            kinds.setdefault(k, set()).add(
                bool if isinstance(v, bool) else float if isinstance(v, float) else type(v)
            )
    for key, types in kinds.items():
        if types == {int, float}:
            for r in records:
                if key in r:
                    r[key] = float(r[key])
        elif len(types) > 1:
            log.info(
                "attribute %r mixes %s: written as text", key, ", ".join(sorted(t.__name__ for t in types))
            )
            for r in records:
                if key in r:
                    r[key] = str(r[key]) if not isinstance(r[key], bool) else str(r[key]).lower()
    return records


def _renamed(record: dict, reserved: set, prefix: str) -> dict:
    out = {}
    for k, v in record.items():
        name = f"{prefix}_{k}" if k in reserved else k
        if name in record and name != k:
            raise ValueError(f"cannot rename the GEXF-reserved attribute {k!r}: {name!r} is already used")
        out[name] = v
    return out


def flat_graph(graph: nx.Graph, gexf: bool = False) -> nx.Graph:
    """A copy of ``graph`` whose attributes GEXF and GraphML can hold (see the module docstring).

    Parameters
    ----------
    graph : networkx.Graph
        Any networkx graph, directed or not, multigraph or not.
    gexf : bool
        Also rename the attribute names GEXF reserves (``type`` on an edge -> ``edge_type``).

    Returns
    -------
    networkx.Graph
        A new graph of the same class with the same nodes (as strings) and edges (with their keys).

    Raises
    ------
    ValueError
        If two node ids have the same text (``1`` and ``"1"``), which the file could not tell apart.

    Examples
    --------
    >>> import networkx as nx
    >>> G = flat_graph(nx.DiGraph([("a", "b", {"channels": ["meeting"], "item_id": None})]))
    >>> G.edges["a", "b"]
    {'channels': 'meeting', 'item_id': ''}
    """
    ids = {n: str(n) for n in graph.nodes}
    if len(set(ids.values())) < len(ids):
        texts = sorted(ids.values())
        dup = next(t for t, u in zip(texts, texts[1:]) if t == u)
        raise ValueError(f"two nodes have the same id once written as text: {dup!r}")
    out = graph.__class__()
    out.graph.update(_flatten([dict(graph.graph)])[0])
    nodes = _flatten([dict(d) for _, d in graph.nodes(data=True)])
    if graph.is_multigraph():
        ends = [(ids[u], ids[v], str(k)) for u, v, k in graph.edges(keys=True)]
        data = [dict(d) for *_, d in graph.edges(keys=True, data=True)]
    else:
        ends = [(ids[u], ids[v]) for u, v in graph.edges()]
        data = [dict(d) for *_, d in graph.edges(data=True)]
    edges = _flatten(data)
    if gexf:
        nodes = [_renamed(d, _GEXF_RESERVED["node"], "node") for d in nodes]
        edges = [_renamed(d, _GEXF_RESERVED["edge"], "edge") for d in edges]
    out.add_nodes_from(zip(ids.values(), nodes))
    out.add_edges_from((*e, d) for e, d in zip(ends, edges))
    return out


# Characters XML 1.0 cannot carry: C0 controls but tab, newline and CR; surrogates; U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_xml_text(graph: nx.Graph) -> None:
    """Refuse a flat graph holding a character GEXF and GraphML (XML) cannot carry, naming where.

    Such a file would not be well-formed: Gephi and Cytoscape could not open it. JSON carries
    every character, so ``.json`` is the way out for such data.

    Examples
    --------
    >>> try:
    ...     check_xml_text(nx.Graph([("a" + chr(1), "c")]))
    ... except ValueError as err:
    ...     print(str(err).split(":")[1])
     its id holds the character U+0001, which GEXF and GraphML (XML) cannot carry; remove it from the study, or export as .json
    """

    def bad(value):
        found = _NOT_XML.search(value) if isinstance(value, str) else None
        return f"U+{ord(found.group()):04X}" if found else None

    places = [(f"node {n!r}", "its id", n) for n in graph.nodes]
    places += [
        (f"node {n!r}", f"attribute {k!r}", v) for n, d in graph.nodes(data=True) for k, v in d.items()
    ]
    places += [
        (f"edge {u!r} -> {v!r}", f"attribute {k!r}", x)
        for u, v, d in graph.edges(data=True)
        for k, x in d.items()
    ]
    for where, what, value in places:
        char = bad(value)
        if char:
            raise ValueError(
                f"{where}: {what} holds the character {char}, which GEXF and GraphML (XML) cannot carry; "
                "remove it from the study, or export as .json"
            )


def _json_default(value):
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def export_graph(graph: nx.Graph, path, format: str | None = None) -> Path:
    """Write a graph as GEXF, GraphML or node-link JSON, chosen by the file extension.

    Parameters
    ----------
    graph : networkx.Graph
        Any networkx graph; :func:`~impt_analysis.graph.build_graph` (a MultiDiGraph) and
        :func:`~impt_analysis.graph.flow_graph` (a DiGraph) are the usual ones.
    path : str or pathlib.Path
        The file to write, ending in ``.gexf`` (Gephi), ``.graphml`` (Cytoscape, Gephi, yEd)
        or ``.json`` (networkx node-link data, ``"nodes"`` and ``"edges"``). Its folder is
        created if needed; an existing file is replaced.
    format : {"gexf", "graphml", "json"}, optional
        Overrides the extension.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        For an unknown extension or format, or node ids that clash once written as text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph([("police", "coordinator", "F1", {"type": "tells"})])
    >>> path = export_graph(G, pathlib.Path(tempfile.mkdtemp()) / "flows.gexf")
    >>> list(nx.read_gexf(path).edges(data="edge_type"))
    [('police', 'coordinator', 'tells')]
    """
    path = Path(path)
    fmt = format or FORMATS.get(path.suffix.lower())
    if fmt not in FORMATS.values():
        wanted = format if format else f"the extension {path.suffix!r} of {path}"
        raise ValueError(f"cannot export a graph as {wanted}: use one of {', '.join(FORMATS)}")
    if fmt != "json":
        flat = flat_graph(graph, gexf=fmt == "gexf")
        check_xml_text(flat)
    # written beside the file, then renamed: a full disk or Ctrl-C never leaves half a graph
    with replaced_atomically(path) as tmp:
        if fmt == "json":
            data = nx.node_link_data(graph, edges="edges")
            tmp.write_text(
                json.dumps(data, indent=1, default=_json_default, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        elif fmt == "graphml":
            nx.write_graphml(flat, tmp, encoding="utf-8")
        else:
            nx.write_gexf(flat, tmp, encoding="utf-8")
    log.info("wrote %s (%s): %d nodes, %d edges", path, fmt, graph.number_of_nodes(), graph.number_of_edges())
    return path
