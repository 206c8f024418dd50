"""HTTP plumbing around the handlers: routing, identity, error bodies, access log."""
