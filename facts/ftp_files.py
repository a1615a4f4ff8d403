"""What the ftp_files probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SecretSeen:
    kind: str  # password, private_key, token, connection_string
    where: str  # key and line
    masked: str


@dataclass(frozen=True)
class FileSeen:
    path: str
    size: int
    fetched: bool  # false when over the size limit or past the count or time limit
    binary: bool = False
    secrets: tuple[SecretSeen, ...] = ()
    personal_data: tuple[str, ...] = ()  # categories found, e.g. SE_PERSONNUMMER
    personal_samples: tuple[str, ...] = ()  # masked values, one per category


@dataclass(frozen=True)
class ExposedFilesFacts:
    anonymous_accepted: bool
    listed: int  # files seen in the listings read
    files: tuple[FileSeen, ...]
    limit_reached: bool = False  # more files than the policy lets the probe fetch, or out of time

    @property
    def with_secrets(self) -> tuple[FileSeen, ...]:
        return tuple(f for f in self.files if f.secrets)

    @property
    def with_personal_data(self) -> tuple[FileSeen, ...]:
        return tuple(f for f in self.files if f.personal_data)
