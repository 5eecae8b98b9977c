"""Step handlers for the state machine's Lambdas: event in, domain call, small result out."""
