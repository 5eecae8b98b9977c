"""Lambda adapters for the state machine's tasks: payload in, one workflow step, small typed
result out. functions/<step>/app.py is one line that picks its handler here."""
