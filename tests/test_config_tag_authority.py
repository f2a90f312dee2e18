from __future__ import annotations

import pytest

from calendar_service.config import load_settings
from calendar_service.errors import ConfigurationError


@pytest.mark.parametrize("authority", ["calendar-service", "calendar.example.org", "feeds@example.org"])
def test_a_tag_authority_is_a_domain_or_mail_address(authority: str) -> None:
    assert load_settings({"TAG_AUTHORITY": authority}, environ={}).tag_authority == authority


@pytest.mark.parametrize("authority", ["", "has space", "a,b", "tag:x", "-leading"])
def test_a_malformed_tag_authority_is_refused(authority: str) -> None:
    with pytest.raises(ConfigurationError, match="TAG_AUTHORITY"):
        load_settings({"TAG_AUTHORITY": authority}, environ={})
