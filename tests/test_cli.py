"""The console command's refusals: one line, prefixed `crisisdesk:`, with a non-zero exit."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_command_refusal_is_one_line_with_the_cli_prefix(cli, tmp_path):
    code, out, err = cli("restore", tmp_path / "missing.tar")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crisisdesk: "), err
    assert "CommandError" not in err and "Traceback" not in err


def test_call_command_still_raises_command_error(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.tar"))
