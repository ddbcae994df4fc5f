"""The chapter-09 reference engine: the capstone's solution, for grading each step on its own."""
