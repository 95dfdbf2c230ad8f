"""Zhirong's own contract check, loaded by schemathesis through SCHEMATHESIS_HOOKS
(scripts/contract sets it and runs schemathesis once per role).

The OpenAPI document names, on every operation under a role's scope, the roles the guard lets
through (`x-roles`, taken from the guard's own lists). A success (2xx) given to any other role,
or to a caller without a token, is an authorisation leak.
"""

import os

import schemathesis

ROLE = os.environ.get("ZR_ROLE", "")


@schemathesis.check
def no_role_leak(ctx, response, case):
    """A 2xx for a caller whose role the operation's `x-roles` does not list."""
    roles = case.operation.definition.raw.get("x-roles")
    if roles is None or not 200 <= response.status_code < 300:
        return None
    if ROLE not in roles:
        who = ROLE or "a caller without a token"
        raise AssertionError(
            f"authorisation leak: {who} got {response.status_code} from "
            f"{case.method} {case.path}, which is for {', '.join(roles)}"
        )
    return None
