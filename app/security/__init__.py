"""Roles as data (roles.py), synced into FAB's tables by `flask roles sync`."""
