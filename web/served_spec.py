"""The spec as this deployment serves it at /openapi.json and /openapi.yaml: the file as written.

Connexion serves the spec after resolving every `$ref` (spec-first/connexion#2127), and a client
generated from that invents a class for every use of a schema. So Connexion's own spec routes
are off (`serve_spec=False`; its Swagger UI stays and reads /openapi.json) and these routes serve
spec/openapi.yaml with its references, changed only where a deployment must differ.
"""
import copy
import json
from pathlib import Path

import yaml
from connexion.options import SwaggerUIOptions
from starlette.responses import Response

SPEC_FILE = Path(__file__).resolve().parent.parent / "spec" / "openapi.yaml"
SWAGGER_UI = SwaggerUIOptions(serve_spec=False, swagger_ui_path="/ui")


def read_spec() -> dict:
    """spec/openapi.yaml as written."""
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))


def load_spec(settings) -> dict:
    """The spec of this deployment: with BITRIX_ALLOW_HTTP, portal URLs may be http://."""
    spec = read_spec()
    if settings.bitrix_allow_http:
        body = spec["paths"]["/bitrix/account"]["post"]["requestBody"]["content"]["application/json"]
        url = body["schema"]["properties"]["client_bitrix_url"]
        url["pattern"] = url["pattern"].replace("^https://", "^https?://")
    return spec


def behind(spec: dict, root_path: str) -> dict:
    """The spec as seen through a proxy that mounts the service under `root_path`."""
    root_path = root_path.rstrip("/")
    if not root_path:
        return spec
    moved = copy.copy(spec)
    moved["servers"] = [{**server, "url": root_path} for server in spec.get("servers") or [{}]]
    return moved


class SpecDocuments:
    """The two documents; those of the usual mount point are rendered once."""

    def __init__(self, spec: dict):
        self.spec = copy.deepcopy(spec)
        self.at_root = {kind: self._render(kind, "") for kind in ("json", "yaml")}

    def _render(self, kind: str, root_path: str) -> bytes:
        spec = behind(self.spec, root_path)
        if kind == "json":
            return json.dumps(spec, ensure_ascii=False).encode("utf-8")
        return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False).encode("utf-8")

    def _body(self, kind: str, request) -> bytes:
        root_path = request.scope.get("root_path", "").rstrip("/")
        return self._render(kind, root_path) if root_path else self.at_root[kind]

    async def json(self, request):
        return Response(self._body("json", request), media_type="application/json")

    async def yaml(self, request):
        return Response(self._body("yaml", request), media_type="text/yaml")


def serve(app, spec: dict) -> None:
    """Add /openapi.json and /openapi.yaml serving `spec` to a Connexion app."""
    documents = SpecDocuments(spec)
    app.add_url_rule("/openapi.json", "openapi_json", documents.json, methods=["GET"])
    app.add_url_rule("/openapi.yaml", "openapi_yaml", documents.yaml, methods=["GET"])
