"""Settings of the scoring API, read from environment variables with the prefix SARING_ (pydantic-settings).

Lists accept JSON (`["a","b"]`) or comma-separated values; channel policies are JSON. Every setting is
documented in docs/api.md. A server that listens beyond the loopback interface refuses to start without
API keys: the check is here, so no entry point can forget it.
"""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from model.labels import RISKS
from model.paths import data_dir, default_model_dir

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
DEFAULT_POLICY = "default"


def _channel_name(name: str) -> str:
    if name == DEFAULT_POLICY or not _CHANNEL_NAME.match(name):
        raise ValueError(
            f"channel name {name!r} is not allowed; use 1-64 letters, digits, '_', '-', '.' and not "
            f"'{DEFAULT_POLICY}' (the model's own thresholds)"
        )
    return name


def _risk(name: str) -> str:
    if name not in RISKS:
        raise ValueError(f"unknown risk {name!r}; expected one of {list(RISKS)}")
    return name


class RiskOverride(BaseModel):
    """One risk's thresholds in a channel policy: flag (review) and/or block, each in [0, 1], flag <= block.
    A threshold not given keeps the model's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    flag: float | None = Field(None, ge=0.0, le=1.0)
    block: float | None = Field(None, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _flag_not_above_block(self) -> RiskOverride:
        if self.flag is not None and self.block is not None and self.flag > self.block:
            raise ValueError(f"flag {self.flag} is above block {self.block}; flag (review) must not exceed block")
        return self

    def overrides(self) -> dict[str, float]:
        """The thresholds this override sets."""
        return self.model_dump(exclude_none=True)


ChannelName = Annotated[str, AfterValidator(_channel_name)]
RiskName = Annotated[str, AfterValidator(_risk)]


class ChannelPolicies(RootModel[dict[ChannelName, dict[RiskName, RiskOverride]]]):
    """Every channel policy, by channel name: per risk, the thresholds that replace the model's."""

    @classmethod
    def check(cls, policies: Any) -> ChannelPolicies:
        """Validate; raise ValueError listing every problem of every channel at once."""
        try:
            return cls.model_validate(policies)
        except ValidationError as e:
            problems = [_policy_problem(err) for err in e.errors()]
            listed = "\n  - ".join(problems)
            raise ValueError(
                f"{len(problems)} problem(s) in the channel policies:\n  - {listed}\nFix: "
                'give JSON like {"pengaduan": {"slander": {"flag": 0.8, "block": 0.97}}}'
            ) from None


def _policy_problem(err: Any) -> str:
    """One pydantic error of ChannelPolicies as 'channel 'x', risk.key: what was expected, what was found'."""
    loc = [str(p) for p in err["loc"] if p != "[key]"]
    where = f"channel {loc[0]!r}" if loc else "channel policies"
    if len(loc) > 1:
        where += f", {'.'.join(loc[1:])}"
    kind = err["type"]
    if kind == "value_error":
        return f"{where}: {err['ctx']['error']}"
    if kind == "extra_forbidden":
        return f"{where}: unknown keys {[loc[-1]]}; expected 'flag' and/or 'block'"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{where} = {err['input']}; expected a value in [0, 1]"
    return f"{where}: {err['msg']}, found {err['input']!r}"


def default_data_dir() -> Path:
    """Where durable serving data (feedback, stored items, claims) lives: model.paths.data_dir()."""
    return data_dir()


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1; False for 0.0.0.0, :: and every other address or name."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_list(value: Any) -> Any:
    """Accept a JSON list, a comma/space-separated string, or a list."""
    if value is None:
        return []
    if isinstance(value, str):
        s = value.strip()
        if not s:
            return []
        if s.startswith("["):
            try:
                return json.loads(s)
            except json.JSONDecodeError as e:
                raise ValueError(f'not a valid JSON list ({e.msg}); use ["a", "b"] or a,b') from e
        return [p for p in re.split(r"[,\s]+", s) if p]
    return value


class Settings(BaseSettings):
    """Serving settings. Environment variable = SARING_ + the field name in capitals."""

    model_config = SettingsConfigDict(env_prefix="SARING_", extra="ignore", validate_default=True)

    # -- model and network ----------------------------------------------------------------------------
    model_dir: Path = Field(default_factory=default_model_dir, description="Model directory written by `saring train`.")
    host: str = Field("127.0.0.1", description="Interface to listen on; anything but loopback requires API keys.")
    port: int = Field(8000, ge=1, le=65535)
    load_in_background: bool = Field(
        False,
        description="Accept connections before the model has loaded (/readyz and /v1/* answer 503 "
        "NOT_READY meanwhile). Default: startup waits for the model and fails if it cannot load.",
    )

    # -- security ------------------------------------------------------------------------------------
    api_key_hashes: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="SHA-256 hex digests of the accepted API keys."
    )
    require_api_key: bool = Field(False, description="Require keys even on loopback (always on beyond it).")
    admin_key_hashes: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="SHA-256 hex digests of the keys allowed to call /admin/*."
    )
    rate_limit_per_minute: float = Field(600, ge=0, description="Requests per minute per key; 0 disables.")
    rate_limit_burst: int | None = Field(None, ge=1, description="Bucket size; default: one minute's worth.")
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list, description="No CORS unless set.")

    # -- input limits --------------------------------------------------------------------------------
    max_items: int = Field(64, ge=1, le=10_000)
    max_text_chars: int = Field(10_000, ge=1)
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1024)
    explain_max_words: int = Field(256, ge=1, description="Words occluded per text when explaining.")

    # -- policies -----------------------------------------------------------------------------------
    channel_policies: dict[str, dict[str, dict[str, float]]] = Field(
        default_factory=dict,
        description='Per-channel threshold overrides, JSON: {"pengaduan": {"slander": {"flag": 0.8, '
        '"block": 0.97}}}. Risks not named keep the model\'s thresholds.',
    )

    term_lists: Path | None = Field(
        None,
        description="A term-list file (CSV, TSV, XLSX, JSON lines or Parquet; columns term, risk and optionally "
        "decision, list, note): words and phrases whose risk is at least review (or block) whatever the score, "
        "reported as TERM_LIST_MATCH warnings. Read at start and on SIGHUP.",
    )

    # -- storage -----------------------------------------------------------------------------------
    data_dir: Path = Field(default_factory=default_data_dir)
    feedback_db_url: str | None = Field(None, description="SQLAlchemy URL; default sqlite:///DATA_DIR/saring.db")
    claims_db: Path | None = Field(None, description="Claim store used for `matches` (optional).")

    # -- operations --------------------------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    batch_max_size: int = Field(
        64,
        ge=1,
        description="Most texts gathered from concurrent requests into one scoring call (a request is never split; "
        "the model sizes its own forward passes within it).",
    )
    batch_max_wait_ms: float = Field(2.0, ge=0, le=1000, description="How long a batch waits to fill.")
    precision: Literal["int8", "bf16", "fp32"] = Field(
        "int8",
        description="Transformer inference: int8 (ONNX Runtime, used when verified against fp32 on "
        "load, else bf16 or fp32 with a warning), bf16 (torch, on CPUs with bf16 matrix units; scores "
        "within about 0.001 of fp32) or fp32.",
    )
    score_cache_size: int = Field(
        100_000,
        ge=0,
        description="Distinct texts whose model outputs are kept (by a digest, not the text) so that a copy sent "
        "again is not run again and gets the same scores; 0 keeps none. About 0.4 KB each.",
    )
    graceful_timeout_s: float = Field(30.0, ge=0)

    # -- validators --------------------------------------------------------------------------------
    @field_validator("api_key_hashes", "admin_key_hashes", mode="before")
    @classmethod
    def _parse_hashes(cls, v: Any) -> Any:
        items = _split_list(v)
        if not isinstance(items, list):
            return items
        out = []
        for h in items:
            h = str(h).strip().lower()
            if not _HEX64.match(h):
                raise ValueError(
                    f"expected SHA-256 hex digests (64 hex characters), found one of {len(h)} characters. "
                    'Store hashes, not keys: python -c "import hashlib,sys; '
                    'print(hashlib.sha256(sys.argv[1].encode()).hexdigest())" YOUR_KEY'
                )
            out.append(h)
        return out

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, v: Any) -> Any:
        return _split_list(v)

    @field_validator("log_level", "precision", mode="before")
    @classmethod
    def _upper(cls, v: Any, info: Any) -> Any:
        if not isinstance(v, str):
            return v
        return v.upper() if info.field_name == "log_level" else v.strip().lower()

    @field_validator("channel_policies")
    @classmethod
    def _check_policies(cls, v: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, dict[str, float]]]:
        ChannelPolicies.check(v)  # every problem of every channel in one error
        return v

    @model_validator(mode="after")
    def _keys_beyond_loopback(self) -> Settings:
        if not is_loopback(self.host) and not self.api_key_hashes:
            raise ValueError(
                f"the server would listen on {self.host}, beyond the loopback interface, but no API keys are "
                "configured. Set SARING_API_KEY_HASHES to the SHA-256 hex digests of your keys "
                '(python -c "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())" KEY), '
                "or listen on 127.0.0.1."
            )
        if self.require_api_key and not self.api_key_hashes:
            raise ValueError(
                "SARING_REQUIRE_API_KEY is set but SARING_API_KEY_HASHES is empty; no request could "
                "ever be accepted. Configure key hashes."
            )
        return self

    # -- derived -----------------------------------------------------------------------------------
    @property
    def keys_required(self) -> bool:
        return self.require_api_key or not is_loopback(self.host)

    @property
    def database_url(self) -> str:
        if self.feedback_db_url:
            return self.feedback_db_url
        return f"sqlite:///{(self.data_dir / 'saring.db').resolve()}"

    @property
    def burst(self) -> int:
        return self.rate_limit_burst or max(1, int(self.rate_limit_per_minute))
