"""`envdsl.graph`: the tool graph of an environment (type and state edges), built from the IR.

`build.tool_graph(env) -> networkx.MultiDiGraph`; `render.render(graph, fmt)`
for svg, png, dot and json; `cli.graph_command` is `envdsl graph`.
"""

FORMATS = ("svg", "png", "dot", "json")
