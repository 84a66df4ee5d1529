from ztlint.cli import main

main(prog_name="ztlint")
