"""The outline stage: one format-neutral description of each document — the handbook, a post's
booklet, the facts a post's page shows — built once from the linked manual and a language.

Every output renders it and none works these facts out for itself: chapter and entry numbers
(`numbering`: 一、（一）1.（1） in Chinese, 3.2.1 elsewhere), cross-reference numbers, the document
control, step rows and the one wording of where a step leads (`steps`), the RACI tables and their
words (`raci`), a booklet's parts, checklist cards and paper forms (`booklet`), dates (`dates`).
"""

from officebook.outline.booklet import (
    BookletOutline,
    BookletPart,
    ChecklistCard,
    PaperForm,
    booklet_outline,
    checklist_cards,
    paper_forms,
)
from officebook.outline.dates import cover_date, date_text
from officebook.outline.handbook import (
    Chapter,
    DocumentControl,
    Entry,
    HandbookOutline,
    MaintainerRow,
    anchor,
    handbook_outline,
    step_anchor,
)
from officebook.outline.numbering import Numbering, chinese_numeral, numbering_for
from officebook.outline.raci import (
    RACI_LANDSCAPE_POSTS,
    RACI_PORTRAIT_POSTS,
    RaciTable,
    function_matrices,
    function_matrix,
    raci_tables,
)
from officebook.outline.steps import StepRow, StepTarget, flow_text, step_rows

__all__ = [
    "RACI_LANDSCAPE_POSTS", "RACI_PORTRAIT_POSTS", "BookletOutline", "BookletPart", "Chapter", "ChecklistCard",
    "DocumentControl", "Entry", "HandbookOutline", "MaintainerRow", "Numbering", "PaperForm", "RaciTable", "StepRow",
    "StepTarget", "anchor", "booklet_outline", "checklist_cards", "chinese_numeral", "cover_date", "date_text",
    "flow_text", "function_matrices", "function_matrix",
    "handbook_outline", "numbering_for", "paper_forms", "raci_tables", "step_anchor", "step_rows",
]
