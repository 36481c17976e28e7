"""The linked model and its derived views, on the minimal manual."""

import dataclasses

import pytest

from conftest import CASES
from officebook.model import BackRef, Ref
from officebook.pipeline import run_check


@pytest.fixture(scope="module")
def manual():
    result = run_check(CASES / "valid" / "minimal" / "content", use_cache=False)
    assert result.manual is not None
    return result.manual


def test_items_are_frozen(manual):
    with pytest.raises(dataclasses.FrozenInstanceError):
        manual.posts["secretary"].reports_to = "driver"


def test_items_are_ordered_by_order_then_title(manual):
    assert list(manual.functions) == ["service", "coordination"]
    # no order: by the pinyin of the default-language title, 办公室主任 < 驾驶员 < 秘书 (not code points)
    assert list(manual.posts) == ["director", "driver", "secretary"]
    assert list(manual.duties) == ["vehicles", "document-handling", "annual-review"]  # 车 < 公 < 年


def test_texts_fall_back_to_the_default_language(manual):
    title = manual.posts["driver"].title
    assert title.get("en") == "Driver" and title.get("fr") == "驾驶员"
    assert manual.info.default_language == "zh" and manual.info.languages == ("zh", "en")


def test_steps_resolve_default_next(manual):
    steps = {s.id: s for s in manual.procedures["document-review"].steps}
    assert steps["draft"].next == ("check",) and not steps["draft"].explicit_next
    assert steps["check"].next == ("sign", "draft")
    assert steps["sign"].is_end
    assert manual.procedures["vehicle-request"].step("refuse").is_end


def test_post_order_follows_the_reporting_tree(manual):
    assert manual.post_order == ("director", "secretary", "driver")
    assert manual.head == "director"


def test_checklists_by_frequency_steps_and_criteria(manual):
    secretary = manual.checklists["secretary"]
    assert {f: [e.key for e in entries] for f, entries in secretary.by_frequency.items()} == {
        "daily": ["duty:document-handling"], "weekly": ["duty:vehicles"], "annually": ["duty:annual-review"],
    }
    assert [e.key for e in secretary.steps] == [
        "step:document-review/draft", "step:vehicle-request/request",
        "step:vehicle-request/approve", "step:vehicle-request/refuse",
    ]
    # accuracy: applies_to.posts; courtesy: attached to annual-review (R) and applies_to vehicle-request (acts).
    # Neither has a check: each is shown once, with the work it governs — on the case sheets, in procedure order
    assert [e.key for e in secretary.criteria] == ["criterion:accuracy/0", "criterion:accuracy/1", "criterion:courtesy/0"]
    assert [(c.procedure, [g.standard for g in c.criteria]) for c in secretary.cases] == [
        ("document-review", ["accuracy"]), ("vehicle-request", ["courtesy"])]
    assert secretary.periodic["annually"].governing == ("courtesy",)
    assert secretary.periodic["annually"].criteria == ()  # shown on the vehicle-request sheet already


def test_a_case_sheet_knows_which_other_steps_hand_the_case_over_or_take_it_on(manual):
    """Beside a post's own steps, the other posts' steps that lead into one of them or follow one
    (what the site's case sheet links to); not the steps further away."""
    def adjacent(post, procedure):
        sheet = next(c for c in manual.checklists[post].cases if c.procedure == procedure)
        return [s.step for s in sheet.steps if s.adjacent]

    assert adjacent("secretary", "document-review") == ["check"]  # takes the draft on; `sign` is further on
    assert adjacent("director", "document-review") == ["draft"]  # hands the draft on, and gets it back
    assert adjacent("driver", "vehicle-request") == ["approve"]  # `request` leads only to approve or refuse
    assert not any(s.adjacent and s.own for c in manual.checklists["secretary"].cases for s in c.steps)


def test_consulted_or_informed_does_not_make_a_standard_apply(manual):
    # the driver is only informed of document-handling (which carries `accuracy`)
    assert "accuracy" not in manual.applicable_standards["driver"]
    # but acts in vehicle-request, which `courtesy` names in applies_to.procedures
    assert manual.applicable_standards["driver"] == ("courtesy",)
    assert "duty:document-handling" not in {e.key for es in manual.checklists["driver"].by_frequency.values() for e in es}


def test_onboarding_view(manual):
    view = manual.onboarding["secretary"]
    assert [e.text.get("en") for e in view.first_day] == ["Meet the colleagues in every section"]
    assert view.duties == ("vehicles", "document-handling", "annual-review")
    assert view.procedures_owned == ("document-review",)
    assert view.procedures_acted_in == ("vehicle-request",)
    assert view.reports_to == "director" and view.direct_reports == ("driver",)


def test_raci_matrix(manual):
    assert manual.raci.posts == ("director", "secretary", "driver")
    assert manual.raci.cell("annual-review", "director") == "R/A"
    assert manual.raci.cell("vehicles", "director") == "C"
    assert manual.raci.cell("document-handling", "driver") == "I"
    assert manual.raci.cell("vehicles", "nobody") == ""


def test_backrefs_count_every_ref(manual):
    director = manual.referrers(Ref("posts", "director"))
    assert BackRef(Ref("functions", "coordination"), "maintainer") in director
    assert BackRef(Ref("posts", "secretary"), "reports_to") in director
    assert BackRef(None, "terms[0].see") in manual.referrers(Ref("procedures", "document-review"))
    assert manual.referrers(Ref("functions", "coordination")) == (
        BackRef(Ref("duties", "document-handling"), "function"), BackRef(Ref("duties", "annual-review"), "function"),
    )


def test_subfolder_items_keep_their_file(manual):
    assert manual.duties["vehicles"].file == "duties/service/vehicles.yaml"


def test_each_function_knows_its_duties_in_duty_order(manual):
    assert set(manual.function_duties) == set(manual.functions)
    for function, duties in manual.function_duties.items():
        assert duties == tuple(d for d, duty in manual.duties.items() if duty.function == function)
        assert manual.duties_of_function(function) == tuple(manual.duties[d] for d in duties)
    assert manual.function_duties == {"coordination": ("document-handling", "annual-review"),
                                      "service": ("vehicles",)}


def test_each_standard_knows_the_posts_it_applies_to(manual):
    """The inverse of `applicable_standards`, in reporting order, for every standard (none left out)."""
    assert set(manual.applying_posts) == set(manual.standards)
    for standard, posts in manual.applying_posts.items():
        assert posts == tuple(p for p in manual.post_order if standard in manual.applicable_standards[p])
    # the driver acts in vehicle-request, which `courtesy` names; only informed of document-handling (`accuracy`)
    assert manual.applying_posts == {"courtesy": ("director", "secretary", "driver"), "accuracy": ("director", "secretary")}
