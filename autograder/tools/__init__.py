"""The course's own tools: ``bench`` (make bench-grading), ``demo`` (make grade), ``refresh`` (make outputs),
``submissions`` (notebooks filled with answers, for tests, the demo class and the benchmark)."""
