"""After signing: renewal (续订), amendment (变更协议) and termination (解除/终止) of contracts."""
