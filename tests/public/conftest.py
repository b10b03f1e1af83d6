from tests.taskforce.conftest import group, people  # noqa: F401 -- shared fixtures
