from errors import NotImplementedYet


def oauth_callback(code, domain, state, member_id, server_domain, scope=None):
    raise NotImplementedYet("the OAuth callback is not implemented yet")
