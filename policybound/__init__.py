"""policybound: a privacy policy that runs.

One declarative policy file renders the published 개인정보처리방침 and, from the same data, decides what
forms may collect, which consents they ask for, when records are destroyed and who may see what.
"""
