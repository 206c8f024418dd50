"""The API contract: openapi.yaml (a package only so that the wheel carries the file)."""
