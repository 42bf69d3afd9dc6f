"""The vocabulary of the synthetic world: roles, items, excerpts and how often things happen.

Every actor is a role description (``"Municipal social services, town A"``), never a real
organisation or person; the items are the trends and issues the 2010 report names; the
excerpts are short synthetic sentences.
"""

from ..reference import PARTLY, PRESENT

# Countries whose published "(X)" for co-ordination the report's prose reads as "lacks central
# coordination": the demo gives them a National Contact Point but no national coordinator.
WITHOUT_COORDINATOR = {"DE", "LT"}

#: A wave-2 verdict: still PARTLY, now with a national coordinator (weakly fed).
PARTLY_WITH_COORDINATOR = PARTLY + "+"
# What a follow-up wave changes: country -> {aspect: new verdict}.
WAVE2_CHANGES = {
    "EE": {"coordination": PRESENT},
    "SE": {"coordination": PRESENT},
    "FI": {"local_input": PRESENT},
    "PL": {"local_input": PARTLY},
    "LV": {"networks": PRESENT},
    "LT": {"coordination": PARTLY_WITH_COORDINATOR},
}

# Generic local-language names of the municipal child welfare service (a type, not an organisation).
LOCAL_SERVICE = {
    "DK": "børne- og ungeforvaltning",
    "EE": "lastekaitse",
    "FI": "lastensuojelu",
    "DE": "Jugendamt",
    "LV": "bāriņtiesa",
    "LT": "vaiko teisių apsaugos skyrius",
    "NO": "barnevern",
    "PL": "ośrodek pomocy społecznej",
    "SE": "socialtjänst",
}
NEIGHBOURS = [
    ("DK", "SE"),
    ("NO", "SE"),
    ("FI", "SE"),
    ("FI", "EE"),
    ("EE", "LV"),
    ("LV", "LT"),
    ("LT", "PL"),
    ("PL", "DE"),
    ("DE", "DK"),
    ("NO", "DK"),
]

# key, role description, sector, level, kind
NATIONAL = [
    (
        "coord",
        "National coordination unit on trafficking, ministry",
        "government",
        "national",
        "national_coordinator",
    ),
    ("ncp", "National Contact Point for children at risk", "government", "national", "contact_point"),
    ("police", "National police anti-trafficking unit", "police", "national", "organisation"),
    (
        "prosecution",
        "Prosecutor general's office, trafficking desk",
        "prosecution",
        "national",
        "organisation",
    ),
    ("migration", "National migration and asylum board", "asylum_migration", "national", "organisation"),
    ("ngo", "National child rights NGO", "ngo", "national", "organisation"),
    ("research", "University research group on child migration", "research", "national", "organisation"),
    (
        "network",
        "National network of child protection professionals",
        "child_protection",
        "national",
        "professional_network",
    ),
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
    (
        "int_ncp",
        "Regional network of National Contact Points (Baltic Sea region)",
        "igo",
        "professional_network",
    ),
    ("int_igo", "International organisation for migration, regional office", "igo", "organisation"),
]

# label, info_type, child_group, theme, who holds it ("national", "regional", "local")
ITEMS = [
    (
        "Roma children and young people begging in the capital",
        "trend",
        "roma_children",
        "labour_begging_crime",
        "national",
    ),
    (
        "Unaccompanied minors going missing from reception centres",
        "trend",
        "unaccompanied_minors",
        "asylum_migration",
        "regional",
    ),
    (
        "Weekend prostitution among young people travelling to neighbouring cities",
        "emerging_issue",
        "young_people_in_prostitution",
        "sexual_exploitation",
        "local",
    ),
    (
        "Girls working as au pairs in exploitative conditions",
        "emerging_issue",
        "au_pairs",
        "labour_begging_crime",
        "local",
    ),
    (
        "Men marrying women from abroad to gain access to their children",
        "incident",
        "other",
        "sexual_exploitation",
        "local",
    ),
    (
        "Children begging, organised by adults from abroad",
        "trend",
        "children_begging",
        "labour_begging_crime",
        "national",
    ),
    (
        "Children committing thefts abroad under adult control",
        "emerging_issue",
        "children_in_crime",
        "labour_begging_crime",
        "regional",
    ),
    (
        "Children left behind by parents working abroad",
        "trend",
        "children_left_behind",
        "asylum_migration",
        "local",
    ),
    (
        "Young people contacted online for sexual purposes",
        "emerging_issue",
        "online_exploitation",
        "sexual_exploitation",
        "national",
    ),
    (
        "Teenagers working unpaid in seasonal agriculture",
        "incident",
        "child_labour",
        "labour_begging_crime",
        "local",
    ),
    (
        "Asylum-seeking girls moved between reception centres by an unknown adult",
        "incident",
        "unaccompanied_minors",
        "asylum_migration",
        "regional",
    ),
    (
        "Young people selling sex in exchange for accommodation",
        "incident",
        "young_people_in_prostitution",
        "sexual_exploitation",
        "local",
    ),
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
