"""Authoring with any OpenAI-compatible model: scenarios, propose, revise, and the `--realizer llm` of `envdsl sample`.

Rule: nothing a model writes is executed. Its answers are text that goes
through `envdsl.llm.extract` into the parser, the checker and the verifier,
whose exact diagnostics drive the next round (docs/authoring.md). The
`openai` package is imported only when a model is actually called, so the
rest of envdsl stays light.
"""
