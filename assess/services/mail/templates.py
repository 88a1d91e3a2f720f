"""Per-language mail templates: a subject and a plain-text body per kind, in the mail
catalogues (``assess/i18n/{en,fr}/mail.toml``, ``mail.templates.<kind>``), with Jinja2
placeholders (``{{ name }}``). The HTML part is the plain text, escaped by Jinja2's
autoescape and cut into paragraphs, so what the office previews and edits is exactly what
both parts say."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import Environment, StrictUndefined, Template

from assess.i18n import catalogue, default_language, languages, t
from assess.i18n.formats import format_date, format_number

# Plain text: nothing to escape (no markup is read from it); undefined placeholders fail.
_TEXT = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)
_HTML = Environment(autoescape=True, undefined=StrictUndefined)
_HTML_PAGE = _HTML.from_string(
    '<!DOCTYPE html>\n<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>'
    '<body style="font-family: sans-serif; line-height: 1.5">'
    "{% for paragraph in paragraphs %}<p>{% for line in paragraph %}{{ line }}{% if not loop.last %}<br>"
    "{% endif %}{% endfor %}</p>{% endfor %}</body></html>\n"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SUBJECT_MAX = 300
BODY_MAX = 20_000


@lru_cache(maxsize=64)
def _text_template(source: str) -> Template:
    """A catalogue text compiled once: a collect run renders many mails of few kinds."""
    return _TEXT.from_string(source)


def _language(lang: str) -> str:
    return lang if lang in languages() else default_language()


#: Where a set-password link goes in a body: the link is made when the mail is sent (its
#: token is never stored in clear), so the queued text holds this mark instead.
LINK_MARK = "[[link]]"


def _shown(value: Any, lang: str) -> Any:
    """Dates and numbers as the reader's language writes them."""
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, float):
        return format_number(value, lang)
    return value


def render(kind: str, lang: str, **context: Any) -> tuple[str, str]:
    """The subject and body of a mail of ``kind`` in ``lang``, placeholders filled (dates
    and numbers written the language's way; no office name: the default one)."""
    lang = _language(lang)
    messages = catalogue(lang)
    context = {key: _shown(value, lang) for key, value in context.items()}
    context["office"] = context.get("office") or t("letters.default_office", lang)
    subject = _text_template(messages[f"mail.templates.{kind}.subject"]).render(**context)
    body = _text_template(messages[f"mail.templates.{kind}.body"]).render(
        signature=t("mail.signature", lang, office=context.get("office", "")), **context
    )
    return one_line(subject), body.strip() + "\n"


def one_line(text: str) -> str:
    """A subject on one line: a line break or any control character becomes a space, so
    a value put into it (a project's title) can never start a header of its own."""
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()[:SUBJECT_MAX]


def html_body(*, subject: str, body: str, lang: str) -> str:
    """The HTML alternative of a plain-text body: escaped, paragraphs at blank lines."""
    paragraphs = [block.split("\n") for block in re.split(r"\n\s*\n", body.strip()) if block.strip()]
    return _HTML_PAGE.render(lang=_language(lang), subject=subject, paragraphs=paragraphs)
