"""`python -m emulator --port 8000`: check the ports, start the local stack, then serve the app with
`chalice local --stage local` in this same process."""

from __future__ import annotations

import argparse
import os
import sys

from emulator.stack import PortInUseError, check_port_free


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--moto-port", type=int, default=None)
    args = parser.parse_args(argv)
    moto_port = args.moto_port or int(os.environ.get("MOTO_PORT") or args.port + 1)
    try:
        check_port_free(args.host, args.port)
        check_port_free(args.host, moto_port)
    except PortInUseError as exc:
        print(f"error: {exc}; choose another with `make run PORT=N` (or MOTO_PORT=N)", file=sys.stderr)
        return 2
    os.environ.update({"COGWORKS_PORT": str(args.port), "MOTO_PORT": str(moto_port), "COGWORKS_HOST": args.host})

    import emulator

    emulator.stack().start()
    config = emulator.stack().config()
    print(f"local Cognito: {config['endpoints']['cognito-idp']}  pool {config['userPoolId']}  "
          f"client {config['clientId']}", flush=True)
    print(f"moto (DynamoDB, S3, STS, IAM, SES, SNS): {config['endpoints']['aws']}", flush=True)

    from chalice.cli import main as chalice_main

    sys.argv = ["chalice", "local", "--stage", "local", "--host", args.host, "--port", str(args.port),
                "--no-autoreload"]
    return chalice_main() or 0


if __name__ == "__main__":
    sys.exit(main())
