"""HTTP handlers, one module per tag of spec/openapi.yaml; each operationId names its function."""
