from crisisdesk.engines import signing


def signed(decision: dict, member: str, position: str, key, reason: str = "") -> dict:
    """Return the JSON body of a signed position on the decision as the API showed it."""
    message = signing.position_message(case=decision["case"], decision=decision["id"], version=decision["version"],
                                       text=decision["text"], member=member, position=position, reason=reason)
    return {"member": member, "position": position, "reason": reason, "text_sha256": decision["text_sha256"],
            "signature": signing.sign(key, message)}
