"""A Python client generated from the served spec, as a client team would make it, used against
a real server: the seed's schema names, the API's operation names, one class per schema."""
import importlib
import inspect
import subprocess
import sys

import httpx
import pytest
import yaml

from tests import factories
from tests.conftest import make_token
from web.routing import handler_name
from web.served_spec import SPEC_FILE

SEED = SPEC_FILE.parents[2] / "shared" / "seed" / "bitrix-integration-api.yaml"
PACKAGE = "generated_bitrix_client"
SCHEMA_KEYS = ("schema", "items", "additionalProperties")


def inline_class_schemas(node, key=None, in_list_of=None) -> int:
    """How many schemas written in place (not in components/schemas) a generator may make a class of:
    objects and enums. Each may give one class; a resolved spec gives one per use."""
    count = 0
    if isinstance(node, dict):
        is_schema = key in SCHEMA_KEYS or in_list_of in ("oneOf", "anyOf", "allOf") or key == "property"
        if is_schema and "$ref" not in node and ("enum" in node or node.get("type") == "object"):
            count += 1
        for child_key, child in node.items():
            if child_key == "properties" and isinstance(child, dict):
                count += sum(inline_class_schemas(value, "property") for value in child.values())
            elif child_key == "schemas" and key == "components":
                # Named schemas are counted as schemas; what is written inside them is inline.
                count += sum(inline_class_schemas(value, "named") for value in child.values())
            else:
                count += inline_class_schemas(child, child_key)
    elif isinstance(node, list):
        count += sum(inline_class_schemas(item, key, in_list_of=key) for item in node)
    return count


@pytest.fixture
def generated(live_server, tmp_path):
    """The client generated from the running server's /openapi.json, imported."""
    served = tmp_path / "openapi.json"
    served.write_bytes(httpx.get(live_server + "/openapi.json").content)
    config = tmp_path / "generator.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run: the package is only imported
    generate = subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--path", str(served),
                               "--output-path", str(tmp_path / PACKAGE), "--meta", "none", "--config", str(config)],
                              capture_output=True, text=True, timeout=120)
    assert generate.returncode == 0, generate.stdout + generate.stderr
    assert "Warning" not in generate.stdout, generate.stdout
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE), yaml.safe_load(served.read_text())
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_generated_client_has_the_seeds_names_and_one_class_per_schema(generated):
    package, spec = generated
    models = importlib.import_module(f"{PACKAGE}.models")
    classes = {name for name, value in inspect.getmembers(models, inspect.isclass)
               if value.__module__.startswith(f"{PACKAGE}.models.")}
    assert set(yaml.safe_load(SEED.read_text(encoding="utf-8"))["components"]["schemas"]) <= classes
    # Counted on the file: a spec served with its references resolved writes every use in place.
    written = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    assert len(classes) <= len(written["components"]["schemas"]) + inline_class_schemas(written), sorted(classes)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            module = f"{PACKAGE}.api.{operation['tags'][0].lower()}.{handler_name(operation['operationId'])}"
            assert callable(importlib.import_module(module).sync), f"{method} {path}"


def test_generated_client_lists_users_and_creates_a_rule(generated, live_server, connected):
    package, _spec = generated
    member_id = connected()
    factories.users(member_id, 3)
    factories.pipelines(member_id)
    factories.steps(member_id)
    factories.fields(member_id)
    models = importlib.import_module(f"{PACKAGE}.models")
    users = importlib.import_module(f"{PACKAGE}.api.users.list_users")
    client = package.AuthenticatedClient(base_url=live_server, token=make_token("account-1"))

    page = users.sync(client=client, size=2)
    assert isinstance(page, models.UserListBitrixResp)
    assert page.count == 3 and [user.bitrix_user_id for user in page.items] == ["1", "2"]

    rule = models.BitrixRulesReq(
        performer_id="1", pipeline_id=0, type_id="SALE", stage_id="NEW", source_id="WEB", status_id="",
        lead_flag=False, tags_to_add=models.TagsToAdd(deal=["квиз"]),
        fields_rule=models.BitrixFieldRules(deal=models.BitrixFieldRule(
            question_id=models.BitrixFieldRuleQuestionID.from_dict({"12": "UF_CRM_1700000000"}))))
    created = importlib.import_module(f"{PACKAGE}.api.rules.create_rule").sync(quiz_id=5, client=client, body=rule)
    read = importlib.import_module(f"{PACKAGE}.api.rules.get_rule").sync(quiz_id=5, client=client)
    assert isinstance(created, models.BitrixRule) and type(read) is type(created)
    assert (read.quiz_id, read.account_id, read.tags_to_add.deal) == (5, member_id, ["квиз"])
    assert read.fields_rule.deal.question_id.to_dict() == {"12": "UF_CRM_1700000000"}
