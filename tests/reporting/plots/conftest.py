"""The small study the figures are drawn from: Denmark with five actors, a Swedish contact point."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")  # no display: pyplot (test_plots.py) must not look for one


ACTORS = [
    {
        "actor_id": "DK-C",
        "country": "DK",
        "sector": "government",
        "level": "national",
        "kind": "national_coordinator",
        "name": "National coordination unit",
    },
    {
        "actor_id": "DK-P",
        "country": "DK",
        "sector": "police",
        "level": "national",
        "kind": "organisation",
        "name": "National police unit",
    },
    {
        "actor_id": "DK-N",
        "country": "DK",
        "sector": "child_protection",
        "level": "national",
        "kind": "professional_network",
        "name": "Network of child protection professionals",
    },
    {
        "actor_id": "DK-R",
        "country": "DK",
        "sector": "ngo",
        "level": "regional",
        "kind": "organisation",
        "name": "Regional NGO shelter",
    },
    {
        "actor_id": "DK-S",
        "country": "DK",
        "sector": "social_services",
        "level": "local",
        "kind": "organisation",
        "name": "Municipal social services (kommune), town A",
    },
    {
        "actor_id": "SE-N",
        "country": "SE",
        "sector": "government",
        "level": "national",
        "kind": "contact_point",
        "name": "National Contact Point",
    },
]
INTERVIEWS = [
    {
        "interview_id": "DK-I1",
        "country": "DK",
        "date": "2010-05-01",
        "sector": "government",
        "level": "national",
        "actor_id": "DK-C",
    },
    {
        "interview_id": "DK-I2",
        "country": "DK",
        "date": "2010-05-02",
        "sector": "social_services",
        "level": "local",
        "actor_id": "DK-S",
    },
    {
        "interview_id": "DK-I3",
        "country": "DK",
        "date": "2010-05-03",
        "sector": "police",
        "level": "national",
        "actor_id": "DK-P",
    },
    {
        "interview_id": "SE-I1",
        "country": "SE",
        "date": "2010-06-01",
        "sector": "government",
        "level": "national",
        "actor_id": "SE-N",
    },
]


@pytest.fixture
def small(build):
    """Flows: police -> coordinator twice (one regular: solid), social services -> NGO (ad hoc: dashed),
    network -> coordinator (regular), coordinator -> Swedish contact point (ad hoc)."""
    return build(
        actors=ACTORS,
        interviews=INTERVIEWS,
        flows=[
            {"source_actor": "DK-P", "target_actor": "DK-C"},
            {"source_actor": "DK-P", "target_actor": "DK-C", "frequency": "ad_hoc", "channel": "meeting"},
            {"source_actor": "DK-S", "target_actor": "DK-R", "frequency": "ad_hoc"},
            {"source_actor": "DK-N", "target_actor": "DK-C"},
            {"source_actor": "DK-C", "target_actor": "SE-N", "frequency": "ad_hoc"},
        ],
        items=[
            {"item_id": "DK-T2", "country": "DK", "info_type": "incident"},
            {"item_id": "DK-T1", "country": "DK", "info_type": "trend"},
        ],
        knowledge=[
            {"actor_id": "DK-P", "item_id": "DK-T1", "interview_id": "DK-I3"},
            {"actor_id": "DK-S", "item_id": "DK-T1", "verification": "anecdotal", "interview_id": "DK-I2"},
            {"actor_id": "DK-S", "item_id": "DK-T2", "verification": "anecdotal", "interview_id": "DK-I2"},
            {"actor_id": "DK-S", "item_id": "DK-T2", "verification": "maybe", "interview_id": "DK-I1"},
        ],
        barriers=[
            # DK-I1 names data protection twice (two links): the interview counts once
            {
                "interview_id": "DK-I1",
                "barrier": "data_protection_rules",
                "source_actor": "DK-S",
                "target_actor": "DK-C",
                "severity": 2,
            },
            {
                "interview_id": "DK-I1",
                "barrier": "data_protection_rules",
                "source_actor": "DK-R",
                "target_actor": "DK-C",
                "severity": 3,
            },
            {"interview_id": "DK-I2", "barrier": "data_protection_rules", "severity": 1},
            {"interview_id": "DK-I2", "barrier": "lack_of_resources", "severity": 2},
            {"interview_id": "SE-I1", "barrier": "lack_of_trust_ngo_authorities", "severity": 2},
        ],
    )
