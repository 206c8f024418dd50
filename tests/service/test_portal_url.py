"""Which portal addresses are accepted, and how they are spelled once accepted."""
import pytest

from errors import BadRequest
from service.portal_url import normalise, subdomain


@pytest.mark.parametrize("given,expected", [
    ("https://Acme.Bitrix24.RU", "https://acme.bitrix24.ru"),
    ("  https://acme.bitrix24.ru/ ", "https://acme.bitrix24.ru"),
    ("https://crm.example.com:8443", "https://crm.example.com:8443"),
    ("https://acme.bitrix24.ru.", "https://acme.bitrix24.ru"),
])
def test_accepted_and_normalised(given, expected):
    assert normalise(given) == expected


@pytest.mark.parametrize("given,reason", [
    ("http://acme.bitrix24.ru", "https://"),
    ("acme.bitrix24.ru", "https://"),
    ("ftp://acme.bitrix24.ru", "https://"),
    ("https://user:pw@acme.bitrix24.ru", "credentials"),
    ("https://acme.bitrix24.ru/crm/", "without path"),
    ("https://acme.bitrix24.ru/?a=1", "without path"),
    ("https://acme.bitrix24.ru/#x", "without path"),
    ("https://", "host"),
    ("https://acme.bitrix24.ru:99999", "valid URL"),
])
def test_rejected_with_a_reason(given, reason):
    with pytest.raises(BadRequest) as error:
        normalise(given)
    assert reason in error.value.message


def test_http_only_when_allowed():
    assert normalise("http://127.0.0.1:8081", allow_http=True) == "http://127.0.0.1:8081"


def test_subdomain_is_the_first_label():
    assert subdomain("https://acme.bitrix24.ru") == "acme"
    assert subdomain("http://127.0.0.1:8081") == "127.0.0.1"
