from service import connection


def oauth_callback(ctx, code, domain, state, member_id, server_domain, scope=None):
    # `domain` and `server_domain` are the caller's word: REST calls use the token answer's
    # client_endpoint, and the code goes only to the configured BITRIX_OAUTH_URL.
    location = connection.complete(ctx, code, state, member_id)
    return None, 302, {"Location": location}
