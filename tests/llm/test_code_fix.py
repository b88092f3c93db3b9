"""When the LLM's lecture has code that fails: the fix comes back beside it, checked."""

from __future__ import annotations

import pytest

from pipeline import ledger, protect
from pipeline.course import Course
from pipeline.errors import InputError
from pipeline.stages import code, drafts, outline
from tests.llm.conftest import SLUG
from tests.llm.server import user_text

LECTURE = "01-01-topic-1-1"
WRONG = "```python\nxs = [7, -2, 15, 4]\nprint([n for n in xs if n > 0])  # [7, 15, 5]\n```\n"
RIGHT = WRONG.replace("# [7, 15, 5]", "# [7, 15, 4]")


@pytest.fixture
def failing(course_for, server):
    """An LLM course whose first lecture claims the wrong output (as a model might)."""
    course = course_for()
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root), only=[LECTURE])
    path = course.lecture_path(LECTURE)
    path.write_text(path.read_text() + "\n## Filtering\n\n" + WRONG)
    return Course.load(SLUG, course.root), path


def test_a_failing_block_goes_back_to_the_model_and_the_checked_fix_lands_beside_it(
    failing, server
):
    course, path = failing
    mine = path.read_text()
    asked = len(server.requests)
    server.actions += [{"content": mine}, {"content": mine.replace(WRONG, RIGHT)}]
    with pytest.raises(InputError) as err:
        code.check_course(course, [LECTURE])
    message = err.value.format_message()
    assert (
        "a fix passes the code check: courses/llmcourse/lectures/01-01-topic-1-1.proposed.md"
        in message
    )
    assert path.read_text() == mine  # the person's file is never overwritten
    proposal = protect.proposed_path(path).read_text()
    assert RIGHT in proposal and WRONG not in proposal
    # the first answer still failed the sandbox, so it went back once with the problem
    first, repair = server.requests[asked], server.requests[asked + 1]
    assert f"lectures/{LECTURE}.md:" in user_text(
        first
    ) and "expected [7, 15, 5], got [7, 15, 4]" in user_text(first)
    assert "the code still fails the check" in repair["messages"][-1]["content"]
    rows = [r for r in ledger.rows(course) if r["stage"] == "code"]
    assert len(rows) == 2 and all(r["tokens_in"] > 0 and not r["cache_hit"] for r in rows)


def test_asking_again_for_the_same_failure_pays_nothing(failing, server):
    course, path = failing
    server.actions += [{"content": path.read_text().replace(WRONG, RIGHT)}]
    for _ in range(2):
        with pytest.raises(InputError):
            code.check_course(Course.load(SLUG, course.root), [LECTURE])
    calls = [r for r in ledger.rows(course) if r["stage"] == "code"]
    assert [r["cache_hit"] for r in calls] == [0, 1]  # the second answer came from the cache


def test_a_fix_that_never_passes_is_not_offered(failing, server, capsys):
    course, path = failing
    with pytest.raises(InputError) as err:
        code.check_course(course, [LECTURE])
    assert "a fix passes" not in err.value.format_message()
    assert not protect.proposed_path(path).exists()
    assert (
        "no fix proposed for courses/llmcourse/lectures/01-01-topic-1-1.md"
        in capsys.readouterr().err
    )
