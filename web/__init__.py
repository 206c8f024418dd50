"""HTTP plumbing around the handlers: routing, the served spec, identity, error bodies, access log."""
