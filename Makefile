# Lectern: `make course TOPIC=example` builds a whole course; `make test` tests Lectern.
# Make decides what is out of date by timestamps; each stage then skips anything whose
# inputs hash to what made it, so a rerun with nothing changed does no work.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
LECTERN := $(PY) -m pipeline
SETUP_STAMP := $(VENV)/.lectern-setup

# --- what the person types is checked as text, never by a shell or by Make expanding it:
# `TOPIC="x'; rm …"` or `TOPIC='$$(shell …)'` must not run anything. $(value V) is the raw
# text; a := copy of it is never expanded again. -------------------------------------------
SLUG_CHARS := a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 - _
strip_chars = $(if $2,$(call strip_chars,$(subst $(firstword $2),,$1),$(wordlist 2,99,$2)),$1)
# yes when $1 is one word of [a-z0-9_-] that does not start with - or _
is_name = $(if $(and $(filter 1,$(words $1)),$(if $(call strip_chars,$1,$(SLUG_CHARS)),,1),$(if $(filter -% _%,$1),,1)),yes)
define check_name
RAW_$1 := $$(value $1)
ifneq ($$(RAW_$1),)
ifneq ($$(call is_name,$$(RAW_$1)),yes)
$$(error $1='$$(RAW_$1)' is not valid: use lowercase letters, digits, '-' and '_' only (no '/', '..', spaces, quotes or '$$$$'))
endif
endif
override $1 := $$(RAW_$1)
endef
$(foreach V,TOPIC STAGE LECTURE,$(eval $(call check_name,$V)))
# Flags are passed to Python as text (exported), never expanded by Make.
$(foreach V,FORCE AUTO_APPROVE LECTERN_DEBUG UNSAFE_LOCAL,$(eval override $V := $$(value $V)))
export AUTO_APPROVE LECTERN_DEBUG UNSAFE_LOCAL
# One run per course: every stage process this make starts belongs to its run, named by
# the process id of the make the person started (see pipeline/locks.py).
ifndef LECTERN_RUN
LECTERN_RUN := $(shell echo $$PPID)
endif
export LECTERN_RUN
C := courses/$(TOPIC)
O := output/$(TOPIC)

# FORCE=1 forces the stages named on the command line (`course`: all of them), never the
# ones Make runs on the way: `make scripts FORCE=1` must not overwrite the lectures it
# reads. A forced stage's rules depend on a phony target, so Make runs them even when
# the files look current, and the stage gets --force (it overwrites after a backup).
# The list is worked out once, by the make the person started, and handed down.
unexport FORCE
ifndef LECTERN_FORCED
GOALS := $(patsubst bundles,video book udemy kdp,$(MAKECMDGOALS))
LECTERN_FORCED := $(if $(filter-out 0,$(FORCE)),$(if $(filter course,$(GOALS)),all,$(GOALS)))
endif
export LECTERN_FORCED
forced = $(filter $1 all,$(LECTERN_FORCED))
force_dep = $(if $(call forced,$1),.lectern-force)
SPACE := $(subst ,, )
force_flag = $(if $(call forced,$1),$(SPACE)--force)
.PHONY: .lectern-force
.lectern-force: ;

# Goals that need no course; every other goal (a stage, course, status…) needs TOPIC.
NO_TOPIC_GOALS := help setup test test-fast bench lint golden docs new
# Goals that need no per-lecture rules (course runs its stages in sub-makes).
NO_RULES_GOALS := $(NO_TOPIC_GOALS) course outline approve status why check-script check-code clean \
	revise estimate costs preview serve
.PHONY: help setup test test-fast bench lint golden docs new course bundles approve status \
	why check-script check-code clean revise estimate costs preview serve

help:
	@echo "make course TOPIC=example   build every stage, stopping at review checkpoints"
	@echo "make test                   run the test suite"
	@echo "make new TOPIC=x | status | why | check-script | check-code | approve STAGE=outline|drafts|scripts"
	@echo "make clean TOPIC=x | <stage> TOPIC=x"
	@echo "make test-fast | lint | docs | golden | bench   for developing Lectern"

# --- setup: Python venv + packages, and the system programs later stages need ----------
# Lectern's bytecode is written once, even where PYTHONDONTWRITEBYTECODE is set: every
# stage is a new Python process, and compiling Lectern again costs each one ~0.3 s.
setup: $(SETUP_STAMP)
	@scripts/setup-system.sh
	@$(PY) -m compileall -q pipeline

$(SETUP_STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# --- an existing course is checked before anything runs (Python prints the helpful
# message; TOPIC is a plain name by now, so the shell only ever sees [a-z0-9_-]) ---------
ifneq ($(filter-out $(NO_TOPIC_GOALS),$(MAKECMDGOALS)),)
TOPIC_OK := $(if $(and $(TOPIC),$(wildcard $(C)/topic.yaml)),yes)
ifneq ($(TOPIC_OK),yes)
$(error $(shell if [ -x $(PY) ]; then $(LECTERN) check-topic '$(TOPIC)' 2>&1 | sed 's/^error: //'; else echo "TOPIC='$(TOPIC)': run make setup first"; fi))
endif
endif

# Output stages also depend on Lectern's own code: after an upgrade each stage runs once
# and, where its content hash says nothing changed, only touches its output.
CODE := $(wildcard pipeline/*.py pipeline/*/*.py pipeline/*/*/*.py)

# The stages' rules come from the stage registry (pipeline/stages/__init__.py): they are
# generated into pipeline/stages.mk, and run over the course's lecture and section ids,
# which `lectern rules` writes to output/T/rules.mk from the outline. On a new course Make
# first makes the outline (its rule is in stages.mk), then rules.mk, and starts again, so
# `make outline drafts scripts quizzes` does all the work in one run. `course` runs its
# stages in sub-makes after its checkpoints, so an outline with mistakes stops the run
# there, with its errors printed once.
ifneq ($(and $(TOPIC_OK),$(filter-out $(NO_RULES_GOALS),$(MAKECMDGOALS))),)
include $(O)/rules.mk
$(O)/rules.mk: $(C)/outline.yaml pipeline/rules.py
	@$(LECTERN) rules $(TOPIC) >/dev/null
endif
include pipeline/stages.mk

# --- the whole course. Order matters: each review checkpoint stops the run (a normal
# stop, exit 0) until the person approves; only then do the next stages start. --------
# The stages after the checkpoints run JOBS at a time (one per core by default): the
# narration, which waits only for the slide scripts, runs beside the decks and frames.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
course: setup
	@$(MAKE) --no-print-directory outline && \
	$(LECTERN) checkpoint $(TOPIC) outline && \
	$(MAKE) --no-print-directory drafts && \
	$(LECTERN) checkpoint $(TOPIC) drafts && \
	$(MAKE) --no-print-directory -j$(JOBS) bundles; \
	rc=$$?; if [ $$rc -eq 75 ]; then exit 0; else exit $$rc; fi

bundles: video book udemy kdp

# --- review and housekeeping -----------------------------------------------------------
new: setup
	@$(LECTERN) new '$(TOPIC)'

approve: setup
	@$(LECTERN) approve $(TOPIC) $(STAGE)$(call force_flag,approve)

status: setup
	@$(LECTERN) status $(TOPIC)

why: setup
	@$(LECTERN) why $(TOPIC)$(if $(LECTURE), --lecture $(LECTURE))

check-script: setup
	@$(LECTERN) check-script $(TOPIC)$(if $(LECTURE), --lecture $(LECTURE))

# Runs every code example in a sandbox (bubblewrap); UNSAFE_LOCAL=1 runs it without one.
check-code: setup
	@$(LECTERN) check-code $(TOPIC)$(if $(LECTURE), --lecture $(LECTURE))

clean: setup
	@$(LECTERN) clean $(TOPIC)

revise: setup
	$(LECTERN) revise $(TOPIC)

estimate: setup
	@$(LECTERN) estimate $(TOPIC)

costs: setup
	@$(LECTERN) costs $(TOPIC)

preview: setup
	$(LECTERN) preview $(TOPIC)

serve: setup preview
	$(LECTERN) serve $(TOPIC)

# --- development -----------------------------------------------------------------------
# A worker per core, each taking whole test files (they share expensive fixtures): the
# whole-course build runs beside the rest instead of after it.
TEST_WORKERS ?= auto
test: setup
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# What CI checks besides the tests: lint, layout, types (a ratchet), generated files.
lint: setup
	$(PY) -m ruff check pipeline tests bench
	$(PY) -m ruff format --check pipeline tests bench
	scripts/mypy-ratchet
	$(LECTERN) docs --check

# The quick loop: everything but the whole-course builds (`make test` runs them too).
test-fast: setup
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench

# Rewrite the generated parts of docs/*.md and README.md (the topic.yaml reference…) from
# the code; the tests fail while any is stale (`python -m pipeline docs --check`).
docs: setup
	$(LECTERN) makefile
	$(LECTERN) docs

# Refresh the golden files of text outputs on purpose (review the diff before committing).
golden: setup
	LECTERN_UPDATE_GOLDEN=1 $(PY) -m pytest -q -k golden
