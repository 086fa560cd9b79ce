"""Service requests (SROBO): the land-registry back office."""
