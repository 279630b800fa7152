"""Business logic behind the HTTP API: no chalice imports, clients passed in."""
