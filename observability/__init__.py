"""Logs and metrics: what an operator reads to run the service. Its own package because every
process role (API, worker) sets it up, and no business module should know how it is exported."""
