"""Failures at every point of a delivery: a refused command, a failed batch, an answer lost after the effect."""
import pytest
import requests


def contacts(portal) -> list:
    return [row["NAME"] for row in portal.data.entities["contact"].values()]


def add_contacts(names) -> dict:
    return {f"c{n}": f"crm.contact.add?fields[NAME]={name}" for n, name in enumerate(names)}


def test_the_nth_call_of_a_method_inside_a_batch_is_refused(rest):
    fault = rest.portal.refuse("crm.contact.add", nth=2, description="Access denied.")

    outcome = rest.result("batch", cmd=add_contacts(["Анна", "Борис", "Вера"]))

    assert outcome["result_error"] == {"c1": {"error": "", "error_description": "Access denied."}}
    assert contacts(rest.portal) == ["Анна", "Вера"]
    assert fault.struck == 1 and rest.portal.stats["faults"] == 1


def test_calls_are_counted_alone_and_inside_batches(rest):
    rest.portal.refuse("crm.company.add", nth=3)

    assert rest.post("crm.company.add", fields={"TITLE": "Первая"}).status_code == 200
    outcome = rest.result("batch", cmd={"a": "crm.company.add?fields[TITLE]=Вторая",
                                        "b": "crm.company.add?fields[TITLE]=Третья"})
    refused = rest.post("crm.company.add", fields={"TITLE": "Четвёртая"})

    assert set(outcome["result_error"]) == {"b"}
    assert refused.status_code == 200, "one refusal only (times=1)"
    assert [row["TITLE"] for row in rest.portal.data.entities["company"].values()] == [
        "Первая", "Вторая", "Четвёртая"]


def test_a_refused_call_alone_is_http_400_legacy_style(rest):
    rest.portal.refuse("crm.contact.add", description="Contact name is not specified.")

    refused = rest.post("crm.contact.add", fields={"NAME": "Анна"})

    assert refused.status_code == 400
    assert refused.json() == {"error": "", "error_description": "Contact name is not specified."}
    assert contacts(rest.portal) == []


@pytest.mark.parametrize(("status", "error"), [(500, "INTERNAL_SERVER_ERROR"), (503, "QUERY_LIMIT_EXCEEDED")])
def test_a_batch_failing_before_it_runs_changes_nothing(rest, status, error):
    rest.portal.fail("batch", status=status, error=error)

    failed = rest.post("batch", cmd=add_contacts(["Анна"]))

    assert (failed.status_code, failed.json()["error"]) == (status, error)
    assert contacts(rest.portal) == []
    assert rest.post("batch", cmd=add_contacts(["Анна"])).status_code == 200
    assert contacts(rest.portal) == ["Анна"]


def test_a_lost_answer_closes_the_connection_after_the_whole_batch_ran(rest):
    rest.portal.lose_answer("batch")

    with pytest.raises(requests.ConnectionError):
        rest.post("batch", cmd=add_contacts(["Анна", "Борис"]))

    assert contacts(rest.portal) == ["Анна", "Борис"]
    assert rest.post("profile").status_code == 200, "the next request is served on a new connection"


def test_a_lost_answer_can_be_a_5xx_after_the_effect(rest):
    rest.portal.lose_answer("batch", status=502, nth=2)

    assert rest.post("batch", cmd=add_contacts(["Анна"])).status_code == 200
    lost = rest.post("batch", cmd=add_contacts(["Борис"]))

    assert lost.status_code == 502
    assert contacts(rest.portal) == ["Анна", "Борис"]


def test_a_connection_dropped_inside_a_batch_keeps_what_ran_before(rest):
    rest.portal.fail("crm.deal.add", drop=True)

    with pytest.raises(requests.ConnectionError):
        rest.post("batch", cmd={"c": "crm.contact.add?fields[NAME]=Анна",
                                "d": "crm.deal.add?fields[TITLE]=Сделка&fields[CONTACT_IDS][0]=$result[c]",
                                "e": "crm.contact.add?fields[NAME]=Борис"})

    assert contacts(rest.portal) == ["Анна"] and rest.portal.data.entities["deal"] == {}


def test_a_dropped_connection_after_a_single_call(rest):
    rest.portal.fail("crm.lead.add", drop=True, after_effect=True)

    with pytest.raises(requests.ConnectionError):
        rest.post("crm.lead.add", fields={"TITLE": "Из квиза"})

    assert [row["TITLE"] for row in rest.portal.data.entities["lead"].values()] == ["Из квиза"]


def test_nth_must_count_from_one(rest):
    with pytest.raises(ValueError):
        rest.portal.refuse("crm.contact.add", nth=0)
