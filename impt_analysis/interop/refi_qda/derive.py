"""From codings to the network: actors, items, knowledge, flows, barriers and case counts.

A project coded with the coding frame (:mod:`~impt_analysis.interop.refi_qda.frame`,
``docs/coding-frame.md``) holds the study's network in its codings. A *passage* is what one
coder coded on one stretch of an interview (the codings of one coder with the same start and
end, whichever selection elements the tool wrote them in). Each passage becomes rows by the
first rule that applies:

1. a **barrier** code: one barrier per barrier code, its severity the passage's severity code
   (else the mapping's ``barrier_severity``); actor and direction codes on the passage name
   the link it blocks;
2. a **flow** code (direction, channel or frequency): one flow per actor at the other end, and
   per item coded with it (two passages of one interview are two flows, two mentions; two
   coders of the same passage give one). ``Passes on to``: from the interviewee's organisation to the
   actor coded; ``Receives from``: the other way; ``Between others``: from the actor whose
   name is coded ``Sender`` inside the passage to the other actor coded;
3. a **tier** code (``Case counts``): a case count, its number the passage's only number that
   is not a year (1990-2100), its year the passage's year or the interview's, its basis the
   passage's verification code, its source the actor coded (else the interviewee's
   organisation);
4. an **information** code: knowledge, held by the actor(s) coded on the passage, else by the
   interviewee's organisation, with the passage's verification and source type codes.

Every row carries the segment ids of its passages in ``evidence`` (see
:data:`~impt_analysis.schema.EVIDENCE_SEPARATOR`); the same row from several passages (or
coders) is one row with all of them. A passage that should give a row but cannot (a flow
with no actor, two actors and no direction, an actor code without sector or level, a
knowledge passage without verification) is listed in ``ImportSummary.unrowable`` with its
interview, positions, segment ids, codes and the reason: nothing is dropped silently.

:func:`derive_rows` returns the tables actors, barriers, case_counts, flows, items and
knowledge; it is run by :func:`~impt_analysis.interop.refi_qda.read_qdpx` (whose example
runs it on the demo's coded project).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...codebook import VOCABULARIES
from ...schema import EVIDENCE_SEPARATOR
from .frame import vocabulary_code

if TYPE_CHECKING:
    from .codes import FrameCodes
    from .mapping import Mapping
    from .summary import ImportSummary

__all__ = ["derive_rows", "frame_actors", "likely_duplicates"]


def frame_actors(frame: FrameCodes, label: str) -> tuple[dict[str, dict], dict[str, str]]:
    """The actor of each actor code (by GUID), and why an actor code cannot be one.

    An actor needs a sector and a level (``sector:``, ``level:`` lines in its description or
    its folders', or the mapping's ``actors:``); ``kind`` is ``organisation`` unless given;
    ``country`` may be empty (an international body).

    Examples
    --------
    >>> from impt_analysis.interop.refi_qda.codes import FrameCodes
    >>> from impt_analysis.interop.refi_qda.frame import Role
    >>> f = FrameCodes({"g": Role("actor", "Police Aarhus")}, {"g": {"country": "Denmark", "sector": "Police",
    ...                "level": "local"}}, {"g": "police_aarhus"}, {"g": "Actors/Police Aarhus"})
    >>> actors, problems = frame_actors(f, "p.qdpx")
    >>> actors["g"]["country"], actors["g"]["sector"], actors["g"]["kind"], problems
    ('DK', 'police', 'organisation', {})
    """
    from .cases import _field_value
    from .mapping import Mapping

    actors: dict[str, dict] = {}
    problems: dict[str, str] = {}
    for guid, role in frame.roles.items():
        if role.kind != "actor":
            continue
        given = frame.attributes.get(guid, {})
        row = {
            "actor_id": frame.ids[guid],
            "name": given.get("name") or role.value,
            "country": "",
            "kind": "organisation",
        }
        why = []
        for name in ("country", "sector", "level"):
            if not given.get(name):
                if name != "country":
                    why.append(f"no {name}")
                continue
            value, bad = _field_value(name, given[name], Mapping())
            if bad:
                why.append(f"{name} {given[name]!r}: {bad.split(':')[0]}")
            row[name] = value
        if given.get("kind"):
            kind = vocabulary_code("kind", given["kind"])
            if kind is None:
                why.append(
                    f"kind {given['kind']!r} is not one of {', '.join(c for c, _, _ in VOCABULARIES['kind'])}"
                )
            row["kind"] = kind or ""
        if why:
            problems[guid] = (
                f"the actor code {frame.paths[guid]!r} has {'; '.join(why)}: add lines such as "
                "'sector: police' and 'level: local' to its description"
            )
            continue
        same = next((g for g, a in actors.items() if a["actor_id"] == row["actor_id"]), None)
        differ = [k for k in ("country", "sector", "level", "kind") if same and actors[same][k] != row[k]]
        if differ:
            problems[guid] = (
                f"the actor codes {frame.paths[same]!r} and {frame.paths[guid]!r} share the id "
                f"{row['actor_id']!r} (one actor) but differ in {', '.join(differ)}"
            )
            continue
        actors[guid] = {**row, "name": actors[same]["name"]} if same else row
    return actors, problems


def likely_duplicates(actors: list[dict], cutoff: float = 0.75) -> list[dict]:
    """Pairs of actors with the same country, sector and level whose names are close.

    Close: one name holds the other, or their similarity (:class:`difflib.SequenceMatcher`,
    case folded) is at least ``cutoff``. The consultant merges them in the mapping file.

    Examples
    --------
    >>> a = {"country": "DK", "sector": "police", "level": "local"}
    >>> likely_duplicates([{**a, "actor_id": "p1", "name": "Aarhus police"},
    ...                    {**a, "actor_id": "p2", "name": "Police Aarhus"},
    ...                    {**a, "actor_id": "p3", "name": "Border guard"}])
    [{'actors': ['p1', 'p2'], 'names': ['Aarhus police', 'Police Aarhus'], 'country': 'DK', 'sector': 'police', 'level': 'local'}]
    """
    found = []
    groups = defaultdict(list)
    for actor in actors:
        groups[(actor.get("country", ""), actor["sector"], actor["level"])].append(actor)
    for (country, sector, level), group in groups.items():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                x, y = a["name"].casefold(), b["name"].casefold()
                words_x, words_y = sorted(x.split()), sorted(y.split())
                close = (
                    x in y
                    or y in x
                    or words_x == words_y
                    or difflib.SequenceMatcher(None, x, y).ratio() >= cutoff
                )
                if close:
                    found.append(
                        {
                            "actors": [a["actor_id"], b["actor_id"]],
                            "names": [a["name"], b["name"]],
                            "country": country,
                            "sector": sector,
                            "level": level,
                        }
                    )
    return found


@dataclass
class _Passage:
    interview_id: str
    coder: str
    start: int
    end: int
    excerpt: str
    segments: list[str] = field(default_factory=list)
    roles: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # kind -> values or GUIDs
    codes: list[str] = field(default_factory=list)


def _passages(codings: list[dict], frame: FrameCodes) -> list[_Passage]:
    passages: dict[tuple, _Passage] = {}
    for c in codings:
        role = frame.roles.get(c["_tool"])
        if role is None:
            continue
        key = (c["interview_id"], c["coder"], c["start"], c["end"])
        p = passages.get(key)
        if p is None:
            p = passages[key] = _Passage(*key, excerpt=c.get("excerpt") or "")
        if c["segment_id"] not in p.segments:
            p.segments.append(c["segment_id"])
        value = c["_tool"] if role.kind in ("actor", "item") else role.value
        if value not in p.roles[role.kind]:
            p.roles[role.kind].append(value)
        p.codes.append(frame.paths[c["_tool"]])
    return sorted(passages.values(), key=lambda p: (p.interview_id, p.start, -p.end, p.coder))


class _Rows:
    """The rows being derived, each keyed so that the same row from several passages is one."""

    def __init__(self, frame, interviews, actors, actor_problems, rules, summary):
        self.frame, self.actors, self.actor_problems = frame, actors, actor_problems
        self.rules, self.summary = rules, summary
        self.interviews = {row["interview_id"]: row for row in interviews}
        self.tables: dict[str, dict] = {
            name: {} for name in ("items", "knowledge", "flows", "barriers", "case_counts")
        }

    def report(self, p: _Passage, reason: str) -> None:
        self.summary.unrowable.append(
            {
                "interview": p.interview_id,
                "coder": p.coder,
                "start": p.start,
                "end": p.end,
                "segments": list(p.segments),
                "codes": sorted(set(p.codes)),
                "reason": reason,
            }
        )

    def add(self, table: str, key: tuple, row: dict, p: _Passage, agree: tuple[str, ...] = ()) -> None:
        """Add a row, or the passage's evidence to the same row; report a passage that disagrees."""
        have = self.tables[table].get(key)
        if have is None:
            self.tables[table][key] = {**row, "evidence": list(p.segments)}
            return
        differ = [
            f"{k} {row[k]!r} where segments {EVIDENCE_SEPARATOR.join(have['evidence'])} give {have[k]!r}"
            for k in agree
            if str(row[k]) != str(have[k])
        ]
        if differ:
            self.report(
                p, f"it gives {'; '.join(differ)} for the same {table} row: the earlier value is kept"
            )
        have["evidence"] += [s for s in p.segments if s not in have["evidence"]]

    def actor_ids(self, p: _Passage, guids: list[str]) -> list[str] | None:
        """The actor ids of actor codes, or None (and the passage reported) if one is not an actor."""
        bad = [self.actor_problems[g] for g in guids if g in self.actor_problems]
        if bad:
            self.report(p, bad[0])
            return None
        return [self.actors[g]["actor_id"] for g in guids]

    def respondent(self, p: _Passage) -> str:
        return str(self.interviews[p.interview_id]["actor_id"])

    def single(self, p: _Passage, kind: str, what: str, required: bool = True) -> str | None:
        values = p.roles.get(kind, [])
        if len(values) > 1:
            self.report(p, f"it has {len(values)} {what} codes ({', '.join(values)}): code one")
            return None
        if not values:
            if required:
                self.report(p, f"it has no {what} code")
            return None
        return values[0]


def derive_rows(
    codings: list[dict],
    frame: FrameCodes,
    interviews: list[dict],
    actors: dict[str, dict],
    actor_problems: dict[str, str],
    rules: Mapping,
    summary: ImportSummary,
) -> dict[str, list[dict]]:
    """The network tables derived from the codings of a project coded with the frame.

    Parameters
    ----------
    codings : list of dict
        Rows of codings.csv, each with ``_tool``: the GUID of the tool code applied.
    frame : FrameCodes
    interviews : list of dict
        Rows of interviews.csv (``actor_id`` is the interviewee's organisation).
    actors, actor_problems : dict
        From :func:`frame_actors`.

    Returns
    -------
    dict
        Rows of items, knowledge, flows, barriers and case_counts, each with ``evidence``.
    """
    rows = _Rows(frame, interviews, actors, actor_problems, rules, summary)
    passages = _passages(codings, frame)
    item_countries = defaultdict(set)
    for p in passages:
        for guid in p.roles.get("item", []):
            item_countries[guid].add(
                frame.attributes.get(guid, {}).get("country") or rows.interviews[p.interview_id]["country"]
            )
    by_place = defaultdict(list)
    for p in passages:
        by_place[(p.interview_id, p.coder)].append(p)
    for p in passages:
        kinds = set(p.roles)
        if "barrier" in kinds:
            _barriers(rows, p, by_place)
        elif kinds & {"direction", "channel", "frequency"}:
            _flows(rows, p, by_place, item_countries)
        elif "tier" in kinds:
            _case_count(rows, p)
        elif "item" in kinds:
            _knowledge(rows, p, item_countries)
        elif kinds & {"verification", "source_type", "severity", "child_group"}:
            rows.report(
                p,
                "it has a verification, source type, severity or child group code but no information, "
                "barrier or case count code to go with it",
            )
    for guid, role in frame.roles.items():  # items the frame defines with their country, coded or not
        if (
            role.kind == "item"
            and frame.attributes.get(guid, {}).get("country")
            and guid not in item_countries
        ):
            _defined_item(rows, guid)
    out = {}
    for name, table in rows.tables.items():
        out[name] = [
            {**r, "evidence": EVIDENCE_SEPARATOR.join(r["evidence"])} if "evidence" in r else r
            for r in table.values()
        ]
        if name == "items":
            for r in out[name]:
                r.pop("evidence", None)
    return out


def _item_id(rows: _Rows, p: _Passage, guid: str, item_countries) -> str | None:
    frame = rows.frame
    given = frame.attributes.get(guid, {})
    country = given.get("country") or rows.interviews[p.interview_id]["country"]
    if given.get("country"):
        from .cases import _field_value
        from .mapping import Mapping

        country, bad = _field_value("country", given["country"], Mapping())
        if bad:
            rows.report(
                p, f"the information code {frame.paths[guid]!r} has country {given['country']!r}: {bad}"
            )
            return None
    theme = vocabulary_code("theme", given.get("theme", "")) if given.get("theme") else None
    if theme is None:
        rows.report(
            p,
            f"the information code {frame.paths[guid]!r} has no theme: add a line 'theme: ...' "
            f"({', '.join(c for c, _, _ in VOCABULARIES['theme'])}) to its description",
        )
        return None
    item_id = frame.ids[guid] if len(item_countries[guid]) == 1 else f"{frame.ids[guid]}-{country}"
    _add_item(rows, guid, item_id, country, theme)
    return item_id


def _add_item(rows: _Rows, guid: str, item_id: str, country: str, theme: str) -> None:
    """The row of ``items`` of an information code of the frame (the first row of an item stays)."""
    role, given = rows.frame.roles[guid], rows.frame.attributes.get(guid, {})
    rows.tables["items"].setdefault(
        item_id,
        {
            "item_id": item_id,
            "country": country,
            "label": given.get("label") or role.value,
            "info_type": role.info_type,
            "child_group": role.child_group,
            "theme": theme,
        },
    )


def _defined_item(rows: _Rows, guid: str) -> None:
    frame = rows.frame
    given = frame.attributes[guid]
    from .cases import _field_value
    from .mapping import Mapping

    country, bad = _field_value("country", given["country"], Mapping())
    theme = vocabulary_code("theme", given.get("theme", "")) if given.get("theme") else None
    if bad or theme is None:
        rows.summary.notes.append(
            f"the information code {frame.paths[guid]!r} is coded nowhere and has "
            f"{'no theme' if theme is None else 'no valid country'}: it is not an item"
        )
        return
    _add_item(rows, guid, frame.ids[guid], country, theme)


def _knowledge(rows: _Rows, p: _Passage, item_countries) -> None:
    holders = rows.actor_ids(p, p.roles.get("actor", []))
    verification = rows.single(p, "verification", "verification")
    source_type = rows.single(p, "source_type", "source type")
    if holders is None or verification is None or source_type is None:
        return
    holders = holders or [rows.respondent(p)]
    for guid in p.roles["item"]:
        item_id = _item_id(rows, p, guid, item_countries)
        if item_id is None:
            continue
        for actor_id in holders:
            rows.add(
                "knowledge",
                (p.interview_id, actor_id, item_id),
                {
                    "interview_id": p.interview_id,
                    "actor_id": actor_id,
                    "item_id": item_id,
                    "verification": verification,
                    "source_type": source_type,
                },
                p,
                agree=("verification", "source_type"),
            )


def _links(rows: _Rows, p: _Passage, by_place, what: str) -> list[tuple[str, str]] | None:
    """The (source, target) pairs a passage's direction and actor codes give, or None (reported)."""
    direction = rows.single(
        p, "direction", "direction (Passes on to, Receives from, Between others)", required=False
    )
    if len(p.roles.get("direction", [])) > 1:
        return None
    # Names coded inside the passage (an actor code, with Sender or not); a passage of its own
    # inside it (knowledge with its actor, another flow) names no end of this link.
    inner = [
        q
        for q in by_place[(p.interview_id, p.coder)]
        if q is not p and q.start >= p.start and q.end <= p.end and set(q.roles) <= {"actor", "sender"}
    ]
    named = list(p.roles.get("actor", []))
    senders = []
    for q in inner:
        for guid in q.roles.get("actor", []):
            if guid not in named:
                named.append(guid)
            if "sender" in q.roles and guid not in senders:
                senders.append(guid)
        if q.roles.get("actor"):  # the actor's name inside the passage is part of the evidence
            p.segments += [s for s in q.segments if s not in p.segments]
    ids = rows.actor_ids(p, named)
    if ids is None:
        return None
    respondent = rows.respondent(p)
    others = [a for a in ids if a != respondent]
    if direction is None:
        if not ids:
            rows.report(p, f"a {what} code with no actor and no direction")
        elif len(ids) >= 2:
            rows.report(
                p,
                "two actors and no direction: code Passes on to, Receives from, or Between others "
                "with the sender's name coded Sender",
            )
        else:
            rows.report(p, f"an actor but no direction for the {what}: code Passes on to or Receives from")
        return None
    if direction in ("out", "in"):
        if not others:
            rows.report(
                p,
                f"a {what} code ({'Passes on to' if direction == 'out' else 'Receives from'}) with no "
                "actor: code the actor at the other end on the same passage",
            )
            return None
        return [(respondent, a) if direction == "out" else (a, respondent) for a in others]
    sender_ids = [rows.actors[g]["actor_id"] for g in senders]
    receivers = [a for a in ids if a not in sender_ids]
    if len(sender_ids) != 1 or not receivers:
        why = (
            "no actor's name is coded Sender inside it"
            if not sender_ids
            else f"{len(sender_ids)} actors are coded Sender"
            if len(sender_ids) > 1
            else "it names no receiver"
        )
        rows.report(p, f"Between others with {len(ids)} actor(s), but {why}: the direction is not known")
        return None
    return [(sender_ids[0], r) for r in receivers]


def _flows(rows: _Rows, p: _Passage, by_place, item_countries) -> None:
    links = _links(rows, p, by_place, "flow")
    channel = rows.single(p, "channel", "channel")
    frequency = rows.single(p, "frequency", "frequency (Regular, Ad hoc)")
    if links is None or channel is None or frequency is None:
        return
    items = [_item_id(rows, p, g, item_countries) for g in p.roles.get("item", [])] or [""]
    for source, target in links:
        for item_id in items:
            if item_id is None:
                continue
            key = (p.interview_id, p.start, p.end, source, target, channel, frequency, item_id)
            flow_id = (
                rows.tables["flows"][key]["flow_id"]
                if key in rows.tables["flows"]
                else f"F{len(rows.tables['flows']) + 1:05d}"
            )
            rows.add(
                "flows",
                key,
                {
                    "flow_id": flow_id,
                    "interview_id": p.interview_id,
                    "source_actor": source,
                    "target_actor": target,
                    "channel": channel,
                    "frequency": frequency,
                    "item_id": item_id,
                },
                p,
            )


def _barriers(rows: _Rows, p: _Passage, by_place) -> None:
    severities = sorted(int(s) for s in p.roles.get("severity", []))
    if len(severities) > 1:
        rows.report(p, f"it has {len(severities)} severity codes: code one")
        return
    severity = severities[0] if severities else rows.rules.barrier_severity
    if severity is None:
        rows.report(
            p,
            "a barrier with no severity: code Barrier severity (Minor, Serious, Blocking) on the "
            "passage, or set 'barrier_severity:' in the mapping file",
        )
        return
    links: list[tuple[str, str]] | None = [("", "")]
    if p.roles.get("actor") or p.roles.get("direction"):
        links = _links(rows, p, by_place, "barrier's link")
        if links is None:  # reported: the barrier stands, the link it blocks is not known
            links = [("", "")]
    for barrier in p.roles["barrier"]:
        for source, target in links:
            rows.add(
                "barriers",
                (p.interview_id, barrier, source, target),
                {
                    "interview_id": p.interview_id,
                    "barrier": barrier,
                    "source_actor": source,
                    "target_actor": target,
                    "severity": severity,
                },
                p,
                agree=("severity",),
            )


_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[ ,]\d{3})*(?![\w.,]\d)")


def _case_count(rows: _Rows, p: _Passage) -> None:
    tier = rows.single(p, "tier", "tier")
    child_group = rows.single(p, "child_group", "child group (Case counts/Child group)")
    basis = rows.single(p, "verification", "verification (the basis of the figure)")
    holders = rows.actor_ids(p, p.roles.get("actor", []))
    if None in (tier, child_group, basis, holders):
        return
    if basis not in {c for c, _, _ in VOCABULARIES["basis"]}:
        rows.report(p, f"the verification {basis!r} is not a basis of the codebook")
        return
    if len(holders) > 1:
        rows.report(p, f"{len(holders)} actors are coded: a figure comes from one")
        return
    found = _NUMBER.findall(p.excerpt)
    is_year = [bool(re.fullmatch(r"\d{4}", m)) and 1990 <= int(m) <= 2100 for m in found]
    years = [int(m) for m, y in zip(found, is_year) if y]
    counts = [int(re.sub(r"[ ,]", "", m)) for m, y in zip(found, is_year) if not y]  # "2,000" is a count
    interview = rows.interviews[p.interview_id]
    if len(counts) != 1 or len(years) > 1:
        rows.report(
            p,
            "a case count needs exactly one number that is not a year, and at most one year, in the "
            f"passage; it holds {len(counts)} number(s) and {len(years)} year(s)",
        )
        return
    source = holders[0] if holders else rows.respondent(p)
    actor = next((a for a in rows.actors.values() if a["actor_id"] == source), None)
    country = (actor or {}).get("country") or interview["country"]
    year = years[0] if years else int(str(interview["date"])[:4])
    rows.add(
        "case_counts",
        (country, year, tier, child_group, source),
        {
            "country": country,
            "year": year,
            "tier": tier,
            "child_group": child_group,
            "count": counts[0],
            "basis": basis,
            "source_actor": source,
        },
        p,
        agree=("count", "basis"),
    )
