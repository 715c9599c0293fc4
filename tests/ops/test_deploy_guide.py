"""deploy/README.md's guide is a list of `invoicetron k8s` commands: each must parse as written."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from invoicetron.cli import build_parser

GUIDE = Path(__file__).parents[2] / "deploy" / "README.md"


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def k8s_steps() -> dict[str, argparse.ArgumentParser]:
    return subcommands(subcommands(build_parser())["k8s"])


def code_block_commands() -> list[str]:
    text = GUIDE.read_text().replace("\\\n", " ")
    return [
        line.split("  #")[0].strip()
        for line in text.splitlines()
        if line.strip().startswith("invoicetron k8s ")
    ]


def inline_commands() -> list[str]:
    """`step --flag …` spans of the guide's tables and prose that name an invoicetron k8s step."""
    steps = k8s_steps()
    prose = re.sub(r"```.*?```", "", GUIDE.read_text(), flags=re.DOTALL)
    spans = [s.removeprefix("invoicetron k8s ") for s in re.findall(r"`([^`]+)`", prose)]
    return [span for span in spans if span.split()[0] in steps and "--" in span]


def options_of(words: list[str]) -> set[str]:
    parser = k8s_steps()[words[0]]
    nested = subcommands(parser)
    if len(words) > 1 and words[1] in nested:
        parser = nested[words[1]]
    return {option for action in parser._actions for option in action.option_strings}


def test_the_guide_lists_the_runbook_as_k8s_commands() -> None:
    assert [c.split()[2] for c in code_block_commands()] == [
        "doctor",
        "bootstrap",
        "deploy",
        "migrate-data",
        "verify",
    ]


@pytest.mark.parametrize("command", code_block_commands())
def test_each_command_in_the_guide_parses_as_written(command: str) -> None:
    args = build_parser().parse_args(shlex.split(command)[1:])

    assert args.handler


@pytest.mark.parametrize("span", inline_commands())
def test_each_flag_the_guide_names_belongs_to_its_step(span: str) -> None:
    words = span.replace("[", " ").replace("]", " ").split()
    flags = {w.split("=")[0] for w in words if w.startswith("--")}

    assert flags <= options_of(words), flags - options_of(words)
