"""Code slips: an A4 sheet of cut-out slips, one single-use survey code each.

Each slip carries a QR code of the code's link (drawn by segno as inline SVG: vector,
nothing fetched), the code as printed (two groups of five), the address to type and one
line of instruction per language of the campaign. The codes exist in clear only in the
returned PDF: never log, store or print them elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import segno
from markupsafe import Markup

from assess import i18n
from assess.domain.codes import format_code
from assess.i18n import default_language, languages, t
from assess.reports.pdf import render_pdf

#: Slips per A4 sheet: 3 columns x 7 rows.
COLUMNS, ROWS = 3, 7
PER_PAGE = COLUMNS * ROWS


def slip_language(campaign_languages: Sequence[str], reader: str) -> str:
    """The language slips are printed in unless the teacher chooses another: the audience's
    when the campaign has one (a campaign in English alone gets English slips, whatever the
    language of the teacher's pages), else the reader's when the campaign offers it, else
    the campaign's first. A French-speaking teacher printing for an English-speaking class
    offered both languages picks English on the form (the Surveys page's choice)."""
    offered = [language for language in campaign_languages if language in languages()]
    if len(offered) == 1:
        return offered[0]
    if reader in offered or (not offered and reader in languages()):
        return reader
    return offered[0] if offered else default_language()


def qr_svg(data: str) -> str:
    """A QR code (never a Micro QR) of ``data`` as inline SVG, sized by CSS."""
    return segno.make_qr(data, error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass="qr")


def slips_context(
    *, codes: Sequence[str], links: Sequence[str], address: str, project_title: str, audience: str, lang: str,
    languages: Sequence[str] | None = None,
) -> dict:
    if len(codes) != len(links):
        raise ValueError("one link per code")
    wanted = [lang, *(languages or ())]
    shown = [language for language in dict.fromkeys(wanted) if language in i18n.languages()]
    slips = [{"code": format_code(code), "qr": Markup(qr_svg(link))} for code, link in zip(codes, links, strict=True)]
    return {
        "project_title": project_title,
        "audience": t(f"survey_results.audience.{audience}", lang),
        "address": address,
        "instructions": [t("slips.instruction", language) for language in shown],
        # Rows of COLUMNS slips, pages of ROWS rows; the last row is padded with empty cells.
        "pages": [
            [slips[start + row * COLUMNS: start + (row + 1) * COLUMNS] for row in range(ROWS)
             if start + row * COLUMNS < len(slips)]
            for start in range(0, len(slips), PER_PAGE)
        ],
        "columns": COLUMNS,
    }


def render_slips_pdf(
    *, codes: list[str], links: list[str], address: str, project_title: str, audience: str, lang: str,
    languages: Sequence[str] | None = None,
) -> bytes:
    """The slips of ``codes`` (``links[i]`` is the QR of ``codes[i]``, see campaigns.code_link).
    ``languages``: the campaign's languages, each giving a line of instruction (``lang`` first)."""
    context = slips_context(codes=codes, links=links, address=address, project_title=project_title,
                            audience=audience, lang=lang, languages=languages)
    return render_pdf(template="slips.html", context=context, lang=lang)
