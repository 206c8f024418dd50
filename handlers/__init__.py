"""HTTP handlers, one module per tag of spec/openapi.yaml, each a lookup and a return.

A handler takes the arguments the spec names (and `user`, the caller's account id); one that
needs the application context declares a first parameter `ctx` (web/routing.py binds it).
"""
