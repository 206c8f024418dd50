"""The operating limit: per method, ten one-minute baskets, batch commands charged to their methods."""


def test_every_answer_reports_the_methods_operating_time_and_reset(rest, fake_bitrix):
    rest.portal.operating.spend("user.get", 12.5)
    timing = rest.post("user.get").json()["time"]
    assert 12.5 <= timing["operating"] < 13.5
    assert isinstance(timing["operating_reset_at"], int)
    assert 599 <= timing["operating_reset_at"] - fake_bitrix.clock.now() <= 600


def test_over_the_limit_the_next_call_is_refused_with_429_until_the_basket_drops(rest, fake_bitrix):
    portal = rest.portal
    assert portal.operating.limit == 480.0
    portal.operating.spend("crm.lead.list", 480.0)
    assert rest.post("crm.lead.list").status_code == 200, "the call that takes it over the limit completes"
    portal.operating.spend("crm.lead.list", 1.0)
    refused = rest.post("crm.lead.list")
    assert refused.status_code == 429
    assert refused.json() == {"error": "OPERATION_TIME_LIMIT",
                              "error_description": "Method is blocked due to operation time limit."}
    assert rest.post("crm.deal.list").status_code == 200, "other methods keep working"

    fake_bitrix.clock.advance(600)
    assert rest.post("crm.lead.list").status_code == 200


def test_baskets_drop_one_minute_at_a_time(rest, fake_bitrix):
    meter = rest.portal.operating
    meter.spend("user.get", 300.0)
    fake_bitrix.clock.advance(60)
    meter.spend("user.get", 200.0)
    assert meter.operating("user.get") == 500.0
    fake_bitrix.clock.advance(541)
    assert meter.operating("user.get") == 200.0


def test_batch_is_not_counted_but_its_commands_are(rest):
    meter = rest.portal.operating
    meter.spend("user.get", 481.0)
    outcome = rest.result("batch", cmd={"a": "user.get?ID=1", "b": "profile"})
    assert outcome["result_error"]["a"]["error"] == "OPERATION_TIME_LIMIT"
    assert outcome["result"]["b"]["ID"] == "1"
    assert meter.operating("batch") == 0.0 and meter.operating("profile") > 0.0
