"""The language server for `.envdsl` files (`envdsl lsp`).

- `positions.py`: offsets <-> LSP positions (UTF-16 by default);
- `index.py`: the name-resolution index built from the syntax tree;
- `analysis.py`: one document's parse + check + index, and LSP diagnostics;
- `features.py`: hover, definition, references, completion, symbols, formatting;
- `server.py`: the pygls wiring, the only module here that does I/O.
"""
