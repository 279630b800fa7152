"""The HTTP API: the auth routes blueprint, its request/response models, errors, cookies and OpenAPI document."""
