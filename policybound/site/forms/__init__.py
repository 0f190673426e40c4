"""The public forms: one page per ``web_form`` purpose of the policy in force (``/forms/<purpose>/``).

- :mod:`.spec`: the form built from the purpose, and a POST read back into fields and consents;
- the notice beside each consent box comes from ``collection.notices`` (a purpose's, then each
  third-party provision it allows);
- :mod:`.receipt`: the signed token that carries a sent form to its confirmation page.

The views are in :mod:`policybound.site.views_forms`; every write goes through
``collection.services.submission_record``.
"""
