"""Settings for bench/ceilings.py: the site's, with the ceilings' URLs in front."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceilings_urls"
