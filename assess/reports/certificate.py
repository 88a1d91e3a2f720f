"""Label certificates: a :class:`CertificateView` as one A4 landscape page, made to be
framed: the label, the project, its schools and their countries, the school year, the
office's logo, place, date and signatory.

Same walls as the letters (:mod:`assess.reports.pdf`): every text is autoescaped, the
renderer reads only our assets and the office's uploaded logo (a checked PNG or JPEG,
served as its one ``data:`` URI). Batches go through :mod:`assess.reports.batch`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from assess import clock
from assess.i18n import normalise_language, t
from assess.i18n.formats import country_name, format_date
from assess.reports import batch
from assess.reports.batch import Progress
from assess.reports.filenames import certificate_filename
from assess.reports.pdf import html_to_pdf, render_html
from assess.reports.verdict import logo_url
from assess.reports.views import CertificateView, PartnerView

TEMPLATE = "label_certificate.html"

__all__ = ["certificate_filename", "certificates_zip", "render_certificate_pdf", "write_certificates"]


#: Characters of title and school names a certificate prints, at its smallest type; past
#: them the other schools are counted with their countries (a project may have 50
#: partners of 300-character names: no page holds them all in readable type). A title
#: character takes the room of two school characters (larger type).
TEXT_BUDGET = 2400


def _shown_schools(view: CertificateView) -> tuple[tuple[PartnerView, ...], tuple[PartnerView, ...]]:
    """(the schools printed by name, the others), the applicant's school always named."""
    shown: list[PartnerView] = []
    used = 2 * len(view.project_title)
    for index, school in enumerate(view.schools):
        used += len(school.school) + 12
        if used > TEXT_BUDGET and index > 0:
            return tuple(shown), tuple(view.schools[index:])
        shown.append(school)
    return tuple(shown), ()


def _density(view: CertificateView) -> str:
    """How much the page must hold: a long title or many schools print smaller, so every
    certificate stays on its one page."""
    length = len(view.project_title) + sum(len(s.school) + 12 for s in view.schools)
    if length > 900 or len(view.schools) > 16:
        return "dense"
    if length > 350 or len(view.schools) > 6:
        return "compact"
    return "roomy"


def certificate_context(view: CertificateView, *, today: date | None = None) -> dict:
    lang = normalise_language(view.language)
    office = view.office
    when = view.published_at or today or clock.today()
    when = when.date() if isinstance(when, datetime) else when
    day = format_date(when, lang)
    place = office.place.strip()
    shown, others = _shown_schools(view)
    other_countries = ", ".join(sorted({country_name(s.country, lang) for s in others}))
    return {
        "schools": shown,
        "others": t("certificates.others", lang, count=len(others), countries=other_countries) if others else "",
        "office": office,
        "office_name": office.name.strip() or t("letters.default_office", lang),
        "logo_url": logo_url(office),
        "view": view,
        "dateline": t("letters.place_date", lang, place=place, date=day) if place else t("letters.date_only", lang, date=day),
        "density": _density(view),
    }


def render_certificate_html(view: CertificateView, *, today: date | None = None) -> str:
    """The certificate's HTML (to debug the template in a browser)."""
    return render_html(template=TEMPLATE, context=certificate_context(view, today=today),
                       lang=normalise_language(view.language))


def render_certificate_pdf(view: CertificateView, *, today: date | None = None) -> bytes:
    """The certificate as PDF bytes, in the application's language, dated from the
    decision's publication (else ``today``)."""
    logo = view.office.logo
    images = {logo.data_uri: (logo.media_type, logo.data)} if logo is not None else {}
    return html_to_pdf(render_certificate_html(view, today=today), images=images)


def _render_one(view: CertificateView, today: date) -> bytes:
    return render_certificate_pdf(view, today=today)


def render_certificates(views: Sequence[CertificateView], *, workers: int = 2, progress: Progress | None = None,
                        today: date | None = None) -> Iterator[tuple[int, bytes]]:
    return batch.render_all(views, render=_render_one, workers=workers, progress=progress, today=today)


def write_certificates(views: Sequence[CertificateView], *, out_dir: Path | str, workers: int = 2,
                       progress: Progress | None = None, today: date | None = None) -> list[Path]:
    """One ``quality-label-certificate-<project>-<year>-<lang>.pdf`` per view into ``out_dir``."""
    return batch.write_all(views, render=_render_one, name=certificate_filename, out_dir=out_dir, workers=workers,
                           progress=progress, today=today)


def certificates_zip(views: Sequence[CertificateView], *, workers: int = 2, progress: Progress | None = None,
                     today: date | None = None) -> bytes:
    return batch.zip_all(views, render=_render_one, name=certificate_filename, workers=workers, progress=progress,
                         today=today)
