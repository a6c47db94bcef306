import pytest
import torch
from torch.nn import functional as F

from dlbook import check, gnn


def test_on_the_complete_graph_dot_product_attention_is_multihead_attention():
    torch.manual_seed(0)
    ours, theirs = gnn.DotProductAttentionConv(8, 2).double(), torch.nn.MultiheadAttention(8, 2).double()
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(5, 8, dtype=torch.float64, requires_grad=True)
    expected, _ = theirs(x[:, None], x[:, None], x[:, None])
    out = ours(x, gnn.complete_graph(5))
    check.close(out, expected[:, 0], atol=1e-12)
    g = torch.randn_like(out)
    (grad_ours,) = torch.autograd.grad(out, x, g)
    (grad_theirs,) = torch.autograd.grad(expected[:, 0], x, g)
    check.close(grad_ours, grad_theirs, atol=1e-12)
    for name, p in ours.named_parameters():
        (a,) = torch.autograd.grad(ours(x, gnn.complete_graph(5)).mul(g).sum(), p)
        (b,) = torch.autograd.grad(theirs(x[:, None], x[:, None], x[:, None])[0][:, 0].mul(g).sum(),
                                   dict(theirs.named_parameters())[name])
        check.close(a, b, atol=1e-12)


def test_a_missing_edge_is_a_masked_score():
    torch.manual_seed(1)
    layer = gnn.DotProductAttentionConv(4, 1).double()
    edge_index = gnn.complete_graph(4)
    keep = ~((edge_index[0] == 2) & (edge_index[1] == 0))  # node 0 may not look at node 2
    q, k, v = F.linear(torch.eye(4, dtype=torch.float64), layer.in_proj_weight, layer.in_proj_bias).chunk(3, 1)
    mask = torch.ones(4, 4, dtype=torch.bool)
    mask[0, 2] = False
    expected = layer.out_proj(F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
    check.close(layer(torch.eye(4, dtype=torch.float64), edge_index[:, keep]), expected, atol=1e-12)


def test_gat_equals_its_dense_formula():
    torch.manual_seed(2)
    layer = gnn.GATConv(3, 2, heads=2).double()
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    x = torch.randn(3, 3, dtype=torch.float64)
    h = layer.lin(x).view(3, 2, 2)
    score = F.leaky_relu((h * layer.att_dst).sum(-1)[:, None] + (h * layer.att_src).sum(-1)[None, :], 0.2)
    A = gnn.dense_adjacency(edge_index, 3, dtype=torch.float64) + torch.eye(3, dtype=torch.float64)
    alpha = torch.softmax(score.masked_fill(A[:, :, None] == 0, float("-inf")), dim=1)  # (i, j, head)
    expected = torch.einsum("ijh,jhf->ihf", alpha, h).flatten(1) + layer.bias
    check.close(layer(x, edge_index), expected, atol=1e-12)
    mean_heads = gnn.GATConv(3, 2, heads=2, concat=False).double()
    assert mean_heads(x, edge_index).shape == (3, 2)


def test_complete_graph_counts():
    assert gnn.complete_graph(4).shape == (2, 16)
    assert gnn.complete_graph(4, self_loops=False).shape == (2, 12)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="divisible"):
        gnn.DotProductAttentionConv(6, 4)
    with pytest.raises(ValueError, match="heads"):
        gnn.GATConv(2, 2, heads=0)
    with pytest.raises(ValueError, match="negative_slope"):
        gnn.GATConv(2, 2, negative_slope=-1)
    with pytest.raises(ValueError, match="num_nodes"):
        gnn.complete_graph(0)
    with pytest.raises(ValueError, match="outside"):
        gnn.GATConv(2, 2)(torch.randn(2, 2), torch.tensor([[0], [5]]))


class _OnCompleteGraph(torch.nn.Module):
    def __init__(self, attn):
        super().__init__()
        self.attn = attn

    def forward(self, x):
        if isinstance(self.attn, torch.nn.MultiheadAttention):
            return self.attn(x[:, None], x[:, None], x[:, None], need_weights=False)[0][:, 0]
        return self.attn(x, gnn.complete_graph(x.shape[0]))


@pytest.mark.parametrize("heads", [1, 2, 4])
def test_same_as_multihead_attention_in_train_and_eval_mode(heads):
    torch.manual_seed(heads)
    ours = _OnCompleteGraph(gnn.DotProductAttentionConv(8, heads))
    theirs = _OnCompleteGraph(torch.nn.MultiheadAttention(8, heads))
    print(check.same_as_torch(ours, theirs, torch.randn(6, 8), name=f"DotProductAttentionConv({heads} heads)"))
