from __future__ import annotations

import pytest

from tests.exports.helpers import Data, build


@pytest.fixture
def data(session) -> Data:
    return build(session)
