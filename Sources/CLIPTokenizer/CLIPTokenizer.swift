// The CLIPTokenizer layer; see docs/ARCHITECTURE.md for how the layers fit together.
