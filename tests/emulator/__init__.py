"""An offline EC2 Image Builder emulator: moto's server for EC2, IAM, S3, SSM, KMS, SNS and STS,
plus an Image Builder backend of ours, on one loopback endpoint. See docs/emulator.md.

Run it with ``python -m tests.emulator --host 127.0.0.1 --port 5000`` (or ``make emulator``).
"""
