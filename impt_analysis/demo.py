"""The synthetic demonstration study: believable, deterministic, and labelled as synthetic.

The real BSR IMPT interviews are confidential. This generator builds a study with the
structure the 2010 report describes for each country (its published three-aspect table):
who coordinates, whether professional networks reach coordination, and whether local and
regional actors feed it. Actors are role descriptions, never real organisations or people;
items come from the trends and issues the report names. The same seed gives the same study.

``wave=2`` gives a plausible follow-up study of the same countries in which some gaps closed
(see :data:`WAVE2_CHANGES`), for comparing two waves.

Examples
--------
>>> from impt_analysis.demo import generate_study
>>> study = generate_study(n_interviews=60, seed=2010)
>>> len(study.interviews), study.synthetic
(60, True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pandas as pd

from .codebook import default_codebook
from .reference import reference_table
from .study import Study, study_from_tables

__all__ = ["generate_study", "DEMO_SEED", "WAVE2_CHANGES"]

DEMO_SEED = 2010

# Countries whose published "(X)" for co-ordination the report's prose reads as "lacks central
# coordination": the demo gives them a National Contact Point but no national coordinator.
WITHOUT_COORDINATOR = {"DE", "LT"}

# What a follow-up wave changes: country -> {aspect: new verdict}.
WAVE2_CHANGES = {
    "EE": {"coordination": "X"},
    "SE": {"coordination": "X"},
    "FI": {"local_input": "X"},
    "PL": {"local_input": "(X)"},
    "LV": {"networks": "X"},
    "LT": {"coordination": "(X)+"},  # gains a national coordinator, still weakly fed
}

# Generic local-language names of the municipal child welfare service (a type, not an organisation).
LOCAL_SERVICE = {
    "DK": "børne- og ungeforvaltning", "EE": "lastekaitse", "FI": "lastensuojelu", "DE": "Jugendamt",
    "LV": "bāriņtiesa", "LT": "vaiko teisių apsaugos skyrius", "NO": "barnevern",
    "PL": "ośrodek pomocy społecznej", "SE": "socialtjänst",
}
NEIGHBOURS = [("DK", "SE"), ("NO", "SE"), ("FI", "SE"), ("FI", "EE"), ("EE", "LV"), ("LV", "LT"),
              ("LT", "PL"), ("PL", "DE"), ("DE", "DK"), ("NO", "DK")]

# key, role description, sector, level, kind
NATIONAL = [
    ("coord", "National coordination unit on trafficking, ministry", "government", "national", "national_coordinator"),
    ("ncp", "National Contact Point for children at risk", "government", "national", "contact_point"),
    ("police", "National police anti-trafficking unit", "police", "national", "organisation"),
    ("prosecution", "Prosecutor general's office, trafficking desk", "prosecution", "national", "organisation"),
    ("migration", "National migration and asylum board", "asylum_migration", "national", "organisation"),
    ("ngo", "National child rights NGO", "ngo", "national", "organisation"),
    ("research", "University research group on child migration", "research", "national", "organisation"),
    ("network", "National network of child protection professionals", "child_protection", "national",
     "professional_network"),
    ("health", "National board of health and welfare", "health", "national", "organisation"),
]
REGIONAL = [
    ("r_cp", "Regional child protection office, region {r}", "child_protection"),
    ("r_police", "Regional police district, region {r}", "police"),
    ("r_reception", "Reception centre for unaccompanied minors, region {r}", "asylum_migration"),
    ("r_shelter", "Regional NGO shelter for young people, region {r}", "ngo"),
]
LOCAL = [
    ("l_cp", "Municipal child protection service ({service}), town {t}", "child_protection"),
    ("l_social", "Municipal social services, town {t}", "social_services"),
    ("l_school", "School social worker, town {t}", "education"),
    ("l_police", "Local police station, town {t}", "police"),
    ("l_outreach", "Street outreach NGO, town {t}", "ngo"),
    ("l_parish", "Parish youth work, town {t}", "faith_based"),
]
INTERNATIONAL = [
    ("int_ncp", "Regional network of National Contact Points (Baltic Sea region)", "igo", "professional_network"),
    ("int_igo", "International organisation for migration, regional office", "igo", "organisation"),
]

# label, info_type, child_group, theme, who holds it ("national", "regional", "local")
ITEMS = [
    ("Roma children and young people begging in the capital", "trend", "roma_children", "labour_begging_crime", "national"),
    ("Unaccompanied minors going missing from reception centres", "trend", "unaccompanied_minors", "asylum_migration", "regional"),
    ("Weekend prostitution among young people travelling to neighbouring cities", "emerging_issue",
     "young_people_in_prostitution", "sexual_exploitation", "local"),
    ("Girls working as au pairs in exploitative conditions", "emerging_issue", "au_pairs", "labour_begging_crime", "local"),
    ("Men marrying women from abroad to gain access to their children", "incident", "other", "sexual_exploitation", "local"),
    ("Children begging, organised by adults from abroad", "trend", "children_begging", "labour_begging_crime", "national"),
    ("Children committing thefts abroad under adult control", "emerging_issue", "children_in_crime",
     "labour_begging_crime", "regional"),
    ("Children left behind by parents working abroad", "trend", "children_left_behind", "asylum_migration", "local"),
    ("Young people contacted online for sexual purposes", "emerging_issue", "online_exploitation",
     "sexual_exploitation", "national"),
    ("Teenagers working unpaid in seasonal agriculture", "incident", "child_labour", "labour_begging_crime", "local"),
    ("Asylum-seeking girls moved between reception centres by an unknown adult", "incident",
     "unaccompanied_minors", "asylum_migration", "regional"),
    ("Young people selling sex in exchange for accommodation", "incident", "young_people_in_prostitution",
     "sexual_exploitation", "local"),
]

# How many interviews report an actor's holding of an item: the follow-up wave asks more widely,
# so more of its information is corroborated and triangulated.
REPORTS_PER_HOLDING = {1: [1, 1, 1, 2], 2: [1, 2, 2, 3]}
# Trends are known widely; emerging issues to a few; an incident or narrative to one actor.
HOLDERS_PER_ITEM = {"trend": (2, 3), "emerging_issue": (1, 2), "incident": (1, 1)}

SOURCE_BY_VERIFICATION = {
    "official": ["official_data", "official_data", "organisation_report"],
    "maybe": ["organisation_report", "research", "training_material", "media"],
    "anecdotal": ["anecdote", "anecdote", "media"],
}
EXCERPTS = {
    "national_coordination": "The {actor} collects the reports, but only the police send figures every month.",
    "professional_networks": "Our network of professionals meets every quarter and we tell the {actor} what we see.",
    "local_regional_input": "What we see in the town stays with us; nobody at national level asks for it.",
    "information_holder": "The {actor} probably knows most about these children, more than the ministry.",
    "side_information": "We hear about it from the young people themselves, but we have never written it down.",
    "case_numbers": "The official figure is small; our own estimate is several times higher.",
    "verification_practice": "We check a story against what the school and the police tell us before we report it.",
    "cross_border": "For cases across the border we phone our colleagues in the neighbouring country.",
    "good_practice": "A joint meeting with police and child protection every month has helped us a lot.",
}
BARRIER_EXCERPT = "It is hard for us because of {label_lower}: the {actor} rarely hears from us."


@dataclass(frozen=True)
class Profile:
    """What a country's structure looks like in the demo, derived from the published table."""

    coordination: str
    networks: str
    local_input: str
    has_coordinator: bool


def _profiles(wave: int) -> dict[str, Profile]:
    ref = reference_table()
    out = {}
    for country, row in ref.iterrows():
        verdicts = dict(row)
        has_coordinator = country not in WITHOUT_COORDINATOR
        if wave == 2:
            for aspect, verdict in WAVE2_CHANGES.get(country, {}).items():
                if verdict == "(X)+":
                    has_coordinator, verdict = True, "(X)"
                verdicts[aspect] = verdict
        out[country] = Profile(verdicts["coordination"], verdicts["networks"], verdicts["local_input"], has_coordinator)
    return out


class _Builder:
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

    def actor(self, country, key, name, sector, level, kind, n):
        actor_id = f"{country or 'INT'}-A{n:03d}"
        self.actors.append({"actor_id": actor_id, "name": name, "country": country, "sector": sector,
                            "level": level, "kind": kind, "_key": key})
        return actor_id


def _country_actors(b: _Builder, country: str, p: Profile, replicas: int) -> dict[str, list[str]]:
    """Create the country's actors; returns role key -> actor ids (one per replica for local roles)."""
    ids: dict[str, list[str]] = {}
    n = 0
    for key, name, sector, level, kind in NATIONAL:
        if key == "coord" and not p.has_coordinator or key == "network" and p.networks == "-":
            continue
        n += 1
        ids[key] = [b.actor(country, key, name, sector, level, kind, n)]
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    for r in range(replicas):
        region = letters[r] if replicas <= len(letters) else f"{r + 1}"
        for key, name, sector in REGIONAL:
            n += 1
            ids.setdefault(key, []).append(b.actor(country, key, name.format(r=region), sector, "regional", "organisation", n))
        for key, name, sector in LOCAL:
            n += 1
            label = name.format(t=region, service=LOCAL_SERVICE.get(country, "child welfare"))
            ids.setdefault(key, []).append(b.actor(country, key, label, sector, "local", "organisation", n))
    return ids


def _country_flows(b: _Builder, country: str, p: Profile, ids: dict[str, list[str]]) -> None:
    """Design the country's information flows so that its structure follows its profile."""
    add = lambda s, t, ch, fr: b.flow_specs.append((country, s, t, ch, fr))  # noqa: E731
    coord = ids["coord"][0] if "coord" in ids else ids["ncp"][0]
    ncp = ids["ncp"][0]
    police, migration, ngo = ids["police"][0], ids["migration"][0], ids["ngo"][0]
    # Aspect 1: national co-ordination fed regularly by three sectors, or weakly.
    add(police, coord, "formal_report", "regular")
    add(migration, coord, "formal_report", "regular" if p.coordination == "X" else "ad_hoc")
    add(ngo, coord, "meeting", "regular" if p.coordination == "X" else "ad_hoc")
    add(ids["prosecution"][0], coord, "informal_contact", "ad_hoc")
    add(police, ids["prosecution"][0], "case_referral", "regular")
    add(coord, ngo, "informal_contact", "ad_hoc")
    if coord != ncp:
        # The contact point is a government actor: its regular reports would count as a third
        # sector feeding a weak co-ordinator, so they are regular only where co-ordination is X.
        add(ncp, coord, "meeting", "regular" if p.coordination == "X" else "ad_hoc")
        add(coord, ncp, "meeting", "regular")
    if p.coordination == "X":
        add(coord, ids["research"][0], "meeting", "ad_hoc")
        add(ids["research"][0], coord, "formal_report", "ad_hoc")
    # Aspect 2: professional networks.
    if p.networks != "-":
        network = ids["network"][0]
        add(ids["health"][0], network, "professional_network", "regular")
        add(ngo, network, "professional_network", "ad_hoc")
        if p.networks == "X":
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
        if p.local_input == "X":
            add(at["l_cp"], at["r_cp"], "formal_report", "regular")
            add(at["r_cp"], coord, "formal_report", "regular")
            add(at["r_police"], police, "formal_report", "regular")
            add(at["r_reception"], migration, "formal_report", "regular")
            add(at["r_shelter"], ngo, "informal_contact", "ad_hoc")
            if p.networks != "-":
                add(at["r_cp"], ids["network"][0], "professional_network", "regular")
        elif p.local_input == "(X)":  # only the regional offices reach co-ordination, ad hoc
            add(at["r_reception"], at["r_cp"], "case_referral", "regular")
            add(at["r_cp"], coord, "formal_report", "ad_hoc")
            add(at["l_outreach"], at["r_shelter"], "informal_contact", "ad_hoc")
        else:
            add(at["l_cp"], at["r_cp"], "formal_report", "ad_hoc")
            add(at["l_outreach"], at["r_shelter"], "informal_contact", "ad_hoc")
            add(at["r_reception"], at["r_cp"], "case_referral", "ad_hoc")
        add(at["l_police"], at["l_cp"], "case_referral", "ad_hoc")


def _international(b: _Builder, ncps: dict[str, str], migrations: dict[str, str]) -> None:
    int_ncp = b.actor(None, "int_ncp", INTERNATIONAL[0][1], "igo", "international", INTERNATIONAL[0][3], 1)
    int_igo = b.actor(None, "int_igo", INTERNATIONAL[1][1], "igo", "international", INTERNATIONAL[1][3], 2)
    for country, ncp in ncps.items():
        b.flow_specs.append((country, ncp, int_ncp, "professional_network", "regular"))
        b.flow_specs.append((country, int_ncp, ncp, "professional_network", "regular"))
        b.flow_specs.append((country, migrations[country], int_igo, "formal_report", "ad_hoc"))
    for a, c in NEIGHBOURS:
        if a in ncps and c in ncps:
            b.flow_specs.append((a, ncps[a], ncps[c], "informal_contact", "ad_hoc"))
            b.flow_specs.append((c, ncps[c], ncps[a], "informal_contact", "ad_hoc"))


def _interviews(b: _Builder, country: str, ids: dict[str, list[str]], n: int, year: int) -> list[dict]:
    rng = b.rng
    priority = [k for k in ("coord", "police", "ngo", "r_cp", "l_cp", "l_outreach", "migration", "network",
                            "r_reception", "l_school", "ncp", "r_shelter", "l_social", "r_police") if k in ids]
    by_id = {a["actor_id"]: a for a in b.actors}
    everyone = [a for key in ids for a in ids[key]]
    chosen = [ids[k][0] for k in priority][:n]
    chosen += [rng.choice(everyone) for _ in range(n - len(chosen))]
    rows = []
    start = pd.Timestamp(year=year, month=2, day=1)
    for i, actor_id in enumerate(chosen, 1):
        actor = by_id[actor_id]
        rows.append({"interview_id": f"{country}-I{i:0{max(2, len(str(n)))}d}", "country": country,
                     "date": start + pd.Timedelta(days=rng.randrange(0, 290)), "sector": actor["sector"],
                     "level": actor["level"], "actor_id": actor_id, "notes": ""})
    b.interviews += rows
    return rows


def _items_and_knowledge(b: _Builder, country: str, ids: dict[str, list[str]], interviews: list[dict]) -> dict[str, list]:
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
        for label, info_type, child_group, theme, level in (templates if r == 0 else rng.sample(ITEMS, k=4)):
            n_item += 1
            item_id = f"{country}-T{n_item:03d}"
            suffix = "" if replicas == 1 else f" (region {r + 1})"
            b.items.append({"item_id": item_id, "country": country, "label": label + suffix,
                            "info_type": info_type, "child_group": child_group, "theme": theme})
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
                    b.knowledge.append({"interview_id": interview_id, "actor_id": actor_id, "item_id": item_id,
                                        "verification": verification,
                                        "source_type": rng.choice(SOURCE_BY_VERIFICATION[verification])})
                known_by.setdefault(actor_id, []).append(item_id)
    return known_by


def _barrier_weights(p: Profile, country: str, sector: str) -> dict[str, float]:
    w = {"data_protection_rules": 2, "lack_of_training": 3, "unclear_definitions": 2,
         "weak_police_child_protection_links": 2, "limited_knowledge_of_others": 1.5, "lack_of_resources": 2,
         "no_feedback_to_reporters": 1, "legislation": 1, "one_sided_media": 0.5}
    if not p.has_coordinator:
        w["no_central_coordination"] = 6
    elif p.coordination != "X":
        w["weak_central_coordination"] = 5
    if p.local_input != "X":
        w["no_local_regional_structure"] = 5
        w["no_feedback_to_reporters"] = 3
    if p.networks != "X":
        w["limited_knowledge_of_others"] = 3
    if sector in ("ngo", "faith_based"):
        w["lack_of_trust_ngo_authorities"] = 4
    if country in ("EE", "LV", "LT"):
        w["dependence_on_foreign_donors"] = 3 if sector == "ngo" else 1
        w["corruption"] = 0.5
    return w


def _barriers(b: _Builder, country: str, p: Profile, ids: dict[str, list[str]], interviews: list[dict]) -> None:
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
            b.barriers.append({"interview_id": row["interview_id"], "barrier": barrier, "source_actor": source,
                               "target_actor": target, "severity": rng.choice([1, 2, 2, 3])})


def _codings(b: _Builder, interviews: list[dict], barriers: dict[str, list[str]], names: dict[str, str],
             labels: dict[str, str], coord: str) -> None:
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
                text = BARRIER_EXCERPT.format(label_lower=labels[code].lower(), actor=actor)
            b.segment += 1
            segment_id = f"S{b.segment:06d}"
            start, end = position, position + len(text)
            position = end + rng.randint(20, 400)
            b.codings.append({"segment_id": segment_id, "interview_id": iid, "code": code, "coder": "coder_1",
                              "start": start, "end": end, "excerpt": text})
            if rng.random() < 0.2:  # a second coder codes about a fifth of the segments
                other = code if rng.random() < 0.8 else rng.choice([c for c in thematic if c != code])
                b.codings.append({"segment_id": segment_id, "interview_id": iid, "code": other, "coder": "coder_2",
                                  "start": start, "end": end, "excerpt": text})


def _case_counts(b: _Builder, country: str, p: Profile, ids: dict[str, list[str]], year: int) -> None:
    """The four tiers a country disseminates, more of them where its structure is stronger."""
    rng = b.rng
    groups = sorted({i["child_group"] for i in b.items if i["country"] == country})
    coord = ids["coord"][0] if "coord" in ids else ids["ncp"][0]
    tiers = [("identified", "official", [ids["police"][0]], (0, 12))]
    if p.has_coordinator:
        tiers.append(("suspected", "maybe", [coord], (2, 40)))
    if p.coordination == "X":
        tiers.append(("exploitative_situation", "maybe", ids["r_cp"], (5, 150)))
    if p.local_input == "X":
        tiers.append(("at_risk_context", "anecdotal", ids["l_outreach"], (20, 600)))
    for tier, basis, sources, (low, high) in tiers:
        for source in sources:
            for group in rng.sample(groups, k=min(len(groups), rng.randint(1, 3))):
                b.case_counts.append({"country": country, "year": year, "tier": tier, "child_group": group,
                                      "count": rng.randint(low, high), "basis": basis, "source_actor": source})


def _assign_flows(b: _Builder, interviews_by_country: dict[str, list[dict]], known_by: dict[str, list]) -> None:
    """Give each designed flow the interview that reported it (the source's or target's, if any)."""
    rng = b.rng
    by_actor: dict[str, list[str]] = {}
    for row in b.interviews:
        by_actor.setdefault(row["actor_id"], []).append(row["interview_id"])
    rows = []
    for country, source, target, channel, frequency in b.flow_specs:
        candidates = by_actor.get(source, []) + by_actor.get(target, [])
        reported = [rng.choice(candidates) if candidates else rng.choice(interviews_by_country[country])["interview_id"]]
        if rng.random() < 0.15:  # some flows are reported again by another respondent
            reported.append(rng.choice(interviews_by_country[country])["interview_id"])
        for interview_id in reported:
            items = known_by.get(source)
            item = rng.choice(items) if items and rng.random() < 0.3 else None
            rows.append({"interview_id": interview_id, "source_actor": source, "target_actor": target,
                         "channel": channel, "frequency": frequency, "item_id": item})
    width = max(5, len(str(len(rows))))
    b.flows = [{"flow_id": f"F{i:0{width}d}", **row} for i, row in enumerate(rows, 1)]


def generate_study(n_interviews: int = 60, seed: int = DEMO_SEED, wave: int = 1) -> Study:
    """Generate the synthetic demonstration study.

    Parameters
    ----------
    n_interviews : int
        Total number of interviews, spread over the nine countries (6 to 8 each at 60). Actors
        and items grow with it, so that ``n_interviews=6000`` gives a study 100 times larger.
    seed : int
        Seed of the random generator: the same seed gives the same study.
    wave : int
        1 for the 2010 study; 2 for a follow-up (interviews in 2012) in which some gaps
        have closed (:data:`WAVE2_CHANGES`).

    Returns
    -------
    Study
        Labelled synthetic (``study.synthetic`` is True).

    Examples
    --------
    >>> study = generate_study(90, seed=1)
    >>> bool(study.interviews.groupby("country").size().between(9, 11).all())
    True
    """
    if n_interviews < 9:
        raise ValueError("n_interviews must be at least 9 (one per country)")
    if wave not in (1, 2):
        raise ValueError("wave must be 1 or 2")
    rng = random.Random(f"{seed}-{wave}")
    b = _Builder(rng, wave)
    profiles = _profiles(wave)
    countries = list(profiles)
    per_country = {c: n_interviews // len(countries) for c in countries}
    for c in rng.sample(countries, k=n_interviews % len(countries)):
        per_country[c] += 1
    year = 2010 if wave == 1 else 2012
    codebook = default_codebook()
    labels = dict(zip(codebook["code"], codebook["label"]))
    ids_by_country, interviews_by_country, known_by = {}, {}, {}
    for country in countries:
        replicas = max(1, round(per_country[country] / 7))
        ids_by_country[country] = _country_actors(b, country, profiles[country], replicas)
        _country_flows(b, country, profiles[country], ids_by_country[country])
    _international(b, {c: ids["ncp"][0] for c, ids in ids_by_country.items()},
                   {c: ids["migration"][0] for c, ids in ids_by_country.items()})
    names = {a["actor_id"]: a["name"] for a in b.actors}
    for country in countries:
        ids, p = ids_by_country[country], profiles[country]
        interviews = _interviews(b, country, ids, per_country[country], year)
        interviews_by_country[country] = interviews
        known_by.update(_items_and_knowledge(b, country, ids, interviews))
        start = len(b.barriers)
        _barriers(b, country, p, ids, interviews)
        barriers: dict[str, list[str]] = {}
        for row in b.barriers[start:]:
            barriers.setdefault(row["interview_id"], []).append(row["barrier"])
        coord = ids["coord"][0] if "coord" in ids else ids["ncp"][0]
        _codings(b, interviews, barriers, names, labels, coord)
        _case_counts(b, country, p, ids, year - 1)
    _assign_flows(b, interviews_by_country, known_by)
    return _to_study(b, codebook, n_interviews, seed, wave)


def _to_study(b: _Builder, codebook: pd.DataFrame, n_interviews: int, seed: int, wave: int) -> Study:
    from .schema import TABLES

    def frame(name: str, rows: list[dict]) -> pd.DataFrame:
        columns = [f.name for f in TABLES[name].fields]
        return pd.DataFrame(rows, columns=columns)

    meta = demo_metadata(n_interviews, seed, wave)
    tables = {name: frame(name, getattr(b, name)) for name in
              ("actors", "interviews", "items", "knowledge", "flows", "barriers", "codings", "case_counts")}
    study = study_from_tables({"codebook": codebook, **tables}, meta)
    return study


def demo_metadata(n_interviews: int = 60, seed: int = DEMO_SEED, wave: int = 1) -> dict:
    """Package metadata of the demonstration study, saying plainly that it is synthetic."""
    wave_label = "" if wave == 1 else f", wave {wave} (follow-up)"
    return {
        "name": "bsr-impt-demo" if wave == 1 else "bsr-impt-demo-wave2",
        "title": f"BSR IMPT synthetic demonstration study{wave_label}",
        "description": (
            "SYNTHETIC DEMONSTRATION DATA. Generated by impt_analysis.demo.generate_study "
            f"(n_interviews={n_interviews}, seed={seed}, wave={wave}). The real BSR IMPT interviews (Council of the "
            "Baltic Sea States, 2010) are confidential: this study imitates their structure, following the published "
            "three-aspect table per country, so that the workbench can be shown and tested. No row describes a real "
            "person, organisation or case; actors are role descriptions."
        ),
        "version": "1.0.0",
        "impt:synthetic": True,
        "impt:generator": {"n_interviews": n_interviews, "seed": seed, "wave": wave},
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "sources": [{"title": "Baltic Sea Region Information Management to Prevent Trafficking (BSR IMPT), "
                              "CBSS Expert Group for Cooperation on Children at Risk, 2010",
                     "path": "https://www.childcentre.info"}],
        "contributors": [{"title": "IMPT Workbench contributors", "roles": ["creator"]}],
        "keywords": ["synthetic", "trafficking", "children at risk", "information management", "Baltic Sea region"],
    }
