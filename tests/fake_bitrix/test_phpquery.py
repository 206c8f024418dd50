"""PHP bracket query strings, both ways."""
from fake_bitrix import phpquery


def test_parse_nested_brackets_lists_and_maps():
    parsed = phpquery.parse("filter[>ID]=5&filter[STATUS_ID][]=NEW&filter[STATUS_ID][]=JUNK&select[]=ID"
                            "&order[ID]=ASC&fields[PHONE][0][VALUE]=%2B7+900&start=50&empty=")

    assert parsed == {"filter": {">ID": "5", "STATUS_ID": ["NEW", "JUNK"]}, "select": ["ID"],
                      "order": {"ID": "ASC"}, "fields": {"PHONE": [{"VALUE": "+7 900"}]}, "start": "50",
                      "empty": ""}


def test_build_round_trips():
    params = {"cmd": {"a": "crm.lead.list?filter[>ID]=1"}, "values": ["x@y.ru", "z"], "halt": True}

    assert phpquery.parse(phpquery.build(params)) == {"cmd": {"a": "crm.lead.list?filter[>ID]=1"},
                                                      "values": ["x@y.ru", "z"], "halt": "1"}
