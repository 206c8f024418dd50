"""The operating limit: pause a method before its budget is spent, and come back at the reset time."""
import pytest

from bitrix_client import OperatingBudget, OperationTimeLimit, budget_for


def requests_of(portal, method):
    return portal.stats["by_method"].get(method, 0)


def test_a_method_near_its_limit_is_not_called_until_its_reset(make_client, portal, fake_bitrix):
    client = make_client(portal)
    portal.operating.spend("crm.lead.list", 455.0)
    answer = client.request("crm.lead.list")
    reset_at = answer["time"]["operating_reset_at"]

    with pytest.raises(OperationTimeLimit) as paused:
        client.call("crm.lead.list")
    assert requests_of(portal, "crm.lead.list") == 1  # the pause cost no request
    assert paused.value.reset_at == reset_at and paused.value.retryable
    assert paused.value.retry_after(fake_bitrix.clock.now()) > 590
    assert client.call("crm.deal.list") == []  # other methods keep working

    fake_bitrix.clock.advance(reset_at - fake_bitrix.clock.now())
    assert client.call("crm.lead.list") == [] and requests_of(portal, "crm.lead.list") == 2


def test_a_429_is_raised_at_once_with_the_reset_time_of_the_last_answer(make_client, portal, fake_bitrix):
    client = make_client(portal)
    reset_at = client.request("user.get", {"ID": 1})["time"]["operating_reset_at"]
    portal.operating.spend("user.get", 600.0)  # another app of the portal spent it

    with pytest.raises(OperationTimeLimit) as refused:
        client.call("user.get", {"ID": 1})
    assert refused.value.status == 429 and refused.value.reset_at == reset_at
    with pytest.raises(OperationTimeLimit):
        client.call("user.get", {"ID": 1})
    assert requests_of(portal, "user.get") == 2  # never repeated, and paused after the refusal


@pytest.mark.parametrize("time_in_429", [False, True])
def test_a_429_without_any_earlier_answer(make_client, portal, fake_bitrix, time_in_429):
    portal.time_in_429 = time_in_429  # not documented either way
    client = make_client(portal)
    portal.operating.spend("profile", 481.0)
    with pytest.raises(OperationTimeLimit) as refused:
        client.call("profile")
    if time_in_429:  # the refusal's own reset time
        assert refused.value.reset_at == portal.operating.reset_at("profile")
    else:  # nothing known: come back in a minute
        assert refused.value.reset_at == pytest.approx(fake_bitrix.clock.now() + 60, abs=1)


def test_batch_commands_refused_for_their_method_pause_it_and_a_paused_method_stops_the_batch(
        make_client, portal, fake_bitrix):
    client = make_client(portal)
    portal.operating.spend("user.get", 481.0)
    result = client.batch({"u": ("user.get", {"ID": 1}), "p": ("profile", None)})
    assert isinstance(result.errors["u"], OperationTimeLimit) and result.errors["u"].reset_at
    assert result.results["p"]["ID"] == "1"

    before = portal.stats["requests"]
    with pytest.raises(OperationTimeLimit):
        client.batch({"u": ("user.get", {"ID": 2}), "p": ("profile", None)})
    assert portal.stats["requests"] == before


def test_every_client_of_a_portal_shares_one_budget_per_process():
    assert budget_for("member-a") is budget_for("member-a") is not budget_for("member-b")
    assert isinstance(budget_for("member-a"), OperatingBudget)


def test_answers_without_operating_keys_change_nothing():
    budget = OperatingBudget(clock=lambda: 1000.0)
    budget.observe("x", {"start": 1.0})
    budget.observe("x", {"operating": 479.0})  # no reset time: paused for a minute
    with pytest.raises(OperationTimeLimit) as paused:
        budget.check(["x"])
    assert paused.value.reset_at == 1060.0
    budget.observe("x", {"operating": 0.5, "operating_reset_at": 1600})
    budget.check(["x"])
    assert budget.seen("x") == (0.5, 1600.0)
