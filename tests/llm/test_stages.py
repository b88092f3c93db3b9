"""Happy paths of the LLM text stages through the real openai SDK and a local server."""

from __future__ import annotations

from pipeline import forecast, ledger, protect, slides
from pipeline.course import Course
from pipeline.models import load_outline, load_quiz
from pipeline.stages import drafts, outline, quizzes, revise, scripts
from tests.llm.conftest import SLUG
from tests.llm.server import user_text


def run_text_stages(course: Course) -> None:
    for stage in (outline, drafts, scripts, quizzes):
        stage.run(Course.load(SLUG, course.root))


def test_every_stage_writes_valid_files_and_a_rerun_makes_no_request(course_for, server):
    course = course_for()
    run_text_stages(course)
    fresh = Course.load(SLUG, course.root)
    out = load_outline(fresh.outline_path)
    assert [len(s.lectures) for s in out.sections] == [3, 3]
    for lec in out.lectures:
        assert fresh.lecture_path(lec.id).read_text().startswith(f"# {lec.title}\n")
        parsed = slides.parse_file(fresh.slides_path(lec.id), fresh.image_dirs)
        assert parsed[0].kind == "title" and parsed[-1].kind == "summary"
        assert all(s.note for s in parsed)
    for sec in out.sections:
        assert len(load_quiz(fresh.quiz_path(sec.id)).questions) >= 3
    assert len(server.requests) == 1 + 6 + 6 + 2
    run_text_stages(course)
    assert len(server.requests) == 15


def test_data_is_requested_with_strict_json_schemas(course_for, server):
    course = course_for()
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root), only=["01-01-topic-1-1"])
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
    assert "response_format" not in server.requests[1]  # a drafts is prose, not data
    assert "temperature" not in server.requests[0]  # unset: the model's own default
    assert server.requests[0]["model"] == "gpt-4o-mini"


def test_drafts_get_summaries_of_earlier_lectures_not_their_text(course_for, server):
    course = course_for(concurrency=1)
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root))
    prompts = {
        b["messages"][1]["content"].split("Lecture id: ")[1].split("\n")[0]: user_text(b)
        for b in server.requests[1:]
    }
    third = prompts["01-03-topic-1-3"]
    assert "Topic 1.1: Why idea 1.1 matters" in third and "Topic 1.2:" in third
    assert "Here we look at" not in third  # no earlier lecture text, only summaries
    assert "(this is the first lecture)" in prompts["01-01-topic-1-1"]


def test_forced_rerun_is_answered_from_the_cache(course_for, server):
    course = course_for()
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root))
    drafts.run(Course.load(SLUG, course.root), force=True)
    assert len(server.requests) == 7
    stats = ledger.summary(course)
    assert stats["drafts"]["requests"] == 6 and stats["drafts"]["cache_hits"] == 6


def test_concurrent_drafts_are_bounded_and_all_saved(course_for, server):
    course = course_for(concurrency=3)
    outline.run(course)
    server.rule = lambda body: {"sleep": 0.2}
    drafts.run(Course.load(SLUG, course.root))
    fresh = Course.load(SLUG, course.root)
    assert all(fresh.lecture_path(lec.id).exists() for lec in fresh.outline.lectures)
    assert len(server.requests) == 7
    assert 1 < server.max_inflight <= 3


def test_costs_and_estimate_reports(course_for, server):
    course = course_for(price_in_per_mtok=0.15, price_out_per_mtok=0.6)  # as if it were paid
    before = forecast.report(course)
    assert "outline         1     0" in before and "drafts          6     0" in before
    run_text_stages(course)
    fresh = Course.load(SLUG, course.root)
    after = forecast.report(fresh)
    assert "drafts          6     6          0           0" in after
    report = ledger.report(fresh)
    assert "drafts            6       0       0" in report
    total = ledger.summary(fresh)
    assert sum(s["requests"] for s in total.values()) == 15
    assert ledger.spent(fresh) > 0


def test_revise_proposes_a_revision_and_keeps_the_persons_file(course_for, server, capsys):
    course = course_for()
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root), only=["01-01-topic-1-1"])
    fresh = Course.load(SLUG, course.root)
    path = fresh.lecture_path("01-01-topic-1-1")
    mine = path.read_text() + "\n<!-- revise: make the example about dictionaries -->\n"
    path.write_text(mine)
    revise.run(fresh, only=["01-01-topic-1-1"])
    assert path.read_text() == mine
    proposal = protect.proposed_path(path).read_text()
    assert "Revised: make the example about dictionaries." in proposal
    assert "<!-- revise" not in proposal
    assert "+Revised: make the example about dictionaries." in capsys.readouterr().out
    protect.resolve(fresh.dir, path, take_proposed=True)
    n = len(server.requests)
    drafts.run(Course.load(SLUG, course.root), only=["01-01-topic-1-1"])
    assert len(server.requests) == n and path.read_text() == proposal


def test_outline_rerun_keeps_ids_by_position(course_for, server):
    course = course_for()
    outline.run(course)
    first = load_outline(course.outline_path)
    write = course.topic_path.read_text().replace("Testing with Fakes", "Testing with Doubles")
    course.topic_path.write_text(write)
    outline.run(Course.load(SLUG, course.root))
    second = load_outline(course.outline_path)
    assert second.sections[0].title.startswith("Testing with Doubles")
    assert [x.id for x in second.lectures] == [x.id for x in first.lectures]
    assert [s.id for s in second.sections] == [s.id for s in first.sections]


def test_a_script_deleted_by_hand_is_never_paid_for_again(course_for, server, capsys):
    course = course_for()
    run_text_stages(course)
    lec = course.outline.lectures[0].id
    course.slides_path(lec).unlink()
    lecture = course.lecture_path(lec)
    lecture.write_text(lecture.read_text() + "\nOne more paragraph of mine.\n")
    asked = len(server.requests)
    scripts.run(Course.load(SLUG, course.root))
    assert len(server.requests) == asked  # the changed lecture's scripts was deleted on purpose
    assert f"slides/{lec}.md was deleted by hand" in capsys.readouterr().err
    scripts.run(Course.load(SLUG, course.root), force=True)  # FORCE asks for it again
    assert len(server.requests) == asked + 1 and course.slides_path(lec).exists()
