"""The lists a rule editor uses (issue 17): each filter against the fake portal's data, synced
through the real sync, on whichever database the suite runs on."""
import logging
from urllib.parse import quote

import httpx
import pytest

from service import sync
from service.sync.field_types import spec_type
from storage import db
from tests import factories
from tests.conftest import auth


@pytest.fixture
def fake_portal(fake_bitrix):
    # Enough people for names that repeat and for last names kept in capitals (as imported from
    # accounting software), and deal pipelines of its own.
    return fake_bitrix.add_portal(users=400, seed=17, fields=2, pipelines=5)


def sync_lists(member_id, worker, lists=tuple(sync.LISTS)):
    with db.connection():
        sync.queue(member_id, lists)
    worker.drain()


@pytest.fixture
def portal(bound_portal, worker):
    sync_lists(bound_portal.member_id, worker)
    return bound_portal


def everything(client, path: str) -> list:
    """Every item of a (filtered) list, page by page; each page's count is the whole list's."""
    items, page = [], 1
    while True:
        separator = "&" if "?" in path else "?"
        body = client.get(f"{path}{separator}page={page}&size=100", headers=auth()).json()
        items += body["items"]
        if len(body["items"]) < 100:
            assert body["count"] == len(items)
            return items
        page += 1


def ids(items, key="bitrixID") -> list:
    return [item[key] for item in items]


# Fields

def portal_fields(portal, entities=None, types=None) -> list:
    """The portal's user fields the service keeps, as (bitrix id, entity, served type)."""
    return [(field["ID"], field["ENTITY_ID"], spec_type(field["USER_TYPE_ID"]))
            for fields in portal.data.userfields.values() for field in fields
            if spec_type(field["USER_TYPE_ID"]) and (entities is None or field["ENTITY_ID"] in entities)
            and (types is None or spec_type(field["USER_TYPE_ID"]) in types)]


def test_fields_of_one_entity(client, portal):
    leads = everything(client, "/bitrix/fields?entityID=CRM_LEAD")
    expected = portal_fields(portal, entities={"CRM_LEAD"})
    assert sorted(ids(leads)) == sorted(field_id for field_id, _, _ in expected)
    assert len(leads) < len(everything(client, "/bitrix/fields"))
    assert [item["ID"] for item in leads] == sorted(item["ID"] for item in leads)  # by id, as unfiltered


def test_fields_of_several_entities_and_types_repeated_or_comma_separated(client, portal):
    repeated = client.get("/bitrix/fields?entityID=CRM_LEAD&entityID=CRM_DEAL&fieldType=enumeration"
                          "&fieldType=datetime", headers=auth()).json()
    commas = client.get("/bitrix/fields?entityID=CRM_LEAD,CRM_DEAL&fieldType=enumeration,datetime",
                        headers=auth()).json()
    assert repeated == commas
    expected = portal_fields(portal, entities={"CRM_LEAD", "CRM_DEAL"}, types={"enumeration", "datetime"})
    # Portal `date` fields are served as datetime, and filtered as what they are served as.
    kinds = {field["USER_TYPE_ID"] for fields in portal.data.userfields.values() for field in fields
             if field["ID"] in ids(commas["items"])}
    assert kinds == {"enumeration", "datetime", "date"}
    assert commas["count"] == len(expected) == 6
    assert sorted(ids(commas["items"])) == sorted(field_id for field_id, _, _ in expected)


def test_fields_of_a_type(client, portal):
    tags = client.get("/bitrix/fields?fieldType=crm_pena_tag", headers=auth()).json()
    assert tags["count"] == 4
    assert {(item["entityID"], item["fieldName"]) for item in tags["items"]} == {
        (entity, "UF_CRM_PENA_TAG") for entity in ("CRM_LEAD", "CRM_DEAL", "CRM_CONTACT", "CRM_COMPANY")}


def test_an_entity_the_portal_has_no_fields_for_is_an_empty_list(client, portal):
    assert client.get("/bitrix/fields?entityID=CRM_QUOTE", headers=auth()).json() == {"count": 0, "items": []}


# Steps

def kanban_order(statuses) -> list:
    """Status ids in the order the portal shows them: SORT, ties by ID."""
    return [row["STATUS_ID"] for row in sorted(statuses, key=lambda row: (int(row["SORT"]), int(row["ID"])))]


def test_a_pipelines_stages_come_in_the_portals_order(client, portal, worker):
    pipeline = portal.data.categories[2][2]["id"]
    stages = portal.data.deal_stages(pipeline)
    # Someone drags the pipeline's last stage to the front, and another to tie with its neighbour.
    stages[-1]["SORT"] = "5"
    stages[2]["SORT"] = stages[1]["SORT"]
    sync_lists(portal.member_id, worker, ["steps"])

    listed = everything(client, f"/bitrix/steps?pipelineID={pipeline}")
    assert ids(listed, "statusID") == kanban_order(stages)
    assert ids(listed, "statusID")[0] == stages[-1]["STATUS_ID"]
    assert [item["sort"] for item in listed] == sorted(int(stage["SORT"]) for stage in stages)
    assert {item["entityID"] for item in listed} == {f"DEAL_STAGE_{pipeline}"}
    assert {item["pipelineID"] for item in listed} == {pipeline}
    assert everything(client, f"/bitrix/steps?entityID=DEAL_STAGE_{pipeline}") == listed
    # Unfiltered, the list keeps its order by id.
    unfiltered = everything(client, "/bitrix/steps")
    assert [item["ID"] for item in unfiltered] == sorted(item["ID"] for item in unfiltered)


def test_pipeline_zero_is_the_default_deal_pipeline(client, portal):
    listed = everything(client, "/bitrix/steps?pipelineID=0")
    assert ids(listed, "statusID") == kanban_order(portal.data.deal_stages(0))
    assert {item["entityID"] for item in listed} == {"DEAL_STAGE"}


def test_the_dictionaries_a_rule_needs_in_one_request(client, portal):
    listed = everything(client, "/bitrix/steps?entityID=SOURCE,DEAL_TYPE,STATUS")
    expected = []
    for entity in ("DEAL_TYPE", "SOURCE", "STATUS"):  # dictionary by dictionary, each in its order
        expected += [(entity, status) for status in
                     kanban_order([row for row in portal.data.statuses if row["ENTITY_ID"] == entity])]
    assert [(item["entityID"], item["statusID"]) for item in listed] == expected
    assert ("SOURCE", "1") in expected  # the portal's own source, added last, sorts where its SORT says


def test_a_page_of_a_filtered_list_counts_the_filtered_rows(client, portal):
    sources = [row for row in portal.data.statuses if row["ENTITY_ID"] == "SOURCE"]
    second = client.get("/bitrix/steps?entityID=SOURCE&page=2&size=5", headers=auth()).json()
    assert second["count"] == len(sources)
    assert ids(second["items"], "statusID") == kanban_order(sources)[5:10]


# Pipelines

def test_pipelines_of_entity_types(client, portal):
    deals = everything(client, "/bitrix/pipelines?entityTypeId=2")
    assert ids(deals) == [category["id"] for category in portal.data.categories[2]]
    others = everything(client, "/bitrix/pipelines?entityTypeId=3&entityTypeId=4")
    assert {(item["entityTypeId"], item["bitrixID"]) for item in others} == {(3, 0), (4, 0)}
    assert everything(client, "/bitrix/pipelines?entityTypeId=1") == []  # leads have no pipelines


# Users

def fold(text: str) -> str:
    return text.lower().replace("ё", "е")


def found(portal, *words) -> list:
    """Ids of the active users whose name, last name, e-mail or position contain every word."""
    return [user["ID"] for user in portal.data.users if user.get("ACTIVE") is True and all(
        fold(word) in fold(" ".join([user["NAME"], user["LAST_NAME"], user["EMAIL"], user["WORK_POSITION"]]))
        for word in words)]


def test_a_cyrillic_name_written_in_another_case_is_found(client, portal, worker):
    shouting = [user for user in portal.data.users if user.get("ACTIVE") is True][5]
    surname = shouting["LAST_NAME"]
    # Imported from accounting software in capitals, as on some real portals: "ИВАНОВА", typed "Иванова".
    shouting["LAST_NAME"] = surname.upper()
    sync_lists(portal.member_id, worker, ["users"])
    for typed in (surname, surname.lower(), surname.upper(), surname.swapcase()):
        listed = everything(client, f"/bitrix/users?search={typed}")
        assert ids(listed, "bitrixUserID") == found(portal, surname)
        assert shouting["ID"] in ids(listed, "bitrixUserID")
    assert len(found(portal, surname)) < len(found(portal))


def test_search_looks_at_name_e_mail_and_position(client, portal):
    user = next(user for user in portal.data.users if user.get("ACTIVE") is True and user["ID"] != "1")
    address = user["EMAIL"].split("@")[0].upper() + "@"  # "i.ivanov5@": not a prefix of "i.ivanov57@"
    assert ids(everything(client, f"/bitrix/users?search={address}"), "bitrixUserID") == [user["ID"]]
    position = user["WORK_POSITION"].split()[-1]
    assert ids(everything(client, f"/bitrix/users?search={position}"), "bitrixUserID") == found(portal, position)
    name = everything(client, f"/bitrix/users?search={user['NAME'].lower()}")
    assert ids(name, "bitrixUserID") == found(portal, user["NAME"])


def test_every_word_must_occur_in_any_order(client, portal):
    user = next(user for user in portal.data.users if user.get("ACTIVE") is True and user["ID"] != "1")
    words = [user["LAST_NAME"].lower(), user["NAME"].upper()]
    listed = everything(client, f"/bitrix/users?search={words[0]}  {words[1]}")
    assert ids(listed, "bitrixUserID") == found(portal, *words)
    assert user["ID"] in ids(listed, "bitrixUserID")
    assert len(listed) < len(everything(client, f"/bitrix/users?search={words[1]}"))


def test_yo_and_ye_are_the_same_letter(client, portal):
    user = next(user for user in portal.data.users if user.get("ACTIVE") is True and "ё" in user["NAME"])
    plain = user["NAME"].replace("ё", "е")
    assert ids(everything(client, f"/bitrix/users?search={plain}"), "bitrixUserID") == found(portal, plain)
    assert user["ID"] in ids(everything(client, f"/bitrix/users?search={plain}"), "bitrixUserID")
    assert everything(client, f"/bitrix/users?search={user['NAME']}") == \
        everything(client, f"/bitrix/users?search={plain}")


@pytest.mark.parametrize("search", ["%25", "_", "%5C"])
def test_wildcards_in_a_search_are_plain_characters(client, portal, search):
    assert client.get(f"/bitrix/users?search={search}", headers=auth()).json() == {"count": 0, "items": []}


def test_a_search_pages_and_counts_its_matches(client, portal):
    expected = found(portal, "а")
    first = client.get("/bitrix/users?search=А&size=25", headers=auth()).json()
    second = client.get("/bitrix/users?search=а&size=25&page=2", headers=auth()).json()
    assert first["count"] == second["count"] == len(expected) > 50
    assert ids(first["items"] + second["items"], "bitrixUserID") == expected[:50]


def test_a_users_new_name_is_found_after_the_next_sync(client, portal, worker):
    user = next(user for user in portal.data.users if user.get("ACTIVE") is True and user["ID"] != "1")
    user["LAST_NAME"] = "Ёлкина-Щукина"
    assert everything(client, "/bitrix/users?search=елкина") == []
    sync_lists(portal.member_id, worker, ["users"])
    assert ids(everything(client, "/bitrix/users?search=ЕЛКИНА"), "bitrixUserID") == [user["ID"]]


def test_a_search_is_never_logged(client, portal, caplog):
    # Who is being looked for is personal data: not in the access line, nor in any other.
    with caplog.at_level(logging.DEBUG):
        assert client.get("/bitrix/users?search=Иванова", headers=auth()).status_code == 200
    assert any(record.name == "access" for record in caplog.records)
    # (httpx's lines are the test client's own, not the service's.)
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name != "httpx").lower()
    assert "иванова" not in logged and quote("Иванова").lower() not in logged


def test_a_cyrillic_search_through_a_real_server(live_server, connected):
    factories.users(connected(), 30)
    answer = httpx.get(f"{live_server}/bitrix/users", params={"search": "ПЕТРОВ иВАН3"}, headers=auth()).json()
    assert answer["count"] == 2 and {user["name"] for user in answer["items"]} == {"Иван3", "Иван30"}


# Bad filters

@pytest.mark.parametrize("query,named", [
    ("/bitrix/fields?entityID=CRM_FOO", "entityID"),
    ("/bitrix/fields?entityID=CRM_LEAD,crm_deal", "entityID"),
    ("/bitrix/fields?entityID=", "entityID"),
    ("/bitrix/fields?fieldType=text", "fieldType"),
    ("/bitrix/fields?entityID=CRM_LEAD&fieldType=date", "fieldType"),
    ("/bitrix/pipelines?entityTypeId=6", "entityTypeId"),
    ("/bitrix/pipelines?entityTypeId=DEAL", "entityTypeId"),
    ("/bitrix/steps?entityID=source", "entityID"),
    ("/bitrix/steps?pipelineID=-1", "pipelineID"),
    ("/bitrix/steps?pipelineID=2147483648", "pipelineID"),
    ("/bitrix/users?search=", "search"),
    ("/bitrix/users?search=%20%20", "search"),
    ("/bitrix/users?search=%00", "search"),  # PostgreSQL refuses NUL; SQLite's LIKE would stop at it
    ("/bitrix/users?search=%D0%B8%00%D0%B2", "search"),
    ("/bitrix/users?search=%D0%B8%09%D0%B2", "search"),
    ("/bitrix/users?search=" + "я" * 101, "search"),
])
def test_an_unknown_filter_value_is_400_naming_the_parameter(client, connected, query, named):
    connected()
    response = client.get(query, headers=auth())
    assert response.status_code == 400
    assert isinstance(response.json(), str) and response.json().startswith(f"{named}: ")
    assert "я" * 10 not in response.json()
