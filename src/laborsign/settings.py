"""Typed settings from `LABORSIGN_*` environment variables and an optional `.env` file.

The embedded default needs nothing: a data home holds the SQLite database, documents and keys.
Production mode refuses to start with development secrets or the built-in trust roots'
development labels left in place.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text

DEV_SECRET_PREFIX = "dev-insecure-"  # noqa: S105 - a marker, not a secret


class Mode(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "laborsign"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LABORSIGN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    mode: Mode = Mode.DEVELOPMENT
    home: Path = Field(default_factory=default_home)
    # Empty means: SQLite file in the data home.
    database_url: str = ""
    # Connections each process keeps open to the database; `serve` runs at most this many
    # requests' blocking work at once per worker, so requests reuse them instead of
    # opening (and closing) connections beyond the pool under load.
    database_pool_size: Annotated[int, Field(ge=1, le=100)] = 10
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    # The address users and verifiers reach; used in certificates (CRL/OCSP URLs) and links.
    public_url: str = ""
    # Secret for session cookies, tokens and blind indexes. Generated into the data home in
    # development; must be given explicitly in production.
    secret_key: SecretStr | None = None
    log_level: str = "INFO"
    # Built-in PKI: key algorithm of CA and issued certificates.
    key_algorithm: str = "ec-p256"
    # External TSA (empty: the built-in one).
    tsa_url: str = ""
    tsa_username: str = ""
    tsa_password: SecretStr | None = None
    tsa_policy_oid: str = "1.3.6.1.4.1.58808.1.1"
    # PEM file with the external TSA's pinned certificate chain (its CA certificates).
    tsa_ca_file: Path | None = None
    tsa_timeout_seconds: float = 10.0
    # Key custody: "file" (encrypted key files under a master key) or "pkcs11".
    key_store: Literal["file", "pkcs11"] = "file"
    # Passphrase for the file key store's master key (scrypt); empty: a key file in the home.
    master_key_passphrase: SecretStr | None = None
    pkcs11_library: str = "/usr/lib/softhsm/libsofthsm2.so"
    pkcs11_token_label: str = "laborsign"  # noqa: S105 - a token name, not a secret
    pkcs11_pin: SecretStr | None = None
    # Evidence log
    evidence_origin: str = "laborsign.example/evidence"
    # Witnesses whose cosignatures every checkpoint must carry: "<witness vkey> <URL>" each.
    evidence_witnesses: list[str] = Field(default_factory=list)
    # Publish a checkpoint every so many seconds or events, whichever comes first.
    evidence_checkpoint_seconds: Annotated[int, Field(ge=1)] = 60
    evidence_checkpoint_events: Annotated[int, Field(ge=1)] = 1000
    # A process that records contract views integrates them into the log a moment after its
    # commit. `serve --workers N` turns this off in its workers and integrates in its parent
    # process instead, so that the batches take no turns from requests.
    evidence_integrate_after_commit: bool = True
    # Anchors (none by default: nothing anchored, nothing claimed). A JSON notarisation
    # endpoint: URL, bearer token, and the PEM key or certificate its receipts must verify with.
    evidence_anchor_name: str = "ledger"
    evidence_anchor_url: str = ""
    evidence_anchor_token: SecretStr | None = None
    evidence_anchor_key_file: Path | None = None
    # An RFC 3161 TSA at another authority as a second anchor, with its pinned CA chain.
    evidence_anchor_tsa_name: str = "outside-tsa"
    evidence_anchor_tsa_url: str = ""
    evidence_anchor_tsa_ca_file: Path | None = None
    # Staff authentication (security baseline: identification and authentication).
    password_max_age_days: Annotated[int, Field(ge=0)] = 90  # 0: no rotation required
    login_max_failures: Annotated[int, Field(ge=1)] = 5
    login_lockout_minutes: Annotated[int, Field(ge=1)] = 15
    session_idle_minutes: Annotated[int, Field(ge=1)] = 30
    session_absolute_hours: Annotated[int, Field(ge=1)] = 12
    # Argon2id cost: OWASP's recommended minimum by default (19 MiB, 2 passes, 1 lane).
    # Stored hashes with other parameters are re-hashed at the next successful login.
    argon2_memory_kib: Annotated[int, Field(ge=32)] = 19456
    argon2_time_cost: Annotated[int, Field(ge=1)] = 2
    argon2_parallelism: Annotated[int, Field(ge=1, le=16)] = 1
    # Login and TOTP attempts per client address and per account name in a window (429
    # beyond), besides the lockout after login_max_failures wrong passwords.
    login_rate_window_minutes: Annotated[int, Field(ge=1)] = 15
    login_rate_per_ip: Annotated[int, Field(ge=1)] = 30
    login_rate_per_account: Annotated[int, Field(ge=1)] = 10
    # Background jobs: "sqlite" (a queue file in the data home, no server), "redis"
    # (production, with `laborsign worker` processes) or "immediate" (run at once; tests).
    jobs_backend: Literal["sqlite", "redis", "immediate"] = "sqlite"
    jobs_redis_url: str = "redis://127.0.0.1:6379/0"
    jobs_queue_name: str = "laborsign"
    # Worker threads `laborsign serve` runs in its own process; 0 leaves the queue to
    # separate `laborsign worker` processes.
    jobs_embedded_workers: Annotated[int, Field(ge=0)] = 1
    # Seconds between webhook delivery attempts; after the last one a delivery fails.
    webhook_retry_schedule: list[int] = Field(
        default_factory=lambda: [60, 300, 1800, 7200, 21600, 86400]
    )
    webhook_timeout_seconds: float = 10.0
    # Private and loopback webhook targets: refused in production unless set to true.
    webhook_allow_private: bool | None = None
    # Attempts of an outbox message before it ends failed (its last error kept).
    outbox_max_attempts: Annotated[int, Field(ge=1)] = 10
    # Years a contract is kept after it ends (terminated, expired, voided, declined) before
    # its personal data may be erased; the law's two years are the floor (docs/retention.md).
    retention_years: Annotated[int, Field(ge=2, le=100)] = 2

    # Personal-data keyring (field encryption, blind indexes, documents at rest). Empty: the
    # development keyring in the data home; production needs a file the operator provides.
    data_keyring_file: Path | None = None
    # Document store: "local" (files under storage_directory, default <home>/documents) or
    # "s3" (any S3-compatible object store: MinIO, Ceph, Alibaba OSS, AWS).
    storage_backend: Literal["local", "s3"] = "local"
    storage_directory: Path | None = None
    s3_endpoint_url: str = ""
    s3_bucket: str = "laborsign-documents"
    s3_access_key: str = ""
    s3_secret_key: SecretStr | None = None
    s3_region: str = "us-east-1"

    # Notifications (docs/notifications.md). SMS: "dev-outbox" keeps messages in the
    # database for the operator pages (development only); "aliyun" sends through
    # Alibaba Cloud SMS. E-mail: "dev-outbox" or "smtp".
    sms_provider: Literal["dev-outbox", "aliyun"] = "dev-outbox"
    sms_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    sms_region: str = "cn-hangzhou"
    sms_access_key_id: str = ""
    sms_access_key_secret: SecretStr | None = None
    sms_sign_name: str = ""
    # Message kind (contract-to-sign, otp, completion, reminder, declined, voided) to the
    # provider's approved template code.
    sms_template_codes: dict[str, str] = Field(default_factory=dict)
    sms_timeout_seconds: float = 10.0
    email_provider: Literal["dev-outbox", "smtp"] = "dev-outbox"
    smtp_host: str = ""
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 587
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_sender: str = ""
    smtp_timeout_seconds: float = 10.0
    # WeChat official-account template messages (empty app id: not used).
    wechat_app_id: str = ""
    wechat_app_secret: SecretStr | None = None
    wechat_api_base: str = "https://api.weixin.qq.com"
    # Identity (docs/identity.md): ceremony links, OTP policy, signing authorisations.
    ceremony_link_days: Annotated[int, Field(ge=1, le=60)] = 7
    ceremony_idle_minutes: Annotated[int, Field(ge=1, le=240)] = 30
    otp_ttl_seconds: Annotated[int, Field(ge=60, le=900)] = 300
    otp_max_tries: Annotated[int, Field(ge=1, le=10)] = 5
    otp_resend_seconds: Annotated[int, Field(ge=0)] = 60
    otp_per_phone_per_hour: Annotated[int, Field(ge=1)] = 5
    otp_per_phone_per_day: Annotated[int, Field(ge=1)] = 10
    otp_per_ip_per_hour: Annotated[int, Field(ge=1)] = 20
    signing_authorisation_seconds: Annotated[int, Field(ge=30, le=1800)] = 300
    # How often a party that has not signed yet is reminded (ceremony reminders job).
    ceremony_reminder_hours: Annotated[int, Field(ge=1, le=720)] = 24
    # Real-name three-factor check: "development" (form only, not authoritative) or "http".
    realname_provider: Literal["development", "http"] = "development"
    realname_url: str = ""
    realname_app_key: str = ""
    realname_app_secret: SecretStr | None = None
    realname_timeout_seconds: float = 10.0
    # Keep raw face images (only ever with the worker's recorded consent).
    face_store_images: bool = False
    # Deadline and risk watch (docs/watch.md): alert HR this many days before the one-month
    # deadline of the written contract, when a fixed term ends within these windows, and when
    # probation ends within this many days. Alerts are e-mailed to the organisation's address
    # (organisation id → address; "*" for every other organisation); none: API only.
    watch_signing_days_before: list[int] = Field(default_factory=lambda: [7, 3, 1])
    watch_expiry_windows: list[int] = Field(default_factory=lambda: [30, 60, 90])
    watch_probation_days: Annotated[int, Field(ge=0, le=180)] = 7
    watch_alert_emails: dict[str, str] = Field(default_factory=dict)
    # Filing pushes to a labor department (docs/filing.md): endpoint, HMAC secret
    # ("whsec_" + base64), retry schedule in seconds; after the last retry a delivery fails.
    filing_push_url: str = ""
    filing_push_secret: SecretStr | None = None
    filing_push_retry_schedule: list[int] = Field(
        default_factory=lambda: [60, 300, 1800, 7200, 21600]
    )
    filing_push_timeout_seconds: float = 10.0

    @field_validator("key_algorithm")
    @classmethod
    def _known_algorithm(cls, value: str) -> str:
        if value not in {"ec-p256", "rsa-2048", "rsa-3072"}:
            raise ValueError("key_algorithm must be one of ec-p256, rsa-2048, rsa-3072")
        return value

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'laborsign.db'}"

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def is_production(self) -> bool:
        return self.mode is Mode.PRODUCTION

    def check_production(self) -> None:
        """Refuse production with development secrets or embedded storage defaults."""
        if not self.is_production:
            return
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if not key or key.startswith(DEV_SECRET_PREFIX) or len(key) < 32:
            raise ConfigurationError(
                Text(
                    "生产模式需要设置 LABORSIGN_SECRET_KEY（至少 32 个字符，且不能是开发密钥）",
                    "production mode needs LABORSIGN_SECRET_KEY (at least 32 characters, "
                    "not a development secret)",
                ),
                field="secret_key",
            )
        if not self.public_url.startswith("https://"):
            raise ConfigurationError(
                Text(
                    "生产模式需要以 https:// 开头的 LABORSIGN_PUBLIC_URL",
                    "production mode needs LABORSIGN_PUBLIC_URL starting with https://",
                ),
                field="public_url",
            )


def load_settings(**overrides: object) -> Settings:
    settings = Settings(**overrides)  # type: ignore[arg-type]
    settings.check_production()
    return settings
