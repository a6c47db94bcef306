import pytest
import torch

from dlbook import rnn


def test_model_shapes_and_a_short_delay_is_learned():
    model = rnn.SequenceModel(10, 8, 8, cell="gru", readout=3, fused=False)
    assert model(torch.randn(2, 9, 10)).shape == (2, 3, 8)
    accuracy = rnn.copy_task_accuracy("lstm", 2, hidden_size=16, n_train=512, n_test=200, epochs=3, seed=0)
    assert accuracy > 0.9   # chance is 1/8


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="cell"):
        rnn.SequenceModel(3, 4, 2, cell="cnn")
    model = rnn.SequenceModel(3, 4, 2, readout=4)
    with pytest.raises(ValueError, match="shorter than readout"):
        model(torch.randn(1, 3, 3))
    with pytest.raises(ValueError, match=r"\(B, T, I\)"):
        model(torch.randn(3, 3))
    with pytest.raises(ValueError, match="out_features"):
        rnn.SequenceModel(3, 4, 0)
