"""Simple CRM mode: a portal without leads converts a new lead into a deal at once."""
import pytest

LEAD = {"TITLE": "Заявка из квиза", "NAME": "Анна", "LAST_NAME": "Петрова", "ORIGIN_ID": "quiz-7",
        "PHONE": [{"VALUE": "+7 916 123-45-67", "VALUE_TYPE": "WORK"}], "SOURCE_ID": "WEB"}


def test_mode_is_classic_until_switched(rest):
    assert rest.result("crm.settings.mode.get") == 1
    rest.portal.set_crm_mode(2)
    assert rest.result("crm.settings.mode.get") == 2
    assert [(mode["ID"], mode["NAME"]) for mode in rest.result("crm.enum.settings.mode")] == [
        (1, "Classic CRM"), (2, "Simple CRM")]
    with pytest.raises(ValueError):
        rest.portal.set_crm_mode(3)


def test_classic_mode_keeps_the_lead(rest):
    lead_id = rest.result("crm.lead.add", fields=LEAD)

    assert rest.result("crm.lead.get", id=lead_id)["STATUS_ID"] == "NEW"
    assert rest.portal.data.entities["deal"] == {}


def test_simple_mode_converts_the_lead_into_a_deal_and_a_contact(rest):
    rest.portal.set_crm_mode(2)

    lead_id = rest.result("crm.lead.add", fields=LEAD)

    assert isinstance(lead_id, int)
    (deal,) = rest.portal.data.entities["deal"].values()
    (contact,) = rest.portal.data.entities["contact"].values()
    assert (deal["TITLE"], deal["LEAD_ID"], deal["CATEGORY_ID"]) == ("Заявка из квиза", str(lead_id), "0")
    assert deal["CONTACT_ID"] == contact["ID"]
    assert (contact["NAME"], contact["LAST_NAME"]) == ("Анна", "Петрова")
    assert contact["PHONE"][0]["VALUE"] == "+7 916 123-45-67"


def test_the_converted_lead_cannot_be_read_back(rest):
    rest.portal.set_crm_mode(2)
    lead_id = rest.result("crm.lead.add", fields=LEAD)

    missing = rest.post("crm.lead.get", id=lead_id)
    assert (missing.status_code, missing.json()) == (400, {"error": "", "error_description": "Not found"})
    assert rest.result("crm.lead.list", filter={"ORIGIN_ID": "quiz-7"}) == []
    found = rest.result("crm.duplicate.findbycomm", type="PHONE", values=["+79161234567"])
    assert "LEAD" not in found and found["CONTACT"]


def test_the_converted_lead_readable_when_switched_so(rest):
    rest.portal.set_crm_mode(2)
    rest.portal.converted_leads = "visible"
    lead_id = rest.result("crm.lead.add", fields=LEAD)

    (lead,) = rest.result("crm.lead.list", filter={"ORIGIN_ID": "quiz-7"}, select=["ID", "STATUS_ID"])
    assert lead == {"ID": str(lead_id), "STATUS_ID": "CONVERTED"}


def test_inside_a_batch_the_new_lead_is_already_gone(rest):
    rest.portal.set_crm_mode(2)
    rest.portal.simple_crm_category = 3

    outcome = rest.result("batch", cmd={"lead": "crm.lead.add?fields[TITLE]=Заявка&fields[NAME]=Анна",
                                        "read": "crm.lead.get?id=$result[lead]"})

    assert outcome["result_error"]["read"]["error_description"] == "Not found"
    (deal,) = rest.portal.data.entities["deal"].values()
    assert deal["CATEGORY_ID"] == "3"


def test_a_lead_without_a_person_makes_only_a_deal(rest):
    rest.portal.set_crm_mode(2)

    rest.result("crm.lead.add", fields={"TITLE": "Только заголовок"})

    assert len(rest.portal.data.entities["deal"]) == 1 and rest.portal.data.entities["contact"] == {}
