"""python -m derivcheck"""

from .cli.group import run

if __name__ == "__main__":
    run()
