# Two entry points: `make demo` and `make test`. Each builds .venv from the pinned lock file.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out

.PHONY: demo test lint eval bench serve clean browser

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p $(OUT)
	rm -f $(OUT)/storyline.db
	$(BIN)/storyline ingest samples/corpus --db $(OUT)/storyline.db
	$(BIN)/storyline dossier --db $(OUT)/storyline.db --format md -o $(OUT)/dossier.md
	$(BIN)/storyline dossier --db $(OUT)/storyline.db --format html -o $(OUT)/dossier.html
	$(BIN)/storyline dossier --db $(OUT)/storyline.db --format json -o $(OUT)/dossier.json
	@echo "Wrote $(OUT)/dossier.md, $(OUT)/dossier.html and $(OUT)/dossier.json from $(OUT)/storyline.db"

test: $(STAMP)
	$(BIN)/ruff check storyline tests benchmarks
	$(BIN)/pytest

eval: $(STAMP)
	@echo "Full evaluation: about 70 s on 2 cores"
	$(BIN)/storyline eval all --write-docs docs/EVAL.md

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(OUT)
