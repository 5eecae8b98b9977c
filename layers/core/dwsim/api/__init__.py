"""The HTTP API: one Powertools resolver, a Router per resource. The deployed API Lambda and
`dw-sim serve` call the same `lambda_handler`."""
