"""Background work: the worker that runs queued jobs, and what it schedules by itself.

Its own package because it is a process role of its own: it runs inside the API process by
default (RUN_WORKER=true) or as dedicated processes (`python -m worker`, `make worker`).
"""
