"""Countries taking part in eTwinning (EU members, Erasmus+ associated and partner
countries), by ISO 3166-1 alpha-2 code, with their names in English and French."""

from __future__ import annotations

COUNTRIES: dict[str, tuple[str, str]] = {
    "AL": ("Albania", "Albanie"),
    "AM": ("Armenia", "Arménie"),
    "AT": ("Austria", "Autriche"),
    "AZ": ("Azerbaijan", "Azerbaïdjan"),
    "BA": ("Bosnia and Herzegovina", "Bosnie-Herzégovine"),
    "BE": ("Belgium", "Belgique"),
    "BG": ("Bulgaria", "Bulgarie"),
    "CY": ("Cyprus", "Chypre"),
    "CZ": ("Czechia", "Tchéquie"),
    "DE": ("Germany", "Allemagne"),
    "DK": ("Denmark", "Danemark"),
    "DZ": ("Algeria", "Algérie"),
    "EE": ("Estonia", "Estonie"),
    "EG": ("Egypt", "Égypte"),
    "ES": ("Spain", "Espagne"),
    "FI": ("Finland", "Finlande"),
    "FR": ("France", "France"),
    "GE": ("Georgia", "Géorgie"),
    "GR": ("Greece", "Grèce"),
    "HR": ("Croatia", "Croatie"),
    "HU": ("Hungary", "Hongrie"),
    "IE": ("Ireland", "Irlande"),
    "IS": ("Iceland", "Islande"),
    "IT": ("Italy", "Italie"),
    "JO": ("Jordan", "Jordanie"),
    "LB": ("Lebanon", "Liban"),
    "LI": ("Liechtenstein", "Liechtenstein"),
    "LT": ("Lithuania", "Lituanie"),
    "LU": ("Luxembourg", "Luxembourg"),
    "LV": ("Latvia", "Lettonie"),
    "MA": ("Morocco", "Maroc"),
    "MD": ("Moldova", "Moldavie"),
    "ME": ("Montenegro", "Monténégro"),
    "MK": ("North Macedonia", "Macédoine du Nord"),
    "MT": ("Malta", "Malte"),
    "NL": ("Netherlands", "Pays-Bas"),
    "NO": ("Norway", "Norvège"),
    "PL": ("Poland", "Pologne"),
    "PT": ("Portugal", "Portugal"),
    "RO": ("Romania", "Roumanie"),
    "RS": ("Serbia", "Serbie"),
    "SE": ("Sweden", "Suède"),
    "SI": ("Slovenia", "Slovénie"),
    "SK": ("Slovakia", "Slovaquie"),
    "TN": ("Tunisia", "Tunisie"),
    "TR": ("Türkiye", "Turquie"),
    "UA": ("Ukraine", "Ukraine"),
}


def country_name(code: str | None, lang: str) -> str:
    if not code:
        return ""
    names = COUNTRIES.get(code.upper())
    if names is None:
        return code
    return names[1] if lang == "fr" else names[0]
