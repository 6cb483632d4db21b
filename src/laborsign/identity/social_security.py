"""电子社保卡 (electronic social security card) login: the worker proves his identity in the
national card's app, which hands back who he is; the platform compares that with the
worker it expects (guideline Art. 7: 具备条件的，可使用电子社保卡开展实人实名认证).

The port follows the redirect pattern every such login uses: `authorization_url(state)`
sends the worker away, `complete(code, state)` turns the code he comes back with into an
`CardHolder`. Access to the national service needs an agreement with the local 人社部门;
the embedded default is a development adapter whose "code" is produced by the platform's
own development page, and its results are not authoritative.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from stdnum.cn import ric

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.identity.results import NOT_AUTHORITATIVE, Method, Outcome, VerificationResult

DEVELOPMENT_PROVIDER = "development"


@dataclass(frozen=True, slots=True)
class CardHolder:
    name: str
    id_number: str
    provider: str
    authoritative: bool
    reference: str | None = None


class SocialSecurityCardLogin(Protocol):
    def authorization_url(self, state: str, redirect_uri: str) -> str: ...

    def complete(self, code: str, state: str) -> CardHolder: ...


def compare(holder: CardHolder, name: str, id_number: str) -> VerificationResult:
    """Whether the card holder is the expected worker."""
    same = holder.name.strip() == name.strip() and (
        ric.compact(holder.id_number) == ric.compact(id_number)
    )
    return VerificationResult(
        Method.SOCIAL_SECURITY_CARD,
        holder.provider,
        Outcome.PASSED if same else Outcome.FAILED,
        authoritative=holder.authoritative,
        reference=holder.reference,
        label=None if holder.authoritative else NOT_AUTHORITATIVE,
    )


class DevelopmentSocialSecurityCard:
    """Development stand-in: the code is base64url JSON {"name", "id_number"} made by the
    development page at `page_url`."""

    def __init__(self, page_url: str) -> None:
        self._page = page_url

    def authorization_url(self, state: str, redirect_uri: str) -> str:
        return f"{self._page}?{urlencode({'state': state, 'redirect_uri': redirect_uri})}"

    @staticmethod
    def make_code(name: str, id_number: str) -> str:
        data = json.dumps({"name": name, "id_number": id_number}, ensure_ascii=False).encode()
        return base64.urlsafe_b64encode(data).decode("ascii")

    def complete(self, code: str, state: str) -> CardHolder:
        try:
            data = json.loads(base64.urlsafe_b64decode(code.encode("ascii")))
            name, id_number = str(data["name"]), str(data["id_number"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(
                Text("电子社保卡登录返回无效", "the e-SSC login returned an invalid code"),
                field="code",
            ) from exc
        if not ric.is_valid(id_number):
            raise InvalidInput(
                Text("电子社保卡返回的身份证号无效", "the e-SSC returned an invalid ID number"),
                field="code",
            )
        return CardHolder(name, id_number, DEVELOPMENT_PROVIDER, authoritative=False)
