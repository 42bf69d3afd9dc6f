"""What changed between two waves, drawn as arrows."""

from __future__ import annotations


def test_draw_change_arrows_by_hand(build):
    """One country, share reaching 0 -> 0.5 (improved, green arrow), the rest unchanged."""
    import pandas as pd

    from impt_analysis.reporting.plots import draw_change

    change = pd.DataFrame(
        {
            "share_reaching_before": [0.0],
            "share_reaching_after": [0.5],
            "side_items_before": [2],
            "side_items_after": [2],
            "triangulated_items_before": [1],
            "triangulated_items_after": [0],
            "coordination_before": ["(X)"],
            "coordination_after": ["X"],
            "coordination_change": ["improved"],
        },
        index=pd.Index(["DK"], name="country"),
    )
    fig = draw_change(change)
    assert fig.texts[0].get_text() == "What changed between the two waves"
    arrows = [a for ax in fig.axes for a in ax.texts if a.arrow_patch is not None]
    assert len(arrows) == 2  # share reaching up, triangulated down; side items unchanged
    assert "coordination (X)→X" in fig.axes[0].get_yticklabels()[0].get_text()
