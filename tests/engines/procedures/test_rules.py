"""Decision rules as reusable objects: majorities, quorum, veto holders and excluded parties."""

from fractions import Fraction

from crisisdesk.engines.procedures.rules import Rule

SIX = frozenset({"A", "B", "C", "D", "E", "F"})


def test_a_simple_majority_of_members_needs_more_than_half_of_all():
    rule = Rule(kind="majority", base="members")
    assert rule.judge(SIX, {"A": "agree", "B": "agree", "C": "agree"}, final=True) == "rejected"
    assert rule.judge(SIX, {m: "agree" for m in "ABCD"}, final=True) == "adopted"


def test_a_majority_of_those_present_and_voting_ignores_abstentions():
    rule = Rule(kind="majority", base="present_and_voting")
    positions = {"A": "agree", "B": "agree", "C": "object", "D": "abstain", "E": "abstain"}
    assert rule.judge(SIX, positions, final=True) == "adopted"
    assert Rule(kind="majority", base="present").judge(SIX, positions, final=True) == "rejected"


def test_a_qualified_majority_reaches_its_threshold_inclusively():
    rule = Rule(kind="qualified_majority", threshold=Fraction(2, 3), base="members")
    assert rule.judge(SIX, {m: "agree" for m in "ABCD"}, final=True) == "adopted"
    assert rule.judge(SIX, {m: "agree" for m in "ABC"}, final=True) == "rejected"


def test_a_majority_waits_for_everyone_until_the_time_is_up():
    rule = Rule(kind="majority", base="members")
    assert rule.judge(SIX, {m: "agree" for m in "ABCD"}, final=False) is None


def test_without_quorum_nothing_is_decided():
    rule = Rule(kind="consensus", quorum=Fraction(2, 3))
    assert rule.judge(SIX, {"A": "agree", "B": "agree"}, final=True) is None
    assert rule.judge(SIX, {m: "agree" for m in "ABCD"}, final=True) == "adopted"


def test_a_veto_holder_rejects_even_a_majority():
    rule = Rule(kind="majority", base="members", veto=frozenset({"F"}))
    positions = {m: "agree" for m in "ABCDE"} | {"F": "object"}
    assert rule.judge(SIX, positions, final=True) == "rejected"


def test_unanimity_is_blocked_by_an_abstention_but_consensus_is_not():
    positions = {m: "agree" for m in "ABCDE"} | {"F": "abstain"}
    assert Rule(kind="unanimity").judge(SIX, positions, final=True) == "rejected"
    assert Rule(kind="consensus").judge(SIX, positions, final=True) == "adopted"


def test_consensus_needs_at_least_one_agreement():
    assert Rule(kind="consensus").judge(SIX, {m: "abstain" for m in SIX}, final=True) == "rejected"
