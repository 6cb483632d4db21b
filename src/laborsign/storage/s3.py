"""Documents in S3-compatible object storage (MinIO, Ceph RGW, Alibaba OSS, AWS S3).

Only the core S3 API is used (PutObject, GetObject, HeadObject, DeleteObject, CreateBucket)
with path-style addressing and SigV4, which every one of those servers speaks. Checksums
beyond Content-MD5 are sent only when required, because several compatible servers reject
the newer flexible-checksum headers. Any transport failure is `ServiceUnavailable`: nothing
is reported stored unless the server said so.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from laborsign.errors import ServiceUnavailable
from laborsign.i18n import Text
from laborsign.privacy.keys import KeyProvider
from laborsign.storage.base import EncryptedDocumentStore

_MISSING = {"404", "NoSuchKey", "NotFound"}


def make_s3_client(
    *,
    endpoint: str,
    access_key: str,
    secret_key: str,
    region: str = "us-east-1",
    timeout_seconds: float = 30.0,
) -> Any:
    """A boto3 S3 client for any S3-compatible server (build once per process: it is slow)."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint or None,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=region,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=timeout_seconds,
            read_timeout=timeout_seconds,
            retries={"max_attempts": 3, "mode": "standard"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )


class S3DocumentStore(EncryptedDocumentStore):
    def __init__(self, keys: KeyProvider, client: Any, bucket: str) -> None:
        super().__init__(keys)
        self.client = client
        self.bucket = bucket

    def ensure_bucket(self) -> bool:
        """Create the bucket when it does not exist; True if it was created."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return False
        except ClientError as exc:
            if _code(exc) not in _MISSING and _code(exc) != "NoSuchBucket":
                raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        try:
            self.client.create_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc) from exc
        return True

    def _read(self, key: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
            body: bytes = response["Body"].read()
            return body
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc

    def _write(self, key: str, blob: bytes) -> None:
        # A single PutObject is atomic on every S3 implementation: readers never see a part.
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=blob, ContentType="application/octet-stream"
            )
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc) from exc

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
            return True
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return False
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc

    def _remove(self, key: str) -> bool:
        # S3 deletes are idempotent and do not say whether anything was there.
        if not self._exists(key):
            return False
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc) from exc
        return True


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _unavailable(exc: Exception) -> ServiceUnavailable:
    return ServiceUnavailable(
        Text("对象存储不可用：{why}", "object storage unavailable: {why}").format(why=str(exc))
    )
