"""The structure of each country in the synthetic study: its actors and its information flows.

Each country's actors and flows follow its profile, derived from the 2010 report's published
three-aspect table (:func:`profiles`), so that :func:`impt_analysis.three_aspects` on the
generated study gives back the published verdicts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..reference import ABSENT, PARTLY, PRESENT, reference_table
from .roles import (
    INTERNATIONAL,
    LOCAL,
    LOCAL_SERVICE,
    NATIONAL,
    NEIGHBOURS,
    PARTLY_WITH_COORDINATOR,
    REGIONAL,
    WAVE2_CHANGES,
    WITHOUT_COORDINATOR,
)


@dataclass(frozen=True)
class Profile:
    """What a country's structure looks like in the demo, derived from the published table."""

    coordination: str
    networks: str
    local_input: str
    has_coordinator: bool


def profiles(wave: int) -> dict[str, Profile]:
    ref = reference_table()
    out = {}
    for country, row in ref.iterrows():
        verdicts = dict(row)
        has_coordinator = country not in WITHOUT_COORDINATOR
        if wave == 2:
            for aspect, verdict in WAVE2_CHANGES.get(country, {}).items():
                if verdict == PARTLY_WITH_COORDINATOR:
                    has_coordinator, verdict = True, PARTLY
                verdicts[aspect] = verdict
        out[country] = Profile(
            verdicts["coordination"], verdicts["networks"], verdicts["local_input"], has_coordinator
        )
    return out


class Builder:
    """Accumulates the rows of every table while the study is generated."""

    def __init__(self, rng: random.Random, wave: int):
        self.rng, self.wave = rng, wave
        self.actors: list[dict] = []
        self.interviews: list[dict] = []
        self.items: list[dict] = []
        self.knowledge: list[dict] = []
        self.flows: list[dict] = []
        self.barriers: list[dict] = []
        self.codings: list[dict] = []
        self.case_counts: list[dict] = []
        self.flow_specs: list[tuple] = []  # (country, source, target, channel, frequency)
        self.segment = 0

    def actor(self, country, name, sector, level, kind, n):
        actor_id = f"{country or 'INT'}-A{n:03d}"
        self.actors.append(
            {
                "actor_id": actor_id,
                "name": name,
                "country": country,
                "sector": sector,
                "level": level,
                "kind": kind,
            }
        )
        return actor_id


def country_actors(b: Builder, country: str, p: Profile, replicas: int) -> dict[str, list[str]]:
    """Create the country's actors; returns role key -> actor ids (one per replica for local roles)."""
    ids: dict[str, list[str]] = {}
    n = 0
    for key, name, sector, level, kind in NATIONAL:
        if key == "coord" and not p.has_coordinator or key == "network" and p.networks == ABSENT:
            continue
        n += 1
        ids[key] = [b.actor(country, name, sector, level, kind, n)]
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    for r in range(replicas):
        region = letters[r] if replicas <= len(letters) else f"{r + 1}"
        for key, name, sector in REGIONAL:
            n += 1
            ids.setdefault(key, []).append(
                b.actor(country, name.format(r=region), sector, "regional", "organisation", n)
            )
        for key, name, sector in LOCAL:
            n += 1
            label = name.format(t=region, service=LOCAL_SERVICE.get(country, "child welfare"))
            ids.setdefault(key, []).append(b.actor(country, label, sector, "local", "organisation", n))
    return ids


def country_flows(b: Builder, country: str, p: Profile, ids: dict[str, list[str]]) -> None:
    """Design the country's information flows so that its structure follows its profile."""
    add = lambda s, t, ch, fr: b.flow_specs.append((country, s, t, ch, fr))  # noqa: E731
    coord = ids["coord"][0] if "coord" in ids else ids["ncp"][0]
    ncp = ids["ncp"][0]
    police, migration, ngo = ids["police"][0], ids["migration"][0], ids["ngo"][0]
    # Aspect 1: national co-ordination fed regularly by three sectors, or weakly.
    add(police, coord, "formal_report", "regular")
    add(migration, coord, "formal_report", "regular" if p.coordination == PRESENT else "ad_hoc")
    add(ngo, coord, "meeting", "regular" if p.coordination == PRESENT else "ad_hoc")
    add(ids["prosecution"][0], coord, "informal_contact", "ad_hoc")
    add(police, ids["prosecution"][0], "case_referral", "regular")
    add(coord, ngo, "informal_contact", "ad_hoc")
    if coord != ncp:
        # The contact point is a government actor: its regular reports would count as a third
        # sector feeding a weak co-ordinator, so they are regular only where co-ordination is X.
        add(ncp, coord, "meeting", "regular" if p.coordination == PRESENT else "ad_hoc")
        add(coord, ncp, "meeting", "regular")
    if p.coordination == PRESENT:
        add(coord, ids["research"][0], "meeting", "ad_hoc")
        add(ids["research"][0], coord, "formal_report", "ad_hoc")
    # Aspect 2: professional networks.
    if p.networks != ABSENT:
        network = ids["network"][0]
        add(ids["health"][0], network, "professional_network", "regular")
        add(ngo, network, "professional_network", "ad_hoc")
        if p.networks == PRESENT:
            add(network, coord, "professional_network", "regular")
        else:
            add(network, ngo, "professional_network", "regular")
            add(network, ncp, "informal_contact", "ad_hoc")
    # Aspect 3: local and regional input, replica by replica.
    for r in range(len(ids["l_cp"])):
        at = {key: ids[key][r] for key in ids if key.startswith(("l_", "r_"))}
        add(at["l_social"], at["l_cp"], "case_referral", "regular")
        add(at["l_school"], at["l_cp"], "case_referral", "ad_hoc")
        add(at["l_parish"], at["l_outreach"], "informal_contact", "ad_hoc")
        add(at["l_police"], at["r_police"], "formal_report", "regular")
        add(police, at["r_police"], "formal_report", "regular")  # instructions flow down
        add(coord, at["r_cp"], "formal_report", "ad_hoc")
        if p.local_input == PRESENT:
            add(at["l_cp"], at["r_cp"], "formal_report", "regular")
            add(at["r_cp"], coord, "formal_report", "regular")
            add(at["r_police"], police, "formal_report", "regular")
            add(at["r_reception"], migration, "formal_report", "regular")
            add(at["r_shelter"], ngo, "informal_contact", "ad_hoc")
            if p.networks != ABSENT:
                add(at["r_cp"], ids["network"][0], "professional_network", "regular")
        elif p.local_input == PARTLY:  # only the regional offices reach co-ordination, ad hoc
            add(at["r_reception"], at["r_cp"], "case_referral", "regular")
            add(at["r_cp"], coord, "formal_report", "ad_hoc")
            add(at["l_outreach"], at["r_shelter"], "informal_contact", "ad_hoc")
        else:
            add(at["l_cp"], at["r_cp"], "formal_report", "ad_hoc")
            add(at["l_outreach"], at["r_shelter"], "informal_contact", "ad_hoc")
            add(at["r_reception"], at["r_cp"], "case_referral", "ad_hoc")
        add(at["l_police"], at["l_cp"], "case_referral", "ad_hoc")


def international_actors(b: Builder, ncps: dict[str, str], migrations: dict[str, str]) -> None:
    int_ncp = b.actor(None, INTERNATIONAL[0][1], "igo", "international", INTERNATIONAL[0][3], 1)
    int_igo = b.actor(None, INTERNATIONAL[1][1], "igo", "international", INTERNATIONAL[1][3], 2)
    for country, ncp in ncps.items():
        b.flow_specs.append((country, ncp, int_ncp, "professional_network", "regular"))
        b.flow_specs.append((country, int_ncp, ncp, "professional_network", "regular"))
        b.flow_specs.append((country, migrations[country], int_igo, "formal_report", "ad_hoc"))
    for a, c in NEIGHBOURS:
        if a in ncps and c in ncps:
            b.flow_specs.append((a, ncps[a], ncps[c], "informal_contact", "ad_hoc"))
            b.flow_specs.append((c, ncps[c], ncps[a], "informal_contact", "ad_hoc"))


def assign_flows(b: Builder, interviews_by_country: dict[str, list[dict]], known_by: dict[str, list]) -> None:
    """Give each designed flow the interview that reported it (the source's or target's, if any)."""
    rng = b.rng
    by_actor: dict[str, list[str]] = {}
    for row in b.interviews:
        by_actor.setdefault(row["actor_id"], []).append(row["interview_id"])
    rows = []
    for country, source, target, channel, frequency in b.flow_specs:
        candidates = by_actor.get(source, []) + by_actor.get(target, [])
        reported = [
            rng.choice(candidates)
            if candidates
            else rng.choice(interviews_by_country[country])["interview_id"]
        ]
        if rng.random() < 0.15:  # some flows are reported again by another respondent
            reported.append(rng.choice(interviews_by_country[country])["interview_id"])
        for interview_id in reported:
            items = known_by.get(source)
            item = rng.choice(items) if items and rng.random() < 0.3 else None
            rows.append(
                {
                    "interview_id": interview_id,
                    "source_actor": source,
                    "target_actor": target,
                    "channel": channel,
                    "frequency": frequency,
                    "item_id": item,
                }
            )
    width = max(5, len(str(len(rows))))
    b.flows = [{"flow_id": f"F{i:0{width}d}", **row} for i, row in enumerate(rows, 1)]
