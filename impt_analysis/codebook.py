"""The study's codebook: every controlled value and thematic code, grounded in the 2010 report.

The categories and their values come from the BSR IMPT source documents (``shared/seeds``):
the report's three types of information, three levels of verification, six sources of
information, three seminars (themes), four tiers of children whose numbers should be
disseminated, and the barriers the report and the 2007 WGCC/TFTHB minutes name.

A study's own ``codebook.csv`` is the authority when it is loaded: it may add values (an
imported REFI-QDA project adds its codes), but it must hold every category below.

Examples
--------
>>> from impt_analysis.codebook import default_codebook
>>> cb = default_codebook()
>>> sorted(cb.loc[cb.category == "verification", "code"])
['anecdotal', 'maybe', 'official']
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "VOCABULARIES",
    "CONTROLLED_CATEGORIES",
    "THEMATIC_CODES",
    "SECOND_HAND_SOURCES",
    "ASSESSMENT_DOMAINS",
    "ASSESSMENT_LEVELS",
    "ASSESSMENT_CATEGORIES",
    "assessment_statement",
    "default_codebook",
    "label_map",
    "REGULAR",
    "category_rows",
    "codes",
    "verification_order",
    "check_value",
]

#: The ``frequency`` code of an established, recurring flow: the report's "feeding".
REGULAR = "regular"

# category -> [(code, label, description)]
VOCABULARIES: dict[str, list[tuple[str, str, str]]] = {
    "level": [
        ("local", "Local", "A municipality, town or city service, or a local group."),
        ("regional", "Regional", "A county, district or region."),
        ("national", "National", "A state authority, national body or nationwide organisation."),
        ("international", "International", "A regional (Baltic Sea) or international body."),
    ],
    "kind": [
        (
            "organisation",
            "Organisation",
            "An agency, service or organisation that holds or passes information.",
        ),
        (
            "professional_network",
            "Professional network",
            "A network organising professionals working with children (report aspect 2).",
        ),
        (
            "national_coordinator",
            "National co-ordination",
            "A national central co-ordination function on trafficking (report aspect 1).",
        ),
        (
            "contact_point",
            "National Contact Point",
            "A National Contact Point (NCP), the national node for information on children at risk.",
        ),
    ],
    "sector": [
        ("police", "Police", "Police and border guard, including intelligence units."),
        ("prosecution", "Prosecution", "Prosecutors' offices."),
        ("judiciary", "Judiciary", "Courts and judges."),
        ("child_protection", "Child protection", "Child protection and child welfare services."),
        ("social_services", "Social services", "Municipal and regional social services."),
        ("asylum_migration", "Asylum and migration", "Migration boards and reception of asylum seekers."),
        ("health", "Health", "Health services and clinics."),
        ("education", "Education", "Schools, school social workers and teachers."),
        ("ngo", "NGO", "Non-governmental organisations, including those funded by foreign donors."),
        ("faith_based", "Faith-based organisation", "Churches, parishes and faith-based charities."),
        ("labour_organisation", "Labour organisation", "Trade unions and labour inspectorates."),
        ("business", "Commercial enterprise", "Employers, agencies and other commercial enterprises."),
        ("research", "Research", "Research institutions and universities."),
        ("media", "Media", "Press, broadcasting and other media."),
        ("government", "Government", "Ministries and government offices."),
        ("igo", "Intergovernmental organisation", "IGOs and international NGOs (INGOs)."),
    ],
    "info_type": [
        (
            "trend",
            "Generally accepted trend",
            "Information accepted as a trend, e.g. Roma children, unaccompanied minors.",
        ),
        (
            "emerging_issue",
            "Emerging issue",
            "An issue beginning to be noticed, e.g. weekend prostitution, au pairs.",
        ),
        (
            "incident",
            "Incident or narrative",
            "A single incident or narrative, e.g. men marrying women from abroad "
            "to gain access to their children.",
        ),
    ],
    "verification": [
        ("official", "Official data", "Convictions and police reports."),
        ("maybe", "Maybe-information", "Reported by several sources but as yet unsubstantiated."),
        ("anecdotal", "Anecdotal evidence", "Narratives."),
    ],
    "source_type": [
        ("official_data", "Official data", "Convictions, governmental reports and police reports."),
        ("research", "Research", "Research reports and articles (few and far between)."),
        ("organisation_report", "Organisation report", "Reports from major IGOs, INGOs and NGOs."),
        ("training_material", "Training material", "Tools and manuals disseminated for training purposes."),
        ("media", "Media", "Media and reports disseminated to the wider public."),
        ("anecdote", "Anecdote", "Anecdotes and myths."),
    ],
    "theme": [
        (
            "sexual_exploitation",
            "Sexual exploitation",
            "Young people in prostitution and other forms of sexual exploitation (Vilnius seminar).",
        ),
        (
            "asylum_migration",
            "Asylum and migration",
            "Unaccompanied asylum-seeking children and children in migration (Copenhagen seminar).",
        ),
        (
            "labour_begging_crime",
            "Labour, begging and crime",
            "Child labour, begging and children committing crimes in a foreign country (Tallinn seminar).",
        ),
    ],
    "child_group": [
        ("roma_children", "Roma children and young people", "A generally accepted trend in the report."),
        (
            "unaccompanied_minors",
            "Unaccompanied minors",
            "Unaccompanied asylum-seeking minors, including those going missing from reception.",
        ),
        ("young_people_in_prostitution", "Young people in prostitution", "Including weekend prostitution."),
        ("au_pairs", "Girls working as au pairs", "An emerging issue in the report."),
        ("children_begging", "Children begging", "Children begging in a foreign country."),
        ("children_in_crime", "Children committing crimes", "Children committing crimes, often abroad."),
        ("child_labour", "Child labour", "Children in exploitative work."),
        ("children_left_behind", "Children left behind", "Children left behind by migrating parents."),
        ("online_exploitation", "Online exploitation", "Children abused in Internet settings."),
        ("other", "Other", "Any other group, described in the item's label."),
    ],
    "channel": [
        (
            "formal_report",
            "Formal report",
            "A written report, statistics or notification through official lines.",
        ),
        ("case_referral", "Case referral", "A child's case referred to another service."),
        ("meeting", "Meeting", "A coordination or case meeting."),
        ("professional_network", "Professional network", "Through a network of professionals."),
        ("database", "Database", "A shared register or database."),
        ("informal_contact", "Informal contact", "A telephone call or personal contact."),
        ("media", "Media", "Through publication in the media."),
    ],
    "frequency": [
        ("regular", "Regular", "An established, recurring line of communication."),
        ("ad_hoc", "Ad hoc", "Occasional, case by case."),
    ],
    "tier": [
        (
            "identified",
            "Identified victims",
            "Children and young people identified as victims of trafficking.",
        ),
        ("suspected", "Suspected victims", "Children suspected to be victims of trafficking."),
        (
            "exploitative_situation",
            "Abusive or exploitative situation",
            "Children considered to be in abusive or exploitative situations.",
        ),
        (
            "at_risk_context",
            "At-risk context",
            "Children in contexts that may lead to them becoming victims of trafficking.",
        ),
    ],
    "basis": [
        ("official", "Official data", "Convictions and police reports."),
        ("maybe", "Maybe-information", "Several sources, unsubstantiated."),
        ("anecdotal", "Anecdotal", "Narratives."),
    ],
    "barrier": [
        (
            "no_central_coordination",
            "No central coordination",
            "No national function collects and manages information on children at risk.",
        ),
        (
            "weak_central_coordination",
            "Weak central coordination",
            "A national function exists but few sectors feed it regularly.",
        ),
        (
            "no_local_regional_structure",
            "No local or regional structure",
            "Local and regional information is not collated nor passed to the national level.",
        ),
        (
            "weak_police_child_protection_links",
            "Weak links between police and child protection",
            "Police investigations are not coordinated with child protection services.",
        ),
        (
            "data_protection_rules",
            "Data protection rules",
            "Confidentiality or data protection rules stop information being shared.",
        ),
        (
            "lack_of_trust_ngo_authorities",
            "Lack of trust between NGOs and authorities",
            "NGOs feel ignored by authorities, or authorities distrust NGO information.",
        ),
        (
            "no_feedback_to_reporters",
            "No feedback to those who report",
            "Those who pass information on never hear what became of it.",
        ),
        (
            "lack_of_training",
            "Lack of training to identify victims",
            "Professionals lack the training to recognise children at risk of trafficking.",
        ),
        (
            "unclear_definitions",
            "Unclear or overlapping definitions",
            "Definitions of trafficking and of migration overlap and are confused.",
        ),
        (
            "dependence_on_foreign_donors",
            "Dependence on foreign donors",
            "Direct assistance is carried out by NGOs relying on foreign donors, not mainstreamed.",
        ),
        ("legislation", "Legislation", "Laws that are hard to apply to trafficking of children."),
        ("corruption", "Corruption", "Corruption impedes investigation and prosecution."),
        ("one_sided_media", "One-sided media", "Media coverage is one-sided and stigmatising."),
        (
            "limited_knowledge_of_others",
            "Limited knowledge of what others do",
            "Actors know too little of others' trainings, programmes and information.",
        ),
        ("lack_of_resources", "Lack of resources", "No designated funding or staff for the work."),
    ],
}

CONTROLLED_CATEGORIES = tuple(VOCABULARIES)

#: Source types that pass on what others said (the report's "media and reports disseminated to
#: the wider public" and "anecdotes and myths"): reports resting only on one of them are not
#: independent, however many sectors repeat them (see :func:`impt_analysis.triangulate`).
SECOND_HAND_SOURCES = ("media", "anecdote")

#: The life domains of the assessment tool professionals use with young people, from the 2007
#: slides "Prevention of trafficking: national ownership and mainstreaming" (seed 003, "Example
#: of a tool"): code, the slide's label, and its three statements in the slide's order (the
#: first column, things going well; the second, struggling; the last, the young person at risk).
#: Issue 13 speaks of ten domains; the slide, the only source, prints nine rows and names no
#: tenth, so none is invented: a study whose tool has another domain adds it to its
#: codebook.csv (category ``assessment_domain``). "Eat healthily" corrects the slide's "cat
#: healthily"; "My Education/Training" is written in sentence case like the other labels.
#: The codebook rows of :data:`ASSESSMENT_CATEGORIES` are made from it.
ASSESSMENT_DOMAINS = (
    (
        "education_training",
        "My education/training",
        (
            "I attend a course/school that I enjoy/is ok",
            "I'm on a course/at school but I hate it.",
            "I'm not attending any courses/I'm excluded from school",
        ),
    ),
    (
        "income_money",
        "My income/money",
        (
            "I have enough money to pay for what I need",
            "I struggle to manage on the money that I get",
            "I can't afford to eat sometimes or find somewhere decent to stay.",
        ),
    ),
    (
        "carers",
        "People who have looked after me",
        (
            "I have had people in my life who loved me and took care of me",
            "There have been some good people in my life but it never lasted and I don't see them now",
            "I can't think of anyone who cared for me and who I trusted",
        ),
    ),
    (
        "secure_base",
        "My secure base",
        (
            "I feel confident in starting out on my own knowing there is somewhere to come back to for support",
            "There are some places I feel welcome some of the time but it depends on who is there",
            "I don't belong anywhere; there is nowhere I can go if I feel down.",
        ),
    ),
    (
        "general_health",
        "My general health",
        (
            "I eat healthily sometimes and get some exercise",
            "I eat a lot of junk food, I'm a couch potato",
            "I don't eat properly, do any exercise, don't sleep well and I won't see a doctor or dentist",
        ),
    ),
    (
        "peers",
        "My peers",
        (
            "I have a few close friends who I know I can trust",
            "I have a few friends but they let me down a lot",
            "I have no friends of my age/my so called friends bully and threaten me",
        ),
    ),
    (
        "self_control",
        "My self control",
        (
            "I am able to express my emotions safely when I am with people I trust",
            "I often bottle feelings up and get in a bad mood for ages",
            "I lose it completely and get aggressive or cry so much that I can't stop",
        ),
    ),
    (
        "running_away",
        "Running away",
        (
            "I have never been missing from where I am supposed to stay",
            "I sometimes stay out late/occasionally overnight with my mates without permission",
            "I run away for long periods of time and I stay with risky people or sleep rough",
        ),
    ),
    (
        "wanting_to_change",
        "Wanting to change",
        (
            "I want to think about changing the parts of my life that make me unhappy",
            "I'm not sure if there is any point in changing. I'm not sure it is possible",
            "My life is **** and there is nothing I can do about it",
        ),
    ),
)

#: The three levels of every domain, in the tool's column order (code, label, description).
ASSESSMENT_LEVELS = (
    (
        "going_well",
        "Going well",
        "The tool's first column (e.g. 'I attend a course/school that I enjoy/is ok').",
    ),
    (
        "struggling",
        "Struggling",
        "The tool's second column (e.g. 'I struggle to manage on the money that I get').",
    ),
    ("at_risk", "At risk", "The tool's third column (e.g. 'I run away for long periods of time ...')."),
)

#: Codebook categories of the optional assessments table (``assessments.csv``): rows of
#: :func:`default_codebook`, but not required of a study's codebook (a study without the table
#: need not list them; one with it must, like any category its values use).
ASSESSMENT_CATEGORIES: dict[str, list[tuple[str, str, str]]] = {
    "assessment_domain": [
        (
            code,
            label,
            "Life domain of the 2007 assessment tool; its levels: "
            + "; ".join(
                f"{lv_label.lower()}: '{text}'" for (_, lv_label, _), text in zip(ASSESSMENT_LEVELS, levels)
            ),
        )
        for code, label, levels in ASSESSMENT_DOMAINS
    ],
    "assessment_level": list(ASSESSMENT_LEVELS),
}


def assessment_statement(domain: str, level: str) -> str:
    """The tool's own words for a domain at a level ("" for a domain the slide does not print).

    Examples
    --------
    >>> assessment_statement("running_away", "at_risk")[:30]
    'I run away for long periods of'
    >>> assessment_statement("a_tenth_domain", "at_risk")
    ''
    """
    levels = [code for code, _, _ in ASSESSMENT_LEVELS]
    for code, _, statements in ASSESSMENT_DOMAINS:
        if code == domain and level in levels:
            return statements[levels.index(level)]
    return ""


# Thematic codes for coded segments (category "code"): the study's questions, nested under
# parents. Barrier, child-group and verification codes may also be applied to segments.
THEMATIC_CODES: list[tuple[str, str, str, str]] = [
    # code, label, description, parent
    ("aspects", "Three aspects", "The report's three aspects of national information management.", ""),
    (
        "national_coordination",
        "National co-ordination",
        "Is there a national central co-ordination?",
        "aspects",
    ),
    (
        "professional_networks",
        "Professional networks",
        "Are professional networks meeting with children consulted?",
        "aspects",
    ),
    (
        "local_regional_input",
        "Local and regional input",
        "Do local and regional levels feed information into national co-ordination?",
        "aspects",
    ),
    ("information", "Information", "What information exists and who holds it.", ""),
    ("information_holder", "Information holder", "Who has information on children at risk.", "information"),
    (
        "side_information",
        "Side information",
        "Information not accessed by those collecting information on trafficking.",
        "information",
    ),
    ("case_numbers", "Case numbers", "Numbers of children identified, suspected or at risk.", "information"),
    ("verification_practice", "Verification", "How information is checked or triangulated.", "information"),
    ("cross_border", "Cross-border exchange", "Information passed between countries.", "information"),
    ("good_practice", "Good practice", "A practice the respondent recommends.", ""),
]


def default_codebook() -> pd.DataFrame:
    """The codebook as a tidy frame: one row per (category, code).

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``category``, ``label``, ``description``, ``parent`` (empty for
        controlled values and top-level thematic codes).

    Examples
    --------
    >>> int(default_codebook().groupby("category").size()["tier"])
    4
    """
    rows = [
        {"code": code, "category": category, "label": label, "description": description, "parent": ""}
        for category, values in (VOCABULARIES | ASSESSMENT_CATEGORIES).items()
        for code, label, description in values
    ]
    rows += [
        {"code": code, "category": "code", "label": label, "description": description, "parent": parent}
        for code, label, description, parent in THEMATIC_CODES
    ]
    return pd.DataFrame(rows, columns=["code", "category", "label", "description", "parent"])


def label_map(codebook: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(category, code) -> label: a code may recur in another category with another label.

    Examples
    --------
    >>> label_map(default_codebook())[("channel", "media")]
    'Media'
    """
    return {
        (str(c), str(code)): str(label)
        for c, code, label in codebook[["category", "code", "label"]].itertuples(index=False)
    }


def category_rows(codebook: pd.DataFrame, category: str) -> pd.DataFrame:
    """The codebook's rows of one category, in the category's order (see :func:`codes`).

    Examples
    --------
    >>> category_rows(default_codebook(), "frequency")["code"].tolist()
    ['regular', 'ad_hoc']
    """
    rows = codebook.loc[codebook["category"].astype(str) == category]
    if "rank" in rows.columns:
        rank = pd.to_numeric(rows["rank"].astype(object).replace("", None), errors="raise")
        rows = rows.iloc[rank.reset_index(drop=True).sort_values(kind="stable", na_position="last").index]
    return rows


def codes(codebook: pd.DataFrame, category: str) -> list[str]:
    """The codes of one category in the category's order: by the codebook's optional ``rank``
    column (1 first; codes without a rank follow the ranked ones), else in the codebook's row order.

    For ``verification`` the order runs from the strongest level to the weakest, as the report
    lists them (official, maybe, anecdotal); a study that adds a level places it with ``rank``.

    Examples
    --------
    >>> cb = default_codebook()
    >>> codes(cb, "verification")
    ['official', 'maybe', 'anecdotal']
    >>> extra = pd.DataFrame([{"code": "rumour", "category": "verification", "label": "Rumour"}])
    >>> cb = pd.concat([extra, cb], ignore_index=True).assign(rank="")
    >>> cb.loc[cb["category"] == "verification", "rank"] = ["4", "1", "2", "3"]
    >>> codes(cb, "verification")
    ['official', 'maybe', 'anecdotal', 'rumour']
    """
    return list(dict.fromkeys(category_rows(codebook, category)["code"].astype(str)))


def verification_order(codebook: pd.DataFrame) -> tuple[str, ...]:
    """The codebook's verification levels, weakest first (the order of an ordered categorical,
    so that ``frame >= "maybe"`` works).

    Examples
    --------
    >>> verification_order(default_codebook())
    ('anecdotal', 'maybe', 'official')
    """
    return tuple(reversed(codes(codebook, "verification")))


def check_value(codebook: pd.DataFrame, category: str, value, what: str | None = None) -> str:
    """``value`` as a code of ``category``, or a ValueError naming it and the valid codes (never coerced).

    Examples
    --------
    >>> check_value(default_codebook(), "frequency", "regular")
    'regular'
    >>> check_value(default_codebook(), "frequency", "weekly")
    Traceback (most recent call last):
    ...
    ValueError: frequency 'weekly' is not in the codebook (valid: regular, ad_hoc)
    """
    valid = codes(codebook, category)
    if not isinstance(value, str) or value not in valid:
        raise ValueError(
            f"{what or category} {value!r} is not in the codebook (valid: {', '.join(valid) or 'none'})"
        )
    return value
