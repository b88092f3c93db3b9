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
$(foreach V,FORCE AUTO_APPROVE LECTERN_DEBUG,$(eval override $V := $$(value $V)))
export AUTO_APPROVE LECTERN_DEBUG
# One run per course: every stage process this make starts belongs to its run, named by
# the process id of the make the person started (see pipeline/locks.py).
ifndef LECTERN_RUN
LECTERN_RUN := $(shell echo $$PPID)
endif
export LECTERN_RUN
C := courses/$(TOPIC)
O := output/$(TOPIC)

STAGE_TARGETS := outline drafts scripts quizzes decks frames narration video book udemy kdp

# FORCE=1 forces the stages named on the command line (`course`: all of them), never the
# ones Make runs on the way: `make scripts FORCE=1` must not overwrite the lectures it
# reads. A forced stage's rules depend on a phony target, so Make runs them even when
# the files look current, and the stage gets --force (it overwrites after a backup).
# The list is worked out once, by the make the person started, and handed down.
unexport FORCE
ifndef LECTERN_FORCED
GOALS := $(patsubst bundles,video book udemy kdp,$(MAKECMDGOALS))
LECTERN_FORCED := $(if $(filter-out 0,$(FORCE)),$(if $(filter course,$(GOALS)),$(STAGE_TARGETS),$(filter $(STAGE_TARGETS),$(GOALS))))
endif
export LECTERN_FORCED
force_dep = $(if $(filter $1,$(LECTERN_FORCED)),.lectern-force)
SPACE := $(subst ,, )
force_flag = $(if $(filter $1,$(LECTERN_FORCED)),$(SPACE)--force)
.PHONY: .lectern-force
.lectern-force: ;

TOPIC_TARGETS := course $(STAGE_TARGETS) approve status clean revise estimate costs preview serve bundles
.PHONY: help setup test bench lint golden docs new $(TOPIC_TARGETS)

help:
	@echo "make course TOPIC=example   build every stage, stopping at review checkpoints"
	@echo "make test                   run the test suite"
	@echo "make new TOPIC=x | status | approve STAGE=outline|drafts | clean | <stage> TOPIC=x"

# --- setup: Python venv + packages, and the system programs later stages need ----------
setup: $(SETUP_STAMP)
	@scripts/setup-system.sh

$(SETUP_STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# --- an existing course is checked before anything runs (Python prints the helpful
# message; TOPIC is a plain name by now, so the shell only ever sees [a-z0-9_-]) ---------
ifneq ($(filter $(TOPIC_TARGETS),$(MAKECMDGOALS)),)
TOPIC_OK := $(if $(and $(TOPIC),$(wildcard $(C)/topic.yaml)),yes)
ifneq ($(TOPIC_OK),yes)
$(error $(shell if [ -x $(PY) ]; then $(LECTERN) check-topic '$(TOPIC)' 2>&1 | sed 's/^error: //'; else echo "TOPIC='$(TOPIC)': run make setup first"; fi))
endif
endif

# Output stages also depend on Lectern's own code: after an upgrade each stage runs once
# and, where its content hash says nothing changed, only touches its output.
CODE := $(wildcard pipeline/*.py pipeline/*/*.py pipeline/*/*/*.py)

# Per-lecture rules, generated from the outline (after CODE: they use it), for the targets
# that need them. On a new course Make first makes the outline (the rule below), then
# these rules, and starts again with them, so `make outline drafts scripts quizzes` does
# all the work in one run. `course` runs them in sub-makes after its checkpoints, so an
# outline with mistakes stops the run there, with its errors printed once.
RULES_GOALS := drafts scripts quizzes decks frames narration video book udemy kdp bundles
ifneq ($(and $(TOPIC_OK),$(filter $(RULES_GOALS),$(MAKECMDGOALS))),)
include $(O)/rules.mk
$(O)/rules.mk: $(C)/outline.yaml pipeline/rules.py
	@$(LECTERN) rules $(TOPIC) >/dev/null
endif

DRAFTS  = $(foreach L,$(LECTURES),$(C)/lectures/$(L).md)
SCRIPTS = $(foreach L,$(LECTURES),$(C)/slides/$(L).md)
QUIZZES = $(foreach S,$(SECTIONS),$(C)/quizzes/$(S).yaml)
DECKS   = $(foreach L,$(LECTURES),$(O)/decks/$(L).pptx)
FRAMES  = $(foreach L,$(LECTURES),$(O)/frames/$(L)/frames.json)
AUDIO   = $(foreach L,$(LECTURES),$(O)/audio/$(L)/narration.json $(O)/audio/$(L)/narration.wav)
VIDEOS  = $(foreach L,$(LECTURES),$(O)/video/$(L).mp4)
EPUB    = $(O)/book/$(TOPIC).epub
UDEMY   = $(O)/udemy.zip
KDP     = $(O)/kdp/listing.md

# Every file a stage writes is written atomically, so an interrupted recipe never leaves
# half a file: Make must not delete its targets on Ctrl-C either. Above all the files under
# courses/, which may hold a person's edits (GNU Make deletes an interrupted target whose
# time changed, and stages touch the files they verify).
.PRECIOUS: $(C)/outline.yaml $(DRAFTS) $(SCRIPTS) $(QUIZZES) $(DECKS) $(FRAMES) $(AUDIO) \
	$(VIDEOS) $(EPUB) $(UDEMY) $(KDP)

# --- the whole course. Order matters: each review checkpoint stops the run (a normal
# stop, exit 0) until the person approves; only then do the next stages start. --------
course: setup
	@$(MAKE) --no-print-directory outline && \
	$(LECTERN) checkpoint $(TOPIC) outline && \
	$(MAKE) --no-print-directory drafts && \
	$(LECTERN) checkpoint $(TOPIC) drafts && \
	$(MAKE) --no-print-directory bundles; \
	rc=$$?; if [ $$rc -eq 75 ]; then exit 0; else exit $$rc; fi

bundles: video book udemy kdp

# --- one target per stage -------------------------------------------------------------
outline: setup $(C)/outline.yaml
$(C)/outline.yaml: $(C)/topic.yaml $(call force_dep,outline)
	$(LECTERN) outline $(TOPIC)$(call force_flag,outline)

# Drafts are written in one process so the LLM calls run concurrently.
drafts: setup $(DRAFTS)
$(DRAFTS) &: $(C)/outline.yaml $(call force_dep,drafts)
	$(LECTERN) drafts $(TOPIC)$(call force_flag,drafts)

scripts: setup $(SCRIPTS)
quizzes: setup $(QUIZZES)
decks: setup $(DECKS)
frames: setup $(FRAMES)
narration: setup $(AUDIO)
video: setup $(VIDEOS)

book: setup $(EPUB)
$(EPUB): $(DRAFTS) $(QUIZZES) $(C)/outline.yaml $(C)/topic.yaml $(CODE) $(call force_dep,book)
	$(LECTERN) book $(TOPIC)$(call force_flag,book)

# The Udemy bundle packs the videos, the decks' PDFs (made by frames) and the quizzes.
udemy: setup $(UDEMY)
$(UDEMY): $(VIDEOS) $(DECKS) $(FRAMES) $(QUIZZES) $(C)/outline.yaml $(C)/topic.yaml $(CODE) \
		$(call force_dep,udemy)
	$(LECTERN) udemy $(TOPIC)$(call force_flag,udemy)

kdp: setup $(KDP)
$(KDP): $(EPUB) $(CODE) $(call force_dep,kdp)
	$(LECTERN) kdp $(TOPIC)$(call force_flag,kdp)

# --- review and housekeeping -----------------------------------------------------------
new: setup
	@$(LECTERN) new '$(TOPIC)'

approve: setup
	@$(LECTERN) approve $(TOPIC) $(STAGE)

status: setup
	@$(LECTERN) status $(TOPIC)

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
test: setup
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check pipeline tests bench

bench: setup
	$(PY) -m bench

# Rewrite the generated parts of docs/*.md and README.md (the topic.yaml reference…) from
# the code; the tests fail while any is stale (`python -m pipeline docs --check`).
docs: setup
	$(LECTERN) docs

# Refresh the golden files of text outputs on purpose (review the diff before committing).
golden: setup
	LECTERN_UPDATE_GOLDEN=1 $(PY) -m pytest -q -k golden
