"""Turning text into vectors: the embedder, packing, bfloat16 linears, model folder, precision, cache."""
