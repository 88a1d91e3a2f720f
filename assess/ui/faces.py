"""How the answering page looks: the agreement scale as faces for young pupils, and a few
style rules for phones.

The faces are Material Symbols, which Streamlit ships with its own font: they look the
same on every device, unlike emoji that some computers draw as empty boxes. Each face
always comes with its words (the button's accessible name), so a face is never the only
way to understand an answer. The styles are fixed texts with no user content in them.
"""

from __future__ import annotations

from assess.domain.answers import DONT_KNOW
from assess.domain.questionnaire import AGREEMENT_POINTS

#: Every agreement answer, in the order shown: 1 (strongly disagree) .. 5, then "don't know".
AGREEMENT_OPTIONS: tuple[int | str, ...] = (*AGREEMENT_POINTS, DONT_KNOW)

FACES: dict[int | str, str] = {
    1: ":material/sentiment_sad:",
    2: ":material/sentiment_dissatisfied:",
    3: ":material/sentiment_neutral:",
    4: ":material/sentiment_satisfied:",
    5: ":material/sentiment_very_satisfied:",
    DONT_KNOW: ":material/help:",
}
#: Red to green, then grey for "don't know" (the same order as FACES).
FACE_COLOURS = ("#c62828", "#ef6c00", "#9e7c00", "#558b2f", "#2e7d32", "#616161")

#: Container key of the faces, so the style reaches them and nothing else.
FACES_KEY = "respond_faces"


def face_label(point: int | str, word: str) -> str:
    """The face and its word, as Markdown for a button of the group (the face becomes its icon)."""
    return f"{FACES[point]} **{word}**"


#: Focus outline of the answering page: near-black, 15.5:1 on white (WCAG 2.4.7, 1.4.11 ask 3:1).
FOCUS_COLOUR = "#1f2430"

#: The whole answering page (WCAG 2.1 AA, checked by tests/e2e/test_accessibility.py): a
#: title that fits a phone; captions (the required hint, "Question N of M", the autosave
#: note, help texts) at 7:1, not the 3.9:1 of Streamlit's faded text (opacity 0.6); answers in
#: 16 px text on rows and buttons at least 44 px tall; a visible focus outline, also on
#: the radio buttons whose own focus mark is a faint tint; the hidden box of the page's
#: scripts (language, focus after a failed send) takes no room.
RESPOND_STYLE = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 2.5rem; padding-bottom: 4rem; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: clamp(1.6rem, 6.5vw, 2.6rem); line-height: 1.2; }}
[class*="st-key-respond_item_"] [data-testid="stWidgetLabel"] p {{ font-size: 1.05rem; font-weight: 600; }}
[data-testid="stMain"] [data-testid="stCaptionContainer"] {{ opacity: 0.8; }}
[data-testid="stMain"] [data-testid="stRadioOption"] {{ display: flex; align-items: center; min-height: 2.75rem; padding: 0; }}
[data-testid="stMain"] [data-testid="stRadioOption"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stButtonGroup"] button p,
[data-testid="stMain"] textarea, [data-testid="stMain"] input {{ font-size: 1rem; }}
[data-testid="stMain"] button, [data-testid="stMain"] summary,
[data-testid="stMain"] [data-baseweb="input"], [data-testid="stMain"] input {{ min-height: 2.75rem; }}
[data-testid="stMain"] button {{ min-width: 2.75rem; }}
[data-testid="stMain"] :is(button, a, summary, textarea, input):focus-visible,
[data-testid="stMain"] [data-testid="stRadioOption"]:has(input:focus-visible) {{
  outline: 3px solid {FOCUS_COLOUR} !important; outline-offset: 2px;
}}
[class*="st-key-respond_scripts_"] {{ display: none; }}
</style>
"""

_FACE_RULES = "\n".join(
    f".st-key-{FACES_KEY} [data-testid=\"stButtonGroup\"] button:nth-of-type({index}) "
    f"[data-testid=\"stIconMaterial\"] {{ color: {colour}; }}"
    for index, colour in enumerate(FACE_COLOURS, start=1)
)

#: Large faces over their words: three a row on a phone, six on a wider screen.
FACES_STYLE = f"""
<style>
.st-key-{FACES_KEY} [data-testid="stWidgetLabel"] p {{ font-size: 1.45rem; line-height: 1.35; font-weight: 600; }}
.st-key-{FACES_KEY} [data-testid="stButtonGroup"] [role="radiogroup"] {{ display: flex; flex-wrap: wrap; gap: 0.5rem; }}
.st-key-{FACES_KEY} [data-testid="stButtonGroup"] button {{
  flex: 1 1 calc(33% - 0.5rem); min-width: 5.5rem; min-height: 6.5rem;
  border-radius: 1rem !important; border-width: 2px; padding: 0.5rem 0.25rem;
}}
@media (min-width: 640px) {{
  .st-key-{FACES_KEY} [data-testid="stButtonGroup"] button {{ flex-basis: calc(16% - 0.5rem); }}
}}
.st-key-{FACES_KEY} [data-testid="stButtonGroup"] button span[data-has-shortcut] {{
  display: flex; flex-direction: column; align-items: center; gap: 0.3rem;
}}
.st-key-{FACES_KEY} [data-testid="stButtonGroup"] button span[data-has-shortcut] > span:first-child {{
  width: auto; height: auto; margin: 0; font-size: 3.2rem; line-height: 1;
}}
.st-key-{FACES_KEY} [data-testid="stButtonGroup"] button [data-testid="stIconMaterial"] {{
  font-size: 3.2rem; line-height: 1; width: auto; height: auto;
}}
.st-key-{FACES_KEY} [data-testid="stButtonGroup"] button p {{
  font-size: 1rem; line-height: 1.2; white-space: normal; text-align: center;
}}
.st-key-{FACES_KEY} [data-testid="stButtonGroup"] button[aria-checked="true"] {{
  outline: 3px solid #1565c0; outline-offset: 2px;
}}
{_FACE_RULES}
</style>
"""
