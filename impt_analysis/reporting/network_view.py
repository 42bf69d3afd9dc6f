"""Who tells whom, to touch: the flow graph of a country as an interactive network.

The static figure (:func:`impt_analysis.reporting.plots.draw_flows`) stays for print; this module
draws the same graph, with the same rows, colours and shapes, as a network a reader can
hover, click, zoom, pan and filter, in JupyterLab (:func:`network_widget`, used by the
explorer) and on the report's country pages (:func:`network_html`, a self-contained HTML
document, and :func:`network_iframe`, the same document in an ``<iframe srcdoc>`` for a
page).

The renderer is vis-network, the library behind pyvis; its script and stylesheet are read
from the installed pyvis package and written *into* the page, so the page makes no request
to any server (the report site opens from a USB stick). ipysigma and ipycytoscape were
considered: their HTML export is the ipywidgets embedder, which loads require.js and the
widget manager from a CDN, and pyvis's own template links Bootstrap from a CDN even with
``cdn_resources="in_line"``; so the page template is ours (``_TEMPLATE``) and every node and
edge goes through pyvis's :class:`pyvis.network.Network`.

What a reader can do:

- hover an actor for its sector, level, kind and counts; hover a link for its flows;
- click an actor: what it knows (each item with its strongest verification) and whom it
  tells and who tells it; click a link: each flow with its channel and frequency, and, on the
  consultant's machine only (``passages=True``, never with a public export), the passage
  behind it;
- filter: regular flows only, one group of sectors, cross-border links only;
- choose a local or regional actor to light up the ways its information reaches national
  co-ordination and its must-pass actors (:func:`impt_analysis.reach.reach`), and show the
  recommended new channels (:func:`impt_analysis.channels.recommend_channels`).

Every code is shown by its label from the study's codebook.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.reporting.network_view import network_data
>>> data = network_data(load_study(), "FI")
>>> len(data["edges"]), data["nodes"][0]["info"]["level"] in {"Local", "Regional", "National", "International"}
(30, True)
"""

from __future__ import annotations

import html
import json
import logging
from functools import lru_cache
from importlib import resources

import networkx as nx
import pandas as pd

from ..graph import build_graph, flow_graph
from ..schema import EVIDENCE_SEPARATOR
from ..study import Study
from .plots.flows import _layout
from .plots.style import (
    HIGHLIGHT,
    SECTOR_COLOUR_GROUPS,
    WIDTH,
    country_name,
    figure_look,
    short_name,
)

__all__ = ["network_data", "network_html", "network_iframe", "network_widget", "VIS_SHAPES"]

log = logging.getLogger(__name__)

#: The vis-network shape of each marker of :data:`~impt_analysis.reporting.plots.style.KIND_MARKERS`
#: (vis-network has no pentagon: a National Contact Point is a hexagon on screen).
VIS_SHAPES = {
    "o": "dot",
    "s": "square",
    "D": "diamond",
    "p": "hexagon",
    "^": "triangle",
    "v": "triangleDown",
    "h": "hexagon",
    "*": "star",
}
_PX = 110  # pixels per inch of the static figure's layout


def _labels(study: Study, category: str) -> dict[str, str]:
    return study.labels(category)


def _strongest(verifications, order) -> str:
    ranked = [v for v in order if v in set(verifications)]
    return ranked[-1] if ranked else ""


def _reach_ways(G: nx.DiGraph, country: str, rules=None) -> dict[str, dict]:
    """For each local or regional actor: the actors and links on its ways to co-ordination, and its must-pass actors."""
    from ..reach import feeding_graphs, feeding_targets, reach_table
    from ..rules import judged_graph, rules_or_default

    rules = rules_or_default(rules)
    table = reach_table(G, country, rules)
    J = judged_graph(G, rules)
    targets = feeding_targets(J, country, rules)
    graphs = feeding_graphs(J, country, rules)
    out = {}
    for row in table.itertuples(index=False):
        nodes, links = set(), set()
        for H in graphs:
            if row.actor_id not in H:
                continue
            down = nx.descendants(H, row.actor_id) | {row.actor_id}
            up = set(targets)
            for t in targets:
                if t in H:
                    up |= nx.ancestors(H, t)
            on = down & up
            if row.actor_id in on:
                nodes |= on
                links |= {(u, v) for u, v in H.edges if u in on and v in on}
        out[row.actor_id] = {
            "reaches": bool(row.reaches),
            "must_pass": list(row.must_pass),
            "path_length": None if pd.isna(row.path_length) else int(row.path_length),
            "nodes": sorted(nodes),
            "links": [f"{u}->{v}" for u, v in sorted(links)],
            "targets": [t for t in targets if t in nodes],
        }
    return out


def network_data(
    study: Study,
    country: str,
    *,
    passages: bool = False,
    recommended: bool = True,
    public: bool | None = None,
    highlight=None,
    highlight_label: str = "highlighted link",
    rules=None,
) -> dict:
    """The nodes, links and panels of a country's interactive network, as plain JSON-ready data.

    Parameters
    ----------
    study : Study
        A loaded study (or a selection of one, :func:`impt_analysis.selection.select`).
    country : str
        A country code; the graph is :func:`~impt_analysis.graph.flow_graph` of it.
    passages : bool
        Put each flow's evidence passage in its link's panel: for the consultant's own screen.
        Refused for a public study or a public page.
    recommended : bool
        Add the recommended new channels (:func:`~impt_analysis.channels.recommend_channels`),
        hidden until the reader asks for them.
    highlight : list of (source, target), optional
        Links drawn in magenta, e.g. those carrying information on a chosen child group; a
        pair without a link is ignored.
    highlight_label : str
        What a highlighted link means, added to its hover text.
    public : bool, optional
        A public page (default: ``study.public``): no passages, and no count of flows or
        interviews on a link (every link as wide as another, its flows listed once each).
    rules : AspectRules, optional
        The coordination actors (drawn larger), the ways of reach and the recommended channels.

    Returns
    -------
    dict
        ``title``, ``nodes`` (vis-network nodes with ``info``: name, sector, level, kind,
        knows, tells, told_by), ``edges`` (with ``flows``), ``sectors`` (the groups present),
        ``reach`` (per local or regional actor, see :func:`_reach_ways`), ``recommended``
        (links), ``rows`` (row labels and heights) and ``public``.

    Raises
    ------
    UnknownCountryError
        A ``ValueError``, if the country has no interview, actor or item in the study
        (:func:`~impt_analysis.graph.flow_graph`).
    ValueError
        If ``passages`` is asked on a public study or page.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> d = network_data(load_study(), "DK")
    >>> sorted(d["nodes"][0]["info"])
    ['country', 'kind', 'knows', 'level', 'name', 'sector', 'tells', 'told_by']
    """
    from pyvis.network import Network

    public = bool(study.public) if public is None else bool(public)
    if passages and (public or study.public):
        raise ValueError("passages are for the consultant's own screen: not on a public page or export")
    G = flow_graph(study, country)
    highlight = {tuple(pair) for pair in (highlight or [])}
    B = build_graph(study, country)
    look = figure_look(study, rules)
    pos, _, rows = _layout(G, country, WIDTH - 1.7, 1.95, look)
    top = (len(rows) - 1) * 1.95
    sectors, levels, kinds = _labels(study, "sector"), _labels(study, "level"), _labels(study, "kind")
    channels, frequencies = _labels(study, "channel"), _labels(study, "frequency")
    verifications = _labels(study, "verification")
    names = {n: short_name(d.get("name") or n) for n, d in G.nodes(data=True)}
    items = {n: (d.get("label") or n) for n, d in B.nodes(data=True) if d.get("type") == "item"}
    knows: dict[str, dict[str, list]] = {}
    for a, i, d in B.edges(data=True):
        if d.get("type") == "knows":
            knows.setdefault(a, {}).setdefault(i, []).append(d.get("verification"))
    evidence = _passages(study) if passages else {}
    tells = {}
    for u, v, d in B.edges(data=True):
        if d.get("type") == "tells":
            tells.setdefault((u, v), []).append(d)

    net = Network(directed=True, cdn_resources="in_line")
    for n, d in G.nodes(data=True):
        kind = d.get("kind")
        foreign = d.get("country") != country
        known = knows.get(n, {})
        out_links = [(v, G.edges[n, v]) for v in G.successors(n)]
        in_links = [(u, G.edges[u, n]) for u in G.predecessors(n)]
        info = {
            "name": str(d.get("name") or n),
            "country": country_name(d.get("country")) if d.get("country") else "International",
            "sector": sectors.get(d.get("sector"), d.get("sector") or "not known"),
            "level": levels.get(d.get("level"), d.get("level") or "not known"),
            "kind": kinds.get(kind, kind or "not known"),
            "knows": [
                [
                    items.get(i, i),
                    verifications.get(_strongest(v, look.verification), _strongest(v, look.verification)),
                ]
                for i, v in sorted(known.items(), key=lambda kv: str(items.get(kv[0], kv[0])))
            ],
            "tells": [
                [
                    names[v],
                    ", ".join(channels.get(c, c) for c in e["channels"]),
                    frequencies.get(e["frequency"], e["frequency"]),
                    None if public else int(e["n_flows"]),
                ]
                for v, e in out_links
            ],
            "told_by": [
                [
                    names[u],
                    ", ".join(channels.get(c, c) for c in e["channels"]),
                    frequencies.get(e["frequency"], e["frequency"]),
                    None if public else int(e["n_flows"]),
                ]
                for u, e in in_links
            ],
        }
        hover = [
            info["name"],
            f"{info['sector']} · {info['level']} · {info['kind']}",
            f"knows {_count(len(known), 'item')} · tells {_count(len(out_links), 'actor')} · "
            f"told by {_count(len(in_links), 'actor')}",
        ]
        if foreign:
            hover.insert(1, info["country"])
        coord = kind in look.coordination_kinds
        x, y = pos[n]
        net.add_node(
            n,
            label=(f"{d.get('country') or 'Intl.'}: " if foreign else "") + names[n],
            x=round(x * _PX, 1),
            y=round((top - y) * _PX, 1),
            physics=False,
            shape=VIS_SHAPES.get(look.kind_markers.get(kind, "o"), "dot"),
            size=13 if coord else 10,
            color={
                "background": look.sector_colour(d.get("sector")),
                "border": "#000000",
                "highlight": {"background": look.sector_colour(d.get("sector")), "border": HIGHLIGHT},
            },
            borderWidth=3 if coord else 1,
            font={"size": 12, "color": "#555555" if foreign else "#222222"},
            hover=hover,
            info=info,
            group_label=look.sector_group(d.get("sector"))[1],
            local=d.get("level") in ("local", "regional") and not foreign,
        )
    for u, v, e in G.edges(data=True):
        flows = []
        for f in tells.get((u, v), []):
            row = {
                "item": items.get(f.get("item_id"), "information in general")
                if f.get("item_id")
                else "information in general",
                "channel": channels.get(f.get("channel"), f.get("channel") or "not known"),
                "frequency": frequencies.get(f.get("frequency"), f.get("frequency") or "not known"),
            }
            if passages:
                row["passages"] = evidence.get(str(f.get("flow_id")), [])
            if not (public and row in flows):  # a public page does not tell how many flows a link has
                flows.append(row)
        frequency = frequencies.get(e["frequency"], e["frequency"])
        hover = [
            f"{names[u]} → {names[v]}",
            frequency
            if public
            else (
                f"{_count(int(e['n_flows']), 'flow')}, {frequency.lower()}, "
                f"reported in {_count(int(e['n_interviews']), 'interview')}"
            ),
            ", ".join(channels.get(c, c) for c in e["channels"]),
        ]
        if e.get("cross_border"):
            hover.append("cross-border")
        lit = (u, v) in highlight
        if lit:
            hover.append(highlight_label)
        net.add_edge(
            u,
            v,
            id=f"{u}->{v}",
            arrows="to",
            dashes=not e["regular"],
            width=(1.5 if public else 1 + 0.8 * (min(int(e["n_flows"]), 4) - 1)) + (1.5 if lit else 0),
            color={"color": HIGHLIGHT if lit else "#3A3A3A", "opacity": 1 if lit else 0.75},
            lit=lit,
            smooth={"type": "curvedCW", "roundness": 0.12},
            hover=hover,
            flows=flows,
            regular=bool(e["regular"]),
            cross_border=bool(e.get("cross_border")),
            title_text=f"{names[u]} → {names[v]}",
        )
    present = {look.sector_group(d.get("sector"))[1] for _, d in G.nodes(data=True)}
    data = {
        "title": f"Who tells whom: information flows in {country_name(country)}",
        "nodes": net.nodes,
        "edges": net.edges,
        "sectors": [label for label, _, _ in SECTOR_COLOUR_GROUPS if label in present]
        + sorted(present - {label for label, _, _ in SECTOR_COLOUR_GROUPS}),
        "rows": [
            [levels.get(r, r.capitalize()), round((top - i * 1.95) * _PX, 1)] for i, r in enumerate(rows)
        ],
        "reach": _reach_ways(G, country, rules) if G.number_of_edges() else {},
        "recommended": [],
        "public": public,
        "passages": bool(passages),
        "synthetic": bool(study.synthetic),
    }
    if recommended and G.number_of_edges():
        data["recommended"] = _recommended(study, country, G, names, rules)
    return data


def _passages(study: Study) -> dict[str, list[str]]:
    """Flow id -> the coded passages behind it: the excerpts of the segments its ``evidence`` names."""
    flows, codings = study.flows, study.codings
    if "evidence" not in flows.columns or "excerpt" not in codings.columns:
        return {}
    excerpt = codings.drop_duplicates("segment_id").set_index("segment_id")["excerpt"].astype(object)
    out = {}
    for flow, value in zip(flows["flow_id"].astype(str), flows["evidence"].astype(object)):
        if value is None or pd.isna(value):
            continue
        segments = [s for s in str(value).split(EVIDENCE_SEPARATOR) if s]
        out[flow] = [
            str(excerpt[s]) for s in dict.fromkeys(segments) if s in excerpt.index and pd.notna(excerpt[s])
        ]
    return out


def _recommended(study: Study, country: str, G: nx.DiGraph, names: dict, rules=None) -> list[dict]:
    from ..channels import recommend_channels

    try:
        table = recommend_channels(study, country, rules=rules)
    except ValueError as err:  # a country without co-ordination actors has nothing to recommend
        log.info("no recommended channels for %s: %s", country, err)
        return []
    out = []
    for row in table.itertuples(index=False):
        if row.source_actor in G and row.target_actor in G:
            out.append(
                {
                    "id": f"rec:{row.source_actor}->{row.target_actor}",
                    "from": row.source_actor,
                    "to": row.target_actor,
                    "rank": int(row.rank),
                    "hover": [
                        f"Recommended channel {int(row.rank)}: {names[row.source_actor]} → "
                        f"{names[row.target_actor]}",
                        f"would bring {_count(int(row.new_local_actors), 'local or regional actor')} "
                        "to co-ordination",
                    ],
                }
            )
    return out


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, as shipped inside the pyvis package."""
    lib = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    script = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    script = script.replace("//# sourceMappingURL=vis-network.min.js.map", "")  # no request for a map either
    return script, (lib / "vis-network.css").read_text(encoding="utf-8")


def _script_json(data) -> str:
    """JSON safe inside a <script> element (no "</" can close it)."""
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def network_html(
    study: Study,
    country: str,
    *,
    passages: bool = False,
    public: bool | None = None,
    height: int = 560,
    **options,
) -> str:
    """A self-contained HTML document of the country's interactive network: no request to any server.

    Parameters
    ----------
    study, country, passages, public
        As for :func:`network_data`; further keywords (``highlight``, ...) go to it too.
    height : int
        The height of the network in CSS pixels (the panel goes beside it on a wide screen, below
        it on a narrow one).

    Returns
    -------
    str
        The document: vis-network inline, the data as JSON, the controls and the panel.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> page = network_html(load_study(), "DK")
    >>> page.startswith("<!DOCTYPE html>"), "https://" in page.split("<script>")[0]
    (True, False)
    """
    data = network_data(study, country, passages=passages, public=public, **options)
    script, style = _assets()
    return (
        _TEMPLATE.replace("/*VIS_CSS*/", style)
        .replace("/*VIS_JS*/", script)
        .replace("/*DATA*/", _script_json(data))
        .replace("__HEIGHT__", str(int(height)))
        .replace("__TITLE__", html.escape(data["title"]))
    )


def network_iframe(
    study: Study,
    country: str,
    *,
    passages: bool = False,
    public: bool | None = None,
    height: int = 560,
    **options,
) -> str:
    """:func:`network_html` in an ``<iframe srcdoc>``: an HTML fragment for a report page or a widget.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> network_iframe(load_study(), "DK").startswith('<iframe class="impt-network"')
    True
    """
    doc = network_html(study, country, passages=passages, public=public, height=height, **options)
    return (
        f'<iframe class="impt-network" title="{html.escape(country_name(country))}: interactive network of '
        f'who tells whom" srcdoc="{html.escape(doc, quote=True)}" style="width:100%;height:{height + 330}px;'
        'border:1px solid #ddd;border-radius:4px" loading="lazy"></iframe>'
    )


def network_widget(study: Study, country: str, *, passages: bool = False, height: int = 560):
    """The interactive network as an ipywidgets ``HTML`` widget, for JupyterLab.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> network_widget(load_study(), "DK").value.startswith("<iframe")
    True
    """
    import ipywidgets as w

    return w.HTML(network_iframe(study, country, passages=passages, height=height))


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>/*VIS_CSS*/</style>
<style>
body {margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;}
#bar {display: flex; flex-wrap: wrap; gap: 6px 14px; padding: 6px 8px; background: #f6f6f6;
  border-bottom: 1px solid #ddd; align-items: center;}
#bar label {white-space: nowrap;}
#bar select {max-width: 16em; font: inherit;}
#main {display: flex; flex-wrap: wrap;}
#net {flex: 1 1 520px; min-width: 0; height: __HEIGHT__px; position: relative;}
#panel {flex: 0 1 300px; min-width: 0; max-height: __HEIGHT__px; overflow: auto; padding: 8px 12px;
  border-left: 1px solid #ddd; box-sizing: border-box;}
@media (max-width: 700px) {#panel {flex-basis: 100%; border-left: 0; border-top: 1px solid #ddd;
  max-height: none;} #net {height: 420px;}}
#panel h3 {margin: 4px 0; font-size: 15px;} #panel h4 {margin: 10px 0 2px; font-size: 13px;}
#panel ul {margin: 2px 0; padding-left: 18px;} #panel p {margin: 2px 0;}
#panel .muted, .muted {color: #555;} .passage {background: #fff8dc; padding: 2px 4px; font-size: 12px;}
.vis-tooltip {white-space: normal !important; max-width: 320px; font: 12px/1.35 system-ui, sans-serif !important;}
#legend {font-size: 12px; padding: 4px 8px; color: #444;}
#legend span.sw {display: inline-block; width: 10px; height: 10px; border: 1px solid #000; margin: 0 3px 0 8px;}
</style></head>
<body>
<div id="bar" role="toolbar" aria-label="Filters">
  <label>Flows <select id="f-frequency"><option value="">all flows</option>
    <option value="regular">regular only</option></select></label>
  <label>Sector <select id="f-sector"><option value="">All sectors</option></select></label>
  <label><input type="checkbox" id="f-cross"> cross-border links only</label>
  <label>Reach of <select id="f-reach"><option value="">(a local or regional actor)</option></select></label>
  <label><input type="checkbox" id="f-recommended"> recommended channels</label>
</div>
<div id="main"><div id="net" aria-label="Interactive network of who tells whom"></div>
<div id="panel" aria-live="polite"><p class="muted">Click an actor to see what it knows and whom it tells;
click a link to see its flows. Scroll to zoom, drag to pan.</p></div></div>
<div id="legend"></div>
<script>/*VIS_JS*/</script>
<script>
(function () {
  "use strict";
  var DATA = /*DATA*/;
  var HL = "#EE3377";
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls; return e; }
  function tip(lines) { var d = el("div"); lines.forEach(function (l, i) { var p = el(i ? "div" : "b", l);
    d.appendChild(p); }); return d; }
  var byId = {};
  DATA.nodes.forEach(function (n) { n.title = tip(n.hover); byId[n.id] = n; });
  DATA.edges.forEach(function (e) { e.title = tip(e.hover); });
  DATA.recommended.forEach(function (r) { r.title = tip(r.hover); r.hidden = true; r.arrows = "to";
    r.dashes = [6, 4]; r.width = 3; r.color = {color: HL}; r.recommended = true;
    r.smooth = {type: "curvedCCW", roundness: 0.2}; });
  var nodes = new vis.DataSet(DATA.nodes);
  var edges = new vis.DataSet(DATA.edges.concat(DATA.recommended));
  var container = document.getElementById("net");
  if (container.clientWidth < 600) {  // a phone: labels large enough to read once the network fits the screen
    DATA.nodes.forEach(function (n) { n.font = Object.assign({}, n.font, {size: 22}); });
    nodes.update(DATA.nodes.map(function (n) { return {id: n.id, font: n.font}; }));
  }
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
    physics: false, interaction: {hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: false},
    nodes: {font: {size: 12, multi: false}, widthConstraint: {maximum: 140}},
    edges: {arrows: {to: {scaleFactor: 0.6}}, selectionWidth: 2, hoverWidth: 1.5}
  });
  network.on("beforeDrawing", function (ctx) {
    ctx.save(); ctx.font = "bold 13px system-ui, sans-serif"; ctx.fillStyle = "#777";
    var xs = DATA.nodes.map(function (n) { return n.x; }); var left = Math.min.apply(null, xs) - 90;
    DATA.rows.forEach(function (r) { ctx.fillText(r[0], left, r[1] + 4); }); ctx.restore();
  });
  window.imptNetwork = network;
  var panel = document.getElementById("panel");
  function list(title, rows, fmt) {
    var frag = document.createDocumentFragment(); frag.appendChild(el("h4", title));
    if (!rows.length) { frag.appendChild(el("p", "none", "muted")); return frag; }
    var ul = el("ul"); rows.forEach(function (r) { ul.appendChild(el("li", fmt(r))); }); frag.appendChild(ul);
    return frag;
  }
  function flows(n) { return n === null ? "" : " (" + n + (n === 1 ? " flow)" : " flows)"); }
  function showNode(id) {
    var n = byId[id]; if (!n) return; var i = n.info; panel.textContent = "";
    panel.appendChild(el("h3", i.name));
    panel.appendChild(el("p", i.sector + " · " + i.level + " · " + i.kind + " · " + i.country, "muted"));
    panel.appendChild(list("What it knows", i.knows, function (r) { return r[0] + " (" + r[1].toLowerCase() + ")"; }));
    panel.appendChild(list("Whom it tells", i.tells, function (r) {
      return r[0] + ": " + r[1] + ", " + r[2].toLowerCase() + flows(r[3]); }));
    panel.appendChild(list("Who tells it", i.told_by, function (r) {
      return r[0] + ": " + r[1] + ", " + r[2].toLowerCase() + flows(r[3]); }));
    var way = DATA.reach[id];
    if (way) {
      panel.appendChild(el("h4", "Reach"));
      panel.appendChild(el("p", way.reaches ? ("Its information reaches national co-ordination in " + way.path_length
        + (way.path_length === 1 ? " step" : " steps") + (way.must_pass.length ? "; every way passes through "
        + way.must_pass.map(function (g) { return byId[g] ? byId[g].info.name : g; }).join(", ") : "") + ".")
        : "Its information does not reach national co-ordination."));
    }
  }
  function showEdge(id) {
    var e = edges.get(id); if (!e) return; panel.textContent = "";
    if (e.recommended) { panel.appendChild(el("h3", e.hover[0])); panel.appendChild(el("p", e.hover[1])); return; }
    panel.appendChild(el("h3", e.title_text));
    panel.appendChild(el("p", e.hover.slice(1).join(" · "), "muted"));
    panel.appendChild(el("h4", e.flows.length === 1 ? "The flow" : "The flows"));
    var ul = el("ul");
    e.flows.forEach(function (f) {
      var li = el("li", f.item + ": " + f.channel + ", " + f.frequency.toLowerCase());
      (f.passages || []).forEach(function (text) { li.appendChild(el("div", text, "passage")); });
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }
  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]); else if (p.edges.length) showEdge(p.edges[0]);
    fitFrame();
  });
  window.imptShowNode = showNode; window.imptShowEdge = showEdge;
  var fFreq = document.getElementById("f-frequency"), fSector = document.getElementById("f-sector"),
      fCross = document.getElementById("f-cross"), fReach = document.getElementById("f-reach"),
      fRec = document.getElementById("f-recommended");
  DATA.sectors.forEach(function (s) { var o = el("option", s); o.value = s; fSector.appendChild(o); });
  DATA.nodes.filter(function (n) { return n.local && DATA.reach[n.id]; })
    .sort(function (a, b) { return a.label < b.label ? -1 : 1; })
    .forEach(function (n) { var o = el("option", n.label); o.value = n.id; fReach.appendChild(o); });
  if (!DATA.recommended.length) { fRec.disabled = true; fRec.parentNode.title = "no channel to recommend"; }
  function apply() {
    var sector = fSector.value, way = DATA.reach[fReach.value];
    var onWay = way ? new Set(way.nodes) : null, links = way ? new Set(way.links) : null,
        keepers = way ? new Set(way.must_pass) : null;
    nodes.update(DATA.nodes.map(function (n) {
      var hidden = !!sector && n.group_label !== sector;
      var c = JSON.parse(JSON.stringify(n.color)); var bw = n.borderWidth;
      if (way) { if (keepers.has(n.id)) { c.border = HL; bw = 5; } else if (n.id === fReach.value) { c.border = HL; bw = 4; }
        else if (!onWay.has(n.id)) { c.background = "#eeeeee"; c.border = "#bbbbbb"; } }
      return {id: n.id, hidden: hidden, color: c, borderWidth: bw};
    }));
    edges.update(DATA.edges.map(function (e) {
      var hidden = (fFreq.value === "regular" && !e.regular) || (fCross.checked && !e.cross_border);
      var col = e.lit ? {color: HL, opacity: 1} : {color: "#3A3A3A", opacity: 0.75};
      if (way) { col = links.has(e.id) ? {color: HL, opacity: 1} : {color: "#cccccc", opacity: 0.5}; }
      return {id: e.id, hidden: hidden, color: col};
    }).concat(DATA.recommended.map(function (r) { return {id: r.id, hidden: !fRec.checked}; })));
  }
  [fFreq, fSector, fCross, fReach, fRec].forEach(function (c) { c.addEventListener("change", apply); });
  fReach.addEventListener("change", function () { if (fReach.value) { showNode(fReach.value); fitFrame(); } });
  var legend = document.getElementById("legend");
  legend.appendChild(document.createTextNode("Colour: sector group. Shape: circle organisation, square professional "
    + "network, diamond national co-ordination, hexagon National Contact Point (thick outline: co-ordination). "
    + "Solid link: regular flow; dashed: ad hoc only" + (DATA.public ? "." : "; thicker: more flows.")
    + (DATA.synthetic ? " Synthetic demonstration data." : "")));
  function fitFrame() {  // in a page or JupyterLab: the frame as tall as the view (when the browser lets it)
    try { var f = window.frameElement;
      var h = Math.ceil(document.body.getBoundingClientRect().bottom) + 12;  // the content, not the frame
      if (f && Math.abs(f.offsetHeight - h) > 2) { f.style.height = h + "px"; } } catch (err) { /* opaque */ }
  }
  window.addEventListener("resize", fitFrame);
  network.once("afterDrawing", function () { fitFrame(); document.body.setAttribute("data-ready", "1"); });
})();
</script>
</body></html>
"""
