"""The mail texts: the same keys in English and French, each template using the same
placeholders in both and rendering with them, and every key the mail code names exists."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from jinja2 import Environment, meta

import assess
from assess.i18n import languages, translated
from assess.i18n import source as english
from assess.services.mail import KINDS
from assess.services.mail.templates import render

CONTEXT = {"name": "Ana", "office": "", "link": "https://label.example.org", "email": "ana@example.org",
           "round": "Labels 2026", "count": 2, "deadline": date(2026, 12, 9), "days": 0, "project": "Stars",
           "application": 7, "outcome": "no_label"}


def test_same_keys_in_english_and_french():
    def keys(lang):
        return {key for key in translated(lang) if key.startswith(("mail.", "settings.mail.", "settings.groups.mail."))}

    assert keys("en") and keys("en") == keys("fr")


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_uses_the_same_placeholders_in_both_languages(kind):
    def variables(lang):
        return {part: meta.find_undeclared_variables(Environment().parse(translated(lang)[f"mail.templates.{kind}.{part}"]))
                for part in ("subject", "body")}

    assert variables("en") == variables("fr")
    for lang in languages():
        subject, body = render(kind, lang, **CONTEXT)
        assert subject and "\n" not in subject and "{" not in subject
        assert "{" not in body and "Ana" in body


def test_every_key_the_mail_code_names_exists():
    source = Path(assess.__file__).parent
    files = [*sorted((source / "services" / "mail").glob("*.py")), source / "cli" / "mail.py",
             source / "ui" / "pages" / "outbox.py", source / "ui" / "pages" / "set_password.py",
             source / "ui" / "pages" / "sign_in.py"]
    used = {key for path in files
            for key in re.findall(r'"(mail\.[a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8"))}
    assert len(used) > 30
    assert sorted(key for key in used if key not in english()) == []
