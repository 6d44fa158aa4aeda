"""The node's settings for the catalog benchmark: config.settings without the API's request-rate limits.

Sixteen clients on one address would meet the anonymous limit (120 a minute) within a second and
then measure 429 answers; the limits are a policy, not the catalog's cost, so the benchmark's node
runs without them. Everything else is the node's own configuration.
"""

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
