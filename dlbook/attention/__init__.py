"""Chapter 10: attention and transformers — word embeddings, kernel regression as attention, additive and
scaled dot-product attention, multi-head attention, positional encodings, a transformer language model
with a key–value cache, sequence to sequence with attention, and the cost of attention."""
from .attention import AdditiveAttention, attention_weights, scaled_dot_product_attention
from .cost import sequence_cost
from .embeddings import (CBOW, SkipGram, cbow_windows, negative_sampling_grad, negative_sampling_loss, nearest_neighbours,
                         shifted_pmi, skipgram_pairs, train_word2vec, word_tokens, word_vocabulary)
from .kernel_regression import fit_bandwidth, nadaraya_watson
from .multihead import MultiheadAttention
from .positional import frequencies, rotary, sinusoidal_encoding, sinusoidal_shift
from .seq2seq import Seq2Seq
from .transformer import TransformerBlock, TransformerLM, embed_dim_for, transformer_parameters

__all__ = [
    "AdditiveAttention", "CBOW", "MultiheadAttention", "Seq2Seq", "SkipGram", "TransformerBlock", "TransformerLM",
    "attention_weights", "cbow_windows", "embed_dim_for", "fit_bandwidth", "frequencies", "nadaraya_watson", "nearest_neighbours",
    "negative_sampling_grad", "negative_sampling_loss", "rotary", "scaled_dot_product_attention",
    "sequence_cost", "shifted_pmi", "sinusoidal_encoding", "sinusoidal_shift", "skipgram_pairs", "train_word2vec",
    "transformer_parameters", "word_tokens", "word_vocabulary",
]
