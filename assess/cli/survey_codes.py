"""``assess survey codes``: open a codes campaign for one audience and write its slips as a PDF.
``assess survey reissue``: void a campaign's unused codes and write a new sheet of slips, for
slips lost or printed with a wrong address.

Both warn on standard error, in words, when the address printed on the slips is a guess or
reaches only the server's own computer (assess.services.campaigns.public_address).

The codes exist in clear only in the PDF written: they are never printed to the terminal
and the database keeps their SHA-256 only. The PDF is made before the transaction ends,
and moved in place only once the codes are stored, so a failure leaves neither codes
without slips nor slips without codes.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from assess import clock, i18n
from assess.cli.common import operator_language, transaction
from assess.cli.types import ID, LANGUAGE, OUTPUT_FILE
from assess.domain.permissions import Actor
from assess.domain.questionnaire import Audience
from assess.domain.states import CampaignMode
from assess.files import atomic_output
from assess.i18n import t
from assess.services import campaigns
from assess.services.settings import PublicAddress

DEFAULT_DAYS = 30


def warn_about(address: PublicAddress) -> None:
    """The Surveys page's warning, on standard error: what is wrong, and who fixes it."""
    if address.problem is not None:
        lang = operator_language()
        problem = t(f"public_address.{address.problem.value}", lang, url=address.url)
        click.echo(t("cli.click.warning", lang, message=problem), err=True)
        click.echo(t("public_address.cli_fix", lang), err=True)


@click.command("codes")
@click.option("--project", "project_id", type=ID, required=True, help="Project id (see `assess project list`).")
@click.option("--audience", type=click.Choice([a.value for a in Audience]), required=True)
@click.option("--count", type=click.IntRange(1, campaigns.MAX_CODES), required=True, help="How many codes (slips).")
@click.option("--out", type=OUTPUT_FILE, required=True,
              help="The slips PDF to write.")
@click.option("--lang", type=LANGUAGE, default=None, show_default="the operator's locale",
              help="Language of the slips; the instruction is printed in French and English.")
@click.option("--closes", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help=f"Closing day, YYYY-MM-DD (default: in {DEFAULT_DAYS} days).")
@click.option("--questionnaire", "questionnaire_id", default=None, metavar="ID",
              help="Which installed questionnaire of the audience, by id (e.g. pupils-young, the young pupils' "
                   "faces version). Default: the one made for the ages of the project's pupils.")
def codes(project_id: int, audience: str, count: int, out: Path, lang: str | None, closes,
          questionnaire_id: str | None) -> None:
    """Open a codes campaign for AUDIENCE of a project (from today) and write COUNT code slips to OUT."""
    from assess.reports.slips import render_slips_pdf

    lang = lang or operator_language()

    today = clock.today()
    closes_on = closes.date() if closes else today + timedelta(days=DEFAULT_DAYS)
    with atomic_output(out) as partial:  # the slips appear only once their codes are stored
        with transaction() as session:
            actor = Actor.system()
            campaign = campaigns.create_campaign(
                session, actor=actor, project_id=project_id, audience=audience, mode=CampaignMode.CODES,
                languages=list(i18n.languages()), opens_on=today, closes_on=closes_on, questionnaire_id=questionnaire_id,
            )
            issued = campaigns.issue_codes(session, actor=actor, campaign_id=campaign.id, count=count)
            links = campaigns.slip_links(session, actor=actor, campaign_id=campaign.id, codes=issued)
            public, title = campaigns.public_address(session, actor=actor), campaign.project.title
            address = public.url
            languages, campaign_id = [lang, *campaign.languages], campaign.id
        # Rendered once the codes are stored, outside the transaction: it holds SQLite's write
        # lock, and a thousand slips take seconds (the Surveys page does the same).
        try:
            pdf = render_slips_pdf(codes=issued, links=links, address=address, project_title=title,
                                   audience=audience, lang=lang, languages=languages)
        except BaseException:  # a failure, Ctrl-C or SIGTERM alike
            # Nobody will ever hold these codes: their campaign is closed, not left open.
            with transaction() as session:
                campaigns.close_campaign(session, actor=Actor.system(), campaign_id=campaign_id)
            raise
        partial.write_bytes(pdf)
    click.echo(t("survey_results.cli.campaign", operator_language(), id=campaign_id))
    click.echo(t("survey_results.cli.slips_written", operator_language(), path=out, count=count))
    warn_about(public)


@click.command("reissue")
@click.argument("campaign_id", type=ID)
@click.option("--out", type=OUTPUT_FILE, required=True, help="The PDF of the new slips to write.")
@click.option("--lang", type=LANGUAGE, default=None,
              show_default="the campaign's language if it has one, else the operator's locale",
              help="Language of the slips; the instruction is printed in each language of the campaign.")
def reissue(campaign_id: int, out: Path, lang: str | None) -> None:
    """Void every unused code of CAMPAIGN_ID and write as many new slips to OUT.

    For slips lost or printed with a wrong address: the old slips stop working (their page
    says they were replaced), answers already sent are kept."""
    from assess.reports.slips import render_slips_pdf, slip_language

    with atomic_output(out) as partial:  # the slips appear only once their codes are stored
        with transaction() as session:
            actor = Actor.system()
            campaign = campaigns.get_campaign(session, actor=actor, campaign_id=campaign_id)
            issued = campaigns.reissue_codes(session, actor=actor, campaign_id=campaign_id)
            links = campaigns.slip_links(session, actor=actor, campaign_id=campaign.id, codes=issued)
            public, title = campaigns.public_address(session, actor=actor), campaign.project.title
            # The audience's language when the campaign has one (assess.reports.slips.slip_language).
            lang = lang or slip_language(campaign.languages, operator_language())
            audience, languages = campaign.audience, [lang, *campaign.languages]
        # Outside the transaction, as above. If this fails the new codes are unused: running the
        # command again replaces them in turn.
        pdf = render_slips_pdf(codes=issued, links=links, address=public.url, project_title=title,
                               audience=audience, lang=lang, languages=languages)
        partial.write_bytes(pdf)
    click.echo(t("survey_results.cli.reissued", operator_language(), id=campaign_id, count=len(issued)))
    click.echo(t("survey_results.cli.slips_written", operator_language(), path=out, count=len(issued)))
    warn_about(public)
