"""Gruuv's settings plus a bare one-query view, the yardstick for requests per second."""

from gruuv.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
