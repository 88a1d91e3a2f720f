"""The one place PDFs are made: Jinja2 templates in ``reports/templates`` -> HTML -> WeasyPrint.

Self-assessment reports, verdict letters and survey reports all go through
:func:`render_pdf`. Reports carry text typed by teachers (titles, evidence notes, links),
so two walls stand between that text and the machine:

1. autoescaping: user text is shown as text, never parsed as HTML;
2. :class:`~assess.reports.fetcher.LocalOnlyFetcher`: even if markup got through, WeasyPrint may only read our
   own stylesheets and assets (and the ``data:`` URIs the caller names: the office's
   uploaded logo). No network request, no other local file (a report must
   not leak ``/etc/passwd`` nor be a way to probe the intranet from the server).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape

from assess import clock, resources
from assess.domain.content import LocalizedText
from assess.domain.project_choices import language_names, subject_names
from assess.i18n import t
from assess.i18n.formats import country_name, format_date, format_number, format_percent

if TYPE_CHECKING:
    from weasyprint import HTML

REPORTS_DIR = resources.reports_dir()
TEMPLATES_DIR = REPORTS_DIR / "templates"


def loc(text: LocalizedText | str | None, lang: str) -> str:
    """A rubric's own text in ``lang``; plain strings pass through."""
    if text is None:
        return ""
    return text.get(lang) if isinstance(text, LocalizedText) else str(text)


# Template helpers read the language from the render context, so templates write
# {{ t("report.title") }} and {{ loc(criterion.name) }} without repeating ``lang``.
@pass_context
def _t(context, key: str, **params) -> str:
    return t(key, context["lang"], **params)


@pass_context
def _loc(context, text) -> str:
    return loc(text, context["lang"])


@pass_context
def _date(context, value) -> str:
    return format_date(value, context["lang"])


@pass_context
def _number(context, value, digits: int = 1) -> str:
    return format_number(value, context["lang"], digits=digits)


@pass_context
def _percent(context, share, digits: int = 1) -> str:
    """A share 0..1 as the language writes a percentage (assess.i18n.formats.format_percent)."""
    return format_percent(share, context["lang"], digits=digits)


@pass_context
def _country(context, code) -> str:
    return country_name(code, context["lang"])


@pass_context
def _subjects(context, values) -> str:
    """A project's subjects (codes) named in the reader's language: 'Géographie, Biologie'."""
    return subject_names(values, context["lang"])


@pass_context
def _project_languages(context, values) -> str:
    return language_names(values, context["lang"])


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined,  # a typo in a template fails the render, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(t=_t, loc=_loc, format_date=_date, format_number=_number, format_percent=_percent,
                       country=_country,
                       subjects=_subjects, project_languages=_project_languages)
    env.filters.update(date=_date, number=_number)
    return env


def render_html(*, template: str, context: dict, lang: str) -> str:
    """The HTML a PDF is made from (useful to debug templates in a browser)."""
    # base.html prints the generation date; callers may fix it (tests, re-issued letters).
    return environment().get_template(template).render({"generated_at": datetime.now(clock.office_zone()), **context, "lang": lang})


def _document(html: str, images: Mapping[str, tuple[str, bytes]] | None) -> HTML:
    # Imported here, not with this module: WeasyPrint takes about 0.45 s to import, and
    # pages that only borrow the reports' words (assess.reports.survey's percent, audience
    # names) would pay it at their first visit in each server process.
    from weasyprint import HTML

    from assess.reports.fetcher import LocalOnlyFetcher

    return HTML(string=html, base_url=REPORTS_DIR.as_uri() + "/", url_fetcher=LocalOnlyFetcher(images=images))


def html_to_pdf(html: str, *, images: Mapping[str, tuple[str, bytes]] | None = None) -> bytes:
    """WeasyPrint with relative URLs resolved against ``reports/`` and the local-only fetcher
    (``images``: the ``data:`` URIs it may also serve, see :class:`LocalOnlyFetcher`)."""
    return _document(html, images).write_pdf()


def html_to_pdf_fitting(htmls: Iterable[str], *, pages: int,
                        images: Mapping[str, tuple[str, bytes]] | None = None) -> bytes:
    """The first of ``htmls`` (one document laid out tighter and tighter) that holds on at
    most ``pages`` pages; when none does, the first, the easiest to read.

    A document that fits at once is laid out once: only longer ones pay for another
    layout. ``htmls`` may be a generator, so a tighter HTML is made only when needed.
    """
    first = None
    for html in htmls:
        laid_out = _document(html, images).render()
        if len(laid_out.pages) <= pages:
            return laid_out.write_pdf()
        first = first or laid_out
    if first is None:
        raise ValueError("no HTML to render")
    return first.write_pdf()


def render_pdf(*, template: str, context: dict, lang: str) -> bytes:
    """Render ``reports/templates/<template>`` with ``context`` in ``lang`` to PDF bytes."""
    return html_to_pdf(render_html(template=template, context=context, lang=lang))
