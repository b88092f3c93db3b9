# Lectern: `make course TOPIC=example` builds a whole course; `make test` tests Lectern.
# Make decides what is out of date by timestamps; each stage then skips anything whose
# inputs hash to what made it, so a rerun with nothing changed does no work.

SHELL := /bin/bash
TOPIC ?=
VENV := .venv
PY := $(VENV)/bin/python
LECTERN := $(PY) -m pipeline
C := courses/$(TOPIC)
O := output/$(TOPIC)
SETUP_STAMP := $(VENV)/.lectern-setup
export FORCE AUTO_APPROVE LECTERN_DEBUG

STAGE_TARGETS := outline drafts scripts quizzes decks frames narration video book udemy kdp
TOPIC_TARGETS := course $(STAGE_TARGETS) approve status clean revise estimate costs preview serve bundles
.PHONY: help setup test bench lint golden new $(TOPIC_TARGETS)

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

# --- a valid TOPIC is checked before anything runs (Python prints the helpful message) --
ifneq ($(filter $(TOPIC_TARGETS),$(MAKECMDGOALS)),)
TOPIC_OK := $(shell [[ '$(TOPIC)' =~ ^[a-z0-9][a-z0-9_-]{0,63}$$ ]] && [ -f courses/$(TOPIC)/topic.yaml ] && echo yes)
ifneq ($(TOPIC_OK),yes)
$(error $(shell if [ -x $(PY) ]; then $(LECTERN) check-topic '$(TOPIC)' 2>&1 | sed 's/^error: //'; else echo "TOPIC='$(TOPIC)': run make setup first"; fi))
endif
endif

# Output stages also depend on Lectern's own code: after an upgrade each stage runs once
# and, where its content hash says nothing changed, only touches its output.
CODE := $(wildcard pipeline/*.py pipeline/*/*.py pipeline/*/*/*.py)

# Per-lecture rules, generated from the outline once it exists (after CODE: they use it).
ifneq ($(and $(TOPIC_OK),$(wildcard $(C)/outline.yaml)),)
-include $(O)/rules.mk
$(O)/rules.mk: $(C)/outline.yaml pipeline/rules.py
	@$(LECTERN) rules $(TOPIC) >/dev/null
endif

DRAFTS  = $(foreach L,$(LECTURES),$(C)/lectures/$(L).md)
SCRIPTS = $(foreach L,$(LECTURES),$(C)/slides/$(L).md)
QUIZZES = $(foreach S,$(SECTIONS),$(C)/quizzes/$(S).yaml)
DECKS   = $(foreach L,$(LECTURES),$(O)/decks/$(L).pptx)
FRAMES  = $(foreach L,$(LECTURES),$(O)/frames/$(L)/frames.json)
AUDIO   = $(foreach L,$(LECTURES),$(O)/audio/$(L)/narration.json)
VIDEOS  = $(foreach L,$(LECTURES),$(O)/video/$(L).mp4)
EPUB    = $(O)/book/$(TOPIC).epub
UDEMY   = $(O)/udemy.zip
KDP     = $(O)/kdp/listing.md

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
$(C)/outline.yaml: $(C)/topic.yaml
	$(LECTERN) outline $(TOPIC)

# Drafts are written in one process so the LLM calls run concurrently.
drafts: setup $(DRAFTS)
$(DRAFTS) &: $(C)/outline.yaml
	$(LECTERN) drafts $(TOPIC)

scripts: setup $(SCRIPTS)
quizzes: setup $(QUIZZES)
decks: setup $(DECKS)
frames: setup $(FRAMES)
narration: setup $(AUDIO)
video: setup $(VIDEOS)

book: setup $(EPUB)
$(EPUB): $(DRAFTS) $(QUIZZES) $(C)/outline.yaml $(C)/topic.yaml $(CODE)
	$(LECTERN) book $(TOPIC)

# The Udemy bundle packs the videos, the decks' PDFs (made by frames) and the quizzes.
udemy: setup $(UDEMY)
$(UDEMY): $(VIDEOS) $(DECKS) $(FRAMES) $(QUIZZES) $(C)/outline.yaml $(C)/topic.yaml $(CODE)
	$(LECTERN) udemy $(TOPIC)

kdp: setup $(KDP)
$(KDP): $(EPUB) $(CODE)
	$(LECTERN) kdp $(TOPIC)

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

# Refresh the golden files of text outputs on purpose (review the diff before committing).
golden: setup
	LECTERN_UPDATE_GOLDEN=1 $(PY) -m pytest -q -k golden
