"""The summary labels at the top of the published policy (주요 처리 표시, the PIPC guideline's labelling).

The PIPC's 개인정보 처리방침 작성지침 asks for a short block of labels before the full text, so a reader
sees at a glance what is collected, why, for how long, who else receives it and whom to call. Every
label here is drawn from the data the system enforces, never typed separately, so the summary cannot
say less or more than the policy does; a label for something the policy does not do says so ("제공하지
않음") rather than disappearing, as "we do not" is also a promise. Each label links to the article that
prints its section, when the document has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from policybound.policy.render import article_anchor
from policybound.policy.render_sections import retention_words
from policybound.policy.render_text import Context, Lang
from policybound.policy.schema import Block, Policy, Sensitivity

# The labels' own words (Korean, English), as the guideline names them.
_WORDS: dict[str, tuple[str, str]] = {
    "items": ("수집하는 개인정보", "Personal information collected"),
    "purposes": ("처리 목적", "Purposes"),
    "retention": ("보유 기간", "Retention"),
    "third_parties": ("제3자 제공", "Provision to third parties"),
    "processors": ("처리 위탁", "Entrusted processing"),
    "transfers": ("국외 이전", "Transfers abroad"),
    "sensitive": ("민감정보·고유식별정보", "Sensitive data and unique identifiers"),
    "cookies": ("자동 수집 장치(쿠키)", "Automatic collection (cookies)"),
    "contact": ("고충 처리 부서", "Complaints"),
    "none_provided": ("제공하지 않음", "None"),
    "none_entrusted": ("위탁하지 않음", "None"),
    "none_transferred": ("이전하지 않음", "None"),
    "none_collected": ("수집하지 않음", "None collected"),
    "cookies_used": ("사용함 (거부할 수 있음)", "Used (you may refuse them)"),
    "cookies_unused": ("사용하지 않음", "Not used"),
}

# Which document sections print each label's subject, to link the label to its article.
_SECTIONS: dict[str, tuple[str, ...]] = {
    "items": ("purposes", "purposes_required", "purposes_optional", "purposes_without_consent"),
    "purposes": ("purposes", "purposes_required", "purposes_optional", "purposes_without_consent"),
    "retention": ("purposes_retention", "purposes", "legal_retention"),
    "third_parties": ("third_parties",),
    "processors": ("processors", "sub_processors"),
    "transfers": ("transfers",),
    "sensitive": ("purposes",),
    "cookies": ("cookie_uses", "cookie_refusal"),
    "contact": ("access_requests", "privacy_contacts", "officer"),
}


@dataclass(frozen=True)
class SummaryLabel:
    """One label: its key (for the page's styling), its heading, what it says, where the text says more."""

    key: str
    heading: str
    text: str
    anchor: str | None


def policy_summary(policy: Policy, *, lang: str = "ko") -> list[SummaryLabel]:
    """The summary labels of ``policy`` in ``lang``, in the guideline's order."""
    ctx = Context(policy, "en" if lang == "en" else "ko")
    words = _words(ctx.lang)
    joined = ", "
    ordinary = [i for i in policy.items if i.sensitivity is Sensitivity.ORDINARY]
    special = [i for i in policy.items if i.sensitivity is not Sensitivity.ORDINARY]
    texts = {
        "items": joined.join(ctx.t(item.label) for item in ordinary),
        "purposes": joined.join(ctx.t(purpose.label) for purpose in policy.purposes),
        "retention": "; ".join(
            f"{ctx.t(purpose.label)}: {retention_words(ctx, purpose)}" for purpose in policy.purposes
        ),
        "third_parties": joined.join(ctx.t(party.recipient) for party in policy.third_parties)
        or words["none_provided"],
        "processors": joined.join(ctx.t(processor.name) for processor in policy.processors)
        or words["none_entrusted"],
        "transfers": joined.join(_transfer_words(ctx, policy)) or words["none_transferred"],
        "sensitive": joined.join(ctx.t(item.label) for item in special) or words["none_collected"],
        "cookies": words["cookies_used"] if policy.cookies is not None else words["cookies_unused"],
        "contact": _contact_words(ctx, policy),
    }
    anchors = sections_shown(policy)
    return [
        SummaryLabel(key, words[key], text, next((anchors[s] or None for s in _SECTIONS[key] if s in anchors), None))
        for key, text in texts.items()
    ]


def _words(lang: Lang) -> dict[str, str]:
    return {key: (en if lang == "en" else ko) for key, (ko, en) in _WORDS.items()}


def _transfer_words(ctx: Context, policy: Policy) -> Iterable[str]:
    for transfer in policy.transfers:
        country = f" ({ctx.t(transfer.country)})" if transfer.country is not None else ""
        yield f"{ctx.t(transfer.recipient)}{country}"


def _contact_words(ctx: Context, policy: Policy) -> str:
    department = policy.contacts.access_requests
    return f"{ctx.t(department.name)} {department.phone}, {department.email}"


def sections_shown(policy: Policy) -> dict[str, str]:
    """Each data section the document prints (as a table or a list), with the anchor of the first
    article that prints it (``{"third_parties": "article-provision"}``); the preamble has none."""
    found: dict[str, str] = {}
    for article in policy.document.articles:
        for name in _shown(article.blocks):
            found.setdefault(name, article_anchor(article.code))
    for name in _shown(policy.document.preamble):
        found.setdefault(name, "")
    return found


def _shown(blocks: Iterable[Block]) -> Iterable[str]:
    for block in blocks:
        for reference in (block.table, block.bullets):
            if reference:
                yield reference.split("[", 1)[0].strip()
