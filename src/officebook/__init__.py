"""officebook: an office's own description of itself, as a validated manual."""

__version__ = "0.1.0"
