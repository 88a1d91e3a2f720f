"""Error messages may quote what a person typed: shown on a page, it stays plain text."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def page_showing_a_refused_link():
    import streamlit as st

    from assess.services.errors import FieldError, InvalidInput
    from assess.ui.runtime import show_error

    st.session_state["lang"] = "en"
    typed = "[click me](https://evil.example) **bold** <b>tag</b>"
    show_error(InvalidInput([FieldError("twinspace_url", "errors.not_a_url", {"value": typed})]))


def test_what_the_person_typed_is_escaped_in_field_errors():
    at = AppTest.from_function(page_showing_a_refused_link).run()
    assert not at.exception
    (caption,) = [c.value for c in at.caption]
    assert caption.startswith("TwinSpace address: ")
    # Markdown would make a link, bold text and an HTML tag of it: every sign is escaped.
    assert r"\[click me\]\(https://evil\.example\)" in caption
    assert r"\*\*bold\*\*" in caption and r"\<b\>tag\</b\>" in caption
    # The catalogue's own words are untouched.
    assert caption.endswith("is not a web address (it must start with http:// or https://).")
