"""The cultivation ladder (梯度培育): assessments of every enterprise, rungs, transitions, next-rung lists."""
