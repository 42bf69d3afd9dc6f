"""What the synthetic interviews report: who knows what, the barriers, the coded segments, the case counts."""

from __future__ import annotations

import random

import pandas as pd

from ..reference import PRESENT
from .roles import (
    BARRIER_EXCERPT,
    EXCERPTS,
    HOLDERS_PER_ITEM,
    ITEMS,
    REPORTS_PER_HOLDING,
    SOURCE_BY_VERIFICATION,
)
from .structure import Builder, Profile


def make_interviews(b: Builder, country: str, ids: dict[str, list[str]], n: int, year: int) -> list[dict]:
    rng = b.rng
    priority = [
        k
        for k in (
            "coord",
            "police",
            "ngo",
            "r_cp",
            "l_cp",
            "l_outreach",
            "migration",
            "network",
            "r_reception",
            "l_school",
            "ncp",
            "r_shelter",
            "l_social",
            "r_police",
        )
        if k in ids
    ]
    by_id = {a["actor_id"]: a for a in b.actors}
    everyone = [a for key in ids for a in ids[key]]
    chosen = [ids[k][0] for k in priority][:n]
    chosen += [rng.choice(everyone) for _ in range(n - len(chosen))]
    rows = []
    start = pd.Timestamp(year=year, month=2, day=1)
    for i, actor_id in enumerate(chosen, 1):
        actor = by_id[actor_id]
        rows.append(
            {
                "interview_id": f"{country}-I{i:0{max(2, len(str(n)))}d}",
                "country": country,
                "date": start + pd.Timedelta(days=rng.randrange(0, 290)),
                "sector": actor["sector"],
                "level": actor["level"],
                "actor_id": actor_id,
                "notes": "",
            }
        )
    b.interviews += rows
    return rows


def items_and_knowledge(
    b: Builder, country: str, ids: dict[str, list[str]], interviews: list[dict]
) -> dict[str, list]:
    """Items the country's actors hold, and who reported holding them in which interview."""
    rng = b.rng
    holders_by_level = {
        "national": [k for k in ("police", "ngo", "coord", "ncp", "migration", "research") if k in ids],
        "regional": ["r_police", "r_cp", "r_reception", "r_shelter"],
        "local": ["l_outreach", "l_parish", "l_school", "l_cp", "l_social"],
    }
    official_keys = {"police", "coord", "r_police", "migration", "prosecution"}
    replicas = len(ids["l_cp"])
    own = {row["actor_id"]: row["interview_id"] for row in interviews}
    known_by: dict[str, list] = {}
    n_item = 0
    templates = rng.sample(ITEMS, k=rng.randint(8, 10))
    for r in range(replicas):
        for label, info_type, child_group, theme, level in templates if r == 0 else rng.sample(ITEMS, k=4):
            n_item += 1
            item_id = f"{country}-T{n_item:03d}"
            suffix = "" if replicas == 1 else f" (region {r + 1})"
            b.items.append(
                {
                    "item_id": item_id,
                    "country": country,
                    "label": label + suffix,
                    "info_type": info_type,
                    "child_group": child_group,
                    "theme": theme,
                }
            )
            keys = holders_by_level[level]
            # Local items stay with the outreach NGO and the parish in two cases out of three.
            if level == "local" and rng.random() < 0.67:
                keys = ["l_outreach", "l_parish"]
            low, high = HOLDERS_PER_ITEM[info_type]
            high += b.wave - 1  # the follow-up reaches more of those who know
            for key in rng.sample(keys, k=min(len(keys), rng.randint(low, high))):
                actor_id = ids[key][0] if level == "national" else ids[key][r]
                if key in official_keys and info_type == "trend":
                    verification = "official"
                elif info_type == "incident" or level == "local":
                    verification = rng.choice(["anecdotal", "anecdotal", "maybe"])
                else:
                    verification = rng.choice(["maybe", "maybe", "official", "anecdotal"])
                reports = {own[actor_id]} if actor_id in own else set()
                for _ in range(rng.choice(REPORTS_PER_HOLDING[b.wave]) - len(reports)):
                    reports.add(rng.choice(interviews)["interview_id"])
                for interview_id in sorted(reports):
                    b.knowledge.append(
                        {
                            "interview_id": interview_id,
                            "actor_id": actor_id,
                            "item_id": item_id,
                            "verification": verification,
                            "source_type": rng.choice(SOURCE_BY_VERIFICATION[verification]),
                        }
                    )
                known_by.setdefault(actor_id, []).append(item_id)
    return known_by


def _barrier_weights(p: Profile, country: str, sector: str) -> dict[str, float]:
    w = {
        "data_protection_rules": 2,
        "lack_of_training": 3,
        "unclear_definitions": 2,
        "weak_police_child_protection_links": 2,
        "limited_knowledge_of_others": 1.5,
        "lack_of_resources": 2,
        "no_feedback_to_reporters": 1,
        "legislation": 1,
        "one_sided_media": 0.5,
    }
    if not p.has_coordinator:
        w["no_central_coordination"] = 6
    elif p.coordination != PRESENT:
        w["weak_central_coordination"] = 5
    if p.local_input != PRESENT:
        w["no_local_regional_structure"] = 5
        w["no_feedback_to_reporters"] = 3
    if p.networks != PRESENT:
        w["limited_knowledge_of_others"] = 3
    if sector in ("ngo", "faith_based"):
        w["lack_of_trust_ngo_authorities"] = 4
    if country in ("EE", "LV", "LT"):
        w["dependence_on_foreign_donors"] = 3 if sector == "ngo" else 1
        w["corruption"] = 0.5
    return w


def make_barriers(
    b: Builder, country: str, p: Profile, ids: dict[str, list[str]], interviews: list[dict]
) -> None:
    rng = b.rng
    coord = ids["coord"][0] if "coord" in ids else ids["ncp"][0]
    links = {
        "weak_police_child_protection_links": ("l_police", "l_cp"),
        "no_local_regional_structure": ("r_cp", None),
        "lack_of_trust_ngo_authorities": ("l_outreach", "l_police"),
        "data_protection_rules": ("l_school", "l_cp"),
        "no_feedback_to_reporters": ("r_cp", None),
    }
    for row in interviews:
        weights = _barrier_weights(p, country, row["sector"])
        names, w = zip(*weights.items())
        chosen: list[str] = []
        while len(chosen) < rng.randint(1, 4):
            pick = rng.choices(names, weights=w)[0]
            if pick not in chosen:
                chosen.append(pick)
        for barrier in chosen:
            source = target = None
            if barrier in links and rng.random() < 0.6:
                r = rng.randrange(len(ids["l_cp"]))
                s_key, t_key = links[barrier]
                source, target = ids[s_key][r], (ids[t_key][r] if t_key else coord)
            b.barriers.append(
                {
                    "interview_id": row["interview_id"],
                    "barrier": barrier,
                    "source_actor": source,
                    "target_actor": target,
                    "severity": rng.choice([1, 2, 2, 3]),
                }
            )


def make_codings(
    b: Builder,
    interviews: list[dict],
    barriers: dict[str, list[str]],
    names: dict[str, str],
    labels: dict[tuple[str, str], str],
    coord: str,
) -> None:
    """Coded segments: one per barrier named, and two to four thematic ones per interview."""
    rng = b.rng
    thematic = list(EXCERPTS)
    for row in interviews:
        iid = row["interview_id"]
        codes = barriers.get(iid, []) + rng.sample(thematic, k=rng.randint(2, 4))
        position = rng.randint(0, 200)
        for code in codes:
            actor = names[row["actor_id"]] if rng.random() < 0.5 else names[coord]
            if code in EXCERPTS:
                text = EXCERPTS[code].format(actor=actor)
            else:
                text = BARRIER_EXCERPT.format(label_lower=labels["barrier", code].lower(), actor=actor)
            b.segment += 1
            start, end = position, position + len(text)
            position = end + rng.randint(20, 400)
            b.codings.append(
                {
                    "segment_id": f"S{b.segment:06d}",
                    "interview_id": iid,
                    "code": code,
                    "coder": "coder_1",
                    "start": start,
                    "end": end,
                    "excerpt": text,
                }
            )


def second_coder(b: Builder, rng: random.Random, interviews: list[dict]) -> list[str]:
    """A second coder codes whole interviews again: about a third of each country's, every passage.

    On each passage the second coder applies the first coder's code (about 90 in 100), another
    thematic code (about 5: a disagreement on the code), leaves the passage uncoded (about 3)
    or codes it with a shorter selection, leaving off the closing words (about 2: a disagreement
    on where the passage ends). ``rng`` is the second coder's own, so that its decisions leave
    the rest of the study as it is. Returns the double-coded interviews.
    """
    thematic = list(EXCERPTS)
    chosen = sorted(rng.sample([r["interview_id"] for r in interviews], k=max(1, round(len(interviews) / 3))))
    first = [c for c in b.codings if c["interview_id"] in set(chosen) and c["coder"] == "coder_1"]
    for coding in first:
        draw = rng.random()
        if draw < 0.03:
            continue
        row = dict(coding, coder="coder_2")
        if draw < 0.08:
            row["code"] = rng.choice([c for c in thematic if c != coding["code"]])
        elif draw < 0.10:
            cut = row["excerpt"].rfind(" ", 0, len(row["excerpt"]) - 1)
            b.segment += 1
            row.update(segment_id=f"S{b.segment:06d}", end=row["start"] + cut, excerpt=row["excerpt"][:cut])
        b.codings.append(row)
    return chosen


def make_case_counts(b: Builder, country: str, p: Profile, ids: dict[str, list[str]], year: int) -> None:
    """The four tiers a country disseminates, more of them where its structure is stronger."""
    rng = b.rng
    groups = sorted({i["child_group"] for i in b.items if i["country"] == country})
    coord = ids["coord"][0] if "coord" in ids else ids["ncp"][0]
    tiers = [("identified", "official", [ids["police"][0]], (0, 12))]
    if p.has_coordinator:
        tiers.append(("suspected", "maybe", [coord], (2, 40)))
    if p.coordination == PRESENT:
        tiers.append(("exploitative_situation", "maybe", ids["r_cp"], (5, 150)))
    if p.local_input == PRESENT:
        tiers.append(("at_risk_context", "anecdotal", ids["l_outreach"], (20, 600)))
    for tier, basis, sources, (low, high) in tiers:
        for source in sources:
            for group in rng.sample(groups, k=min(len(groups), rng.randint(1, 3))):
                b.case_counts.append(
                    {
                        "country": country,
                        "year": year,
                        "tier": tier,
                        "child_group": group,
                        "count": rng.randint(low, high),
                        "basis": basis,
                        "source_actor": source,
                    }
                )
