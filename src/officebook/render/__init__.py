"""Render the linked model: web pages (site), print HTML, and the fragments both share."""
