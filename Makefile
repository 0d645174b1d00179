# Two entry points: `make demo` and `make test`. Each builds .venv from the hashed lock file
# (wheels only: nothing is compiled for the base install). `make lock` regenerates the locks.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out

.PHONY: demo test lint eval bench bench-scale serve clean browser axe lock postgres

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --only-binary=:all: -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

lock:
	scripts/lock.sh

demo: $(STAMP)
	mkdir -p $(OUT)
	rm -f $(OUT)/storyline.db $(OUT)/storyline.db-wal $(OUT)/storyline.db-shm
	$(BIN)/storyline ingest samples/corpus --db $(OUT)/storyline.db
	$(BIN)/storyline dossier --db $(OUT)/storyline.db --format md -o $(OUT)/dossier.md
	$(BIN)/storyline dossier --db $(OUT)/storyline.db --format html -o $(OUT)/dossier.html
	$(BIN)/storyline dossier --db $(OUT)/storyline.db --format json -o $(OUT)/dossier.json
	@echo "Wrote $(OUT)/dossier.md, $(OUT)/dossier.html and $(OUT)/dossier.json from $(OUT)/storyline.db"
	@echo "Browse it: make serve   (or: $(BIN)/storyline serve --db $(OUT)/storyline.db, then open http://127.0.0.1:8000/)"

serve: $(STAMP)
	test -f $(OUT)/storyline.db || $(MAKE) demo
	$(BIN)/storyline serve --db $(OUT)/storyline.db

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

# axe-core (npm, pinned with its hash in tests/web/axe/package-lock.json) for the accessibility tests
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/web/axe/package.json tests/web/axe/package-lock.json
	@if command -v npm >/dev/null; then \
		mkdir -p $(VENV)/axe && cp tests/web/axe/package.json tests/web/axe/package-lock.json $(VENV)/axe/ && \
		npm ci --prefix $(VENV)/axe --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility tests will be skipped (install nodejs and npm)"; fi

axe: $(STAMP) $(AXE)

# The Aleph (FollowTheMoney) export is the optional extra storyline[aleph]: followthemoney pulls
# pyicu, which has no wheel and compiles against ICU, so the tests install ICU's headers, pkg-config
# and a C++ compiler first (as root or through sudo, like chromium). `make demo` needs none of it.
ALEPH := $(VENV)/.aleph
$(ALEPH): $(STAMP) requirements-aleph.lock
	if ! pkg-config --exists icu-i18n 2>/dev/null || ! command -v g++ >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libicu-dev pkg-config g++; \
	fi
	$(BIN)/pip install --quiet --require-hashes -r requirements-aleph.lock
	touch $(ALEPH)

# The PostgreSQL tests start a throwaway cluster of Debian's postgresql (initdb and pg_ctl into a
# temporary folder, a Unix socket only, no port): install the package when its binaries are missing.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	fi

test: $(STAMP) $(ALEPH) $(CHROMIUM) axe postgres
	$(BIN)/ruff check storyline tests benchmarks
	$(BIN)/pytest

eval: $(STAMP)
	@echo "Full evaluation: about 4 minutes on 2 cores"
	$(BIN)/storyline eval all --write-docs docs/EVAL.md

bench: $(STAMP)
	@echo "Benchmarks take about 15 minutes on 2 cores (10,000 articles are parsed twice)"
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/scale.py --sizes 100 1000 10000
	$(BIN)/python benchmarks/ingest_stream.py --articles 10000
	$(BIN)/python benchmarks/workers.py --articles 300 --rounds 2 --dask
	$(BIN)/python benchmarks/resolve_realistic.py --sizes 1000 2000 4000 8000 --out benchmarks/results/resolve_realistic.json
	$(BIN)/python benchmarks/report.py

# Issue 13's figures (docs/PERFORMANCE.md, "The stored dossier at scale"): clone databases of 1k, 10k
# and 100k articles built through the ingest path (about 90 minutes and 4 GB in BENCH_DB), a 2k-8k
# stream for the growth figure, then each benchmark on them. Results land in benchmarks/results/.
BENCH_DB ?= /tmp/storyline-bench
bench-scale: $(STAMP)
	mkdir -p $(BENCH_DB)
	$(BIN)/python benchmarks/clonedb.py pool
	$(BIN)/python benchmarks/clonedb.py build --sizes 2000 4000 8000 --out $(BENCH_DB)/growth \
		--log benchmarks/results/clonedb_growth.jsonl --stop-file $(BENCH_DB)/STOP
	$(BIN)/python benchmarks/resolve_growth13.py --log benchmarks/results/clonedb_growth.jsonl \
		--out benchmarks/results/resolve_growth13.json
	$(BIN)/python benchmarks/clonedb.py build --sizes 1000 10000 100000 --out $(BENCH_DB) \
		--log benchmarks/results/clonedb_build.jsonl --stop-file $(BENCH_DB)/STOP
	$(BIN)/python benchmarks/batch_cost.py $(BENCH_DB)/db-10000.db $(BENCH_DB)/db-100000.db --batches 6 \
		--out benchmarks/results/batch_cost.json
	$(BIN)/python benchmarks/dossier_story.py --small $(BENCH_DB)/db-1000.db --large $(BENCH_DB)/db-100000.db \
		--out benchmarks/results/dossier_story.json
	$(BIN)/python benchmarks/serve_start.py $(BENCH_DB)/db-100000.db --runs 11 --out benchmarks/results/serve_start.json
	$(BIN)/python benchmarks/web_pages.py $(BENCH_DB)/db-100000.db --out benchmarks/results/web_100k_clones.json
	$(BIN)/python benchmarks/search_words.py $(BENCH_DB)/db-100000.db --out benchmarks/results/search_sqlite_100k.json
	cp $(BENCH_DB)/db-100000.db $(BENCH_DB)/db-100000-feed.db  # the runs below ingest into this copy
	$(BIN)/python benchmarks/serve_start.py $(BENCH_DB)/db-100000-feed.db --runs 11 --feed 100000 \
		--out benchmarks/results/serve_start_feeding.json

clean:
	rm -rf $(VENV) $(OUT)
