"""How a project's survey answers were collected, as the teacher's survey results and the
juror's view of an application show it (assess.services.collection)."""

from __future__ import annotations

import streamlit as st

from assess.reports.survey import audience_name
from assess.services import link_guard
from assess.services.collection import Collection, Way
from assess.ui.runtime import _, lang


def way_text(way: Way) -> str:
    if way.way == "import":
        return _("collection.import", tool=_(f"imports.format.{way.tool}"), count=way.responses)
    if way.way == "link" and way.several_per_device:
        return _("collection.link_several", count=way.responses)
    return _(f"collection.{way.way}", count=way.responses)


def collection_block(found: Collection, *, key: str) -> None:
    """One line per audience (each way and its count), then the responses in bursts."""
    with st.container(border=True, key=key):
        st.markdown(f"**{_('collection.heading')}**")
        if not found.ways:
            st.caption(_("collection.none"))
            return
        st.caption(_("collection.intro"))
        audiences = dict.fromkeys(way.audience for way in found.ways)
        st.markdown("\n".join(
            "- " + _("collection.audience_line", audience=audience_name(audience, lang()),
                     ways=" · ".join(way_text(way) for way in found.ways if way.audience == audience))
            for audience in audiences
        ))
        if found.in_bursts:
            st.warning(_("collection.bursts", count=found.in_bursts, over=link_guard.BURST_OVER),
                       icon=":material/bolt:")
        elif any(way.way == "link" for way in found.ways):
            st.caption(_("collection.no_bursts", over=link_guard.BURST_OVER))
