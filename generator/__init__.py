"""digest: a static site generator for an annotated bilingual (Persian/Arabic) news digest.

The pipeline runs one way: load → clean → anchor → model → render → index → write.
`generator.build.build()` is the orchestrator; `generator.cli` is the command line.
"""

__version__ = "0.1.0"
