"""Property: no submission with a foreign field or a missing required consent is ever stored."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policybound.collection.services import SubmissionRejected, submission_record
from policybound.collection.tests.conftest import row_counts
from policybound.lib.testing import BUNDLED_POLICY, alice_fields
from policybound.policy.loader import policy_load

POLICY = policy_load(BUNDLED_POLICY).policy
WEB_PURPOSES = [p for p in POLICY.purposes if p.web_form]
VALID = {**alice_fields(), "interests": ["cloud"]}
ALL_ITEMS = {item.code for item in POLICY.items}


@st.composite
def foreign_field(draw):
    purpose = draw(st.sampled_from(WEB_PURPOSES))
    allowed = {*purpose.items, *purpose.optional_items}
    fields = {code: VALID[code] for code in allowed}
    extra = draw(
        st.one_of(
            st.sampled_from(sorted(ALL_ITEMS - allowed)) if ALL_ITEMS - allowed else st.nothing(),
            st.text(min_size=1, max_size=30).filter(lambda code: code not in allowed),
        )
    )
    fields[extra] = draw(st.one_of(st.text(max_size=40), st.lists(st.text(max_size=5), max_size=3)))
    consents = {purpose.code: True, "marketing": draw(st.booleans())}
    return purpose.code, fields, consents


@st.composite
def missing_consent(draw):
    purpose = draw(st.sampled_from(WEB_PURPOSES))
    fields = {code: VALID[code] for code in purpose.items}
    own = draw(st.sampled_from([False, None, "yes", 1]))
    consents = {} if own is None else {purpose.code: own}
    if draw(st.booleans()):
        consents["marketing"] = draw(st.booleans())
    return purpose.code, fields, consents


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.one_of(foreign_field(), missing_consent()))
def test_it_never_stores_a_submission_that_breaks_the_policy(policy_version, visitor, case):
    purpose, fields, consents = case
    before = row_counts()
    with pytest.raises(SubmissionRejected):
        submission_record(purpose=purpose, fields=fields, consents=consents, source="web", actor=visitor)
    assert row_counts() == before
