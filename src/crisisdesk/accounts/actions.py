"""Writes of accounts: users, the posts they hold, tokens."""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from crisisdesk import clock, ledger
from crisisdesk.accounts.models import ApiToken, Holding
from crisisdesk.errors import NotFound
from crisisdesk.events import EventType
from crisisdesk.organization.models import Post


def user_create(*, username: str, password: str, post_codes: list[str], actor: str, organisation: str):
    """Create a user holding the given posts (for set-up and the demo logins)."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password)
        for code in post_codes:
            post_assign(user=user, post_code=code, organisation=organisation, actor=actor)
    return user


def post_assign(*, user, post_code: str, organisation: str, actor: str) -> Holding:
    post = Post.objects.filter(organisation__code=organisation, code=post_code).first()
    if post is None:
        raise NotFound(f"no post {post_code!r} in {organisation}")
    with transaction.atomic():
        holding = Holding.objects.create(user=user, post=post, since=clock.now())
        ledger.record(
            EventType.POST_ASSIGNED, actor=actor, subject=f"user:{user.username}",
            data={"user": user.username, "post": post.code},
        )
    return holding


def token_create(*, username: str, actor: str) -> str:
    """Create an API token and return it; only its hash is kept."""
    User = get_user_model()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"no active user {username!r}")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, digest=hashlib.sha256(token.encode()).hexdigest(), created_at=clock.now())
        ledger.record(EventType.TOKEN_CREATED, actor=actor, subject=f"user:{username}", data={"user": username})
    return token


def user_for_token(token: str):
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = ApiToken.objects.select_related("user").filter(digest=digest, revoked_at=None).first()
    if row is None or not row.user.is_active:
        return None
    return row.user
