"""The office's settings on both databases: every setting takes its good values and refuses
bad ones with a field message naming it and saying what is allowed; nothing half-stored;
one audit row per change; the uploaded logo ends up in a real verdict letter."""

from __future__ import annotations

import io
import math
import struct
import zlib

import pytest
from pypdf import PdfReader

from assess.domain import settings as registry
from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.rubric import parse_rubric
from assess.i18n import t
from assess.reports.fetcher import FetchRefused, LocalOnlyFetcher
from assess.reports.verdict import render_verdict_letter_html, render_verdict_letter_pdf
from assess.services import _settings_values, audit, letters, rubrics, settings
from assess.services.errors import InvalidInput
from assess.storage.models import AuditLog, Setting
from tests.letters.conftest import make_published_round, pdf_text
from tests.reports.conftest import rubric_yaml
from tests.services.helpers import make_user

SYSTEM = Actor.system()


# --- images made here, byte by byte ---------------------------------------------------------

def png(width: int, height: int, *, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG (8-bit RGB, one colour) that any decoder reads."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def jpeg_header(width: int, height: int) -> bytes:
    """The segments of a JPEG up to its frame header: what the check reads."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xda" + b"\x00" * 16 + b"\xff\xd9"


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/x"/></svg>'


# --- every setting: good and bad values -----------------------------------------------------

GOOD = {
    "allow_signup": [(True, True), (False, False)],
    "one_label_per_year": [(True, True), (False, False)],
    "public_url": [("https://label.example.org/", "https://label.example.org"), ("http://10.0.0.5:8501/suite", "http://10.0.0.5:8501/suite"),
                   ("", "")],
    "triangulation_gap": [(0.1, 0.1), (0.3, 0.3), (1.5, 1.5), (5, 5.0), (0.1 + 0.2, 0.3)],
    "max_applications_per_year": [(1, 1), (20, 20), (6.0, 6)],
    "severity_threshold": [(0.1, 0.1), (2.5, 2.5), (5, 5.0)],
    "default_rubric": [("etwinning-2021", "etwinning-2021"), (" etwinning-2006 ", "etwinning-2006"), ("", "")],
    "eql_rule": [("automatic", "automatic"), ("top_share", "top_share")],
    "eql_share": [(0.01, 0.01), (0.75, 0.75), (1, 1.0)],
    "office.name": [("  Bureau d'assistance national  ", "Bureau d'assistance national"), ("", "")],
    "office.address": [("Réseau Canopé\r\n1 avenue du Futuroscope\n86961 Chasseneuil", "Réseau Canopé\n1 avenue du Futuroscope\n86961 Chasseneuil")],
    "office.signatory": [("Anne Lefèvre, cheffe du bureau", "Anne Lefèvre, cheffe du bureau")],
    "office.place": [("Chasseneuil-du-Poitou", "Chasseneuil-du-Poitou")],
    "office.signatory_title": [("Cheffe du bureau", "Cheffe du bureau")],
    "retention_months": [(1, 1), (120, 120), (24.0, 24)],
    "audit_retention_months": [(1, 1), (120, 120), (36, 36)],
    # E-mail (docs/mail.md)
    "mail.host": [(" smtp.example.org ", "smtp.example.org"), ("", "")],
    "mail.port": [(1, 1), (587, 587), (65535, 65535)],
    "mail.tls": [("starttls", "starttls"), ("tls", "tls"), ("none", "none")],
    "mail.user": [("label-office", "label-office"), ("", "")],
    "mail.sender": [("label@example.org", "label@example.org"), ("", "")],
    "mail.reminder_days": [(1, 1), (30, 30)],
    **{f"mail.auto.{kind}": [(True, True), (False, False)] for kind in (
        "invitation", "password_reset", "assignments", "reminder", "application_received", "verdict")},
}

BAD = {
    "allow_signup": [("yes", "settings.errors.not_a_switch"), (1, "settings.errors.not_a_switch"), (None, "settings.errors.not_a_switch")],
    "one_label_per_year": [("yes", "settings.errors.not_a_switch")],
    "public_url": [
        ("label.example.org", "settings.range.url"), ("ftp://example.org", "settings.range.url"),
        ("javascript:alert(1)", "settings.range.url"), ("https://", "settings.range.url"),
        ("https://exa mple.org", "settings.range.url"), ("https://example.org:99999", "settings.range.url"),
        ("https://example.org/" + "a" * 200, "settings.range.url"), ("https://example.org/\x00", "settings.range.url"),
        ("https://user:secret@example.org", "settings.errors.url_credentials"),
        ("https://example.org/?survey=1", "settings.errors.url_query"), ("https://example.org/#top", "settings.errors.url_query"),
        (42, "settings.errors.not_text"),
    ],
    "triangulation_gap": [(0, "settings.range.number"), (0.05, "settings.range.number"), (5.5, "settings.range.number"),
                          (1.25, "settings.range.number"), (math.nan, "settings.range.number"), (math.inf, "settings.range.number"),
                          ("1.5", "settings.range.number"), (True, "settings.range.number")],
    "max_applications_per_year": [(0, "settings.range.integer"), (21, "settings.range.integer"), (2.5, "settings.range.integer"),
                                  (-1, "settings.range.integer"), (10**400, "settings.range.integer"), ("4", "settings.range.integer")],
    "severity_threshold": [(0, "settings.range.number"), (5.1, "settings.range.number"), (-1, "settings.range.number")],
    "default_rubric": [("etwinning-1999", "settings.errors.unknown_rubric"), ("Etwinning-2021", "settings.errors.unknown_rubric"),
                       (2021, "settings.errors.not_text"), (None, "settings.errors.not_text")],
    "eql_rule": [("sometimes", "settings.range.choice"), ("", "settings.range.choice"), (None, "settings.range.choice")],
    "eql_share": [(0, "settings.range.above"), (1.01, "settings.range.above"), (0.005, "settings.range.above"), (-0.5, "settings.range.above")],
    "office.name": [("x" * 201, "settings.errors.too_long"), ("Bureau\x00", "settings.errors.control_characters"),
                    ("Bureau\nnational", "settings.errors.control_characters"), ("Tab\there", "settings.errors.control_characters"),
                    (["list"], "settings.errors.not_text")],
    "office.address": [("\n".join(["line"] * 7), "settings.errors.too_many_lines"), ("a" * 501, "settings.errors.too_long"),
                       ("rue\x07", "settings.errors.control_characters")],
    "office.signatory": [("s" * 201, "settings.errors.too_long"), ("\x1b[31mred", "settings.errors.control_characters")],
    "office.place": [("p" * 101, "settings.errors.too_long"), ("Pa\u0085ris", "settings.errors.control_characters")],
    "office.signatory_title": [("t" * 201, "settings.errors.too_long")],
    "retention_months": [(0, "settings.range.integer"), (121, "settings.range.integer"), (1.5, "settings.range.integer"),
                         ("12", "settings.range.integer"), (True, "settings.range.integer")],
    "audit_retention_months": [(0, "settings.range.integer"), (-12, "settings.range.integer"),
                               (10**400, "settings.range.integer")],
    "mail.host": [("smtp.example.org\r\nX: 1", "settings.errors.control_characters"), ("h" * 254, "settings.errors.too_long")],
    "mail.port": [(0, "settings.range.integer"), (65536, "settings.range.integer"), ("587", "settings.range.integer")],
    "mail.tls": [("ssl", "settings.range.choice"), ("", "settings.range.choice")],
    "mail.user": [("label\noffice", "settings.errors.control_characters")],
    "mail.sender": [("label@example.org\r\nBcc: x@example.org", "settings.errors.control_characters")],
    "mail.reminder_days": [(0, "settings.range.integer"), (31, "settings.range.integer")],
    **{f"mail.auto.{kind}": [("yes", "settings.errors.not_a_switch")] for kind in (
        "invitation", "password_reset", "assignments", "reminder", "application_received", "verdict")},
    "office.logo": [
        (b"", "settings.errors.logo_empty"), (SVG, "settings.errors.logo_svg"),
        (b"GIF89a" + b"\x00" * 20, "settings.errors.logo_type"), (b"%PDF-1.7", "settings.errors.logo_type"),
        ("logo.png", "settings.errors.logo_type"),
        (png(2001, 10), "settings.errors.logo_pixels"), (jpeg_header(100, 2400), "settings.errors.logo_pixels"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "settings.errors.logo_damaged"), (b"\xff\xd8\xff\xe0\x00\x02", "settings.errors.logo_damaged"),
        (png(4, 4) + b"\x00" * (512 * 1024), "settings.errors.logo_too_big"),
    ],
}


def test_every_setting_is_covered_by_these_tests():
    assert set(GOOD) | {"gate_minimums", "office.logo"} == set(registry.BY_KEY)
    assert set(BAD) | {"gate_minimums"} == set(registry.BY_KEY)


@pytest.mark.parametrize(("key", "value", "stored"), [(k, v, s) for k, cases in GOOD.items() for v, s in cases])
def test_good_values_are_stored_clean(session, key, value, stored):
    settings.put(session, actor=SYSTEM, key=key, value=value)
    assert _settings_values.get(session, key) == stored
    assert type(_settings_values.get(session, key)) is type(stored)


@pytest.mark.parametrize(("key", "value", "message"), [(k, v, m) for k, cases in BAD.items() for v, m in cases],
                         ids=lambda v: repr(v)[:30])
def test_bad_values_are_refused_with_a_field_message(session, key, value, message):
    before = _settings_values.get(session, key)
    with pytest.raises(InvalidInput) as refused:
        settings.put(session, actor=SYSTEM, key=key, value=value)
    [error] = refused.value.errors
    assert (error.field, error.key) == (key, message)
    for lang in ("en", "fr"):
        text = error.message(lang)
        assert text and not text.startswith("settings.") and "{" not in text
    assert _settings_values.get(session, key) == before
    assert session.query(AuditLog).count() == 0


def test_a_range_message_says_what_is_allowed(session):
    with pytest.raises(InvalidInput) as refused:
        settings.put(session, actor=SYSTEM, key="triangulation_gap", value=7)
    assert refused.value.errors[0].message("en") == "A number from 0.1 to 5, in steps of 0.1."
    assert refused.value.errors[0].message("fr") == "Un nombre de 0.1 à 5, par pas de 0.1."
    with pytest.raises(InvalidInput) as refused:
        settings.put(session, actor=SYSTEM, key="max_applications_per_year", value=40)
    assert refused.value.errors[0].message("en") == "A whole number from 1 to 20."
    with pytest.raises(InvalidInput) as refused:
        settings.put(session, actor=SYSTEM, key="office.logo", value=png(2400, 300))
    assert refused.value.errors[0].message("en") == "The logo has 2400 × 300 pixels; at most 2000 × 2000."


def test_an_unknown_key_is_a_field_error(session):
    with pytest.raises(InvalidInput) as refused:
        settings.put(session, actor=SYSTEM, key="office", value={"name": "x", "logo_file": "../../etc/passwd"})
    assert [(e.field, e.key) for e in refused.value.errors] == [("office", "settings.errors.unknown_key")]
    assert session.get(Setting, "office") is None


def test_gate_minimums_of_installed_rubrics_only(session):
    rubric = next(r for r in rubrics.installed() if r.gates)
    gate = rubric.gates[0].id
    settings.put(session, actor=SYSTEM, key="gate_minimums", value={rubric.id: {gate: 4}})
    assert _settings_values.gate_minimums(session, rubric.id) == {gate: 4}

    cases = [
        ({rubric.id: {gate: 6}}, f"gate_minimums.{rubric.id}.{gate}", "settings.range.gate_minimums"),
        ({rubric.id: {gate: 2.5}}, f"gate_minimums.{rubric.id}.{gate}", "settings.range.gate_minimums"),
        ({rubric.id: {gate: True}}, f"gate_minimums.{rubric.id}.{gate}", "settings.range.gate_minimums"),
        ({rubric.id: {"no-such-gate": 3}}, f"gate_minimums.{rubric.id}.no-such-gate", "settings.errors.unknown_gate"),
        ({"no-such-rubric": {gate: 3}}, "gate_minimums.no-such-rubric", "settings.errors.unknown_rubric"),
        ({rubric.id: 3}, "gate_minimums", "settings.errors.gate_shape"),
        ([1, 2], "gate_minimums", "settings.errors.gate_shape"),
    ]
    for value, field, message in cases:
        with pytest.raises(InvalidInput) as refused:
            settings.put(session, actor=SYSTEM, key="gate_minimums", value=value)
        assert [(e.field, e.key) for e in refused.value.errors] == [(field, message)], value
    assert _settings_values.gate_minimums(session, rubric.id) == {gate: 4}


def test_minimums_kept_for_a_rubric_no_longer_installed_can_be_saved_again(session):
    rubric = next(r for r in rubrics.installed() if r.gates)
    session.add(Setting(key="gate_minimums", value={"retired-rubric": {"safety": 3}}))
    session.flush()
    settings.put(session, actor=SYSTEM, key="gate_minimums",
                 value={"retired-rubric": {"safety": 3}, rubric.id: {rubric.gates[0].id: 2}})
    assert _settings_values.gate_minimums(session, "retired-rubric") == {"safety": 3}


def test_several_settings_are_stored_all_or_nothing(session):
    with pytest.raises(InvalidInput) as refused:
        settings.put_many(session, actor=SYSTEM, values={"office.name": "Bureau national", "office.place": "x" * 300,
                                                         "eql_share": 0})
    assert {e.field for e in refused.value.errors} == {"office.place", "eql_share"}
    assert _settings_values.get(session, "office.name") == ""

    changed = settings.put_many(session, actor=SYSTEM, values={"office.name": "Bureau national", "office.place": "Paris"})
    assert changed == ["office.name", "office.place"]
    assert _settings_values.office(session) == {"name": "Bureau national", "address": "", "signatory": "", "place": "Paris",
                                        "signatory_title": ""}


def test_each_change_is_audited_once_with_old_and_new_values(session):
    admin = make_user(session, email="office@example.org", roles={"admin"})
    settings.put(session, actor=admin, key="triangulation_gap", value=2)
    settings.put(session, actor=admin, key="triangulation_gap", value=2.0)  # unchanged: no row
    settings.put(session, actor=admin, key="office.logo", value=png(30, 20))
    events = [e for e in audit.events(session, actor=SYSTEM) if e.action == "setting.change"]
    assert [(e.entity_id, e.actor_id) for e in events] == [("office.logo", admin.id), ("triangulation_gap", admin.id)]
    assert events[1].details == {"old": 1.5, "new": 2.0}
    logo = events[0].details["new"]
    assert logo["media_type"] == "image/png" and (logo["width"], logo["height"]) == (30, 20) and "data" not in logo
    assert events[0].details["old"] is None


def test_only_the_office_changes_settings(session):
    teacher = make_user(session, email="teacher@example.org")
    with pytest.raises(PermissionDenied):
        settings.put(session, actor=teacher, key="allow_signup", value=True)
    assert _settings_values.get(session, "allow_signup") is False


def test_a_stored_value_no_longer_valid_reads_as_the_default(session, caplog):
    session.add(Setting(key="severity_threshold", value="very severe"))
    session.add(Setting(key="office", value={"name": "Bureau", "logo_file": "../../etc/passwd"}))
    session.add(Setting(key="office.logo", value={"data": "bm90IGFuIGltYWdl"}))
    session.flush()
    assert _settings_values.get(session, "severity_threshold") == 1.0
    assert _settings_values.office(session)["name"] == "Bureau"
    assert _settings_values.office_logo(session) is None
    assert "severity_threshold" in caplog.text


def test_reset_puts_the_default_back(session):
    settings.put(session, actor=SYSTEM, key="eql_rule", value="automatic")
    settings.reset(session, actor=SYSTEM, key="eql_rule")
    assert _settings_values.get(session, "eql_rule") == "top_share"


def test_the_default_is_a_copy(session):
    _settings_values.get(session, "gate_minimums")["x"] = {"y": 1}
    assert _settings_values.get(session, "gate_minimums") == {}


# --- the logo ---------------------------------------------------------------------------------

def test_jpeg_and_png_sizes_are_read_from_their_headers(session):
    settings.put(session, actor=SYSTEM, key="office.logo", value=jpeg_header(640, 200))
    logo = _settings_values.office_logo(session)
    assert (logo.media_type, logo.width, logo.height) == ("image/jpeg", 640, 200)
    settings.put(session, actor=SYSTEM, key="office.logo", value=png(2000, 1))
    logo = _settings_values.office_logo(session)
    assert (logo.media_type, logo.width, logo.height) == ("image/png", 2000, 1)
    settings.put(session, actor=SYSTEM, key="office.logo", value=None)
    assert _settings_values.office_logo(session) is None


@pytest.fixture
def rubric():
    return parse_rubric(rubric_yaml())


def test_the_uploaded_logo_is_embedded_in_the_verdict_letters(session, rubric):
    round_, _ = make_published_round(session, rubric)
    settings.put_many(session, actor=SYSTEM, values={"office.logo": png(120, 40), "office.name": "Bureau national eTwinning",
                                                     "office.place": "Chasseneuil-du-Poitou"})
    view = letters.verdict_letters(session, actor=SYSTEM, round_id=round_.id)[0]
    pdf = render_verdict_letter_pdf(view)

    [image] = PdfReader(io.BytesIO(pdf)).pages[0].images
    assert image.image.size == (120, 40)
    assert image.image.getpixel((5, 5))[:3] == (200, 30, 30)
    assert "Bureau national eTwinning" in pdf_text(pdf)

    # Without it: our own (vector) logo, no image.
    settings.reset(session, actor=SYSTEM, key="office.logo")
    view = letters.verdict_letters(session, actor=SYSTEM, round_id=round_.id)[0]
    assert len(PdfReader(io.BytesIO(render_verdict_letter_pdf(view))).pages[0].images) == 0
    assert "office-logo.svg" in render_verdict_letter_html(view)


def test_the_pdf_fetcher_serves_the_logo_data_uri_and_no_other():
    logo = registry.read_logo(png(3, 3))
    fetcher = LocalOnlyFetcher(images={logo.data_uri: (logo.media_type, logo.data)})
    assert fetcher.fetch(logo.data_uri).read() == logo.data
    for other in (registry.read_logo(png(3, 3, rgb=(0, 0, 0))).data_uri, "data:image/svg+xml;base64,PHN2Zy8+",
                  "data:text/plain,hello"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(other)
    with pytest.raises(FetchRefused):
        LocalOnlyFetcher().fetch(logo.data_uri)


def test_messages_exist_in_both_languages():
    for setting in registry.SETTINGS:
        for key in (setting.label_key, setting.help_key, setting.range_key):
            for lang in ("en", "fr"):
                assert t(key, lang) != key, (key, lang)


def test_a_png_header_in_front_of_an_svg_fetches_nothing(server, rubric):
    """The header alone is checked: a PNG's first chunk followed by an SVG passes it, and
    then neither Pillow nor WeasyPrint's SVG fallback (the bytes are no XML) draws it."""
    from dataclasses import replace

    from tests.letters.conftest import OFFICE, make_view

    base, hits = server
    polyglot = png(10, 10)[:33] + f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{base}/x.png"/></svg>'.encode()
    logo = registry.read_logo(polyglot)
    pdf = render_verdict_letter_pdf(make_view(rubric, office=replace(OFFICE, logo=logo)))
    assert hits == []
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0
