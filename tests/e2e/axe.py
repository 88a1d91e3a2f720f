"""axe-core in a Playwright page: the WCAG 2.1 A and AA rules, as a test asserts them.

axe-core comes from npm, pinned by package-lock.json; `make test` installs it
(`npm ci`). It is read from node_modules and injected into the page under test, so
the check runs in the real Chromium on the page as drawn.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ROOT

AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT.relative_to(ROOT)} is missing: run `npm ci --no-audit --no-fund` (make test does)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page, within: str | None = None) -> list[dict]:
    """Every violation of the WCAG 2.1 A/AA rules on the page as it stands now (``within``:
    only inside the element this CSS selector finds)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=_axe_source())
    return page.evaluate(
        """async ([tags, within]) => {
            const context = within ? {include: [within]} : document;
            const result = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact, summary: n.failureSummary})),
            }));
        }""",
        [WCAG_21_AA, within],
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page, where: str, *, within: str | None = None) -> None:
    """No serious or critical WCAG 2.1 A/AA violation on ``page`` (or ``within`` the element
    a CSS selector finds); ``where`` names the state."""
    blocking = [v for v in axe_violations(page, within) if v["impact"] in BLOCKING]
    assert not blocking, f"{where}: {len(blocking)} serious/critical axe-core violation(s)\n{describe(blocking)}"
