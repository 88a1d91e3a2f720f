"""Every setting of the national office, declared once: its key, type, range, default,
the page group it belongs to and its FR/EN label and help (catalogue keys).

The registry :data:`SETTINGS` is the one source for the settings service (which refuses
anything outside it), the Settings page, ``assess settings`` and the test that checks
``docs/settings.md`` against the code. Each definition checks a value and gives back the
clean value, or problems as ``(field, message key, params)`` as the project rules do
(:mod:`assess.domain.project`); the service turns them into field errors.

The letterhead's logo is an uploaded PNG or JPEG, recognised by its magic bytes with its
dimensions read from its header, never by its name: SVG is refused because an SVG can
make the PDF renderer fetch other files.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

Problem = tuple[str, str, dict[str, Any]]

#: The page's groups, in the order it shows them.
GROUPS: tuple[str, ...] = ("signup", "surveys", "jury", "eql", "letterhead", "privacy", "mail")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_TRUE = {"true", "yes", "on", "1", "oui", "vrai"}
_FALSE = {"false", "no", "off", "0", "non", "faux"}


def _problem(field: str, key: str, **params: Any) -> list[Problem]:
    return [(field, f"settings.errors.{key}", params)]


def _number_text(value: float) -> str:
    """1.0 -> '1', 0.25 -> '0.25' (messages and the docs print ranges this way)."""
    return f"{value:g}"


@dataclass(frozen=True)
class Setting:
    """One setting. Subclasses say what a value is (``check``) and how a command line
    writes one (``parse``)."""

    key: str
    group: str
    default: Any

    kind: ClassVar[str] = "value"

    @property
    def label_key(self) -> str:
        return f"settings.{self.key}.label"

    @property
    def help_key(self) -> str:
        return f"settings.{self.key}.help"

    def range_params(self) -> dict[str, Any]:
        """Parameters of :attr:`range_key`: what values are allowed."""
        return {}

    @property
    def range_key(self) -> str:
        return f"settings.range.{self.kind}"

    def check(self, value: Any, *, gates: Mapping[str, frozenset[str]] | None = None) -> tuple[Any, list[Problem]]:
        raise NotImplementedError

    def parse(self, text: str) -> Any:
        """A value typed at the command line, before :meth:`check` (which reports errors)."""
        return text


@dataclass(frozen=True)
class Switch(Setting):
    kind: ClassVar[str] = "switch"

    def check(self, value: Any, *, gates: Mapping[str, frozenset[str]] | None = None) -> tuple[Any, list[Problem]]:
        if isinstance(value, bool):
            return value, []
        return None, _problem(self.key, "not_a_switch")

    def parse(self, text: str) -> Any:
        word = text.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        return text


@dataclass(frozen=True)
class Number(Setting):
    """A number in ``[minimum, maximum]`` (``minimum`` excluded when ``exclusive_minimum``),
    a multiple of ``step``; whole numbers when ``step`` is 1 and ``integer``."""

    minimum: float = 0
    maximum: float = 1
    step: float = 1
    integer: bool = False
    exclusive_minimum: bool = False

    kind: ClassVar[str] = "number"

    @property
    def range_key(self) -> str:
        if self.integer:
            return "settings.range.integer"
        return "settings.range.above" if self.exclusive_minimum else "settings.range.number"

    def range_params(self) -> dict[str, Any]:
        return {"min": _number_text(self.minimum), "max": _number_text(self.maximum), "step": _number_text(self.step)}

    def check(self, value: Any, *, gates: Mapping[str, frozenset[str]] | None = None) -> tuple[Any, list[Problem]]:
        wrong = self.key, self.range_key, self.range_params()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, [wrong]
        try:
            value = float(value)  # an integer of 400 digits does not fit: refused below
        except OverflowError:
            return None, [wrong]
        if not math.isfinite(value):
            return None, [wrong]
        too_low = value <= self.minimum if self.exclusive_minimum else value < self.minimum
        steps = value / self.step
        if too_low or value > self.maximum or abs(steps - round(steps)) > 1e-6:
            return None, [wrong]
        # Snapped to the step: 0.30000000000000004 is stored as 0.3.
        clean = round(round(steps) * self.step, 6)
        return (int(clean) if self.integer else float(clean)), []

    def parse(self, text: str) -> Any:
        cleaned = text.strip().replace(",", ".")  # 1,5 as French writes it
        try:
            return int(cleaned) if self.integer and cleaned.lstrip("+-").isdigit() else float(cleaned)
        except ValueError:
            return text


@dataclass(frozen=True)
class Choice(Setting):
    choices: tuple[str, ...] = ()

    kind: ClassVar[str] = "choice"

    def range_params(self) -> dict[str, Any]:
        return {"choices": ", ".join(self.choices)}

    def choice_label_key(self, choice: str) -> str:
        return f"settings.{self.key}.choices.{choice}"

    def check(self, value: Any, *, gates: Mapping[str, frozenset[str]] | None = None) -> tuple[Any, list[Problem]]:
        if isinstance(value, str) and value in self.choices:
            return value, []
        return None, [(self.key, self.range_key, self.range_params())]

    def parse(self, text: str) -> Any:
        return text.strip()


@dataclass(frozen=True)
class Text(Setting):
    """A line of text (or several, when ``multiline``): no control characters, bounded."""

    max_length: int = 200
    multiline: bool = False
    max_lines: int = 1

    kind: ClassVar[str] = "text"

    def range_params(self) -> dict[str, Any]:
        return {"max": self.max_length, "lines": self.max_lines}

    @property
    def range_key(self) -> str:
        return "settings.range.lines" if self.multiline else "settings.range.text"

    def check(self, value: Any, *, gates: Mapping[str, frozenset[str]] | None = None) -> tuple[Any, list[Problem]]:
        if not isinstance(value, str):
            return None, _problem(self.key, "not_text")
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if self.multiline:
            text = "\n".join(line.strip() for line in text.split("\n"))
        if (_CONTROL_BUT_NEWLINE if self.multiline else _CONTROL).search(text):
            return None, _problem(self.key, "control_characters")
        if len(text) > self.max_length:
            return None, _problem(self.key, "too_long", max=self.max_length, length=len(text))
        if self.multiline and text.count("\n") + 1 > self.max_lines:
            return None, _problem(self.key, "too_many_lines", max=self.max_lines)
        return text, []

    def parse(self, text: str) -> Any:
        # A shell makes a literal newline awkward: "\n" typed as two characters is one.
        return text.replace("\\n", "\n") if self.multiline else text


@dataclass(frozen=True)
class WebAddress(Setting):
    """An http(s) address with a host, or empty (then the environment decides)."""

    max_length: int = 200

    kind: ClassVar[str] = "url"

    def range_params(self) -> dict[str, Any]:
        return {"max": self.max_length}

    def check(self, value: Any, *, gates: Mapping[str, frozenset[str]] | None = None) -> tuple[Any, list[Problem]]:
        if not isinstance(value, str):
            return None, _problem(self.key, "not_text")
        text = value.strip()
        if not text:
            return "", []
        wrong = [(self.key, self.range_key, {**self.range_params(), "value": text[:80]})]
        if len(text) > self.max_length or _CONTROL.search(text) or any(c.isspace() for c in text):
            return None, wrong
        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        except ValueError:
            return None, wrong
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None, wrong
        if parts.username is not None or parts.password is not None:
            return None, _problem(self.key, "url_credentials")
        if parts.query or parts.fragment or "?" in text or "#" in text:
            return None, _problem(self.key, "url_query")
        return text.rstrip("/"), []


@dataclass(frozen=True)
class GateMinimums(Setting):
    """Per rubric and gate, the level below which a project gets no label: ``{rubric: {gate: level}}``."""

    kind: ClassVar[str] = "gate_minimums"

    def range_params(self) -> dict[str, Any]:
        return {"min": 0, "max": 5}

    def check(self, value: Any, *, gates: Mapping[str, frozenset[str]] | None = None) -> tuple[Any, list[Problem]]:
        if not isinstance(value, Mapping) or not all(isinstance(v, Mapping) for v in value.values()):
            return None, _problem(self.key, "gate_shape")
        problems: list[Problem] = []
        clean: dict[str, dict[str, int]] = {}
        for rubric_id, levels in value.items():
            rubric_id = str(rubric_id)
            if gates is not None and rubric_id not in gates:
                problems += _problem(f"{self.key}.{rubric_id}", "unknown_rubric", value=rubric_id[:80])
                continue
            clean[rubric_id] = {}
            for gate_id, level in levels.items():
                gate_id = str(gate_id)
                field = f"{self.key}.{rubric_id}.{gate_id}"
                if gates is not None and gate_id not in gates[rubric_id]:
                    problems += _problem(field, "unknown_gate", value=gate_id[:80], rubric=rubric_id)
                elif isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 5:
                    problems.append((field, self.range_key, self.range_params()))
                else:
                    clean[rubric_id][gate_id] = level
        return (None, problems) if problems else (clean, [])

    def parse(self, text: str) -> Any:
        try:
            return json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested past any sense
            return text


@dataclass(frozen=True)
class InstalledRubric(Setting):
    """The id of an installed rubric, or empty. Which rubrics are installed is known to the
    service, not here: it passes their ids as ``rubrics`` (a stored value is read without
    them, and a reader falls back when its rubric is no longer installed)."""

    kind: ClassVar[str] = "rubric"

    def check(
        self, value: Any, *, gates: Mapping[str, frozenset[str]] | None = None, rubrics: frozenset[str] | None = None
    ) -> tuple[Any, list[Problem]]:
        if not isinstance(value, str):
            return None, _problem(self.key, "not_text")
        text = value.strip()
        if not text:
            return "", []
        if (rubrics is not None and text not in rubrics) or not re.fullmatch(r"[a-z][a-z0-9_-]{0,99}", text):
            return None, _problem(self.key, "unknown_rubric", value=text[:80])
        return text, []

    def parse(self, text: str) -> Any:
        return text.strip()


# --- the logo --------------------------------------------------------------------------------

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 2000
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
# Start-of-frame markers carry a JPEG's size (C4, C8 and CC are other segments).
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True)
class OfficeLogo:
    """An uploaded logo, checked: PNG or JPEG, its size in pixels from its header."""

    media_type: str
    data: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"

    def stored(self) -> dict[str, Any]:
        """The value kept in the database (JSON: the bytes in base64)."""
        return {**self.summary(), "data": base64.b64encode(self.data).decode("ascii")}

    def summary(self) -> dict[str, Any]:
        """What lists and the audit log show: never the image itself."""
        return {"media_type": self.media_type, "width": self.width, "height": self.height,
                "bytes": len(self.data), "sha256": self.sha256}


class LogoRefused(ValueError):
    def __init__(self, key: str, **params: Any):
        super().__init__(key)
        self.key, self.params = key, params


def _png_size(data: bytes) -> tuple[int, int]:
    # The first chunk of a PNG is IHDR: length 13, then width and height as 4-byte integers.
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise LogoRefused("logo_damaged")
    return struct.unpack(">II", data[16:24])


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Walk the JPEG's segments up to its start-of-frame, which holds its size."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise LogoRefused("logo_damaged")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header met
            break
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if length < 2:
            raise LogoRefused("logo_damaged")
        if marker in _JPEG_FRAMES:
            if at + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    raise LogoRefused("logo_damaged")


def read_logo(data: bytes) -> OfficeLogo:
    """The logo in ``data``, or :class:`LogoRefused` saying why (type, file size, pixels)."""
    if not data:
        raise LogoRefused("logo_empty")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoRefused("logo_too_big", size=math.ceil(len(data) / 1024), max=LOGO_MAX_BYTES // 1024)
    if data.startswith(_PNG):
        media_type, (width, height) = "image/png", _png_size(data)
    elif data.startswith(_JPEG):
        media_type, (width, height) = "image/jpeg", _jpeg_size(data)
    elif b"<svg" in data[:4096].lower():
        raise LogoRefused("logo_svg")
    else:
        raise LogoRefused("logo_type")
    if not (width > 0 and height > 0):
        raise LogoRefused("logo_damaged")
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise LogoRefused("logo_pixels", width=width, height=height, max=LOGO_MAX_PIXELS)
    return OfficeLogo(media_type=media_type, data=data, width=width, height=height)


def stored_logo(value: Any) -> OfficeLogo | None:
    """The logo from its stored value; None for no logo or a value that is not one any more."""
    if not isinstance(value, Mapping) or not isinstance(value.get("data"), str):
        return None
    try:
        return read_logo(base64.b64decode(value["data"], validate=True))
    except (LogoRefused, binascii.Error, ValueError):
        return None


@dataclass(frozen=True)
class Image(Setting):
    """An uploaded image, given as bytes (None: back to the default)."""

    kind: ClassVar[str] = "image"

    def range_params(self) -> dict[str, Any]:
        return {"max_kb": LOGO_MAX_BYTES // 1024, "max": LOGO_MAX_PIXELS}

    def check(self, value: Any, *, gates: Mapping[str, frozenset[str]] | None = None) -> tuple[Any, list[Problem]]:
        if value is None:
            return None, []
        if isinstance(value, OfficeLogo):
            value = value.data
        if not isinstance(value, (bytes, bytearray)):
            return None, _problem(self.key, "logo_type")
        try:
            return read_logo(bytes(value)).stored(), []
        except LogoRefused as refused:
            return None, _problem(self.key, refused.key, **refused.params)


# --- the registry ---------------------------------------------------------------------------

SETTINGS: tuple[Setting, ...] = (
    # Teachers may create their own account from the sign-in page.
    Switch("allow_signup", "signup", default=False),
    # The address respondents reach the suite at, printed on code slips and in survey
    # links. Empty: ASSESS_PUBLIC_URL, else the address `assess serve` listens on, else
    # http://127.0.0.1:8501 (assess.services.settings.public_address).
    WebAddress("public_url", "surveys", default=""),
    # A gap between the self-assessed level and an audience's indicator (0-5 scale) from
    # which the dashboard flags it. Steps of 0.1: audiences' levels are means, not whole levels.
    Number("triangulation_gap", "surveys", default=1.5, minimum=0.1, maximum=5, step=0.1),
    # Applications a teacher may submit per school year (withdrawn ones not counted).
    Number("max_applications_per_year", "jury", default=4, minimum=1, maximum=20, step=1, integer=True),
    # A juror whose mean deviation from their co-jurors reaches this (either way) is flagged.
    Number("severity_threshold", "jury", default=1.0, minimum=0.1, maximum=5, step=0.1),
    # Gate minimums per rubric, overriding the rubric file: {rubric_id: {gate_id: level}}.
    GateMinimums("gate_minimums", "jury", default={}),
    # The rubric a teacher's self-assessment starts with, proposed on the page. Empty:
    # the rubric of the project's school year (assess.services.rubrics.proposed).
    InstalledRubric("default_rubric", "jury", default=""),
    # European label: "top_share" proposes at most eql_share of the eligible projects,
    # those above the rubric's nomination threshold; "automatic": every project with
    # national labels in two countries.
    Choice("eql_rule", "eql", default="top_share", choices=("top_share", "automatic")),
    Number("eql_share", "eql", default=0.25, minimum=0, maximum=1, step=0.01, exclusive_minimum=True),
    # The national office, as printed on verdict letters.
    Text("office.name", "letterhead", default="", max_length=200),
    Text("office.address", "letterhead", default="", max_length=500, multiline=True, max_lines=6),
    Text("office.signatory", "letterhead", default="", max_length=200),
    Text("office.place", "letterhead", default="", max_length=100),
    Image("office.logo", "letterhead", default=None),
    # Privacy (docs/privacy.md): after this many months `assess privacy purge` deletes the
    # drafts of unfinished survey answers and the import logs...
    Number("retention_months", "privacy", default=12, minimum=1, maximum=120, step=1, integer=True),
    # ... and the audit log's entries: longer, as they prove what the jury and the office did.
    Number("audit_retention_months", "privacy", default=36, minimum=1, maximum=120, step=1, integer=True),
    # A project labelled in a school year applies again from the next school year only.
    Switch("one_label_per_year", "jury", default=True),
    # The signatory's title, printed under their name on letters and certificates.
    Text("office.signatory_title", "letterhead", default="", max_length=200),
    # E-mail (docs/mail.md): the SMTP server; its password only from ASSESS_SMTP_PASSWORD or
    # the file ASSESS_SMTP_PASSWORD_FILE names, never in the database. No host: nothing is sent.
    Text("mail.host", "mail", default="", max_length=253),
    Number("mail.port", "mail", default=587, minimum=1, maximum=65535, step=1, integer=True),
    Choice("mail.tls", "mail", default="starttls", choices=("starttls", "tls", "none")),
    Text("mail.user", "mail", default="", max_length=320),
    Text("mail.sender", "mail", default="", max_length=320),
    # Reminders go to jurors with unsubmitted scores this many days before the deadline.
    Number("mail.reminder_days", "mail", default=3, minimum=1, maximum=30, step=1, integer=True),
    # Per kind of mail: sent without the office's look (on) or held in the outbox (off).
    # A password reset cannot wait for the office: on by default.
    Switch("mail.auto.invitation", "mail", default=False),
    Switch("mail.auto.password_reset", "mail", default=True),
    Switch("mail.auto.assignments", "mail", default=False),
    Switch("mail.auto.reminder", "mail", default=False),
    Switch("mail.auto.application_received", "mail", default=False),
    Switch("mail.auto.verdict", "mail", default=False),
)

BY_KEY: dict[str, Setting] = {setting.key: setting for setting in SETTINGS}

#: The letterhead's text fields, as ``office.<field>`` keys.
OFFICE_FIELDS: tuple[str, ...] = ("name", "address", "signatory", "place", "signatory_title")


def definition(key: str) -> Setting | None:
    return BY_KEY.get(key)


def in_group(group: str) -> tuple[Setting, ...]:
    return tuple(setting for setting in SETTINGS if setting.group == group)
