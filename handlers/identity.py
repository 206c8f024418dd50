"""Who is calling: the platform account id from a verified JWT."""
import inspect

import jwt
from connexion.exceptions import OAuthProblem
from connexion.security import BearerSecurityHandler
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

ACCOUNT_REQUIRED = "account id is required"


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
        # Connexion inspects the check's signature on every request; a stored one is read, not rebuilt.
        self.__signature__ = inspect.signature(self.__call__)

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
        # Connexion hands "sub" to handlers as their `user` argument.
        return {"sub": account}


def security_map(verifier: TokenVerifier) -> dict:
    """Connexion's security handlers with the bearer check bound to `verifier`."""
    class Bearer(BearerSecurityHandler):
        def _resolve_func(self, security_scheme):
            return verifier

    return {"bearer": Bearer}
