"""Ready-made models built from glassnet's layers: ``glassnet.models.GPT``.

Examples:
    >>> from glassnet.models import GPT, GPTConfig
    >>> GPT(GPTConfig(n_layer=1, n_head=1, n_embd=4, block_size=3, vocab_size=7)).num_parameters()
    244
"""

from glassnet.models.gpt import GPT, GPTConfig, load_gpt, save_gpt

__all__ = ["GPT", "GPTConfig", "load_gpt", "save_gpt"]
