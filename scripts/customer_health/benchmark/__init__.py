"""The benchmark (make benchmark): measure builds at a named size, write docs/benchmarks.md."""
