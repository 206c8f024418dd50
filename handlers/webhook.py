from service import app_events, connection


def oauth_callback(ctx, code, domain, state, member_id, server_domain, scope=None):
    # `domain` and `server_domain` are the caller's word: the code goes only to an OAuth server of
    # BITRIX_OAUTH_SERVERS, and REST calls use the token answer's client_endpoint.
    location = connection.complete(ctx, code, state, member_id, domain, server_domain)
    return None, 302, {"Location": location}


def receive_install_event(ctx, body):
    return app_events.installed(ctx, body)


def receive_uninstall_event(ctx, body):
    return app_events.uninstalled(ctx, body)
