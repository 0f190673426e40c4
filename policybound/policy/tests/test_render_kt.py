"""The bundled policy renders every fact of the customer's published text (seed of 2022-01-19).

``SEED_FACTS`` are strings copied from the seed, in its order, with these deliberate differences:
- typos fixed: 고객님의께서 → 고객님께서, 고객님의과의 → 고객님과의, 수집통 → 수집툴,
  국제기본법 → 국세기본법, 기의 기의 → 기의, 고객님의 직·간접적으로 → 고객님을 직·간접적으로;
- items print by their labels everywhere (회사 → 회사명, 전화번호 → 연락처) because the tables are
  generated from the items the system actually lets each processor see;
- brackets around phone numbers and e-mail addresses ([1588-0114]) are dropped;
- table cells are separated by one space, since the comparison strips the markup.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from policybound.policy.loader import policy_load
from policybound.policy.render import policy_render, policy_render_toc
from policybound.policy.schema import Policy

ARTICLE_TITLES = [
    "제 1 조 총칙",
    "제 2 조 개인정보의 수집·이용 목적 및 항목",
    "제 3 조 개인정보의 수집방법",
    "제 4 조 개인정보의 보유 및 이용기간",
    "제 5 조 개인정보의 파기절차 및 방법",
    "제 6 조 수집한 개인정보의 공유 및 제공",
    "제 7 조 개인정보 처리의 위탁",
    "제 8 조 수집한 개인정보의 국외이전",
    "제 9 조 이용자의 권리와 그 행사 방법",
    "제 10 조 개인정보 자동 수집장치의 설치 운영 및 그 거부에 관한 사항",
    "제 11 조 개인정보의 기술적, 관리적 보호",
    "제 12 조 개인정보 보호책임 부서 및 연락처",
    "제 13 조 권익침해 구제방법",
    "제 14 조 개인정보 열람청구",
    "제 15 조 개인정보처리방침 고지",
]

SEED_FACTS = [
    "KT Enterprise 개인정보처리방침",
    # 제1조
    "개인정보란 생존하는 개인에 관한 정보로서 성명, 전화번호, 이메일 등에 의하여 당해 개인을 알아볼 수 있는 부호, 문자, 음성, 음향, 영상 및 생체 특성 등에 관한 정보(당해 정보만으로는 특정 개인을 알아볼 수 없는 경우에도 다른 정보와 용이하게 결합하여 알아볼 수 있는 것을 포함)를 말합니다.",
    "주식회사 케이티(이하 “회사”라 합니다)는 고객님의 개인정보를 중요시하며, 「개인정보 보호법」과 개인정보 보호 관련 각종 법규를 준수하고 있습니다.",
    "회사는 개인정보처리방침을 통하여 고객님의 개인정보가 어떠한 용도와 방식으로 이용되고 있으며, 개인정보보호를 위해 어떠한 조치가 취해지고 있는지 알려드립니다.",
    "개정된 내용을 홈페이지(http://enterprise.kt.com)에 지체 없이 공지합니다.",
    "홈페이지(http://enterprise.kt.com), 첫 화면에서 식별할 수 있도록 표기하여 30 일 이상 그 사실을 공지합니다.",
    "2 곳 이상의 중앙일간지",
    "1 회 이상 공고하는 것으로 갈음합니다.",
    "법인 및 단체 고객(*1), 그리고 그 담당자(*2)에 대한 정보에 대해서는 개인정보와 동등하게 엄격하게 취급하고 있습니다.",
    "(주 1) 회사와 명함 교환을 주고 받은 고객 등 당사와 거래가 없는 고객을 포함합니다.",
    "(주 2) 회사와 계약 담당자 및 이벤트/세미나 참가자 등, 회사에 개인정보를 제공한 법인 및 단체고객의 임원 및 종업원을 포함합니다.",
    # 제2조
    "회사는 고객상담, 회사 서비스 소개 및 마케팅 활동, 홈페이지 서비스 개선 등을 위하여 필요한 범위에서 최소한의 개인정보만을 수집합니다.",
    "사상, 신념, 가족 및 친인척관계, 학력(學歷)·병력(病歷), 기타 사회활동 경력 등",
    "다만, 고객님께서 수집에 동의하시거나 다른 법률에 따라 특별히 수집 대상 개인정보로 허용된 경우에는",
    "가. 필수 수집·이용 목적 및 항목",
    "수집·이용 목적 개인정보 항목",
    "컨설팅 신청 (고객문의 접수, 답변 및 문의현황 관리) 이름, 연락처, 이메일, 회사명",
    "1:1 문의 (고객문의 접수, 답변 및 문의현황 관리) 이름, 연락처, 이메일, 회사명",
    "뉴스레터 신청 (뉴스레터 발송 및 현황 관리) 이름, 연락처, 이메일, 회사명, 관심분야",
    "리포트 다운로드 신청 (리포트 및 상품정보 다운로드 제공) 이름, 연락처, 이메일, 회사명",
    "나. 선택 수집·이용 목적 및 항목",
    # 관심분야 is asked only on the newsletter form, so marketing holds it as an optional item.
    "이벤트, 마케팅 활용 (KT 서비스 및 이벤트 정보 제공) 이름, 연락처, 이메일, 회사명 (선택: 관심분야)",
    "※ 위 정보는 가입 당시 정보뿐만 아니라 정보 수정으로 변경된 정보를 포함합니다.",
    "가. 고객님과의 계약을 이행하기 위하여 필요한 개인정보로서 경제적·기술적인 사유로 통상적인 동의를 받는 것이 뚜렷하게 곤란한 경우",
    "나. 관련 법령에 특별한 규정이 있는 경우",
    # 제3조
    "회사는 다음과 같은 방법으로 개인정보를 수집합니다.",
    "홈페이지 서비스 이용 시 고객이 입력한 정보를 통한 수집",
    "컨설팅/상담신청, 뉴스레터 신청, 리포트 다운로드 이용 시 입력정보에서 수집",
    "회사와 거래가 있는 법인 및 단체 고객, 회사와 거래가 없는 고객이나 명함 교환을 주고 받은 법인 및 단체 고객",
    "회사와 계약 담당자, 이벤트/세미나 참가자 등 회사에 개인정보를 제공한 법인 및 단체 고객의 임원 및 종업원",
    "서비스 이용 또는 업무처리 과정에서 생성되거나 제휴사 등 제 3자로부터의 제공, 생성정보 수집툴을 통한 수집 등",
    # 제4조
    "회사는 고객님의 개인정보를 고객님의 서비스 신청 시부터 서비스 종료(컨설팅 종료, 뉴스레터 수신거부, 리포트 다운로드 완료) 후 12 개월에 한하여 보유하고 이를 이용합니다. (단, 관계 법령에 특별한 규정이 있을 경우 관련 법령에 따라 보관)",
    "법령에서 특별한 기간을 규정하여 보관하는 예는 다음과 같습니다.",
    "보존 근거 보존 대상 보존 기간",
    "상법 상업장부와 영업에 관한 중요서류에 포함된 개인정보 10 년",
    "전표 또는 이와 유사한 서류에 포함된 개인정보 5 년",
    "국세기본법 성명, 주민번호, 전화번호, 청구지 주소, 요금납부내역 등 거래에 관한 장부 및 증거서류 5 년",
    "통신비밀보호법 통신사실확인자료 제공에 필요한 성명, 주민번호, 전화번호 및 가입자의 전기통신일시, 전기통신개시·종료시간, 발·착신 통신번호 등 상대방의 가입자번호, 사용도수, 발신기지국의 위치정보 12 개월 단, 시외/시내전화 역무와 관련된 자료 : 6 개월",
    "컴퓨터통신 또는 인터넷의 로그기록자료, 정보통신기기의 위치를 확인할 수 있는 접속지의 추적자료 3 개월",
    "전자상거래 등에서의 소비자 보호에 관한 법률 계약 또는 청약철회 등에 관한 기록 5 년",
    "대금결제 및 재화 등의 공급에 관한 기록 5 년",
    "소비자의 불만 또는 분쟁처리에 관한 기록 3 년",
    "표시/광고에 관한 기록 6 개월",
    "신용정보의 이용 및 보호에 관한 법률 신용정보의 수집/처리 및 이용 등에 관한 기록 3 년",
    # 제5조
    "회사는 원칙적으로 개인정보 수집 및 이용목적이 달성되었거나 동의를 받은 개인정보의 보유 및 이용기간이 경과된 후에는 해당 정보를 지체 없이 파기합니다. 파기절차 및 방법은 다음과 같습니다.",
    "1. 파기절차",
    "다만, 관련 법령에 따라 일정 기간 보관하는 개인정보(보유 및 이용기간 참조)는 해당 기간 동안 별도의 DB 에 보관된 후 파기됩니다.",
    "별도 DB 로 옮겨진 개인정보는 법률에 의한 경우가 아니고서는 보유되는 이외의 다른 목적으로 이용되지 않습니다.",
    "2. 파기방법",
    "종이(서면)에 작성·출력된 개인정보 : 분쇄하거나 소각 등의 방법으로 파기",
    "DB 등 전자적 파일 형태로 저장된 개인정보 : 재생할 수 없는 기술적 방법으로 삭제",
    # 제6조
    "회사는 고객님의 사전 동의 없이 고객님의 개인정보를 제 3 자에게 제공하지 않습니다. 다만, 다음의 경우는 예외로 합니다.",
    "관련 법령(통신비밀보호법, 전기통신사업법, 국세기본법 등)에 특별한 규정이 있는 경우로서, 법령에 정해진 규정과 절차에 따라 제공하는 경우",
    # 제7조
    "수탁자에 대해서는 “위·수탁계약서” 등을 통하여 관련 법규 및 지침의 준수, 정보보호 및 비밀유지, 제 3자 제공 금지, 사고 시 책임부담, 위탁기간 종료 즉시 개인정보의 반납/파기 의무 등 책임에 관한 사항을 규정하고, 수탁자가 개인정보를 안전하게 처리하는지를 감독하고 있습니다.",
    "[개인정보 처리업무 수탁자 및 위탁 업무 내용]",
    "수탁사 위탁 업무 내용",
    "(주)아이투맥스 다음 서비스 제공을 위한 개인정보(이름, 회사명, 이메일, 연락처, 관심분야 등)의 수집 및 보관 고객문의 접수 및 답변, 뉴스레터 또는 메일 발송, 리포트 다운로드 서비스",
    "플랜웍스엔터프라이즈 아래 마케팅 활동 및 서비스 제공을 위한 고객 개인정보(이름, 회사명, 이메일, 연락처, 직책 등) 수집 보관 뉴스레터 또는 메일 발송, 리포트 다운로드 서비스 온/오프라인 이벤트/세미나 고객문의 접수 및 답변 포함, 사은품 발송 관련 서비스",
    "KTIS 고객상담/문의 접수 및 답변 제공, 현황관리, 서비스 개선",
    "KTDS 웹사이트 구축, 운영 및 개발",
    "재수탁사 재위탁 업무 내용",
    "Salesforce.com (주)아이투맥스 재위탁업체 다음 서비스 제공을 위한 개인정보(이름, 회사명, 이메일, 연락처, 관심분야 등)의 수집 및 보관 고객문의 접수 및 답변, 뉴스레터 또는 메일 발송, 리포트 다운로드 서비스",
    "※ 수탁사 리스트는 해당 서비스 변경 및 계약기간에 따라 변경될 수 있습니다.",
    # 제8조
    "회사는 서비스 향상을 위하여 개인정보를 위탁하고 있으며, 사용자가 거주하는 국가 이외의 지역에 있는 서버에서 이용자의 개인정보를 처리할 수 있습니다.",
    "구분 내용",
    "이전 받는 업체 Salesforce.com The Landmark @ One Market Street, Suite 300 San Francisco, CA 94105 legalcompliance@salesforce.com",
    "이전 되는 국가 일본",
    "이전 되는 개인정보 항목 이름, 회사명, 이메일, 연락처, 관심분야",
    "이전 일시 서비스 이용을 위한 개인정보 입력 시",
    "이전 방법 클라우드 컴퓨팅 환경에 개인정보 보관",
    "보유 및 이용기간 개인정보 수집 및 이용에 관한 동의 후 12 개월 동안 보관",
    "※ 이용자는 정보 수집을 거부할 권리가 있습니다. 단, 동의를 거부할 경우 서비스가 제한될 수 있습니다.",
    # 제9조
    "고객님께서는 언제든지 개인정보, 개인정보를 이용하거나 제 3 자에게 제공한 현황, 개인정보 수집·이용·제공 등의 동의를 한 현황(이하 '개인정보 등'이라 합니다)에 대한 열람이나 제공을 요구하실 수 있고",
    "고객님께서 회사를 직접 방문하시거나 고객센터로 전화 문의 또는 홈페이지에 기재된 관리자 이메일로 문의하여 열람 및 정정(선택적 동의철회 포함)을 하실 수 있습니다.",
    "주민등록증, 여권, 운전면허증(신형) 등의 신분증명(사본)을 제시 받아 본인 여부를 확인합니다.",
    "대리 관계를 나타내는 위임장, 명의고객님의 인감증명서와 대리인의 신분증명서 등의 증표를 제시 받아 적절한 대리인인지 여부를 확인합니다.",
    "고객님께서는 개인정보 등의 열람이나 제공을 요청하실 수 있으며, 회사는 이러한 요청에 지체 없이 필요한 조치를 취합니다.",
    "잘못된 개인정보를 제 3 자에게 이미 제공한 경우에는 정정 처리결과를 제 3 자에게 지체 없이 통지하여 정정이 이루어지도록 하겠습니다.",
    "회사는 고객님의 요청에 의해 해지 또는 삭제된 개인정보를 “개인정보의 보유 및 이용기간”에 명시된 바에 따라 처리하고 그 외의 용도로 열람 또는 이용할 수 없도록 처리하고 있습니다.",
    # 제10조
    "회사는 홈페이지 운영에 있어 필요 시 고객님의 정보를 찾아내고 저장하는 '쿠키(Cookie)'를 운용합니다.",
    "고객님께서 웹브라우저의 보안 정책을 통해 쿠키에 의한 정보수집의 허용 거부 여부를 결정하실 수 있습니다.",
    "1. 쿠키에 의해 수집되는 정보 및 이용 목적",
    "가. 수집 정보 : 접속 IP, 접속로그, 이용 콘텐츠 등 서비스 이용정보",
    "나. 이용목적",
    "고객님의 관심분야에 따라 차별화된 정보를 제공",
    "회원과 비회원의 접속 빈도나 방문 시간 등을 분석하여 이용자의 취향과 관심분야를 파악하여 타겟(Target) 마케팅에 활용 및 서비스 개편 등의 척도로 활용",
    "2. 고객님은 쿠키 설치에 대한 선택권을 가지고 있습니다.",
    "웹브라우저의 [도구]메뉴-[인터넷옵션]-[개인정보]에서 쿠키에 의한 정보 수집 수준을 정할 수 있습니다.",
    "위에 제시된 메뉴를 통해 쿠키가 저장될 때마다 확인을 하거나, 아니면 모든 쿠키의 저장을 거부할 수도 있습니다.",
    "단, 고객님께서 쿠키 설치를 거부하였을 경우 서비스 제공에 어려움이 있을 수 있습니다.",
    # 제11조
    "회사는 고객님의 개인정보가 분실, 도난, 유출, 위조·변조 또는 훼손되지 않도록 안전성 확보를 위하여 다음과 같은 기술적·관리적 대책을 마련하고 있습니다.",
    "[기술적 보호대책]",
    "안전한 보안서버 구축 등의 조치를 통해 암호화 하여 보호하고 있습니다.",
    "백신 소프트웨어는 주기적으로 업데이트되며",
    "침입탐지시스템을 설치하여 24 시간 침입을 감시하고 있습니다.",
    "[관리적 보호대책]",
    "내부관리계획을 마련하여 소속 직원이 이를 숙지하고 준수하도록 하고 있습니다.",
    "고객님의 개인정보를 처리하는 자는 다음과 같습니다.",
    "고객님을 직·간접적으로 상대하여 마케팅 업무를 수행하는 자",
    "개인정보 보호책임자 및 개인정보 보호담당자 등 개인정보 관리 및 개인정보보호 업무를 담당하는 자",
    "기타 업무상 개인정보의 처리가 불가피한 자",
    "전 임직원이 정보보호서약서에 서명하게 함으로써",
    "개인정보취급자의 업무 인수인계는 보안이 유지된 상태에서 철저하게 이루어지도록 하여",
    "전산실 및 자료보관실 등을 통제구역으로 설정하여 출입을 통제합니다.",
    "자신의 ID와 비밀번호를 철저히 관리하고 책임을 져야 합니다.",
    # 제12조
    "고객님께서 KT Enterprise 홈페이지 서비스의 개인정보 관련 문의사항이 있을 경우 아래 개인정보 보호책임자 및 담당자에게 문의하시면 신속하고 성실하게 답변을 드리겠습니다.",
    "1. 개인정보 보호책임 부서 및 연락처",
    "개인정보보호책임자 : KT Enterprise 부문 Enterprise 마케팅팀 이재익 상무 전화번호: 1588-0114 이메일: enterprise@kt.com",
    "개인정보보호담당자 : KT Enterprise 부문 Enterprise 마케팅팀 국승표 팀장 전화번호: 1588-0114 이메일: enterprise@kt.com",
    # 제13조
    "기타 개인정보 침해에 대한 신고나 상담이 필요하신 경우에는 아래 기관에 문의하여 주시기 바랍니다.",
    "개인정보 침해신고센터 (한국인터넷진흥원 운영)",
    "소관업무 : 개인정보 침해사실 신고, 상담 신청",
    "홈페이지/전화 : http://privacy.kisa.or.kr / (국번없이) 118",
    "개인정보 분쟁조정위원회",
    "소관업무 : 개인정보 분쟁조정신청, 집단분쟁조정 (민사적 해결)",
    "홈페이지/전화 : www.kopico.go.kr / (국번없이) 1833-6972",
    "대검찰청 사이버수사과 : www.spo.go.kr / (국번없이) 1301",
    "경찰청 사이버안전국 : cyberbureau.police.go.kr / (국번없이) 182",
    # 제14조
    "회사는 고객님의 개인정보 열람 청구를 위하여 아래와 같이 관련 부서를 지정하여 운영하고 있습니다.",
    "[KT Enterprise 홈페이지서비스 개인정보 열람청구 접수·처리 부서]",
    "부서명 : KT Enterprise 부문 Enterprise 마케팅팀",
    "담당자 : 국승표 팀장",
    "연락처 : 1588-0114, enterprise@kt.com",
    # 제15조
    "1. KT Enterprise 홈페이지 개인정보처리방침 공고/시행일자",
    "공고일자 : 2022/01/19",
    "시행일자 : 2022/01/19",
]


SEED_POLICY = Path(__file__).resolve().parents[3] / "policies" / "kt-enterprise.yaml"


def visible_text(html: str) -> str:
    """The text a reader sees: inline tags vanish, block tags become spaces, whitespace collapses."""
    html = re.sub(r"</?(?:a|span|strong|em)\b[^>]*>", "", html)
    html = re.sub(r"<[^>]+>", " ", html)
    return " ".join(unescape(html).split())


def normalized(fact: str) -> str:
    return " ".join(fact.split())


@pytest.fixture(scope="module")
def policy() -> Policy:
    return policy_load(SEED_POLICY).policy


@pytest.fixture(scope="module")
def korean(policy: Policy) -> str:
    return visible_text(policy_render(policy, lang="ko"))


class Counter(HTMLParser):
    """Counts the structure of a rendering: articles, tables, rows, cells, list items, links."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag == "article":
            self.anchors.append(dict(attrs).get("id") or "")


def structure(html: str) -> Counter:
    counter = Counter()
    counter.feed(html)
    return counter


@pytest.mark.parametrize("fact", SEED_FACTS)
def test_it_prints_every_fact_of_the_seed(korean: str, fact: str) -> None:
    assert normalized(fact) in korean


def test_it_prints_the_article_titles_in_the_seed_order(policy: Policy) -> None:
    titles = [title for _, title in policy_render_toc(policy, lang="ko")]
    assert titles == ARTICLE_TITLES


def test_it_prints_each_article_title_as_its_heading(korean: str) -> None:
    positions = [korean.index(title) for title in ARTICLE_TITLES]
    assert positions == sorted(positions)


def test_it_discloses_the_question_the_consulting_form_collects(korean: str) -> None:
    assert "컨설팅 신청 (고객문의 접수, 답변 및 문의현황 관리) 이름, 연락처, 이메일, 회사명, 문의 내용" in korean


def test_it_gives_the_english_rendering_the_same_articles_and_rows(policy: Policy) -> None:
    ko = structure(policy_render(policy, lang="ko"))
    en = structure(policy_render(policy, lang="en"))
    assert en.anchors == ko.anchors
    assert len(en.anchors) == 15
    for tag in ("table", "tr", "th", "td", "li", "p", "a"):
        assert en.counts.get(tag) == ko.counts.get(tag), tag


def test_it_prints_english_labels_in_the_english_tables(policy: Policy) -> None:
    english = visible_text(policy_render(policy, lang="en"))
    for fact in [
        "Article 1. General provisions",
        "Article 15. Notice of this privacy policy",
        "Consulting request (Receiving and answering inquiries, and managing their status) Name, Phone number, Email, Company name, Your question",
        "Newsletter subscription (Sending the newsletter and managing subscriptions) Name, Phone number, Email, Company name, Areas of interest",
        "Events and marketing (Information on KT services and events) Name, Phone number, Email, Company name (optional: Areas of interest)",
        "Commercial Act Personal information in commercial books and important business documents 10 years",
        "12 months except data on long-distance and local telephone services: 6 months",
        "PlanWorks Enterprise Collecting and storing customers' personal information (Name, Company name, Email, Phone number, Position, etc.)",
        "Salesforce.com sub-processor of i2max Co., Ltd.",
        "Country Japan",
        "Personal information transferred Name, Company name, Email, Phone number, Areas of interest",
        "Chief Privacy Officer: Lee Jae-ik, Senior Vice President, Enterprise Marketing Team, KT Enterprise Division",
        "Website / phone: http://privacy.kisa.or.kr / (no area code) 118",
        "Announced: January 19, 2022",
    ]:
        assert normalized(fact) in english


def test_it_leaves_no_korean_in_the_english_rendering(policy: Policy) -> None:
    for fmt in ("html", "md"):
        rendered = policy_render(policy, lang="en", fmt=fmt)
        assert re.findall(r"[\uac00-\ud7a3]+", rendered) == []


def test_it_renders_the_seed_as_markdown_with_its_tables(policy: Policy) -> None:
    markdown = policy_render(policy, lang="ko", fmt="md")
    assert "## 제 1 조 총칙" in markdown
    assert "| 상법 | 상업장부와 영업에 관한 중요서류에 포함된 개인정보 | 10 년 |" in markdown
    assert "| 이전 되는 국가 | 일본 |" in markdown
    assert "- 가. 공고일자 : 2022/01/19" in markdown
