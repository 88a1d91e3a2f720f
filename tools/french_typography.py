"""Check (and with ``--fix`` correct) the French typography of the interface catalogue,
``assess/i18n/locale/fr/LC_MESSAGES/messages.po``: every ``msgstr`` and plural form.

    python tools/french_typography.py          # lists what breaks the rules, exits 1 if any
    python tools/french_typography.py --fix    # rewrites the .po with what can be fixed by rule
    python tools/french_typography.py FILE.po  # another French catalogue

The rules (docs/french.md, the same as the content files' in rubrics/ and surveys/):

- ``:`` after a no-break space (U+00A0); ``;``, ``?`` and ``!`` after a narrow no-break space
  (U+202F), when they end a clause (followed by a space, the end, a closing bracket...);
- French quotes « » with a no-break space (U+00A0) inside, never "..." or “...”;
- an ellipsis is one character, ``…``, not three dots;
- the apostrophe is the straight one, ``'``, as in the whole catalogue and the content files;
- no space before a comma or a full stop;
- "n°" (not "nº", "no.") followed by a no-break space: "n° {id}";
- French units (Mo, Ko, Go: not MB, KB, Kio) and ``%`` after a no-break space: "{max} Mo", "12 %".

Never touched, and never counted: placeholders (``{name}``, ``{id:<24}``), Jinja2 in the mail
templates (``{{ x }}``, ``{% if %}``), inline code (`` `assess demo` ``), Markdown link targets
(``](https://...)``), web and mail addresses, command-line options (``--lang``), Streamlit
icons (``:material/x:``), and a colon that is not followed by a space (``10:05``,
``key:value``). Exceptions a rule cannot see are listed in ``EXCEPTIONS`` with the reason.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "assess" / "i18n" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"

NBSP = "\u00a0"    # before : and %, inside « », after n°, between a number and its unit
NNBSP = "\u202f"   # before ; ? !
SPACES = f" {NBSP}{NNBSP}"

#: Text the rules must not read: replaced by a private-use character while they run, so that
#: "{name} ?" is still seen as a word followed by a question mark.
PROTECTED = re.compile(r"""
      \{\{.*?\}\}                          # Jinja2 expression
    | \{%.*?%\}                            # Jinja2 statement
    | `[^`\n]*`                            # inline code
    | \]\([^)\s]*\)                        # a Markdown link's target
    | :material/[a-z_]+:                   # a Streamlit icon
    | (?:https?|ftp)://[^\s)»,]*[^\s)».,;:] # a web address (a full stop or comma after it is the sentence's)
    | (?:https?|ftp)://                    # "http://" alone ("begins with http://")
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+         # a mail address
    | (?<![\w-])--?[A-Za-z][\w.=-]*        # a command-line option
    | &[a-z]+;                             # an HTML entity
    | \{[^{}]*\}                           # a placeholder
""", re.VERBOSE)
HIDDEN = "\ue000"

#: (key, rule): the rule does not apply to that message, and why.
EXCEPTIONS: dict[tuple[str, str], str] = {}

UNITS = {"MB": "Mo", "KB": "Ko", "kB": "Ko", "GB": "Go", "Kio": "Ko", "Mio": "Mo", "Gio": "Go"}


def hide(text: str) -> tuple[str, list[str]]:
    """The text with every protected span replaced by HIDDEN, and the spans in order."""
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return HIDDEN

    return PROTECTED.sub(keep, text), spans


def unhide(text: str, spans: list[str]) -> str:
    parts = iter(spans)
    return re.sub(HIDDEN, lambda _m: next(parts), text)


# Each rule: a name, a pattern over the hidden text (it also matches what is already right),
# what is wrong, and what the match should be: a function of the match, giving None where only
# a person can fix it.
CLOSES = r"(?=[\s)\]*_»]|$)"   # what may follow a : ; ? ! that ends a clause
AFTER_WORD = r"(?<=[^\s(\[«])"   # not a mark named on its own: "(;)", "« ? »"
ANY_SPACE = f"[{SPACES}]*"
Fix = Callable[[re.Match[str]], "str | None"]
RULES: list[tuple[str, re.Pattern[str], str, Fix]] = [
    ("colon", re.compile(f"{AFTER_WORD}{ANY_SPACE}:{CLOSES}"),
     "no-break space (U+00A0) before a colon", lambda m: NBSP + ":"),
    ("semicolon", re.compile(f"{AFTER_WORD}{ANY_SPACE};{CLOSES}"),
     "narrow no-break space (U+202F) before a semicolon", lambda m: NNBSP + ";"),
    ("question", re.compile(f"(?<=[^\\s(\\[«?!]){ANY_SPACE}[?!]+{CLOSES}"),
     "narrow no-break space (U+202F) before ? and !", lambda m: NNBSP + m.group(0).strip(SPACES)),
    ("quote_open", re.compile(f"«{ANY_SPACE}"), "no-break space (U+00A0) after «", lambda m: "«" + NBSP),
    ("quote_close", re.compile(f"{ANY_SPACE}»"), "no-break space (U+00A0) before »", lambda m: NBSP + "»"),
    ("quotes", re.compile(r"[\"“”]([^\"“”\n]*)[\"“”]|[\"“”‘]"), "French quotes « » rather than \"...\" or “...”",
     lambda m: None if m.group(1) is None else f"«{NBSP}{m.group(1).strip(SPACES)}{NBSP}»"),
    ("ellipsis", re.compile(r"\.\.\."), "one ellipsis character … rather than three dots", lambda m: "…"),
    ("apostrophe", re.compile("’"), "the straight apostrophe ' as in the rest of the catalogue", lambda m: "'"),
    ("space_before_comma", re.compile(f"(?<=\\S)[{SPACES}]+(?=,|\\.(?![\\w.]))"),
     "no space before a comma or a full stop", lambda m: ""),
    ("numero", re.compile(f"\\b([nN])(?:º|°|o\\.){ANY_SPACE}(?=[{HIDDEN}\\d])"),
     "n° and a no-break space before the number", lambda m: f"{m.group(1)}°{NBSP}"),
    ("unit", re.compile(f"(?<=[\\d{HIDDEN}]){ANY_SPACE}\\b(MB|KB|kB|GB|Kio|Mio|Gio|Mo|Ko|Go)\\b"),
     "French unit (Mo, Ko, Go) after a no-break space", lambda m: NBSP + UNITS.get(m.group(1), m.group(1))),
    ("percent", re.compile(f"(?<=[\\d{HIDDEN}]){ANY_SPACE}%"), "no-break space (U+00A0) before %",
     lambda m: NBSP + "%"),
]


def problems(key: str, text: str) -> Iterator[tuple[str, str, str]]:
    """(rule, what is wrong, the text around it) for each fault of one French text."""
    hidden, _spans = hide(text)
    for name, pattern, why, right in RULES:
        if (key, name) in EXCEPTIONS:
            continue
        for match in pattern.finditer(hidden):
            if right(match) != match.group(0):
                yield name, why, hidden[max(0, match.start() - 25):match.end() + 15].replace(HIDDEN, "{…}")


def _or_as_is(replacement: str | None, match: re.Match[str]) -> str:
    return match.group(0) if replacement is None else replacement


def fix(key: str, text: str) -> str:
    """The text with every rule that can be fixed by rule applied."""
    hidden, spans = hide(text)
    for name, pattern, _why, right in RULES:
        if (key, name) in EXCEPTIONS:
            continue
        hidden = pattern.sub(lambda m, right=right: _or_as_is(right(m), m), hidden)
    return unhide(hidden, spans)


def forms(string: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("catalogue", nargs="?", type=Path, default=CATALOGUE)
    parser.add_argument("--fix", action="store_true", help="rewrite the catalogue with the fixes made by rule")
    args = parser.parse_args(argv)
    with open(args.catalogue, "rb") as handle:
        po = read_po(handle)
    found = changed = 0
    for message in po:
        if not message.id or not message.context:
            continue
        texts = forms(message.string)
        for text in texts:
            for name, why, around in problems(message.context, text):
                found += 1
                print(f"{message.context}: {name}: {why}: {around!r}")
        if args.fix:
            new = tuple(fix(message.context, text) for text in texts)
            if new != texts:
                changed += 1
                message.string = new if isinstance(message.string, (tuple, list)) else new[0]
    if args.fix and changed:
        out = io.BytesIO()
        write_po(out, po, width=76, include_previous=True, ignore_obsolete=True)
        args.catalogue.write_bytes(out.getvalue())
        left = sum(1 for m in po if m.id and m.context for text in forms(m.string) for _p in problems(m.context, text))
        print(f"{changed} messages fixed; {left} faults left for a person", file=sys.stderr)
        return 1 if left else 0
    print(f"{found} faults", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
