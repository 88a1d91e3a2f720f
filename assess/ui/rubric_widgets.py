"""How a rubric is shown on a page: shared by the teacher's self-assessment and the juror's scoring."""

from __future__ import annotations

import streamlit as st

from assess.ui.runtime import lang


def levels_side_by_side(item, chosen: int | None) -> None:
    """The six levels of a criterion or gate with their descriptors, the chosen one ticked."""
    # Six columns on a laptop; Streamlit stacks them on a phone.
    for column, level in zip(st.columns(len(item.levels)), item.levels, strict=True):
        with column, st.container(border=True, height="stretch"):
            label = f"{level.level} · {level.label.get(lang())}"
            if level.level == chosen:
                st.badge(label, icon=":material/check:", color="green")
            else:
                st.markdown(f"**{label}**")
            st.caption(level.descriptor.get(lang()))
