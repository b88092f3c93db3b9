"""`make estimate`: what the text stages will cost before they run, and the largest call
against the model's context window."""

from __future__ import annotations

from pipeline import estimate, ledger
from pipeline.course import Course
from pipeline.providers.llm import calls
from pipeline.stages import drafts_llm, outline_llm, quizzes_llm, scripts_llm

PLANNERS = (
    ("outline", outline_llm),
    ("drafts", drafts_llm),
    ("scripts", scripts_llm),
    ("quizzes", quizzes_llm),
)


def report(course: Course) -> str:
    """The `make estimate` table: calls, tokens and dollars per text stage."""
    if not course.topic.uses_llm:
        return (
            f"{course.slug}: llm.provider is none (manual mode), so the text stages make "
            "no LLM calls and cost nothing"
        )
    session = calls.session(course)
    planned = {stage: _planned(course, module) for stage, module in PLANNERS}
    lines = [
        f"{'stage':<10}{'calls':>7}{'done':>6}{'tokens in':>11}{'tokens out':>12}{'cost USD':>11}"
    ]
    total = 0.0
    for stage, items in planned.items():
        tin, tout = sum(p.tokens_in for p in items), sum(p.tokens_out for p in items)
        cost = session.cost_of(tin, tout)
        total += cost
        lines.append(
            f"{stage:<10}{len(items):>7}{sum(p.done for p in items):>6}{tin:>11}"
            f"{tout:>12}{cost:>11.4f}"
        )
    return "\n".join(lines + _largest(session, planned) + _footer(course, session, total))


def _planned(course: Course, module) -> list[estimate.Planned]:
    """A stage's calls; before there is an outline, the outline's size from topic.yaml."""
    if module is not outline_llm and not course.outline_path.exists():
        return _guessed(course, module)
    return module.planned_calls(course)


def _guessed(course: Course, module) -> list[estimate.Planned]:
    t = course.topic
    n, draft = t.sections * t.lectures_per_section, estimate.lecture_tokens(t.minutes_per_lecture)
    if module is quizzes_llm:
        per = estimate.quiz_out(min(2 * t.lectures_per_section, quizzes_llm.MAX_QUESTIONS))
        return [
            estimate.Planned(f"section {i + 1}", False, t.lectures_per_section * (draft + 300), per)
            for i in range(t.sections)
        ]
    tokens = (900, draft) if module is drafts_llm else (draft + 500, int(draft * 1.3))
    return [estimate.Planned(f"lecture {i + 1}", False, *tokens) for i in range(n)]


def _largest(session: calls.Session, planned: dict[str, list[estimate.Planned]]) -> list[str]:
    """The biggest call still to make, and whether it fits the model's window."""
    todo = [
        (p.tokens_in + p.tokens_out, stage, p)
        for stage, items in planned.items()
        for p in items
        if not p.done
    ]
    if not todo:
        return []
    size, stage, p = max(todo, key=lambda x: x[0])
    window = session.provider.window()
    fits = (
        f"context window {window.tokens:,} tokens ({window.source})"
        if window
        else "context window unknown (set llm.context_tokens to check it)"
    )
    warn = (
        "  — does not fit: the stage will split it or stop with the fix"
        if window and size > window.tokens
        else ""
    )
    return [
        f"largest call: {stage} {p.item}, about {p.tokens_in:,} tokens in + "
        f"{p.tokens_out:,} out; {fits}{warn}"
    ]


def _footer(course: Course, session: calls.Session, total: float) -> list[str]:
    cfg = course.topic.llm
    pin, pout = session.cost_of(1_000_000, 0), session.cost_of(0, 1_000_000)
    spent, budget = ledger.spent(course), course.topic.budget_usd
    out = [
        f"total to do: ${total:.4f} with {cfg.model} at ${pin:g}/${pout:g} per million "
        "tokens in/out (estimates; repairs of bad answers cost extra)",
        f"budget: ${budget:.2f}, spent so far ${spent:.4f}",
    ]
    if spent + total > budget:
        out.append(
            f"warning: this would exceed budget_usd in {course.topic_path}; raise it "
            "or the run stops before the call that would exceed it"
        )
    return out
