"""The CLI against the HTTP API of a deployed stack or `dw-sim serve` (--api URL): a small
client on the standard library, SigV4 signing for IAM mode, and the remote backend."""
