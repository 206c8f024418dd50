"""Routing, parameter styles, the envelope and the error answers of ``/rest/``."""
import requests

from fake_bitrix import FakeBitrix

TIME_KEYS = {"start", "finish", "duration", "processing", "date_start", "date_finish", "operating",
             "operating_reset_at"}


def error_of(response: requests.Response) -> tuple:
    return response.status_code, response.json()["error"]


def test_envelope_has_result_and_the_eight_time_keys(rest):
    body = rest.post("profile").json()

    assert body["result"]["ID"] == "1" and body["result"]["ADMIN"] is True
    assert set(body["time"]) == TIME_KEYS
    assert body["time"]["date_start"].endswith("+03:00")


def test_method_with_json_suffix_and_get_with_php_brackets(rest):
    as_get = rest.get("crm.status.list.json", "filter[ENTITY_ID]=SOURCE&order[SORT]=DESC")
    as_post = rest.post("crm.status.list", filter={"ENTITY_ID": "SOURCE"}, order={"SORT": "DESC"})

    assert as_get.status_code == 200
    assert as_get.json()["result"] == as_post.json()["result"]
    sorts = [int(row["SORT"]) for row in as_get.json()["result"]]
    assert sorts == sorted(sorts, reverse=True)


def test_form_encoded_post_with_auth_in_the_body(rest):
    response = requests.post(f"{rest.portal.client_endpoint}crm.lead.add", timeout=5, data={
        "auth": rest.token, "fields[TITLE]": "Заявка", "fields[PHONE][0][VALUE]": "+7 900 000-00-01"})

    assert response.status_code == 200
    lead = rest.result("crm.lead.get", id=response.json()["result"])
    assert lead["TITLE"] == "Заявка" and lead["PHONE"][0]["VALUE"] == "+7 900 000-00-01"


def test_webhook_url_authenticates_without_a_token(fake_portal):
    hook = fake_portal.webhook_url(user_id=1)

    assert requests.get(f"{hook}user.current.json", timeout=5).json()["result"]["ID"] == "1"
    wrong = requests.get(hook.replace(hook.split("/")[-2], "0000") + "user.current", timeout=5)
    assert error_of(wrong) == (401, "NO_AUTH_FOUND")


def test_missing_and_unknown_tokens(fake_portal):
    endpoint = fake_portal.client_endpoint

    assert error_of(requests.post(f"{endpoint}profile", json={}, timeout=5)) == (401, "NO_AUTH_FOUND")
    unknown = requests.post(f"{endpoint}profile", json={"auth": "f00"}, timeout=5)
    assert error_of(unknown) == (401, "invalid_token")


def test_unknown_method(rest):
    assert error_of(rest.post("crm.lead.frobnicate")) == (404, "ERROR_METHOD_NOT_FOUND")


def test_insufficient_scope_with_configurable_status(rest):
    rest.portal.scope = "crm"

    assert error_of(rest.post("user.get")) == (401, "insufficient_scope")
    rest.portal.scope_error_status = 403
    assert error_of(rest.post("user.get")) == (403, "insufficient_scope")
    assert rest.post("app.info").status_code == 200, "basic methods need no scope"
    assert error_of(rest.post("department.get")) == (403, "insufficient_scope")


def test_portal_states(rest):
    rest.portal.set_state("unpaid")
    assert error_of(rest.post("profile")) == (401, "PAYMENT_REQUIRED")
    rest.portal.set_state("deleted")
    assert error_of(rest.post("profile")) == (410, "PORTAL_DELETED")
    rest.portal.deleted_status = 403
    assert error_of(rest.post("profile")) == (403, "PORTAL_DELETED")
    rest.portal.set_state("blocked")
    assert error_of(rest.post("profile")) == (403, "ACCESS_DENIED")
    rest.portal.set_state("active")
    assert rest.post("profile").status_code == 200


def test_app_info(rest):
    info = rest.result("app.info")

    assert info["ID"] == 17 and info["CODE"] == "local.test.app" and info["STATUS"] == "L"
    assert info["INSTALLED"] is True


def test_request_log_keeps_no_tokens(rest):
    rest.post("crm.status.list", filter={"ENTITY_ID": "SOURCE"})
    rest.get("profile")

    entries = rest.portal.requests
    assert [entry["method"] for entry in entries] == ["crm.status.list", "profile"]
    assert entries[0]["params"] == {"filter": {"ENTITY_ID": "SOURCE"}}
    assert rest.token not in repr(entries)
    assert rest.portal.stats["by_method"] == {"crm.status.list": 1, "profile": 1}


def test_operating_time_limit_answers_429(rest):
    rest.portal.set_limits(operating_limit=0.0)

    assert rest.post("profile").status_code == 200
    assert error_of(rest.post("profile")) == (429, "OPERATION_TIME_LIMIT")
    assert rest.post("app.info").status_code == 200, "other methods keep working"
    rest.portal.clock.advance(601)
    assert rest.post("profile").status_code == 200


def test_stopped_fake_frees_its_ports():
    fake = FakeBitrix().start()
    portal = fake.add_portal(users=2)
    fake.stop()

    try:
        requests.get(f"{portal.url}/rest/profile", timeout=1)
    except requests.ConnectionError:
        return
    raise AssertionError("the portal still answers after stop()")
