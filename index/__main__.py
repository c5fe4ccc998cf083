import sys
from importlib import import_module

if sys.argv[1:2] == ["eval"]:
    # `python -m index eval` came before the answering package had its own command line; it still works,
    # handed over whole to `python -m answering eval`. The index library itself never imports answering.
    import_module("answering.cli").app(prog_name="python -m answering")
else:
    from index.cli import app

    app(prog_name="python -m index")
