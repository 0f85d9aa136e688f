import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.engines import signing
from crisisdesk.errors import DomainError
from crisisdesk.organization.models import Post, PostKey


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """Write a private key readable by its owner only; refuse to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def read_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise CommandError(f"{path}: no such key file") from None
    except (ValueError, TypeError):
        raise CommandError(f"{path}: not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CommandError(f"{path}: not an Ed25519 key")
    return key


class Command(BaseCommand):
    help = "Signing keys of posts: crisisdesk keys new --post POST [--out FILE] | keys list"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        new = sub.add_parser("new", help="create a keypair locally and register only its public half")
        new.add_argument("--post", required=True, help="the post the key signs for, e.g. KZ.head_of_state")
        new.add_argument("--organisation", default=None)
        new.add_argument("--out", default=None, help="where to write the private key (PEM, mode 0600)")
        sub.add_parser("list")

    def handle(self, *args, verb, **options):
        if verb == "list":
            for key in PostKey.objects.select_related("post").order_by("post__code"):
                state = "revoked" if key.revoked_at else "active"
                self.stdout.write(f"{key.post.code}\t{key.fingerprint[:16]}\t{state}")
            return
        from crisisdesk.organization.actions import key_register

        organisation = options["organisation"] or settings.DEFAULT_CHARTER
        post = Post.objects.filter(organisation__code=organisation, code=options["post"]).first()
        if post is None:
            raise CommandError(f"no post {options['post']!r} in {organisation}")
        out = Path(options["out"] or settings.VAR_DIR / "keys" / f"{post.code}.pem")
        if out.exists():
            raise CommandError(f"{out} exists; choose another --out")
        private = Ed25519PrivateKey.generate()
        # The private key is written first, so a registered key always has its private half.
        write_private_key(out, private)
        try:
            key = key_register(post=post, public_key_b64=signing.public_b64(private), actor="cli")
        except DomainError as exc:
            out.unlink()
            raise CommandError(exc.detail) from None
        self.stdout.write(f"registered key {key.fingerprint[:16]} for {post.code}; private key in {out}")
