from answering.cli import app

app(prog_name="python -m answering")
