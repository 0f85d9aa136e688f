"""GET /api/stream: the live stream of ledger events as Server-Sent Events, releasability applied."""

from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import StreamingHttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from crisisdesk.accounts import access
from crisisdesk.sitreps import stream

router = Router(tags=["stream"])


class StreamFilter(Schema):
    case: str | None = Field(default=None, max_length=80, description="only events of this case")
    last_event_id: int | None = Field(default=None, ge=0, description="resume after this seq (the "
                                      "Last-Event-ID header, which EventSource sends on reconnect, wins)")
    timeout: float = Field(default=300, ge=0, le=3600, description="close after this many seconds; "
                           "EventSource reconnects and resumes")
    ping: float = Field(default=15, ge=0.05, le=60, description="keepalive comment interval (seconds)")


SSE_DOC = {
    "responses": {
        200: {  # an int, as ninja keys its own responses: "200" would be a second key
            "description": "text/event-stream: `id: <ledger seq>`, `event: ledger` (or `hello` first), "
                           "`data: {seq, type, at, case, subject, actor, data, exercise}`; "
                           "`event: retracted`, `data: {seq, case, report}` tells a subscriber who "
                           "lost access to a report (its releasability narrowed) to drop it",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        }
    }
}


@router.get("/stream", response={200: None}, openapi_extra=SSE_DOC)
def live_stream(request, filters: Query[StreamFilter]):
    """The live stream. Every event carries its ledger seq as its id; reconnect with Last-Event-ID."""
    user = request.auth
    access.require_post(user)
    case = access.access_case(user, filters.case).ref if filters.case else None
    header = request.headers.get("Last-Event-ID", "").strip()
    after = int(header) if header.isascii() and header.isdigit() else filters.last_event_id
    sub = stream.Subscriber(staff=access.is_staff_role(user), members=access.members_of(user), case=case)
    start = stream.hub.subscribe(sub)
    if after is not None and after > max(start, stream.max_seq()):
        # An id from the future (another database, a restore): start afresh from the head, and
        # the hello frame's id replaces the client's stale one.
        after = None
    try:
        first, last = [], start
        if after is not None:
            first.append("retry: 1500\n\n")
            last = after
            for item in stream.load_items(after):
                if sub.case is not None and item["payload"]["case"] != sub.case:
                    last = item["seq"]
                    continue
                chosen = stream.for_subscriber(item, staff=sub.staff, members=sub.members)
                if chosen is not None:  # the event, or its retraction for one who lost access
                    first.append(stream.frame(chosen))
                last = item["seq"]
        else:
            first.append(stream.hello(start))
    except Exception:
        stream.hub.unsubscribe(sub)
        raise
    # The stream itself reads no database: give this request's connection back now rather than
    # when the stream ends, or a hundred listeners would hold a hundred connections (the pool's
    # limit). Inside a transaction (a test's) the connection must stay.
    if not connection.in_atomic_block:
        connection.close()
    make = stream.async_stream if isinstance(request, ASGIRequest) else stream.sync_stream
    response = StreamingHttpResponse(make(sub, first, timeout=filters.timeout, ping=filters.ping, last=last),
                                     content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"
    return response
