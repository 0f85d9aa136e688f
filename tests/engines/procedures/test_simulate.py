"""The procedure engine on scenarios: modes, outcomes, amendments, membership and rule breaks."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisisdesk.engines.procedures import ScenarioError, load_charter, run

CSTO = load_charter("csto")
OSCE = load_charter("osce")
T0 = "2022-01-06T00:10:00+06:00"


def at(minutes: int) -> str:
    return (datetime.fromisoformat(T0) + timedelta(minutes=minutes)).isoformat()


def scenario(mode, events, procedure="council-decision", as_of="2022-01-06T00:00:00+06:00"):
    return {"charter": "csto", "procedure": procedure, "mode": mode, "members_as_of": as_of, "events": events}


def circulate(minutes=0, deadline_minutes=350):
    return {"at": at(minutes), "type": "circulate", "deadline": at(deadline_minutes)}


def pos(minutes, member, position, reason=""):
    return {"at": at(minutes), "type": "position", "member": member, "position": position, "reason": reason}


ACTIVE_2022 = ["AM", "BY", "KG", "KZ", "RU", "TJ"]


def test_it_adopts_a_written_circulation_when_every_member_agrees():
    events = [circulate()] + [pos(10 + i, m, "agree") for i, m in enumerate(ACTIVE_2022)]
    result = run(scenario("written", events), CSTO)
    assert result["outcome"] == "adopted"
    assert result["required"] == ACTIVE_2022
    assert datetime.fromisoformat(result["decided_at"]) == datetime.fromisoformat(at(15))
    assert result["positions"]["RU"] == "agree"


def test_it_lapses_a_written_circulation_with_a_silent_member():
    events = [circulate()] + [pos(10, m, "agree") for m in ACTIVE_2022[:-1]]
    result = run(scenario("written", events), CSTO)
    assert result["outcome"] == "lapsed"
    assert datetime.fromisoformat(result["decided_at"]) == datetime.fromisoformat(at(350))


def test_it_rejects_a_written_circulation_on_an_objection():
    events = [circulate(), pos(5, "RU", "agree"), pos(6, "AM", "object", "no")]
    result = run(scenario("written", events), CSTO)
    assert result["outcome"] == "rejected"


def test_declared_non_participation_neither_blocks_nor_counts():
    events = [circulate(), pos(1, "AM", "non_participation")] + [
        pos(2 + i, m, "agree") for i, m in enumerate(ACTIVE_2022) if m != "AM"
    ]
    result = run(scenario("written", events), CSTO)
    assert result["outcome"] == "adopted"
    assert result["non_participating"] == ["AM"]
    assert "AM" not in result["required"]


def test_silence_is_adopted_at_the_deadline_unless_broken():
    assert run(scenario("silence", [circulate(), pos(5, "RU", "agree")]), CSTO)["outcome"] == "adopted"
    broken = run(scenario("silence", [circulate(), pos(5, "AM", "object", "amend para 2")]), CSTO)
    assert broken["outcome"] == "silence_broken"
    assert datetime.fromisoformat(broken["decided_at"]) == datetime.fromisoformat(at(5))


def test_an_amendment_restarts_the_clock_and_voids_earlier_positions():
    events = [circulate(0, 350), pos(50, "RU", "agree"), pos(110, "AM", "object", "..."), {"at": at(140), "type": "amend"}]
    result = run(scenario("silence", events), CSTO)
    assert result["outcome"] == "adopted"
    assert result["positions"] == {}
    assert datetime.fromisoformat(result["decided_at"]) == datetime.fromisoformat(at(140 + 350))


def test_frozen_and_suspended_members_drop_out_of_the_required_set():
    events = [{"at": "2024-06-01T10:00:00+03:00", "type": "circulate", "deadline": "2024-06-02T10:00:00+03:00"}]
    result = run(scenario("written", events, as_of="2024-06-01T00:00:00+03:00"), CSTO)
    assert "AM" not in result["required"]  # frozen since 2024
    assert "UZ" not in result["required"]  # suspended since 2012
    assert result["required"] == ["BY", "KG", "KZ", "RU", "TJ"]


def test_a_position_after_the_decision_is_not_counted():
    events = [circulate()] + [pos(10 + i, m, "agree") for i, m in enumerate(ACTIVE_2022)] + [
        pos(30, "AM", "object", "too late")]
    result = run(scenario("written", events), CSTO)
    assert result["outcome"] == "adopted"
    assert result["positions"]["AM"] == "agree"


def test_it_refuses_a_non_member():
    with pytest.raises(ScenarioError, match="not a member"):
        run(scenario("written", [circulate(), pos(5, "FR", "agree")]), CSTO)


def test_it_refuses_a_suspended_member():
    with pytest.raises(ScenarioError, match="suspended"):
        run(scenario("written", [circulate(), pos(5, "UZ", "agree")]), CSTO)


def test_it_refuses_time_going_backwards():
    with pytest.raises(ScenarioError, match="backwards"):
        run(scenario("written", [circulate(10), pos(5, "RU", "agree")]), CSTO)


def test_it_refuses_a_position_after_the_deadline():
    with pytest.raises(ScenarioError, match="deadline"):
        run(scenario("written", [circulate(0, 60), pos(61, "RU", "agree")]), CSTO)


def test_it_refuses_unknown_vocabulary():
    with pytest.raises(ScenarioError, match="unknown event type"):
        run(scenario("written", [circulate(), {"at": at(1), "type": "vote"}]), CSTO)
    with pytest.raises(ScenarioError, match="unknown position"):
        run(scenario("written", [circulate(), pos(1, "RU", "yes")]), CSTO)


def test_a_session_judges_consensus_among_those_present_at_the_close():
    events = [circulate(), pos(1, "RU", "agree"), pos(2, "KZ", "abstain")]
    assert run(scenario("session", events), CSTO)["outcome"] == "adopted"


def test_the_second_charter_decides_by_silence_without_csto_specifics():
    events = [{"at": "2026-03-01T10:00:00+01:00", "type": "circulate"}, {"at": "2026-03-02T09:00:00+01:00",
              "type": "position", "member": "MT", "position": "object", "reason": "amendment"}]
    result = run({"charter": "osce", "procedure": "council-decision", "events": events}, OSCE)
    assert result["mode"] == "silence"
    assert result["outcome"] == "silence_broken"
    quiet = run({"charter": "osce", "procedure": "council-decision", "events": events[:1]}, OSCE)
    assert quiet["outcome"] == "adopted"
    assert datetime.fromisoformat(quiet["decided_at"]) == datetime(2026, 3, 4, 9, 0, tzinfo=timezone.utc)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ACTIVE_2022 + ["UZ"]),
                          st.sampled_from(["agree", "object", "abstain", "non_participation"])), max_size=12),
       st.sampled_from(["written", "session", "silence"]))
def test_it_never_adopts_without_the_required_positions(stances, mode):
    events = [circulate()] + [pos(1 + i, m, p, "r") for i, (m, p) in enumerate(stances)]
    try:
        result = run(scenario(mode, events), CSTO)
    except ScenarioError:
        assert any(m == "UZ" for m, _ in stances)
        return
    final = result["positions"]
    if result["outcome"] == "adopted":
        assert not any(p == "object" for p in final.values())
        if mode == "written":
            assert all(m in final for m in result["required"])
        if mode != "silence":
            assert any(p == "agree" for p in final.values())
