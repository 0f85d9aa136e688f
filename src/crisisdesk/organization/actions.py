"""The only writes to the organisation: loading charters and registering keys."""

import base64
import hashlib

from django.db import transaction

from crisisdesk import clock, ledger
from crisisdesk.engines.procedures import Charter, parse_charter
from crisisdesk.errors import Conflict, DomainError
from crisisdesk.events import EventType
from crisisdesk.organization.models import (
    CharterVersion,
    ExternalBody,
    Membership,
    MemberState,
    Organ,
    Organisation,
    Post,
    PostKey,
)


def charter_load(*, text: str, actor: str) -> CharterVersion:
    """Validate and load a charter version; loading the same text again changes nothing."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    same = CharterVersion.objects.filter(sha256=digest).select_related("organisation").first()
    if same is not None:
        return same
    charter = parse_charter(text)
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(
            code=charter.name, defaults={"title_ru": charter.title["ru"], "title_en": charter.title["en"]}
        )
        existing = CharterVersion.objects.filter(organisation=organisation, version=charter.version).first()
        if existing is not None:
            if existing.sha256 != digest:
                raise Conflict(
                    f"charter {charter.name} version {charter.version} is already loaded with other content; "
                    "raise the version number"
                )
            return existing
        version = CharterVersion.objects.create(
            organisation=organisation, version=charter.version, sha256=digest, text=text, loaded_at=clock.now()
        )
        _sync(organisation, charter)
        ledger.record(
            EventType.CHARTER_LOADED,
            actor=actor,
            subject=f"charter:{charter.name}:{charter.version}",
            data={"charter": charter.name, "version": charter.version, "sha256": digest},
        )
    return version


def _sync(organisation: Organisation, charter: Charter) -> None:
    """Bring members, organs, posts and bodies in line with the charter; nothing is deleted."""
    Organisation.objects.filter(pk=organisation.pk).update(title_ru=charter.title["ru"], title_en=charter.title["en"])
    members = {}
    for code, m in charter.members.items():
        member, _ = MemberState.objects.update_or_create(
            organisation=organisation, code=code,
            defaults={"name_ru": m.name["ru"], "name_en": m.name["en"], "zone": m.zone},
        )
        member.statuses.all().delete()
        Membership.objects.bulk_create(Membership(member=member, status=s, since=d) for d, s in m.statuses)
        members[code] = member
    organs = {}
    for code, o in charter.organs.items():
        organs[code], _ = Organ.objects.update_or_create(
            organisation=organisation, code=code, defaults={"name_ru": o["name"]["ru"], "name_en": o["name"]["en"]}
        )
    for code, p in charter.posts.items():
        Post.objects.update_or_create(
            organisation=organisation, code=code,
            defaults={
                "seat": p["seat"], "role": p["role"], "organ": organs.get(p.get("organ")),
                "member": members.get(p.get("member")), "title_ru": p["title"]["ru"], "title_en": p["title"]["en"],
            },
        )
    for code, b in charter.external_bodies.items():
        ExternalBody.objects.update_or_create(
            organisation=organisation, code=code,
            defaults={"name_ru": b["name"]["ru"], "name_en": b["name"]["en"], "email": b.get("email", "")},
        )


def key_register(*, post: Post, public_key_b64: str, actor: str) -> PostKey:
    """Register the public half of a post's signing key."""
    try:
        raw = base64.b64decode(public_key_b64, validate=True)
    except ValueError:
        raise DomainError("the public key is not base64", code="invalid_key") from None
    if len(raw) != 32:
        raise DomainError("an Ed25519 public key is 32 bytes", code="invalid_key")
    fingerprint = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        if PostKey.objects.filter(fingerprint=fingerprint).exists():
            raise Conflict("this key is already registered")
        key = PostKey.objects.create(
            post=post, public_key=base64.b64encode(raw).decode(), fingerprint=fingerprint,
            registered_at=clock.now(), registered_by=actor,
        )
        ledger.record(
            EventType.KEY_REGISTERED, actor=actor, subject=f"post:{post.code}",
            data={"post": post.code, "fingerprint": fingerprint, "public_key": key.public_key},
        )
    return key
