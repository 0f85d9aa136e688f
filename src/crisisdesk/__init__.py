"""crisisdesk: the Crisis Response Centre's record of a collective-security response."""
