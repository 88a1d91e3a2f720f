"""Convert a language's TOML catalogues (``assess/i18n/<lang>/*.toml``, the same dotted keys
as the English source) into its gettext catalogue ``assess/i18n/locale/<lang>/LC_MESSAGES/messages.po``.

    python tools/toml_to_po.py de                 # reads assess/i18n/de/*.toml
    python tools/toml_to_po.py de --folder path/  # TOML files elsewhere
    python tools/toml_to_po.py de --force         # replace an existing messages.po
    python tools/toml_to_po.py de --english-then $(git merge-base HEAD german-branch)
                                                  # mark fuzzy what was translated from an older English

Run it after ``pybabel extract`` (the template, ``assess/i18n/locale/messages.pot``, must be in
step with the English source; docs/languages.md). For every entry of the template it looks
up the TOML text under the entry's key (its ``msgctxt``):

- a string for a singular message: the translation;
- a table of CLDR plural categories (``one``, ``few``, ``many``, ``other``...) for a plural
  message: one form per index of the language's ``Plural-Forms`` (Babel's rule for it), each
  index taking the category of a number that falls in it (``other`` when the table lacks it);
- a plain string for a plural message (a text written before the message had plural forms,
  "champ(s)"): kept in every form, marked fuzzy for a translator to write the forms (a fuzzy
  entry is not used: English shows meanwhile);
- an older pair of keys that a plural message replaced (``RENAMED``): their texts become the
  singular and the plural forms, marked fuzzy; a placeholder renamed when the message became
  plural (``RENAMED_PLACEHOLDERS``: ``{days}`` -> ``{count}``) is renamed in the text;
- no text: left untranslated (English shows).

Keys of the TOML files that the template lacks are kept as obsolete entries (``#~``), for
a translator to take back from. The script prints what it could not convert cleanly and
exits 0 once the file is written; it changes nothing else, so the TOML folder can then be
deleted (``git rm -r assess/i18n/<lang>``): the .po is the one source of that language.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assess.i18n.extract import flatten

I18N = ROOT / "assess" / "i18n"
TEMPLATE = I18N / "locale" / "messages.pot"

#: Plural messages that replaced a pair of keys (singular, plural) in the TOML catalogues:
#: a language folder written before the change still carries the pair.
RENAMED: dict[str, tuple[str, str]] = {
    "letters.cli.written": ("letters.cli.written_one", "letters.cli.written"),
    "certificates.cli.written": ("certificates.cli.written_one", "certificates.cli.written"),
    "jury_deadline.days_left": ("jury_deadline.one_day_left", "jury_deadline.days_left"),
    "jury_deadline.days_late": ("jury_deadline.one_day_late", "jury_deadline.days_late"),
    "jury_progress.days_late": ("jury_progress.one_day_late", "jury_progress.days_late"),
}

#: Placeholders renamed when a message became plural (the count that chooses the form is
#: ``{count}``): a text written before still names the old one.
RENAMED_PLACEHOLDERS: dict[str, dict[str, str]] = {
    **{key: {"rows": "count"} for key in ("jury.cli.eql_exported", "jury.cli.labels_imported", "eql_page.imported")},
    **{key: {"created": "count"} for key in ("jury.cli.assign_done", "rounds_page.report")},
    **{key: {"missing": "count"} for key in ("rounds_page.short_head", "jury.shortage.no_juror",
                                             "jury.shortage.conflicts", "jury.shortage.capacity")},
    **{key: {"free": "count"} for key in ("rounds_page.short_conflicts", "rounds_page.short_capacity")},
    **{key: {"submitted": "count"} for key in ("rounds_page.scoring", "jury_progress.cli.line")},
    **{key: {"done": "count"} for key in ("respond.progress", "jury_page.list_progress")},
    **{key: {"days": "count"} for key in ("jury_progress.nobody_late", "jury_deadline.days_left",
                                          "jury_deadline.days_late", "jury_deadline.one_day_left",
                                          "jury_deadline.one_day_late", "jury_progress.days_late",
                                          "jury_progress.one_day_late", "jury_progress.due_in")},
    "jury.cli.eql_top_share": {"eligible": "count"},
    "jury.errors.at_capacity": {"load": "count"},
    "decisions_page.rules": {"applications": "count"},
    "decisions_page.publish_help": {"staged": "count"},
    "applications_page.limit_reached": {"max": "count"},
    "applications_page.limit": {"used": "count"},
}


def _renamed(key: str, text: str) -> str:
    for old, new in RENAMED_PLACEHOLDERS.get(key, {}).items():
        text = text.replace("{" + old + "}", "{" + new + "}")
    return text


def english_then(revision: str) -> dict[str, str | dict[str, str]]:
    """The English source as it was at a git revision (the one a language folder was
    translated from), to tell which of its texts have changed since."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", f"{revision}:assess/i18n/en"],
                            capture_output=True, text=True, check=True).stdout.split()
    messages: dict[str, str | dict[str, str]] = {}
    for name in listed:
        if name.endswith(".toml"):
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:assess/i18n/en/{name}"],
                                  capture_output=True, text=True, check=True).stdout
            messages.update(flatten(tomllib.loads(text)))
    return messages


def read_folder(folder: Path) -> dict[str, str | dict[str, str]]:
    """Every message of a TOML catalogue folder by dotted key (plural tables kept whole)."""
    messages: dict[str, str | dict[str, str]] = {}
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise SystemExit(f"no TOML catalogue in {folder}")
    for path in files:
        with open(path, "rb") as handle:
            flat = flatten(tomllib.load(handle))
        clash = messages.keys() & flat.keys()
        if clash:
            raise SystemExit(f"{path}: keys already defined in another file: {', '.join(sorted(clash))}")
        messages.update(flat)
    return messages


def sample_categories(catalog: Catalog, lang: str) -> list[str]:
    """For each plural index of the catalogue's Plural-Forms, the CLDR category of a number
    that gets that index (French: 0 -> one, 1 -> many (a million), 2 -> other)."""
    import gettext

    index_of = gettext.c2py(catalog.plural_expr)
    locale = Locale.parse(lang)
    categories: list[str | None] = [None] * catalog.num_plurals
    for n in [*range(0, 1000), 10**6, 2 * 10**6, 10**9]:
        index = index_of(n)
        if index < len(categories) and categories[index] is None:
            categories[index] = locale.plural_form(Decimal(n))
    return [category or "other" for category in categories]


def convert(lang: str, folder: Path, *, template: Path = TEMPLATE,
            then: dict[str, str | dict[str, str]] | None = None) -> tuple[Catalog, list[str]]:
    """The catalogue of ``lang`` made from the template and the TOML texts, and notes on
    what needs a translator. With ``then`` (the English the folder was translated from), a
    text whose English has changed since is kept but marked fuzzy, the old English beside it."""
    texts = {key: _renamed(key, text) if isinstance(text, str)
             else {category: _renamed(key, form) for category, form in text.items()}
             for key, text in read_folder(folder).items()}
    with open(template, "rb") as handle:
        catalog = read_po(handle, locale=lang)
    catalog.locale = Locale.parse(lang)
    catalog.revision_date = datetime.now(UTC)
    catalog.fuzzy = False
    catalog.language_team = f"{Locale.parse(lang).get_display_name('en')} <{lang}@li.org>"
    categories = sample_categories(catalog, lang)
    notes: list[str] = []
    used: set[str] = set()
    for message in catalog:
        if not message.id or not message.context:
            continue
        key = message.context
        plural = isinstance(message.id, tuple | list)
        text = texts.get(key)
        if text is not None:
            used.add(key)
        if plural:
            old = RENAMED.get(key)
            if old and old[0] in texts and isinstance(texts.get(old[1]), str) and isinstance(texts[old[0]], str):
                used.update(old)
                singular, several = (str(texts[part]) for part in old)
                message.string = tuple(singular if category == "one" else several for category in categories)
                message.flags.add("fuzzy")
                notes.append(f"{key}: made from {old[0]} and {old[1]}, marked fuzzy")
            elif isinstance(text, dict):
                message.string = tuple(text.get(category, text["other"]) for category in categories)
            elif isinstance(text, str):
                message.string = tuple(text for _ in categories)
                message.flags.add("fuzzy")
                notes.append(f"{key}: one text for a plural message, kept in every form and marked fuzzy")
            else:
                notes.append(f"{key}: no translation")
        elif isinstance(text, str):
            message.string = text
        elif isinstance(text, dict):
            message.string = text["other"]
            message.flags.add("fuzzy")
            notes.append(f"{key}: plural forms for a singular message, 'other' kept and marked fuzzy")
        else:
            notes.append(f"{key}: no translation")
        if then is not None and message.string and "fuzzy" not in message.flags and key in then:
            before = then[key]
            before_id = (before["one"], before["other"]) if isinstance(before, dict) else before
            if (tuple(message.id) if plural else message.id) != before_id:
                message.flags.add("fuzzy")
                message.previous_id = list(before_id) if isinstance(before_id, tuple) else [before_id]
                notes.append(f"{key}: its English changed since the translation, marked fuzzy")
    for key in sorted(texts.keys() - used):
        text = texts[key]
        value = text if isinstance(text, str) else text.get("other", "")
        catalog.obsolete[(value, key)] = Message(value, string=value, context=key)
        notes.append(f"{key}: not in the template, kept as an obsolete entry")
    return catalog, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lang", help="language code, as in assess/i18n/languages.toml (de, nl, pt_BR...)")
    parser.add_argument("--folder", type=Path, help="the TOML files (default: assess/i18n/<lang>)")
    parser.add_argument("--output", type=Path, help="default: assess/i18n/locale/<lang>/LC_MESSAGES/messages.po")
    parser.add_argument("--template", type=Path, default=TEMPLATE)
    parser.add_argument("--force", action="store_true", help="replace an existing messages.po")
    parser.add_argument("--english-then", metavar="REVISION",
                        help="the git revision whose English the folder was translated from (e.g. the merge base "
                             "of its branch): texts whose English changed since are marked fuzzy")
    args = parser.parse_args(argv)
    folder = args.folder or I18N / args.lang
    output = args.output or I18N / "locale" / args.lang / "LC_MESSAGES" / "messages.po"
    if output.exists() and not args.force:
        print(f"{output} exists; --force replaces it (pybabel update keeps it in step with the template)",
              file=sys.stderr)
        return 1
    then = english_then(args.english_then) if args.english_then else None
    catalog, notes = convert(args.lang, folder, template=args.template, then=then)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as handle:
        write_po(handle, catalog, include_previous=True)
    total = sum(1 for message in catalog if message.id)
    translated = sum(1 for message in catalog if message.id and message.string and not message.fuzzy
                     and all(message.string if isinstance(message.string, tuple) else [message.string]))
    for note in notes:
        print(note)
    print(f"wrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}: "
          f"{translated} of {total} messages translated, plural forms {catalog.plural_forms!r}, "
          f"CLDR categories per form {sample_categories(catalog, args.lang)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
