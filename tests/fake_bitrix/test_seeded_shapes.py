"""The seeded portal answers in the documented shapes: pipelines, stages, user fields, users."""

import pytest
import requests

from fake_bitrix.seed import build

FIELD_TYPES = {"string", "integer", "double", "boolean", "datetime", "date", "enumeration", "iblock_section",
               "iblock_element", "employee", "crm_status", "crm", "address", "money", "url", "file",
               "rest_17_crm_pena_tag"}


def test_deal_pipelines_are_camel_case_integers(rest):
    body = rest.post("crm.category.list", entityTypeId=2).json()

    categories = body["result"]["categories"]
    assert body["total"] == len(categories) == 3
    assert categories[0] == {"id": 0, "name": "Общая", "sort": 100, "entityTypeId": 2, "isDefault": "Y",
                             "originId": "", "originatorId": ""}
    assert all(isinstance(category["id"], int) for category in categories)
    assert [category["isDefault"] for category in categories[1:]] == ["N", "N"]


@pytest.mark.parametrize(("entity_type_id", "error"), [(1, "ENTITY_TYPE_NOT_SUPPORTED"),
                                                       (7, "ENTITY_TYPE_NOT_SUPPORTED"), (999, "NOT_FOUND")])
def test_pipelines_of_unsupported_types(rest, entity_type_id, error):
    refused = rest.post("crm.category.list", entityTypeId=entity_type_id)
    assert (refused.status_code, refused.json()["error"]) == (400, error)


@pytest.mark.parametrize("entity_type_id", [3, 4, 31])
def test_other_types_have_a_default_pipeline(rest, entity_type_id):
    categories = rest.result("crm.category.list", entityTypeId=entity_type_id)["categories"]
    assert [category["isDefault"] for category in categories] == ["Y"]


def test_stages_of_a_pipeline_are_prefixed(rest):
    category = rest.portal.data.categories[2][2]["id"]

    stages = rest.result("crm.status.list", filter={"ENTITY_ID": f"DEAL_STAGE_{category}"})

    assert stages and all(stage["STATUS_ID"].startswith(f"C{category}:") for stage in stages)
    assert {stage["CATEGORY_ID"] for stage in stages} == {str(category)}
    won = next(stage for stage in stages if stage["STATUS_ID"].endswith(":WON"))
    assert (won["SEMANTICS"], won["EXTRA"]["SEMANTICS"]) == ("S", "success")
    assert any(stage["SYSTEM"] == "N" and stage["NAME_INIT"] == "" for stage in stages), "custom stages"


def test_dictionaries_and_default_stages(rest):
    default = rest.result("crm.status.list", filter={"ENTITY_ID": "DEAL_STAGE"})
    sources = rest.result("crm.status.list", filter={"ENTITY_ID": "SOURCE"})
    everything = rest.post("crm.status.list").json()

    assert [stage["STATUS_ID"] for stage in default][:2] == ["NEW", "PREPARATION"]
    assert all(stage["CATEGORY_ID"] is None and isinstance(stage["ID"], str) for stage in default)
    assert {"CALL", "WEB", "WEBFORM"} <= {source["STATUS_ID"] for source in sources}
    assert "EXTRA" not in sources[0] and sources[0]["SEMANTICS"] is None
    assert everything["total"] > 50 and everything["next"] == 50, "more than one page of statuses"


@pytest.mark.parametrize("entity", ["lead", "deal", "contact", "company"])
def test_user_fields_cover_every_type(rest, entity):
    fields = rest.result(f"crm.{entity}.userfield.list", filter={"LANG": "ru"})

    assert {field["USER_TYPE_ID"] for field in fields} == FIELD_TYPES
    assert all(field["FIELD_NAME"].startswith("UF_CRM_") for field in fields)
    assert {field["ENTITY_ID"] for field in fields} == {f"CRM_{entity.upper()}"}
    assert all(field["MULTIPLE"] in ("Y", "N") and field["MANDATORY"] in ("Y", "N") for field in fields)
    enumeration = next(field for field in fields if field["USER_TYPE_ID"] == "enumeration")
    assert enumeration["LIST"][0]["VALUE"] == "Квиз" and isinstance(enumeration["LIST"][0]["ID"], str)
    assert all(isinstance(field["EDIT_FORM_LABEL"], str) and field["EDIT_FORM_LABEL"] for field in fields)


def test_user_field_labels_depend_on_lang(rest):
    without_lang = rest.result("crm.deal.userfield.list")
    in_english = rest.result("crm.deal.userfield.list", filter={"LANG": "en"})
    one = rest.result("crm.deal.userfield.get", id=without_lang[0]["ID"])

    assert "EDIT_FORM_LABEL" not in without_lang[0]
    tag = next(field for field in in_english if field["FIELD_NAME"] == "UF_CRM_PENA_TAG")
    assert tag["EDIT_FORM_LABEL"] == "Теги квиза", "the app's own field has a label in every language"
    assert one["EDIT_FORM_LABEL"]["ru"] and one["EDIT_FORM_LABEL"]["en"] == ""


def test_many_extra_fields_page_by_fifty(fake_bitrix):
    portal = fake_bitrix.add_portal(users=2, fields=100)
    token = portal.issue_tokens()["access_token"]
    url = f"{portal.client_endpoint}crm.lead.userfield.list"
    body = requests.post(url, json={"auth": token}, timeout=5).json()

    assert body["total"] == 117 and body["next"] == 50


def test_users_look_real(rest):
    users = rest.result("user.get")

    first = users[0]
    assert first["ID"] == "1" and first["ACTIVE"] is True and first["UF_DEPARTMENT"] == [1]
    assert all(isinstance(user["ID"], str) and isinstance(user["ACTIVE"], bool) for user in users)
    assert all(user["NAME"][0] in "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ" for user in users)
    assert any(user["WORK_POSITION"] for user in users)
    assert all(user["IS_ONLINE"] in ("Y", "N") for user in users)


def test_same_seed_same_portal_and_big_portals_build():
    assert build(seed=5, users=50).users == build(seed=5, users=50).users
    assert build(seed=5, users=50).users != build(seed=6, users=50).users

    # How fast it builds is the benchmarks' business (benchmarks/sync prints the fake's memory);
    # a CPU-time bound here failed under the suite's other threads.
    data = build(users=100_000, fields=200)
    assert len(data.users) == 100_000 and data.users[-1]["ID"] == "100000"
    assert sum(not user["ACTIVE"] for user in data.users) > 5_000
