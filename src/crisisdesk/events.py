"""The one event vocabulary, shaped area:subject:verb.

The same events feed the ledger, the live stream, notifications, KPIs and the after-action report.
Add new types in the section of their area.
"""

from enum import StrEnum


class EventType(StrEnum):
    # organization
    CHARTER_LOADED = "organization:charter:loaded"
    KEY_REGISTERED = "organization:key:registered"
    KEY_REVOKED = "organization:key:revoked"
    POST_ASSIGNED = "accounts:post:assigned"
    TOKEN_CREATED = "accounts:token:created"
    # cases
    APPEAL_RECEIVED = "case:appeal:received"
    CASE_MILESTONE = "case:milestone:recorded"
    MANDATE_SET = "case:mandate:set"
    MANDATE_END_ANNOUNCED = "case:mandate:end_announced"
    TERMINATION_REQUESTED = "case:mandate:termination_requested"
    CASE_CLOSED = "case:case:closed"
    CASE_STALLED = "case:case:stalled"
    # decisions
    CONSULTATION_OPENED = "decision:consultation:opened"
    DRAFT_CIRCULATED = "decision:draft:circulated"
    DRAFT_AMENDED = "decision:draft:amended"
    POSITION_SIGNED = "decision:position:signed"
    SESSION_HELD = "decision:session:held"
    OUTCOME_ADOPTED = "decision:outcome:adopted"
    OUTCOME_REJECTED = "decision:outcome:rejected"
    OUTCOME_SILENCE_BROKEN = "decision:outcome:silence_broken"
    OUTCOME_LAPSED = "decision:outcome:lapsed"
    DEADLINE_REMINDED = "decision:deadline:reminded"
    DEADLINE_ESCALATED = "decision:deadline:escalated"
    # forces
    FORCE_FORMED = "forces:force:formed"
    COMMANDER_APPOINTED = "forces:commander:appointed"
    PLEDGE_RECORDED = "forces:pledge:recorded"
    PLEDGE_APPROVED = "forces:pledge:approved"
    REQUIREMENT_SET = "forces:requirement:set"
    PLAN_COMPUTED = "forces:plan:computed"
    SORTIE_PLANNED = "forces:sortie:planned"
    SORTIE_DEPARTED = "forces:sortie:departed"
    SORTIE_LANDED = "forces:sortie:landed"
    SORTIE_CANCELLED = "forces:sortie:cancelled"
    DEPLOYMENT_COMPLETED = "forces:deployment:completed"
    OBJECT_GUARDED = "forces:object:guarded"
    OBJECT_HANDED_BACK = "forces:object:handed_back"
    WITHDRAWAL_STARTED = "forces:withdrawal:started"
    WITHDRAWAL_COMPLETED = "forces:withdrawal:completed"
    PLEDGE_REFUSED = "forces:pledge:refused"
    CONTINGENT_FORMED = "forces:contingent:formed"
    OBJECT_LISTED = "forces:object:listed"
    # sitreps
    SITREP_FILED = "sitreps:report:filed"
    SITREP_UPDATED = "sitreps:report:updated"
    SITREP_OVERDUE = "sitreps:report:overdue"
    FIGURE_MADE_OFFICIAL = "sitreps:figure:made_official"
    SITREP_ALARM_CLEARED = "sitreps:alarm:cleared"
    CADENCE_SET = "sitreps:cadence:set"
    EXERCISE_STARTED = "sitreps:exercise:started"
    EXERCISE_INJECT = "sitreps:exercise:inject"
    EXERCISE_ENDED = "sitreps:exercise:ended"
    # notices
    NOTICE_DUE = "notices:duty:due"
    NOTICE_DRAFTED = "notices:letter:drafted"
    NOTICE_APPROVED = "notices:letter:approved"
    NOTICE_SENT = "notices:letter:sent"
    NOTICE_FAILED = "notices:letter:failed"
    NOTICE_ACKNOWLEDGED = "notices:letter:acknowledged"
    NOTICE_ESCALATED = "notices:duty:escalated"
    REPORT_SENT = "notices:report:sent"
    STATEMENT_DRAFTED = "notices:statement:drafted"
    STATEMENT_APPROVED = "notices:statement:approved"
    STATEMENT_PUBLISHED = "notices:statement:published"
    # registry
    ORGANIZATION_ADDED = "registry:organization:added"
    ORGANIZATION_CHANGED = "registry:organization:changed"
    DESIGNATION_ADDED = "registry:designation:added"
    DESIGNATION_CHANGED = "registry:designation:changed"
    REGISTRY_IMPORTED = "registry:import:completed"
    UNIFIED_PROPOSED = "registry:unified:proposed"
    UNIFIED_LISTED = "registry:unified:listed"
    SCREENING_RUN = "registry:screening:run"
    # analytics
    LESSON_RECORDED = "analytics:lesson:recorded"
    LESSON_UPDATED = "analytics:lesson:updated"
