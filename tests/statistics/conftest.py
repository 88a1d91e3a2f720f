"""The page tests here use the AppTest fixtures of tests/ui."""

from tests.ui.conftest import app_for, people, ui_database  # noqa: F401
