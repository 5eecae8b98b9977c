"""The experiment schema: model, data types, names, value domains, keys, checks and the
canonical JSON form."""
