"""Settings of the national office: sign-up, gate minimums, demonstration data, audit log."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from assess.services import audit, rubrics, settings
from assess.services.errors import PermissionDenied, ServiceError
from assess.ui import auth
from assess.ui.runtime import _, apply_change, escape_markdown, lang, require_permission, show_error, show_flash, reading, transaction


admin = require_permission("settings.manage")


def save(key: str, value: Any) -> None:
    apply_change(lambda session: settings.put(session, actor=admin, key=key, value=value), _("settings_page.saved"))


with reading() as session:
    allow_signup = bool(settings.get(session, "allow_signup"))
    # A copy: settings.get may hand back the shared default dict.
    minimums = {rubric_id: dict(levels) for rubric_id, levels in settings.get(session, "gate_minimums").items()}

st.title(_("settings_page.title"))
show_flash()

# --- sign-up -----------------------------------------------------------------------------
st.subheader(_("settings_page.signup_title"))
with st.form("settings_signup"):
    allow = st.toggle(_("settings_page.allow_signup"), value=allow_signup, help=_("settings_page.allow_signup_help"))
    if st.form_submit_button(_("settings_page.save")):
        save("allow_signup", allow)

# --- gate minimums -----------------------------------------------------------------------
st.subheader(_("settings_page.gates_title"))
st.caption(_("settings_page.gates_help"))
for rubric in rubrics.installed():
    if not rubric.gates:
        continue
    stored = minimums.get(rubric.id, {})
    with st.form(f"gates_{rubric.id}"):
        st.markdown(f"**{escape_markdown(rubric.title.get(lang()))}** · {escape_markdown(rubric.version)}")
        levels = {
            gate.id: st.number_input(
                gate.name.get(lang()),
                min_value=0,
                max_value=5,
                step=1,
                value=int(stored.get(gate.id, gate.minimum)),
                help=_("settings_page.gate_default", level=gate.minimum),
                key=f"gate_{rubric.id}_{gate.id}",
            )
            for gate in rubric.gates
        }
        if st.form_submit_button(_("settings_page.save")):
            save("gate_minimums", {**minimums, rubric.id: {gate_id: int(level) for gate_id, level in levels.items()}})

# --- demonstration data ------------------------------------------------------------------
st.subheader(_("settings_page.demo_title"))
st.caption(_("settings_page.demo_help"))
if st.button(_("settings_page.demo_load"), icon=":material/auto_awesome:"):
    try:
        from assess.services.demo import load_demo  # written alongside; imported on use

        with st.spinner(_("settings_page.demo_loading")), transaction() as session:
            result = load_demo(session, actor=admin)
    except (ServiceError, PermissionDenied) as error:
        show_error(error)
    else:
        auth.show_demo_result(result)

# --- audit log ---------------------------------------------------------------------------
st.subheader(_("settings_page.audit_title"))
with reading() as session:
    rows = [
        {
            _("settings_page.audit.at"): event.at,
            _("settings_page.audit.who"): event.actor.email if event.actor else _("settings_page.audit.system"),
            _("settings_page.audit.action"): event.action,
            _("settings_page.audit.entity"): f"{event.entity_type} {event.entity_id}",
            _("settings_page.audit.details"): json.dumps(event.details, ensure_ascii=False) if event.details else "",
        }
        for event in audit.events(session, actor=admin, limit=100)
    ]
if rows:
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={_("settings_page.audit.at"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
    )
else:
    st.caption(_("settings_page.audit.empty"))
