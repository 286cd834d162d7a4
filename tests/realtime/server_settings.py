"""Settings of the uvicorn processes the multi-process tests start: Hanse's own, with a
channel-layer prefix of the test's choosing so that parallel test workers sharing one Redis
never exchange messages."""

import os

from hanse.settings import *  # noqa: F403
from hanse.settings import CHANNEL_LAYERS, RATE_LIMITS

_prefix = os.environ.get("HANSE_TEST_LAYER_PREFIX")
if _prefix and "CONFIG" in CHANNEL_LAYERS["default"]:
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = _prefix

if os.environ.get("HANSE_TEST_SEND_LIMIT"):
    # A conversation test sends faster than a person types.
    RATE_LIMITS = {**RATE_LIMITS, "chat": f"{int(os.environ['HANSE_TEST_SEND_LIMIT'])}/10s"}
