"""Chapter 9: recurrent networks — backpropagation through time, vanishing gradients through time,
RNN, LSTM and GRU from scratch, gates, truncated BPTT and a character language model."""
from .backprop_through_time import BPTTGradients, bptt, jacobian_norms, matrix_with_spectral_radius, unroll
from .cells import GRUCell, LSTMCell, RNNCell, gru_step, lstm_step, rnn_step
from .gates import carry_gate_bias, chrono_init_, lstm_unroll, memory_time
from .language_model import CharLM, count_parameters, hidden_size_for
from .layers import GRU, LSTM, RNN
from .memory import SequenceModel, copy_task_accuracy
from .sampling import (bits_per_character, generate, generate_incrementally, next_token_loss, sample_next_token,
                       softmax_with_temperature)
from .truncated import detach_state, truncated_bptt

__all__ = [
    "BPTTGradients", "CharLM", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNCell", "SequenceModel",
    "bits_per_character", "bptt", "carry_gate_bias", "chrono_init_", "copy_task_accuracy", "count_parameters",
    "detach_state", "generate", "generate_incrementally", "gru_step", "hidden_size_for", "jacobian_norms",
    "lstm_step", "lstm_unroll", "matrix_with_spectral_radius", "memory_time", "next_token_loss", "rnn_step",
    "sample_next_token", "softmax_with_temperature", "truncated_bptt", "unroll"
]
