"""SigV4 signatures for the API in IAM mode, from the default AWS credential chain
(environment, ~/.aws, an instance or task role). botocore is imported here only, and only
when IAM mode is asked for, so the CLI needs no AWS SDK otherwise."""

from __future__ import annotations

import re
from typing import Any

from dwsim.errors import InvalidInput

_EXECUTE_API = re.compile(r"\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$")


def region_of(host: str) -> str | None:
    """The region in an execute-api host name (abc123.execute-api.eu-west-1.amazonaws.com)."""
    match = _EXECUTE_API.search(host)
    return match.group(1) if match else None


class SigV4Signer:
    def __init__(self, host: str):
        try:
            from botocore.auth import SigV4Auth
            from botocore.session import Session
        except ImportError:
            raise InvalidInput("--auth iam signs requests with botocore, which is not "
                               "installed: pip install boto3") from None
        session = Session()
        credentials = session.get_credentials()
        if credentials is None:
            raise InvalidInput("--auth iam needs AWS credentials and found none (environment "
                               "variables, ~/.aws/credentials or an instance role)")
        region = region_of(host) or session.get_config_variable("region")
        if not region:
            raise InvalidInput(f"--auth iam needs the API's region: '{host}' does not name one; "
                               "set AWS_REGION")
        self.region = region
        self.auth = SigV4Auth(credentials, "execute-api", region)

    def sign(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> dict[str, Any]:
        """The headers with Authorization, X-Amz-Date (and the session token) added."""
        from botocore.awsrequest import AWSRequest

        request = AWSRequest(method=method, url=url, data=body or b"", headers=dict(headers))
        self.auth.add_auth(request)
        return dict(request.headers.items())
