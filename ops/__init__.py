"""Operating a node: for now its demo content; health, metrics and the demo network follow."""
