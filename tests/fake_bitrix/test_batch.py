"""``batch``: references between commands, partial failures, PHP's ``[]``, the 50-command limit."""
from fake_bitrix import phpquery


def test_back_references_and_partial_failures(rest):
    body = rest.post("batch", halt=0, cmd={
        "me": "user.current",
        "lead": "crm.lead.add?fields[TITLE]=Квиз&fields[ASSIGNED_BY_ID]=$result[me][ID]",
        "read": "crm.lead.get?id=$result[lead]",
        "missing": "crm.lead.get?id=999999",
        "stages": "crm.status.list?filter[ENTITY_ID]=DEAL_STAGE",
        "pipelines": "crm.category.list?entityTypeId=2",
        "first": "crm.status.list?filter[CATEGORY_ID]=$result[pipelines][categories][1][id]",
    }).json()

    assert body["time"]["processing"] >= 0
    outcome = body["result"]
    lead = outcome["result"]["read"]
    assert lead["ID"] == str(outcome["result"]["lead"]) and lead["TITLE"] == "Квиз"
    assert lead["ASSIGNED_BY_ID"] == "1"
    assert outcome["result_error"] == {"missing": {"error": "", "error_description": "Not found"}}
    assert "missing" not in outcome["result"]
    assert outcome["result_total"]["stages"] == 8 and outcome["result_total"]["pipelines"] == 3
    assert outcome["result_next"] == []
    assert {row["CATEGORY_ID"] for row in outcome["result"]["first"]} == {
        str(outcome["result"]["pipelines"]["categories"][1]["id"])}
    assert set(outcome["result_time"]) == {"me", "lead", "read", "stages", "pipelines", "first"}


def test_empty_maps_are_php_arrays(rest):
    outcome = rest.result("batch", cmd={"p": "profile"})

    assert outcome["result_error"] == [] and outcome["result_total"] == [] and outcome["result_next"] == []


def test_list_of_commands_answers_lists(rest):
    outcome = rest.result("batch", cmd=["profile", "app.info"])

    assert isinstance(outcome["result"], list) and outcome["result"][1]["ID"] == 17


def test_halt_stops_at_the_first_failure(rest):
    outcome = rest.result("batch", halt=1, cmd={"a": "profile", "b": "crm.deal.get?id=0", "c": "profile"})

    assert set(outcome["result"]) == {"a"}
    assert outcome["result_error"]["b"]["error_description"] == "ID is not defined or invalid."


def test_query_string_batch_with_double_encoding(rest):
    inner = phpquery.build({"filter": {"ENTITY_ID": "SOURCE"}})
    response = rest.get("batch", phpquery.build({"halt": 0, "cmd": {"s": f"crm.status.list?{inner}"}}))

    assert response.status_code == 200
    assert response.json()["result"]["result_total"]["s"] == 13


def test_nested_batch_is_refused_per_command(rest):
    outcome = rest.result("batch", cmd={"inner": "batch?cmd[x]=profile", "ok": "profile"})

    assert outcome["result_error"]["inner"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED"
    assert outcome["result"]["ok"]["ID"] == "1"


def test_more_than_fifty_commands(rest):
    commands = {f"c{n}": "profile" for n in range(51)}

    whole = rest.post("batch", cmd=commands)
    assert (whole.status_code, whole.json()["error"]) == (400, "ERROR_BATCH_LENGTH_EXCEEDED")

    rest.portal.batch_overflow = "command"
    outcome = rest.result("batch", cmd=commands)
    assert len(outcome["result"]) == 50
    assert outcome["result_error"] == {"c50": {"error": "ERROR_BATCH_LENGTH_EXCEEDED",
                                               "error_description": "Max batch length exceeded"}}


def test_a_batch_is_one_drop_in_the_bucket(rest):
    rest.portal.set_limits(bucket=2, drain=0.01)

    assert rest.post("batch", cmd={f"c{n}": "profile" for n in range(50)}).status_code == 200
    assert rest.post("profile").status_code == 200
    assert rest.post("profile").status_code == 503
    stats = rest.portal.stats
    assert stats["batch_commands"] == 50 and stats["by_method"]["profile"] == 52
    assert stats["rejected_503"] == 1
