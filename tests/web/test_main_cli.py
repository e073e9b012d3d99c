"""``python -m mcda``: one click command line with every command, each with tested help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mcda import cli

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ("serve", "analyze", "init-db", "create-user", "demo", "backup", "purge-expired")


def test_the_group_has_exactly_the_commands():
    assert set(cli.main.commands) == set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name):
    result = CliRunner().invoke(cli.main, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = cli.main.commands[name]
    assert command.help and len(command.help) > 20
    assert command.help.split(".")[0].split("\n")[0] in " ".join(result.output.split())
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            assert param.help, f"{name} --{param.name} has no help"
            assert f"--{param.name.replace('_', '-')}" in result.output


def test_module_help_lists_every_command():
    """The real entry point (one subprocess): python -m mcda --help."""
    proc = subprocess.run([sys.executable, "-m", "mcda", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for name in COMMANDS:
        assert f"  {name} " in proc.stdout


def test_admin_commands_get_the_app_through_the_group(tmp_path):
    """init-db under python -m mcda builds the app like flask --app wsgi init-db."""
    result = CliRunner().invoke(cli.main, ["init-db"], env={"VAGVAL_INSTANCE": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "Databasen är klar" in result.output and str(tmp_path) in result.output


def test_unknown_command_exits_2():
    from mcda.__main__ import main

    assert main(["nope"]) == 2
