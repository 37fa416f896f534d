"""Serving compiled environments over the Model Context Protocol (`envdsl serve`).

    catalog.py     what is served: environments (verified unless allowed), tool names, documents
    server.py      the MCP server: tools, resources, one isolated state per client session
    transports.py  stdio and streamable HTTP (uvicorn, path /mcp)
    cli.py         the `envdsl serve` command

Needs the `serve` extra (`pip install 'envdsl[serve]'`: mcp 2.x and uvicorn).
See docs/serving.md.
"""
