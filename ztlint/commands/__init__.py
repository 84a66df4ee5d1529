"""The commands of the command line, one module each; ztlint.cli joins them into one
group. common.py and options.py hold what several commands share."""
