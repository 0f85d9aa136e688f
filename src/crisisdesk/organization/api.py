from ninja import Router, Schema

from crisisdesk.accounts import access

router = Router(tags=["organization"])


class PostOut(Schema):
    code: str
    role: str
    member: str | None
    seat: str


class MeOut(Schema):
    username: str
    roles: list[str]
    members: list[str]
    posts: list[PostOut]


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    return MeOut(
        username=user.username, roles=sorted(access.roles_of(user)), members=sorted(access.members_of(user)),
        posts=[PostOut(code=p.code, role=p.role, member=p.member.code if p.member else None, seat=p.seat)
               for p in access.posts_of(user)],
    )
