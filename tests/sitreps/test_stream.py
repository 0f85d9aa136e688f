"""GET /api/stream: ids on every event, resumption from Last-Event-ID, and the pages' releasability rule."""

import json

from asgiref.sync import async_to_sync

from crisisdesk.sitreps import stream


def parse(chunks) -> list[dict]:
    text = "".join(c.decode() if isinstance(c, bytes) else c for c in chunks)
    events = []
    for block in text.split("\n\n"):
        fields = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value
        if "data" in fields:
            events.append({"id": int(fields["id"]), "event": fields.get("event", "message"),
                           "data": json.loads(fields["data"])})
    return events


def ledger_events(chunks):
    return [e for e in parse(chunks) if e["event"] == "ledger"]


def open_stream(client, query="timeout=0.3&ping=0.1", **headers):
    response = client.client.get(f"/api/stream?{query}", **client.headers, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/event-stream")
    return response


def test_stream_needs_a_login(api):
    assert api().get("/api/stream?timeout=0").status_code == 401


def test_outsider_without_a_post_is_refused(api, outsider):
    assert api(outsider).get("/api/stream?timeout=0").status_code == 403


def test_live_events_respect_releasability(api, alice, bob, charlie, duty_officer, force_command, report_json,
                                           django_capture_on_commit_callbacks):
    clients = {name: api(user) for name, user in
               [("alice", alice), ("bob", bob), ("charlie", charlie), ("duty", duty_officer)]}
    filer = api(force_command)
    streams = {name: open_stream(c) for name, c in clients.items()}
    assert stream.hub.count >= 4
    with django_capture_on_commit_callbacks(execute=True):
        only_kz = filer.post("/api/sitreps", json=report_json(released_to=["KZ"], title="for KZ only")).json()
    with django_capture_on_commit_callbacks(execute=True):
        for_all = filer.post("/api/sitreps", json=report_json(title="for everyone")).json()
    with django_capture_on_commit_callbacks(execute=True):
        kz_ru = filer.post("/api/sitreps", json=report_json(released_to=["KZ", "RU"], title="KZ and RU")).json()
    got = {name: ledger_events(s.streaming_content) for name, s in streams.items()}
    reports = {name: [e["data"]["data"]["report"] for e in events if e["data"]["type"] == "sitreps:report:filed"]
               for name, events in got.items()}
    assert reports["alice"] == [only_kz["id"], for_all["id"], kz_ru["id"]]
    assert reports["bob"] == [for_all["id"], kz_ru["id"]]
    assert reports["charlie"] == [for_all["id"]]
    assert reports["duty"] == [only_kz["id"], for_all["id"], kz_ru["id"]]
    for name, events in got.items():
        ids = [e["id"] for e in events]
        assert ids == sorted(ids) and all(e["id"] == e["data"]["seq"] for e in events)
        if name != "duty":  # Delegates never see events of no case (e.g. another user's token).
            assert all(e["data"]["case"] for e in events)
            assert not any("for KZ only" in json.dumps(e) for e in events) or name == "alice"
    assert stream.hub.count == 0  # Every stream unsubscribed when it ended.


def test_a_case_released_to_one_state_streams_to_it_only(api, alice, bob, kz_case, report_json, force_command,
                                                         django_capture_on_commit_callbacks):
    kz_case.released_to = ["KZ"]
    kz_case.save()
    filer = api(force_command)
    a, b = open_stream(api(alice)), open_stream(api(bob))
    with django_capture_on_commit_callbacks(execute=True):
        filer.post("/api/sitreps", json=report_json(released_to=["ALL"]))
    assert [e["data"]["type"] for e in ledger_events(a.streaming_content)] == ["sitreps:report:filed"]
    assert ledger_events(b.streaming_content) == []


def test_resume_from_last_event_id(api, alice, bob, force_command, report_json, django_capture_on_commit_callbacks):
    filer = api(force_command)
    first = open_stream(api(alice), "timeout=0.05&ping=0.05")
    hello = parse(first.streaming_content)[0]
    assert hello["event"] == "hello"
    with django_capture_on_commit_callbacks(execute=True):
        one = filer.post("/api/sitreps", json=report_json(title="one")).json()
        secret = filer.post("/api/sitreps", json=report_json(title="kz only", released_to=["KZ"])).json()
        two = filer.post("/api/sitreps", json=report_json(title="two")).json()
    for user, expected in [(alice, [one["id"], secret["id"], two["id"]]), (bob, [one["id"], two["id"]])]:
        resumed = open_stream(api(user), "timeout=0.05&ping=0.05", HTTP_LAST_EVENT_ID=str(hello["id"]))
        events = ledger_events(resumed.streaming_content)
        assert [e["data"]["data"]["report"] for e in events if e["data"]["type"] == "sitreps:report:filed"] == expected
        assert all(e["id"] > hello["id"] for e in events)
        # Resuming after the last one gives nothing again.
        again = open_stream(api(user), "timeout=0.05&ping=0.05", HTTP_LAST_EVENT_ID=str(events[-1]["id"]))
        assert ledger_events(again.streaming_content) == []
    by_query = open_stream(api(bob), f"timeout=0.05&ping=0.05&last_event_id={hello['id']}")
    assert len([e for e in ledger_events(by_query.streaming_content)
                if e["data"]["type"] == "sitreps:report:filed"]) == 2


def test_an_id_from_the_future_starts_afresh(api, alice, force_command, report_json,
                                            django_capture_on_commit_callbacks):
    """A Last-Event-ID above the ledger's head (another database, a restore) would otherwise skip
    every event up to it: the stream says hello with the head instead, and then streams on."""
    from crisisdesk.ledger.models import Event

    head = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    stale = open_stream(api(alice), "timeout=0.05&ping=0.05", HTTP_LAST_EVENT_ID=str(head + 1000))
    frames = parse(stale.streaming_content)
    assert frames[0]["event"] == "hello" and frames[0]["id"] < head + 1000
    with django_capture_on_commit_callbacks(execute=True):
        api(force_command).post("/api/sitreps", json=report_json(title="after a restore"))
    resumed = open_stream(api(alice), "timeout=0.05&ping=0.05", HTTP_LAST_EVENT_ID=str(head))
    assert [e["data"]["type"] for e in ledger_events(resumed.streaming_content)][:1] == ["sitreps:report:filed"]


def test_case_filter_and_other_states_case_refused(api, alice, bob, kz_case):
    kz_case.released_to = ["KZ"]
    kz_case.save()
    assert api(bob).get("/api/stream?case=kazakhstan-test&timeout=0").status_code == 404
    assert api(alice).get("/api/stream?case=kazakhstan-test&timeout=0").status_code == 200


def test_async_stream_under_asgi(api, alice, bob, force_command, report_json, django_capture_on_commit_callbacks):
    from django.test import AsyncClient

    from crisisdesk.accounts.actions import token_create

    tokens = {u.username: token_create(username=u.username, actor="test") for u in (alice, bob)}
    filer = api(force_command)

    async def read(username, post):
        client = AsyncClient()
        response = await client.get("/api/stream?timeout=0.5&ping=0.1",
                                    headers={"Authorization": f"Bearer {tokens[username]}"})
        assert response.status_code == 200
        chunks = []
        posted = False
        async for chunk in response.streaming_content:
            chunks.append(chunk)
            if not posted:
                posted = True
                await post()
        return chunks

    async def post():
        from asgiref.sync import sync_to_async

        def do():
            with django_capture_on_commit_callbacks(execute=True):
                filer.post("/api/sitreps", json=report_json(released_to=["KZ"], title="async"))
        await sync_to_async(do)()

    async def noop():
        return None

    alice_chunks = async_to_sync(read)("alice", post)
    assert [e["data"]["data"]["title"] for e in ledger_events(alice_chunks)] == ["async"]
    bob_chunks = async_to_sync(read)("bob", noop)
    assert ledger_events(bob_chunks) == []


def test_visibility_rule_unit():
    item = {"gates": [["ALL"], ["KZ"]]}
    assert stream.visible(item, staff=False, members=frozenset({"KZ"}))
    assert not stream.visible(item, staff=False, members=frozenset({"RU"}))
    assert not stream.visible({"gates": []}, staff=False, members=frozenset({"KZ"}))
    assert stream.visible({"gates": []}, staff=True, members=frozenset())
    assert not stream.visible({"gates": [["ALL"]]}, staff=False, members=frozenset())


def test_narrowing_releasability_retracts_the_report_from_screens_that_lose_it(
        api, alice, bob, charlie, duty_officer, force_command, report_json, django_capture_on_commit_callbacks):
    """Bob (RU) saw the report; once it is released to KZ only he gets a `retracted` frame with its
    id and nothing else. Alice (KZ) and the Centre get the update; Charlie (BY) never saw it and
    gets nothing."""
    filer = api(force_command)
    clients = {"alice": api(alice), "bob": api(bob), "charlie": api(charlie), "duty": api(duty_officer)}
    streams = {name: open_stream(c) for name, c in clients.items()}
    with django_capture_on_commit_callbacks(execute=True):
        report = filer.post("/api/sitreps", json=report_json(released_to=["KZ", "RU"], title="Secret title")).json()
    with django_capture_on_commit_callbacks(execute=True):
        narrowed = filer.put(f"/api/sitreps/{report['id']}", json={"revision": 1, "released_to": ["KZ"]})
    assert narrowed.status_code == 200 and narrowed.json()["released_to"] == ["KZ"]
    frames = {name: parse(s.streaming_content) for name, s in streams.items()}
    kinds = {name: [(f["event"], f["data"].get("type")) for f in got
                    if f["event"] == "retracted" or f["data"].get("type", "").startswith("sitreps:")]
             for name, got in frames.items()}
    assert kinds["alice"] == kinds["duty"] == [("ledger", "sitreps:report:filed"), ("ledger", "sitreps:report:updated")]
    assert kinds["bob"] == [("ledger", "sitreps:report:filed"), ("retracted", None)]
    assert kinds["charlie"] == []
    retracted = [f for f in frames["bob"] if f["event"] == "retracted"][0]
    update = [f for f in frames["alice"] if f["event"] == "ledger"][-1]
    assert retracted["id"] == update["id"]  # the same event id: a reconnect resumes after it
    assert retracted["data"] == {"seq": update["id"], "case": "kazakhstan-test", "report": report["id"]}

    # A reconnect from before the narrowing replays the retraction too, never the content.
    resumed = open_stream(clients["bob"], "timeout=0.05&ping=0.05", HTTP_LAST_EVENT_ID=str(update["id"] - 1))
    again = parse(resumed.streaming_content)
    assert [(f["event"], f["data"]) for f in again] == [("retracted", retracted["data"])]
    assert "Secret title" not in json.dumps(again)

    # Widening it again brings the report back to Bob with its content, as a normal update.
    bob_stream = open_stream(clients["bob"])
    with django_capture_on_commit_callbacks(execute=True):
        filer.put(f"/api/sitreps/{report['id']}", json={"revision": 2, "released_to": ["KZ", "RU"]})
    back = ledger_events(bob_stream.streaming_content)
    assert [e["data"]["type"] for e in back] == ["sitreps:report:updated"]
    assert back[0]["data"]["data"]["title"] == "Secret title"


def test_an_edit_that_keeps_access_sends_no_retraction(api, bob, force_command, report_json,
                                                       django_capture_on_commit_callbacks):
    filer = api(force_command)
    bob_stream = open_stream(api(bob))
    with django_capture_on_commit_callbacks(execute=True):
        report = filer.post("/api/sitreps", json=report_json(released_to=["ALL"])).json()
    with django_capture_on_commit_callbacks(execute=True):
        filer.put(f"/api/sitreps/{report['id']}", json={"revision": 1, "released_to": ["KZ", "RU"]})
    got = [(f["event"], f["data"].get("type")) for f in parse(bob_stream.streaming_content) if f["event"] != "hello"]
    assert got == [("ledger", "sitreps:report:filed"), ("ledger", "sitreps:report:updated")]
