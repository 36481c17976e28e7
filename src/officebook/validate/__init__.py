"""Validate loaded content: shape against the JSON Schemas, then meaning (ids, refs, RACI, steps, posts, texts).

The schemas in `schemas/` are the single source of truth for shape; the semantic checks walk the data
with those schemas to find texts and references, so a field added to a schema is checked at once.
`content` sorts the files, `shape` turns schema errors into findings, `texts` checks texts and links,
`meaning` references, RACI, steps and the reporting tree.
"""

from officebook.validate.content import ID_PATTERN, Content, build_content, file_facts, item_id, kind_of
from officebook.validate.meaning import meaning_fingerprint, validate_across, validate_file_meaning
from officebook.validate.shape import validate_shape
from officebook.validate.texts import check_urls, walk_texts

__all__ = ["ID_PATTERN", "Content", "build_content", "check_urls", "file_facts", "item_id", "kind_of",
           "meaning_fingerprint", "validate_across", "validate_file_meaning", "validate_shape", "walk_texts"]
