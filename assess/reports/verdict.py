"""Verdict letters: a :class:`VerdictLetterView` as a one-page PDF letter of the national office.

One letter per published decision, in the teacher's language. A round has hundreds of
them: batches are rendered by a pool of processes (:mod:`assess.reports.batch`).

The office's logo is an image uploaded on the Settings page (PNG or JPEG, checked in
:mod:`assess.domain.settings`), given to the letter as a ``data:`` URI: the local-only
fetcher of :mod:`assess.reports.pdf` serves that one URI and nothing else outside our
assets. Without an uploaded logo the letter shows ours.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from markupsafe import Markup

from assess import clock
from assess.domain.rubric import Rubric
from assess.domain.scoring import reasons_for
from assess.i18n import normalise_language, t
from assess.i18n.formats import format_date
from assess.reports import batch
from assess.reports.batch import Progress
from assess.reports.filenames import letter_filename
from assess.reports.pdf import REPORTS_DIR, html_to_pdf_fitting, render_html
from assess.reports.radar import LABEL_LINES, bars_svg, radar_svg
from assess.reports.reasons import override_note, reason_lines
from assess.reports.views import OfficeView, VerdictLetterView

ASSETS_DIR = REPORTS_DIR / "assets"
DEFAULT_LOGO = "office-logo.svg"
TEMPLATE = "verdict_letter.html"
#: How tightly the letter is set (letter.css: ``density-1``, ``density-2``), tried in turn
#: until it holds on one page: a short letter keeps the roomiest, a long one (the 2021
#: rubric's eight items, two comments each, a refusal's reasons, the jury's summary) is
#: set tighter rather than leave its closing and signature alone on page 2.
DENSITIES = (0, 1, 2)

__all__ = ["letter_filename", "render_verdict_letter_pdf", "verdict_letters_zip", "write_verdict_letters"]


# -- One letter -------------------------------------------------------------------------


def logo_url(office: OfficeView) -> str:
    """The office's uploaded logo as a ``data:`` URI, else our own logo's file URL."""
    if office.logo is not None:
        return office.logo.data_uri
    return (ASSETS_DIR / DEFAULT_LOGO).resolve().as_uri()


def _letter_images(view: VerdictLetterView) -> dict[str, tuple[str, bytes]]:
    """The one ``data:`` URI the renderer may serve for this letter: its logo."""
    logo = view.office.logo
    return {logo.data_uri: (logo.media_type, logo.data)} if logo is not None else {}


def letter_language(view: VerdictLetterView) -> str:
    return normalise_language(view.language)


def _level_label(rubric: Rubric, item_id: str, level: float | None, lang: str) -> str:
    """The rubric's word for a level; for a jury aggregate between two levels, both words."""
    if level is None:
        return ""
    item = rubric.item(item_id)
    low, high = math.floor(level), math.ceil(level)
    if low == high:
        return item.level(int(low)).label.get(lang)
    return t(
        "letters.criteria.between", lang,
        low=item.level(int(low)).label.get(lang), high=item.level(int(high)).label.get(lang),
    )


def _square(svg: str) -> str:
    """Crop radar_svg's drawing to a square just around the radar and its axis numbers.

    radar_svg draws on 1.5 x its height and keeps room for three-line labels around the
    rings; our labels are one or two digits, so the rings can fill the letter's square.
    The extent follows radar_svg's geometry (font = size/34, rings' radius = size/2 -
    font x (LABEL_LINES + 1.5), labels at 1.08 x the radius).
    """
    match = _VIEWBOX.match(svg)
    if not match:
        return svg
    width, size = float(match["w"]), float(match["h"])
    font = size / 34
    half = (size / 2 - font * (LABEL_LINES + 1.5)) * 1.08 + font * 1.7
    left, top = width / 2 - half, size / 2 - half
    return _VIEWBOX.sub(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.2f} {top:.2f} {2 * half:.2f} {2 * half:.2f}" '
        f'width="{2 * half:.2f}" height="{2 * half:.2f}"',
        svg, count=1,
    )


_VIEWBOX = re.compile(
    r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 (?P<w>[\d.]+) (?P<h>[\d.]+)" '
    r'width="[\d.]+" height="[\d.]+"'
)


def _chart(view: VerdictLetterView, lang: str) -> Markup:
    """The radar of the counted criteria, axes numbered as the rows of the criteria table.

    Numbers rather than names: WeasyPrint lays SVG text out letter by letter, so names on
    the axes would cost a tenth of a second per letter; the table beside names them.
    """
    counted = [c for c in view.score.criteria if c.counted]
    labels = [str(n) for n in range(1, len(counted) + 1)]
    values = [c.level for c in counted]
    # Our own drawing, every text escaped in radar.py, hence Markup. No title in the
    # drawing: the letter captions it in HTML.
    if 3 <= len(labels) <= 12:
        return Markup(_square(radar_svg(labels=labels, values=values)))
    names = [view.rubric.criterion(c.criterion_id).name.get(lang) for c in counted]
    return Markup(bars_svg(labels=[f"{n}. {name}" for n, name in zip(labels, names, strict=True)], values=values))


def _criteria(view: VerdictLetterView, lang: str) -> list[dict]:
    """One row per criterion of the rubric, then per gate the jury scored or commented."""
    feedback = {f.criterion_id: f for f in view.feedback}
    rows = []
    numbers = itertools.count(1)
    for result in view.score.criteria:
        criterion = view.rubric.criterion(result.criterion_id)
        given = feedback.get(criterion.id)
        level = given.level if given and given.level is not None else result.level
        rows.append(
            {
                "kind": "criterion",
                "number": next(numbers) if result.counted else None,
                "name": criterion.name.get(lang),
                "note": "" if result.counted else t("letters.criteria.not_counted", lang),
                "level": level,
                "label": _level_label(view.rubric, criterion.id, level, lang),
                "comments": [c for c in (given.comments if given else ()) if c.strip()],
            }
        )
    for gate in view.rubric.gates:
        given = feedback.get(gate.id)
        if given is None or (given.level is None and not any(c.strip() for c in given.comments)):
            continue
        rows.append(
            {
                "kind": "gate",
                "number": None,
                "name": gate.name.get(lang),
                "note": "",  # the gates share one heading: required for any label
                "level": given.level,
                "label": _level_label(view.rubric, gate.id, given.level, lang),
                "comments": [c for c in given.comments if c.strip()],
            }
        )
    return rows


def _reasons(view: VerdictLetterView, lang: str) -> dict:
    """Each rule that decided the verdict, met or not, with its figures; a sentence if the
    office decided otherwise than the rules; the jury's summary."""
    reasons = reasons_for(view.score, outcome=view.outcome)
    return {
        "reasons": reason_lines(reasons, rubric=view.rubric, lang=lang),
        "override": override_note(reasons, lang=lang),
        "summary": view.summary.strip(),
    }


def verdict_letter_context(view: VerdictLetterView, *, today: date | None = None, density: int = 0) -> dict:
    lang = letter_language(view)
    office = view.office
    office_name = office.name.strip() or t("letters.default_office", lang)
    when = view.published_at or today or clock.today()
    when = when.date() if isinstance(when, datetime) else when
    day = format_date(when, lang)
    dateline = t("letters.place_date", lang, place=office.place.strip(), date=day) if office.place.strip() \
        else t("letters.date_only", lang, date=day)
    awarded = view.outcome == "label"
    return {
        "office": office,
        "office_name": office_name,
        "logo_url": logo_url(office),
        "project": view.project,
        "round_name": view.round_name,
        "reference": t("letters.reference_value", lang, id=view.application_id),
        "dateline": dateline,
        "outcome": "label" if awarded else "no_label",
        "verdict": t("letters.verdict.awarded" if awarded else "letters.verdict.not_awarded", lang),
        "closing": t("letters.closing.awarded" if awarded else "letters.closing.not_awarded", lang),
        "score": view.score,
        "chart": _chart(view, lang),
        "criteria": _criteria(view, lang),
        "density": density,
        **_reasons(view, lang),
    }


def render_verdict_letter_html(view: VerdictLetterView, *, today: date | None = None, density: int = 0) -> str:
    """The letter's HTML (to debug the template in a browser), set at ``density``."""
    return render_html(template=TEMPLATE, context=verdict_letter_context(view, today=today, density=density),
                       lang=letter_language(view))


def render_verdict_letter_pdf(view: VerdictLetterView, *, today: date | None = None) -> bytes:
    """The letter as PDF bytes, in the letter's language (``view.language``), on one page
    at the roomiest of :data:`DENSITIES` that allows it (a letter too long for one page
    at any density keeps the roomiest, its closing and signature together).

    Dated from the decision's publication, else ``today`` (default: the current date).
    """
    context = verdict_letter_context(view, today=today)
    lang = letter_language(view)
    htmls = (render_html(template=TEMPLATE, context={**context, "density": density}, lang=lang)
             for density in DENSITIES)
    return html_to_pdf_fitting(htmls, pages=1, images=_letter_images(view))


# -- Batches ----------------------------------------------------------------------------


def _render_one(view: VerdictLetterView, today: date) -> bytes:
    return render_verdict_letter_pdf(view, today=today)


def render_verdict_letters(
    views: Sequence[VerdictLetterView],
    *,
    workers: int = 2,
    progress: Progress | None = None,
    today: date | None = None,
) -> Iterator[tuple[int, bytes]]:
    """``(index in views, PDF bytes)`` as each letter is ready (see :func:`batch.render_all`)."""
    return batch.render_all(views, render=_render_one, workers=workers, progress=progress, today=today)


def write_verdict_letters(
    views: Sequence[VerdictLetterView],
    *,
    out_dir: Path | str,
    workers: int = 2,
    progress: Progress | None = None,
    today: date | None = None,
) -> list[Path]:
    """Write one ``quality-label-letter-<project>-<year>-<lang>.pdf`` per view into
    ``out_dir`` (created if needed); returns the paths in the order of ``views``."""
    return batch.write_all(views, render=_render_one, name=letter_filename, out_dir=out_dir, workers=workers,
                           progress=progress, today=today)


def verdict_letters_zip(
    views: Sequence[VerdictLetterView],
    *,
    workers: int = 2,
    progress: Progress | None = None,
    today: date | None = None,
) -> bytes:
    """A ZIP of the same files as :func:`write_verdict_letters`, for the download button."""
    return batch.zip_all(views, render=_render_one, name=letter_filename, workers=workers, progress=progress,
                         today=today)
