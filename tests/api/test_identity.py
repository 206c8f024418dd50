"""Who may call: JWT verification as the contract fixes it."""
import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from settings import Settings
from tests.conftest import TEST_JWT_SECRET, auth, make_token


def _get(client, token, path="/bitrix/account"):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_valid_token_reaches_the_handler(client):
    response = client.get("/bitrix", headers=auth())
    assert response.status_code == 200
    assert response.json() == "OK"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic dTpw"},
                                     {"Authorization": "Bearer not-a-jwt"}])
def test_missing_or_malformed_token_is_401(client, headers):
    response = client.get("/bitrix", headers=headers)
    assert response.status_code == 401
    assert isinstance(response.json(), str)


def test_wrong_signature_is_401(client):
    response = _get(client, make_token(secret="another-secret-of-enough-length"))
    assert response.status_code == 401
    assert response.json() == "invalid token"


def test_expired_token_is_401(client):
    response = _get(client, make_token(exp=int(time.time()) - 5))
    assert response.status_code == 401
    assert response.json() == "token has expired"


def test_token_without_exp_is_401(client):
    token = jwt.encode({"sub": "account-1"}, TEST_JWT_SECRET, algorithm="HS256")
    assert _get(client, token).status_code == 401


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _forge(alg: str, key: bytes | None) -> str:
    """A token PyJWT refuses to make: alg none, or HMAC keyed with a public key."""
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = _b64(json.dumps({"sub": "a", "exp": int(time.time()) + 60}).encode())
    signature = _b64(hmac.new(key, f"{header}.{body}".encode(), hashlib.sha256).digest()) if key else ""
    return f"{header}.{body}.{signature}"


def test_alg_none_is_401(client):
    assert _get(client, _forge("none", None)).status_code == 401


def test_algorithm_not_configured_is_401(client):
    # Same secret, but HS512 is not in the configured list: the header must not choose.
    assert _get(client, make_token(algorithm="HS512")).status_code == 401


def test_not_yet_valid_token_is_401(client):
    assert _get(client, make_token(nbf=int(time.time()) + 600)).status_code == 401


@pytest.mark.parametrize("claims", [{"sub": None}, {"sub": ""}, {"sub": "   "}])
def test_missing_account_claim_is_401_account_id_required(client, claims):
    response = _get(client, make_token(**claims))
    assert response.status_code == 401
    assert response.json() == "account id is required"


def test_each_account_sees_only_its_own_connection(client, connected):
    mine = connected("account-1")
    connected("account-2")
    response = client.get("/bitrix/account", headers=auth("account-1"))
    assert response.json()["bitrixID"] == mine
    assert response.json()["accountID"] == "account-1"
    assert client.get("/bitrix/account", headers=auth("account-3")).status_code == 404


def _app_with(database_url, **overrides):
    from wsgi import create_app
    settings = Settings(database_url=database_url, run_worker=False, auto_migrate=False, **overrides)
    return create_app(settings).test_client()


def _pem(private_key):
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.mark.parametrize("key,algorithm", [(rsa.generate_private_key(65537, 2048), "RS256"),
                                           (ec.generate_private_key(ec.SECP256R1()), "ES256")])
def test_public_key_verification(database_url, key, algorithm):
    client = _app_with(database_url, jwt_public_key=_pem(key))
    good = jwt.encode({"sub": "a", "exp": time.time() + 60}, key, algorithm=algorithm)
    assert _get(client, good, "/bitrix").status_code == 200
    # A token signed with HS256 using the public key as secret is the classic confusion attack.
    assert _get(client, _forge("HS256", _pem(key).encode()), "/bitrix").status_code == 401


def test_custom_account_claim_issuer_and_audience(database_url):
    client = _app_with(database_url, jwt_secret=TEST_JWT_SECRET, jwt_account_claim="account",
                       jwt_issuer="quiz-platform", jwt_audience="bitrix-integration")
    claims = {"account": "acc-9", "iss": "quiz-platform", "aud": "bitrix-integration"}
    assert _get(client, make_token(sub=None, **claims), "/bitrix").status_code == 200
    assert _get(client, make_token(sub=None, **{**claims, "iss": "other"}), "/bitrix").status_code == 401
    assert _get(client, make_token(sub=None, **{**claims, "aud": "other"}), "/bitrix").status_code == 401
    missing = _get(client, make_token(**{**claims, "account": None}), "/bitrix")
    assert missing.json() == "account id is required"
