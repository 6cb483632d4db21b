"""Contract documents as PDF/A-2b, typeset with Typst from the model texts' structure."""

from laborsign.contracts.render.renderer import (
    RenderedContract,
    Renderer,
    SignatureBox,
    shared_renderer,
)

__all__ = ["RenderedContract", "Renderer", "SignatureBox", "shared_renderer"]
