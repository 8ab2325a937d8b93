"""The peer of the benchmark by hand.

python -m bench.peer setup | seed --tickets N [--wipe] | serve --port P --workers W | escalate
"""

import argparse
import signal
import sys

from bench import peer


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="python -m bench.peer", description="django-helpdesk peer of the benchmark"
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser(
        "setup", help="venv, pip install, database, migrate, staff user, queue (idempotent)"
    )
    s = sub.add_parser("seed", help="fill the peer with at least N tickets (exactly N with --wipe)")
    s.add_argument("--tickets", type=int, required=True)
    s.add_argument("--wipe", action="store_true")
    s = sub.add_parser("serve", help="gunicorn on 127.0.0.1:PORT until Ctrl-C")
    s.add_argument("--port", type=int, default=8100)
    s.add_argument("--workers", type=int, default=2)
    s = sub.add_parser("escalate", help="make N tickets due and time escalate_tickets")
    s.add_argument("--due", type=int, default=1000)
    args = ap.parse_args(argv)

    if args.cmd == "setup":
        print(peer.setup())
    elif args.cmd == "seed":
        print(peer.seed(args.tickets, wipe=args.wipe))
    elif args.cmd == "serve":
        proc = peer.serve(args.port, args.workers)
        base = f"http://127.0.0.1:{args.port}"
        print(
            f"peer serving on {base} (pid {proc.pid}); "
            f"public form {base}{peer.PUBLIC_SUBMIT_PATH}; "
            f"staff {peer.STAFF_USERNAME}/{peer.STAFF_PASSWORD}; Ctrl-C to stop",
            flush=True,
        )

        def stop(*_):
            proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait()
    elif args.cmd == "escalate":
        n, secs = peer.escalate(args.due)
        rate = n / secs if secs else 0.0
        print(f"escalated {n} tickets in {secs:.3f}s ({rate:.0f}/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
