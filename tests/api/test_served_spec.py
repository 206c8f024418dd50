"""The spec clients generate from: spec/openapi.yaml as written, references and all.

What a deployment may change is named here one by one; anything else that differs from the
file is a defect (Connexion's own spec routes serve every `$ref` resolved).
"""
import copy
import dataclasses
import subprocess
import sys
from pathlib import Path

import yaml

from web.served_spec import SPEC_FILE

CHECK_SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "check_spec.py"


def as_written() -> dict:
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))


def test_json_and_yaml_are_the_file_as_written(client):
    written = as_written()
    served = client.get("/openapi.json")
    assert served.headers["content-type"].startswith("application/json")
    assert served.json() == written
    assert yaml.safe_load(client.get("/openapi.yaml").text) == written
    assert "$ref" in served.text


def test_http_portals_change_only_the_portal_url_pattern(settings):
    from wsgi import create_app
    with create_app(dataclasses.replace(settings, bitrix_allow_http=True)).test_client() as http_client:
        served = http_client.get("/openapi.json").json()
    expected = as_written()
    body = expected["paths"]["/bitrix/account"]["post"]["requestBody"]["content"]["application/json"]
    url = body["schema"]["properties"]["client_bitrix_url"]
    assert url["pattern"].startswith("^https://")
    url["pattern"] = "^https?://" + url["pattern"].removeprefix("^https://")
    assert served == expected


def test_behind_a_proxy_the_server_is_the_mount_point(app):
    with app.test_client(root_path="/integration") as proxied:
        served = proxied.get("/openapi.json").json()
    expected = copy.deepcopy(as_written())
    expected["servers"] = [{**server, "url": "/integration"} for server in expected.get("servers") or [{}]]
    assert served == expected


def test_served_spec_keeps_the_seed(client, tmp_path):
    assert CHECK_SPEC.exists(), f"the seed check is missing: {CHECK_SPEC}"
    downloaded = tmp_path / "openapi.json"
    downloaded.write_bytes(client.get("/openapi.json").content)
    check = subprocess.run([sys.executable, str(CHECK_SPEC), str(downloaded)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_swagger_ui_reads_the_served_document(client):
    ui = client.get("/ui/")
    assert ui.status_code == 200 and 'url: "/openapi.json"' in ui.text
    assert client.get("/ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/ui", follow_redirects=False).status_code in (301, 302, 307)
