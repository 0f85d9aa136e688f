"""What a position signature covers, and Ed25519 verification, without Django."""

import base64
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "crisisdesk-position/1"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def position_message(
    *, case: str, decision: int, version: int, text: str, member: str, position: str, reason: str
) -> bytes:
    """Return the exact bytes a position signs: the case, the text's hash, the stance, the text."""
    header = "\n".join(
        [
            PREFIX,
            f"case:{case}",
            f"decision:{decision}",
            f"version:{version}",
            f"text-sha256:{text_sha256(text)}",
            f"member:{member}",
            f"position:{position}",
            f"reason:{json.dumps(reason, ensure_ascii=False)}",
            "",
            "",
        ]
    )
    return header.encode("utf-8") + text.encode("utf-8")


def verify(public_key_b64: str, message: bytes, signature_b64: str) -> bool:
    """Return whether the signature is valid for the message under the key."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        key.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def sign(private_key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(private_key.sign(message)).decode()


def public_b64(private_key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()
