"""The JSON Schema that every charter must satisfy before its meaning is checked."""

_TEXT = {
    "type": "object",
    "required": ["ru", "en"],
    "properties": {"ru": {"type": "string", "minLength": 1}, "en": {"type": "string", "minLength": 1}},
}
_DURATION_OR_IMMEDIATELY = {"type": "string", "pattern": r"^(immediately|P.+)$"}

CHARTER_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["charter", "version", "title", "members", "organs", "posts", "procedures"],
    "additionalProperties": False,
    "properties": {
        "charter": {"type": "string", "pattern": r"^[a-z][a-z0-9-]*$"},
        "version": {"type": ["string", "number"]},
        "title": _TEXT,
        "sources": {"type": "object"},
        "immediately": {"type": "string"},
        "host_languages": {"type": "object"},
        "members": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "name", "zone", "status"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": r"^[A-Z]{2}$"},
                    "name": _TEXT,
                    "zone": {"type": "string"},
                    "language": {"type": "string"},
                    "status": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["from", "status"],
                            "properties": {
                                "from": {},
                                "status": {"enum": ["active", "frozen", "suspended", "observer"]},
                                "source": {"type": "string"},
                                "note": {"type": "string"},
                            },
                            "additionalProperties": False,
                        },
                    },
                },
            },
        },
        "organs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "string"}, "name": _TEXT, "kind": {"type": "string"},
                               "seat": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "posts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title", "role"],
                "properties": {
                    "id": {"type": "string", "pattern": r"^[a-z][a-z0-9_.]*$"},
                    "title": _TEXT,
                    "organ": {"type": "string"},
                    "member": {"type": "string"},
                    "per_member": {"type": "boolean"},
                    "role": {"enum": ["delegate", "secretariat", "duty_officer", "force_command", "analyst"]},
                },
                "additionalProperties": False,
            },
        },
        "chair": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["member", "from"],
                "properties": {"member": {"type": "string"}, "from": {}, "to": {}, "source": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "external_bodies": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "string"}, "name": _TEXT, "email": {"type": "string"},
                               "via": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "procedures": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["title", "organ", "seat", "rule", "modes", "default_mode", "deadline", "escalation"],
                "additionalProperties": False,
                "properties": {
                    "title": _TEXT,
                    "organ": {"type": "string"},
                    "seat": {"type": "string"},
                    "legal_basis": {"type": "array", "items": {"type": "string"}},
                    "rule": {
                        "type": "object",
                        "required": ["kind"],
                        "additionalProperties": False,
                        "properties": {
                            "kind": {"enum": ["consensus", "unanimity", "majority", "qualified_majority"]},
                            "threshold": {"type": ["string", "number"]},
                            "base": {"enum": ["members", "present", "present_and_voting"]},
                            "quorum": {"type": ["string", "number"]},
                            "veto": {"type": "array", "items": {"type": "string"}},
                            "excluded": {"type": "array", "items": {"type": "string"}},
                            "abstention": {"enum": ["simple", "non_participation", "constructive"]},
                        },
                    },
                    "modes": {"type": "array", "minItems": 1, "items": {"enum": ["session", "written", "silence"]}},
                    "default_mode": {"enum": ["session", "written", "silence"]},
                    "deadline": {"type": "string"},
                    "reminders": {"type": "array", "items": {"type": "string"}},
                    "escalation": {
                        "type": "object",
                        "required": ["to"],
                        "properties": {"to": {"type": "string"}, "after": {"type": "string"}},
                        "additionalProperties": False,
                    },
                    "template": {"type": "object", "required": ["ru", "en"],
                                 "properties": {"ru": {"type": "string"}, "en": {"type": "string"}}},
                    "steps": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "organ", "post", "legal_basis"],
                            "properties": {
                                "id": {"type": "string"},
                                "title": _TEXT,
                                "organ": {"type": "string"},
                                "post": {"type": "string"},
                                "legal_basis": {"type": "string", "minLength": 1},
                                "document_in": {"type": "string"},
                                "document_out": {"type": "string"},
                                "per_member": {"type": "boolean"},
                                "completion": {"type": "string"},
                                "subprocedure": {"type": "string"},
                            },
                            "additionalProperties": False,
                        },
                    },
                    "notifications": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["recipient", "signer", "trigger", "deadline", "legal_basis", "duty"],
                            "properties": {
                                "id": {"type": "string"},
                                "recipient": {"type": "string"},
                                "signer": {"type": "string"},
                                "on_behalf_of": {"type": "string"},
                                "trigger": {"type": "string"},
                                "deadline": _DURATION_OR_IMMEDIATELY,
                                "legal_basis": {"type": "string"},
                                "duty": {"enum": ["legal", "practice"]},
                                "template": {"type": "string"},
                            },
                            "additionalProperties": False,
                        },
                    },
                },
            },
        },
    },
}
