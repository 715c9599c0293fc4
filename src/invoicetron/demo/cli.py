"""`invoicetron demo-data --clients N --invoices N`: the subcommand's parser and handler."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    help_text = (
        "add realistic demo data: clients and issued invoices in several currencies, with taxed "
        "lines, payments and credit notes over two years (fast: COPY, one transaction)"
    )
    parser = commands.add_parser("demo-data", help=help_text, description=help_text)
    parser.add_argument("--clients", type=_count, default=50, help="clients to add (default 50)")
    parser.add_argument(
        "--invoices", type=_count, default=1000, help="invoices to add (default 1000)"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed: the same seed gives the same data"
    )
    parser.set_defaults(handler=run)


def _count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 10_000_000:
        raise argparse.ArgumentTypeError("give a number between 0 and 10,000,000")
    return value


def run(args: argparse.Namespace) -> int:
    from invoicetron.ops.setup import EXIT_OK, CommandFailed, setup_django

    setup_django()
    from invoicetron.demo.load import generate

    if args.invoices and not args.clients:
        raise CommandFailed("invoices need clients: give --clients 1 or more")
    summary = generate(args.clients, args.invoices, seed=args.seed, report=_progress)
    print(
        f"added {summary.clients} clients, {summary.invoices} invoices ({summary.lines} lines), "
        f"{summary.payments} payments and {summary.credit_notes} credit notes "
        f"in {summary.seconds} s"
    )
    return EXIT_OK


def _progress(message: str) -> None:
    print(message, flush=True)
