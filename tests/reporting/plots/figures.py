"""What a drawn figure holds, read back for the tests: its texts and artists by gid, and that it renders."""

from __future__ import annotations

import io


def text(fig, gid):
    """The figure-level text with this gid, whitespace normalised (the subtitle is wrapped)."""
    found = [t.get_text() for t in fig.texts if t.get_gid() == gid]
    assert len(found) == 1, f"{len(found)} texts with gid {gid!r}"
    return " ".join(found[0].split())


def artists(fig, prefix):
    """gid -> artist, for every artist of the figure whose gid starts with ``prefix``."""
    found = {}
    for ax in fig.axes:
        for a in ax.get_children():
            gid = a.get_gid() or ""
            if gid.startswith(prefix):
                found[gid] = a
    return found


def renders(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
