"""The normal forms blind indexes are computed over, so that equal things index equally.

An e-mail address is compared case-insensitively as a whole (providers ignore the local part's case in
practice, and a person typing ``Alice@`` once and ``alice@`` later is one person). Phone numbers come
already in E.164 from validation. A company name drops its legal form and punctuation, so
"(주)에이비씨", "㈜ 에이비씨" and "에이비씨 주식회사" are one organisation.
"""

from __future__ import annotations

import re
import unicodedata

_LEGAL_FORMS_KO = re.compile(r"\(주\)|\(유\)|\(사\)|\(재\)|주식회사|유한회사|유한책임회사|사단법인|재단법인")
_LEGAL_FORMS_EN = {"co", "ltd", "inc", "corp", "corporation", "llc", "limited", "company", "plc", "gmbh"}


def email_normalize(email: str) -> str:
    return unicodedata.normalize("NFKC", email).strip().casefold()


def organization_normalize(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    words = re.findall(r"\w+", _LEGAL_FORMS_KO.sub(" ", text))
    while len(words) > 1 and words[-1] in _LEGAL_FORMS_EN:
        words.pop()
    return "".join(words) or "".join(re.findall(r"\w+", text))
