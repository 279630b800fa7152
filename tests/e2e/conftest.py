"""e2e tests drive the running local stack; its fixtures live in tests/conftest.py, helpers in tests/helpers.py."""

from tests.helpers import (  # noqa: F401
    ALL_TRIGGERS,
    PASSWORD,
    TRIGGER_ARN,
    RunningStack,
    error_of,
    free_port,
    register_trigger,
    unique,
)
