"""One module per finding of the paper. Each defines `EXPERIMENT` (see suite/experiment.py); modules whose names
start with an underscore hold shared declarations and are not experiments."""
