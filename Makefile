# The targets a newcomer needs. `make run` and `make test` work on a fresh checkout.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
HOST    ?= 127.0.0.1
PORT    ?= 8080
PG_URL  ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install lock run serve worker demo bench-api bench-client bench-sync bench-delivery bench-many bench-load test test-postgres lint migrate fake-bitrix clean

# Versions come from constraints.txt (the lock), so two installs a week apart are the same.
$(STAMP): setup.cfg pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -c constraints.txt --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Refresh the lock: the newest versions setup.cfg allows, resolved in a throwaway venv.
lock:
	rm -rf .lock-venv && python3 -m venv .lock-venv
	.lock-venv/bin/pip install -q --upgrade pip
	.lock-venv/bin/pip install -q -e '.[test]'
	{ echo "# The lock: what \`make install\` installs. Refresh with \`make lock\` (then run the tests)."; \
	  .lock-venv/bin/pip freeze --all --exclude-editable | grep -iv '^bitrix-integration'; } > constraints.txt
	rm -rf .lock-venv

# The API on the embedded defaults: SQLite under var/, in-process worker, development secrets.
# uvicorn's own access log is off: it prints query strings, and the OAuth callback's has a code.
# The protocol holds request lines and headers to MAX_URL_BYTES, MAX_HEADER_BYTES and
# HEADER_TIMEOUT_SECONDS (uvicorn has no setting for them; see web/serving.py).
run: install
	$(PY) -m uvicorn wsgi:app --host $(HOST) --port $(PORT) --no-access-log --http web.serving:LimitedHttpToolsProtocol

# Production-style API: two processes, no embedded worker (run `make worker` beside it).
# The worker is gunicorn's uvicorn worker with the protocol of `make run`.
serve: install
	RUN_WORKER=false $(VENV)/bin/gunicorn -k web.serving.UvicornWorker -w 2 -b $(HOST):$(PORT) wsgi:app

# A dedicated job worker (run the API with RUN_WORKER=false when you run these).
worker: install
	$(PY) -m worker

# SQLite by default; PostgreSQL when TEST_DATABASE_URL names one.
test: install
	$(PY) -m pytest

test-postgres: install
	TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) ../shared/seed/check_spec.py spec/openapi.yaml

migrate: install
	$(PY) -m storage migrate

# The fake Bitrix24 and the service, a demo account connected and synced, a token printed.
demo: install
	$(PY) scripts/demo.py

fake-bitrix: install
	$(PY) -m fake_bitrix

# Benchmarks (on demand; see benchmarks/README.md). Loopback only.
bench-api: install
	bash benchmarks/api_overhead/run.sh

bench-client: install
	bash benchmarks/client_fetch/run.sh

bench-sync: install
	$(PY) benchmarks/sync/run.py

bench-delivery: install
	$(PY) benchmarks/delivery/run.py

# One worker process, 500 portals at 250 ms: today's design next to the new one (about 45 min).
bench-many: install
	$(PY) benchmarks/many_portals/run.py

# Restarts PostgreSQL during its drills: run it only when nothing else uses the server.
bench-load: install
	bash benchmarks/load/run.sh

clean:
	rm -rf $(VENV) .lock-venv var/*.db* .pytest_cache
