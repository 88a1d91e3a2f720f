"""Countries taking part in eTwinning (EU members, Erasmus+ associated and partner
countries), by ISO 3166-1 alpha-2 code. Their names, in the reader's language, come from
CLDR through Babel: :func:`assess.i18n.formats.country_name`."""

from __future__ import annotations

COUNTRIES: tuple[str, ...] = (
    "AL", "AM", "AT", "AZ", "BA", "BE", "BG", "CY", "CZ", "DE", "DK", "DZ", "EE", "EG", "ES", "FI",
    "FR", "GE", "GR", "HR", "HU", "IE", "IS", "IT", "JO", "LB", "LI", "LT", "LU", "LV", "MA", "MD",
    "ME", "MK", "MT", "NL", "NO", "PL", "PT", "RO", "RS", "SE", "SI", "SK", "TN", "TR", "UA",
)
