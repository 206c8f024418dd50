"""``$result`` references to failed or missing commands resolve as the real rest module resolves them."""
import pytest

DEAL = "crm.deal.add?fields[TITLE]=Сделка из квиза"


@pytest.fixture
def crowded(fake_bitrix, rest_for):
    """A portal that already has three contacts, companies and deals of other people."""
    return rest_for(fake_bitrix.add_portal(users=5, crm_rows=3))


def deal_of(rest, outcome, key="deal") -> dict:
    return rest.result("crm.deal.get", id=outcome["result"][key])


def test_a_refused_contact_links_the_deal_to_somebody_elses_contact(crowded):
    crowded.portal.refuse("crm.contact.add")

    outcome = crowded.result("batch", halt=0, cmd={
        "company": "crm.company.add?fields[TITLE]=ООО Ромашка",
        "contact": "crm.contact.add?fields[NAME]=Анна",
        "deal": f"{DEAL}&fields[COMPANY_ID]=$result[company]&fields[CONTACT_IDS][0]=$result[contact]",
    })

    assert outcome["result_error"] == {"contact": {"error": "", "error_description": "Access denied."}}
    deal = deal_of(crowded, outcome)
    # $result[contact] reached the map {"company": id}: an array, bound as contact (int)array = 1
    assert deal["CONTACT_ID"] == "1" and deal["CONTACT_IDS"] == ["1"]
    assert crowded.result("crm.contact.get", id=1)["NAME"] != "Анна", "contact 1 is another person"
    assert deal["COMPANY_ID"] == str(outcome["result"]["company"])


def test_a_refused_company_gives_the_deal_company_1(crowded):
    crowded.portal.refuse("crm.company.add", description="Company title is not specified.")

    outcome = crowded.result("batch", cmd={
        "contact": "crm.contact.add?fields[NAME]=Анна",
        "company": "crm.company.add?fields[TITLE]=",
        "deal": f"{DEAL}&fields[COMPANY_ID]=$result[company]&fields[CONTACT_IDS][0]=$result[contact]",
    })

    deal = deal_of(crowded, outcome)
    assert deal["COMPANY_ID"] == "1", "the map {contact: id} cast to int"
    assert deal["CONTACT_IDS"] == [str(outcome["result"]["contact"])]


def test_nothing_before_the_failed_command_means_no_link(rest):
    rest.portal.refuse("crm.company.add")

    outcome = rest.result("batch", cmd={
        "company": "crm.company.add?fields[TITLE]=ООО Ромашка",
        "deal": f"{DEAL}&fields[COMPANY_ID]=$result[company]&fields[CONTACT_IDS][0]=$result[company]",
    })

    deal = deal_of(rest, outcome)
    assert deal["COMPANY_ID"] is None and deal["CONTACT_IDS"] == [] and deal["CONTACT_ID"] is None


def test_a_whole_row_in_a_text_field_becomes_array(rest):
    outcome = rest.result("batch", cmd={
        "me": "user.current",
        "lead": "crm.lead.add?fields[TITLE]=$result[me][NO_SUCH_FIELD]&fields[NAME]=$result[me][NAME]",
    })

    lead = rest.result("crm.lead.get", id=outcome["result"]["lead"])
    assert lead["TITLE"] == "Array", "the walk stopped at the user row; (string) of an array"
    assert lead["NAME"] == rest.result("user.current")["NAME"]


def test_a_null_field_stops_the_walk_at_its_row(rest):
    outcome = rest.result("batch", cmd={
        "first": "crm.lead.add?fields[TITLE]=Первый",
        "read": "crm.lead.get?id=$result[first]",
        "second": "crm.lead.add?fields[TITLE]=$result[read][COMMENTS]&fields[ASSIGNED_BY_ID]=$result[read][NOPE]",
    })

    lead = rest.result("crm.lead.get", id=outcome["result"]["second"])
    assert lead["TITLE"] == "Array" and lead["ASSIGNED_BY_ID"] == "1"


@pytest.mark.parametrize(("title", "expected"), [
    ("Сделка $result[contact] из квиза", "Сделка {id} из квиза"),
    ("Сделка №$result[contact]/web", "Сделка №{id}"),  # the reference runs to the next whitespace
    ("Сделка $result[nobody] из квиза", "Сделка $result[nobody] из квиза"),  # an array: left as written
    ("Всего $total[list] контактов", "Всего 1 контактов"),
])
def test_references_inside_a_longer_text(rest, title, expected):
    outcome = rest.result("batch", cmd={
        "contact": "crm.contact.add?fields[NAME]=Анна",
        "list": "crm.contact.list?select[]=ID",
        "deal": f"crm.deal.add?fields[TITLE]={title}",
    })

    assert deal_of(rest, outcome)["TITLE"] == expected.format(id=outcome["result"]["contact"])


def test_a_reference_to_a_refused_command_inside_text_stays_as_written(rest):
    rest.portal.refuse("crm.contact.add")

    outcome = rest.result("batch", cmd={
        "company": "crm.company.add?fields[TITLE]=ООО Ромашка",
        "contact": "crm.contact.add?fields[NAME]=Анна",
        "deal": "crm.deal.add?fields[TITLE]=Контакт $result[contact]",
    })

    assert deal_of(rest, outcome)["TITLE"] == "Контакт $result[contact]"


@pytest.mark.parametrize(("switch", "refused"), [("none", False), ("read", True)])
def test_a_link_to_a_missing_contact_is_stored_or_refused_by_switch(rest, switch, refused):
    rest.portal.link_check = switch
    rest.portal.refuse("crm.contact.add")

    outcome = rest.result("batch", cmd={
        "company": "crm.company.add?fields[TITLE]=ООО Ромашка",
        "contact": "crm.contact.add?fields[NAME]=Анна",
        "deal": f"{DEAL}&fields[COMPANY_ID]=$result[company]&fields[CONTACT_IDS][0]=$result[contact]",
    })

    if refused:
        assert outcome["result_error"]["deal"] == {"error": "", "error_description": "[Contact #1] Access denied."}
        assert rest.portal.data.entities["deal"] == {}
    else:
        assert deal_of(rest, outcome)["CONTACT_ID"] == "1" and rest.portal.data.entities["contact"] == {}


def test_values_of_the_wrong_type_sent_directly_are_cast_as_php_does(rest):
    deal_id = rest.result("crm.deal.add", fields={
        "TITLE": {"a": 1}, "ASSIGNED_BY_ID": ["7"], "COMPANY_ID": {}, "CONTACT_IDS": [0, "", "12", "x", 5.9],
    })

    deal = rest.result("crm.deal.get", id=deal_id)
    assert deal["TITLE"] == "Array" and deal["ASSIGNED_BY_ID"] == "1" and deal["COMPANY_ID"] is None
    # array_filter drops 0 and ""; "x" > 0 holds for PHP 8 ("x" > "0") and binds (int)"x" = 0
    assert deal["CONTACT_IDS"] == ["12", "0", "5"] and deal["CONTACT_ID"] == "12"


def test_a_scalar_contact_ids_is_ignored(rest):
    deal_id = rest.result("crm.deal.add", fields={"TITLE": "x", "CONTACT_IDS": "12", "CONTACT_ID": "4"})

    deal = rest.result("crm.deal.get", id=deal_id)
    assert "CONTACT_IDS" not in deal and deal["CONTACT_ID"] == "4"
