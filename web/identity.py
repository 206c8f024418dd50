"""Who is calling: the platform account id from a verified JWT."""
import jwt
from connexion.exceptions import OAuthProblem
from connexion.security import NO_VALUE, BearerSecurityHandler
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from web.storable_text import is_storable

ACCOUNT_REQUIRED = "account id is required"
#: the column that keeps account ids is this wide
MAX_ACCOUNT_ID = 255
ACCOUNT_INVALID = f"account id must be at most {MAX_ACCOUNT_ID} characters of storable text"


class TokenVerifier:
    """Verifies bearer JWTs with algorithms fixed by configuration, never by the token's header."""

    def __init__(self, settings):
        if settings.jwt_public_key:
            self.key = load_pem_public_key(settings.jwt_public_key.encode())
            default = ("RS256",) if isinstance(self.key, rsa.RSAPublicKey) else ("ES256",)
            if not isinstance(self.key, (rsa.RSAPublicKey, ec.EllipticCurvePublicKey)):
                raise SystemExit("JWT_PUBLIC_KEY must be an RSA or EC public key (PEM)")
        else:
            self.key = settings.jwt_secret
            default = ("HS256",)
        self.algorithms = [a for a in (settings.jwt_algorithms or default) if a.lower() != "none"]
        if not self.algorithms:
            raise SystemExit("JWT_ALGORITHMS names no usable algorithm")
        self.claim = settings.jwt_account_claim
        self.issuer = settings.jwt_issuer or None
        self.audience = settings.jwt_audience or None

    def __call__(self, token: str) -> dict:
        try:
            claims = jwt.decode(token, self.key, algorithms=self.algorithms, issuer=self.issuer,
                                audience=self.audience, options={"require": ["exp"]})
        except jwt.ExpiredSignatureError:
            raise OAuthProblem(detail="token has expired") from None
        except jwt.InvalidTokenError:
            raise OAuthProblem(detail="invalid token") from None
        account = claims.get(self.claim)
        if isinstance(account, int) and not isinstance(account, bool):
            account = str(account)
        if not isinstance(account, str) or not account.strip():
            raise OAuthProblem(detail=ACCOUNT_REQUIRED)
        # The platform signed it, but it is still input: it is stored and it is logged.
        if len(account) > MAX_ACCOUNT_ID or not is_storable(account):
            raise OAuthProblem(detail=ACCOUNT_INVALID)
        # Connexion hands "sub" to handlers as their `user` argument.
        return {"sub": account}


def security_map(verifier: TokenVerifier) -> dict:
    """Connexion's security handlers (its `security_map`) with the bearer check bound to `verifier`.

    `get_fn` is what Connexion asks a handler class for: the function that checks a request. Ours
    is built from public parts only (no spec extension naming a module function, so the verifier
    can carry this app's settings).
    """
    class Bearer(BearerSecurityHandler):
        def get_fn(self, security_scheme, required_scopes):
            return self.check

        def check(self, request):
            kind, token = self.get_auth_header_value(request)
            if kind != "bearer":
                return NO_VALUE
            return verifier(token)

    return {"bearer": Bearer}
