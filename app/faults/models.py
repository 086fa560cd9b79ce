"""Placeholder: filled by the domain issue."""
