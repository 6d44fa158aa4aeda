"""The node's settings for the catalog benchmark: hub.settings without the API's request-rate limits.

Sixteen clients on one address would meet the anonymous limit (120 a minute) within a second and
then measure 429 answers; the limits are a policy, not the catalog's cost, so the benchmark's node
runs without them. Everything else is the node's own configuration.
"""

from hub.settings import *  # noqa: F403
from hub.settings import REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
