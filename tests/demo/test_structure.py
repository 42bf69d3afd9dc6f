"""Each country's actors and flows, following its profile from the published table; contact points across borders."""

from __future__ import annotations

from impt_analysis.demo.structure import Profile, profiles


def test_cross_border_flows_between_contact_points(demo):
    kinds = demo.actors.set_index("actor_id")["kind"]
    country = demo.actors.set_index("actor_id")["country"]
    f = demo.flows
    ncp_to_ncp = f[
        (f.source_actor.map(kinds) == "contact_point") & (f.target_actor.map(kinds) == "contact_point")
    ]
    assert len(ncp_to_ncp) > 0
    assert (ncp_to_ncp.source_actor.map(country) != ncp_to_ncp.target_actor.map(country)).all()


def test_profiles_follow_the_published_table_and_the_second_wave():
    """Published: DK X X X, LT (X) (X) -, EE (X) X -. DE and LT have a contact point but no coordinator;
    in wave 2 EE's coordination becomes X and LT gains a coordinator, still weakly fed ("(X)+")."""
    first, second = profiles(1), profiles(2)
    assert len(first) == len(second) == 9
    assert first["DK"] == second["DK"] == Profile("X", "X", "X", has_coordinator=True)
    assert first["LT"] == Profile("(X)", "(X)", "-", has_coordinator=False)
    assert second["LT"] == Profile("(X)", "(X)", "-", has_coordinator=True)
    assert first["EE"] == Profile("(X)", "X", "-", has_coordinator=True)
    assert second["EE"] == Profile("X", "X", "-", has_coordinator=True)
    assert not first["DE"].has_coordinator and not second["DE"].has_coordinator
