"""The kinds of content and their names: one definition for every stage and output."""

from __future__ import annotations

from officebook.i18n import N_

# The item kinds, in the order every output lists them.
ITEM_KINDS = ("functions", "duties", "procedures", "standards", "posts")
# Every kind an edition compares: the items and the glossary.
EDITION_KINDS = (*ITEM_KINDS, "glossary")
# The label key of one item of a kind (`label(SINGULAR[kind], lang)`), also its template's name.
SINGULAR = {"functions": "function", "duties": "duty", "procedures": "procedure", "standards": "standard",
            "posts": "post"}
# The schema file of each kind of file (`<name>.schema.json`).
KIND_SCHEMA = {"manual": "manual", "glossary": "glossary", **SINGULAR}
KIND_NOUN = {  # catalogued: shown as _(KIND_NOUN[kind])
    "functions": N_("function"),
    "duties": N_("duty"),
    "procedures": N_("procedure"),
    "standards": N_("standard"),
    "posts": N_("post"),
}
# The kind each reference definition of common.schema.json points at.
REF_KINDS = {"postRef": "posts", "functionRef": "functions", "procedureRef": "procedures", "standardRef": "standards"}
