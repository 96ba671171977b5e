"""The checker checked: every catalogued backprop bug still applies to the library's current
source, and the property suite catches each one (the full table: ``python -m tests.mutants``)."""

import pytest

from tests.mutants import CATALOGUE, Bug, Edit, MutantOutOfDate, planted, run_bug, split_by_method

BUGS = {bug.name: bug for bug in CATALOGUE}


def functions_of(bug):
    return [getattr(__import__(module, fromlist=[name]), name)
            for module, name in (edit.target.split(":") for edit in bug.edits)]


@pytest.mark.parametrize("name", BUGS)
def test_every_catalogued_bug_edits_the_current_source_and_is_undone_afterwards(name):
    functions = functions_of(BUGS[name])
    originals = [f.__code__ for f in functions]
    with planted(BUGS[name]):
        assert all(f.__code__ is not code for f, code in zip(functions, originals))
    assert all(f.__code__ is code for f, code in zip(functions, originals))


def test_a_snippet_that_is_no_longer_in_the_source_raises_mutant_out_of_date():
    stale = Bug("stale", (Edit("manual_backprop.backprop:_backprop_loop", "delta = a(L) - y", "pass"),))
    with pytest.raises(MutantOutOfDate, match=r"'delta = a\(L\) - y' is no longer in the source of "
                                              r"manual_backprop.backprop._backprop_loop"):
        with planted(stale):
            pass


def test_split_by_method_plants_a_gradient_bug_in_one_method_at_a_time():
    variants = split_by_method(BUGS["1/m forgotten on Delta"])
    assert [v.name for v in variants] == ["1/m forgotten on Delta [vectorized only]",
                                          "1/m forgotten on Delta [loop only]"]
    assert [len(v.edits) for v in variants] == [1, 1]


@pytest.mark.parametrize("name", BUGS)
def test_the_property_suite_catches_every_catalogued_bug(name):
    result = run_bug(BUGS[name], stop_at_first=True)
    assert result.caught, f"no property caught {name!r}: " + ", ".join(
        f"{o.property} ({o.examples} examples)" for o in result.outcomes)
