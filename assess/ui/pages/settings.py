"""Settings of the national office: every setting of assess/domain/settings.py, grouped as the
registry groups them, each with its label, help and allowed values, errors shown under the
field they concern; then demonstration data and the audit log."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from assess.domain import settings as registry
from assess.domain.audit_words import describe
from assess.services import audit, installation, rubrics, settings
from assess.services.errors import InvalidInput, PermissionDenied, ServiceError
from assess.ui import auth
from assess.ui.runtime import (
    FLASH,
    _,
    code_span,
    error_text,
    escape_markdown,
    field_error_text,
    lang,
    reading,
    require_permission,
    show_error,
    show_flash,
    transaction,
)

admin = require_permission("settings.manage")

Slots = dict[str, Any]  # field -> the placeholder under its widget
FORM_TOP = ""  # the placeholder at the top of a form: "please correct the fields marked below"


def label(setting: registry.Setting) -> str:
    return _(setting.label_key)


def help_text(setting: registry.Setting) -> str:
    """The setting's help, then what values it takes."""
    return f"{_(setting.help_key)}  \n{_(setting.range_key, **setting.range_params())}"


def save(values: dict[str, Any], slots: Slots) -> None:
    """Store ``values`` at once; refused: each reason under its field (or here), fields kept."""
    try:
        with transaction() as session:
            changed = settings.put_many(session, actor=admin, values=values)
    except InvalidInput as error:
        slots.get(FORM_TOP, st).error(error_text(error))
        for problem in error.errors:
            key = problem.field
            while key not in slots and "." in key:
                key = key.rsplit(".", 1)[0]
            setting = registry.definition(key)
            text = field_error_text(problem)
            named = text if setting is None else _("settings.page.field_error", label=label(setting), message=text)
            slots.get(key, st).error(named)
        return
    except (ServiceError, PermissionDenied) as error:
        show_error(error)
        return
    st.session_state[FLASH] = _("settings.page.saved" if changed else "settings.page.unchanged")
    st.rerun()


def widget(setting: registry.Setting, value: Any) -> Any:
    """The input for one setting, keyed ``setting:<key>`` (tests and the docs check find it)."""
    key, name, tip = f"setting:{setting.key}", label(setting), help_text(setting)
    if isinstance(setting, registry.Switch):
        return st.toggle(name, value=bool(value), help=tip, key=key)
    if isinstance(setting, registry.Number):
        if setting.integer:
            return st.number_input(name, min_value=int(setting.minimum), max_value=int(setting.maximum),
                                   step=int(setting.step), value=int(value), help=tip, key=key)
        decimals = len(f"{setting.step:g}".partition(".")[2])  # 0.01 -> 2: the widget shows what a step changes
        return st.number_input(name, min_value=float(setting.minimum) + (setting.step if setting.exclusive_minimum else 0),
                               max_value=float(setting.maximum), step=float(setting.step), value=float(value),
                               format=f"%.{decimals}f", help=tip, key=key)
    if isinstance(setting, registry.Choice):
        # The words looked up now: format_func may be called outside this run.
        words = {choice: _(setting.choice_label_key(choice)) for choice in setting.choices}
        return st.selectbox(name, setting.choices, index=setting.choices.index(value), format_func=words.__getitem__,
                            help=tip, key=key)
    if isinstance(setting, registry.InstalledRubric):
        # Empty first: the rubric of each project's school year; then the installed rubrics.
        words = {"": _("settings.default_rubric.by_school_year")}
        words |= {r.id: f"{r.title.get(lang())} ({r.id})" for r in rubrics.installed()}
        options = list(words) if value in words else [*words, value]  # a rubric no longer installed stays shown
        return st.selectbox(name, options, index=options.index(value), format_func=lambda v: words.get(v, v),
                            help=tip, key=key)
    if isinstance(setting, registry.Text) and setting.multiline:
        return st.text_area(name, value=value, help=tip, key=key, height=140)
    if isinstance(setting, (registry.Text, registry.WebAddress)):
        return st.text_input(name, value=value, help=tip, key=key)
    raise TypeError(f"no widget for {setting.key}")


def group_form(group: str, current: dict[str, Any], *, note: str = "") -> None:
    """One form for a group's settings but the gate minimums and the logo (their own
    forms below), saved together; ``note`` shown above its button."""
    shown = [s for s in registry.in_group(group) if not isinstance(s, (registry.GateMinimums, registry.Image))]
    if not shown:
        return
    with st.form(f"settings_{group}"):
        slots: Slots = {FORM_TOP: st.empty()}
        typed = {}
        for setting in shown:
            typed[setting.key] = widget(setting, current[setting.key])
            slots[setting.key] = st.empty()
        if note:
            st.caption(note)
        if st.form_submit_button(_("settings.page.save")):
            save(typed, slots)


def gate_forms(stored: dict[str, dict[str, int]]) -> None:
    """One form per rubric with gates: its minimums, saved with the other rubrics' as stored."""
    setting = registry.BY_KEY["gate_minimums"]
    st.markdown(f"**{escape_markdown(label(setting))}**", help=help_text(setting))
    for rubric in rubrics.installed():
        if not rubric.gates:
            continue
        with st.form(f"gates_{rubric.id}"):
            slots: Slots = {FORM_TOP: st.empty()}
            st.markdown(f"**{escape_markdown(rubric.title.get(lang()))}** · {escape_markdown(rubric.version)}")
            levels = {}
            for gate in rubric.gates:
                levels[gate.id] = st.number_input(
                    gate.name.get(lang()), min_value=0, max_value=5, step=1,
                    value=int(stored.get(rubric.id, {}).get(gate.id, gate.minimum)),
                    help=_("settings.gate_minimums.rubric_default", level=gate.minimum),
                    key=f"gate_{rubric.id}_{gate.id}",
                )
                slots[f"gate_minimums.{rubric.id}.{gate.id}"] = st.empty()
            slots["gate_minimums"] = st.empty()
            if st.form_submit_button(_("settings.page.save")):
                save({"gate_minimums": {**stored, rubric.id: {g: int(level) for g, level in levels.items()}}}, slots)


def logo_form(logo: registry.OfficeLogo | None) -> None:
    setting = registry.BY_KEY["office.logo"]
    st.markdown(f"**{escape_markdown(label(setting))}**", help=help_text(setting))
    if logo is None:
        st.caption(_("settings.page.no_logo"))
    else:
        st.image(logo.data, width=min(logo.width, 240))
        st.caption(_("settings.page.current_logo", media_type=logo.media_type, width=logo.width, height=logo.height,
                     kb=max(1, round(len(logo.data) / 1024))))
    with st.form("settings_logo", clear_on_submit=True):
        upload = st.file_uploader(_("settings.page.upload_logo"), type=["png", "jpg", "jpeg"], key="setting:office.logo",
                                  help=help_text(setting))
        slots: Slots = {"office.logo": st.empty()}
        if st.form_submit_button(_("settings.page.save_logo")):
            if upload is None:
                slots["office.logo"].error(_("settings.page.choose_a_file"))
            else:
                save({"office.logo": upload.getvalue()}, slots)
    if logo is not None and st.button(_("settings.page.remove_logo"), icon=":material/delete:"):
        save({"office.logo": None}, {})


with reading() as session:
    shown = settings.for_the_office(session, actor=admin)
    current, public_address, office_logo = shown.values, shown.public_url, shown.office_logo

st.title(_("settings_page.title"))
show_flash()

for group in registry.GROUPS:
    st.subheader(_(f"settings.groups.{group}.title"))
    st.caption(_(f"settings.groups.{group}.help"))
    in_use = _("settings.page.effective_url", url=code_span(public_address)) if group == "surveys" else ""
    group_form(group, current, note=in_use)
    if group == "jury":
        gate_forms(current["gate_minimums"])
    if group == "letterhead":
        logo_form(office_logo)

# --- demonstration data ------------------------------------------------------------------
# Only into an installation without real data, or a demonstration one (assess.services.installation):
# the button says why it is disabled.
st.subheader(_("settings_page.demo_title"))
st.caption(_("settings_page.demo_help"))
with reading() as session:
    demo_installation = installation.is_demo_installation(session)
    demo_allowed = demo_installation or not installation.holds_real_data(session, actor=admin)
if demo_installation:
    st.info(_("demo.installation"), icon=":material/science:")
elif demo_allowed:
    st.caption(_("demo.empty"))
else:
    st.caption(_("demo.refused_reason"))
if st.button(_("settings_page.demo_load"), icon=":material/auto_awesome:", disabled=not demo_allowed,
             help=None if demo_allowed else _("demo.refused_reason")):
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
    logged = audit.entries(session, actor=admin, limit=100)
# One sentence per event in the reader's language (assess.domain.audit_words); the details
# as recorded stay beside it for the office that needs the exact values.
rows = [
    {
        _("settings_page.audit.at"): entry.at,
        _("settings_page.audit_words.event"): describe(entry, lang()),
        _("settings_page.audit.who"): entry.actor_email or _("settings_page.audit.system"),
        _("settings_page.audit_words.details"): json.dumps(entry.details, ensure_ascii=False) if entry.details else "",
    }
    for entry in logged
]
if rows:
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        placeholder="",
        column_config={_("settings_page.audit.at"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
    )
else:
    st.caption(_("settings_page.audit.empty"))
