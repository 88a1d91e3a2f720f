"""Small builders for test data that is not the point of the test."""

from __future__ import annotations

from assess.domain.rubric import Rubric, check_rubric


def text(value: str) -> dict[str, str]:
    return {"en": value, "fr": f"{value} (fr)"}


def levels() -> list[dict]:
    return [{"level": n, "label": text(f"L{n}"), "descriptor": text(f"descriptor {n}")} for n in range(6)]


def criterion(criterion_id: str, *, weight: float = 1.0, minimum: int | None = None, independent: bool = False) -> dict:
    data = {"id": criterion_id, "name": text(criterion_id.title()), "guidance": text("look for it"), "levels": levels()}
    data.update(weight=weight, independent=independent)
    if minimum is not None:
        data["minimum"] = minimum
    return data


def gate(gate_id: str, *, criterion_id: str, minimum: int) -> dict:
    return {
        "id": gate_id,
        "name": text(gate_id.title()),
        "guidance": text("must be there"),
        "criterion": criterion_id,
        "minimum": minimum,
        "levels": levels(),
    }


def make_rubric(*, criteria: list[dict], gates: list[dict] = (), pass_mark: float = 0, eql: float = 0) -> Rubric:
    rubric = Rubric.model_validate(
        {
            "id": "test-rubric",
            "version": "1",
            "title": text("Test rubric"),
            "period": "test",
            "description": text("for tests"),
            "criteria": criteria,
            "gates": list(gates),
            "verdict": {"pass_mark": pass_mark},
            "eql": {"nomination_threshold": eql},
        }
    )
    problems = list(check_rubric(rubric))
    assert not problems, problems
    return rubric
