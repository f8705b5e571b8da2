#!/usr/bin/python3
"""PyTorch reference fixtures for Polyhead's sequence layers (issue 17): batched matrix products, LSTM, GRU, masked
sequence pooling, multi-head attention and Transformer encoder layers.

NOT part of the build: the generated JSON files are checked in and the Java tests only read them. Re-run this script
only to regenerate them (Debian's python3-torch 1.13; uses torch and the number formatting of generate_reference.py
next to it):

    /usr/bin/python3 core-java/src/test/resources/reference/generate_sequence_reference.py

It writes next to itself:

  batched_matmul.json    torch.matmul on 3-D and 4-D operands, with equal, broadcast (a dimension of 1 or a missing
                         one) and shared 2-D batch dimensions: output and the gradients of sum(r * output) with
                         respect to both operands (r a fixed random tensor of the output's shape, inputs.r).
  lstm.json, gru.json    torch.nn.LSTM / torch.nn.GRU (batch_first=True) with 1 and 2 layers, uni- and
                         bidirectional, with and without initial states, with and without a lengths vector. With
                         lengths the input goes through pack_padded_sequence(enforce_sorted=False) and the output
                         back through pad_packed_sequence(total_length=T), so padded steps are 0 and the final states
                         are each sequence's last valid step (and the reverse direction starts there). The loss is
                         sum(r_out * output) + sum(r_h * h_n) [+ sum(r_c * c_n)] with fixed random r_*; recorded are
                         output, h_n (and c_n) and the gradients of the loss with respect to the input x, h0 (and c0)
                         and every weight, under PyTorch's names (weight_ih_l0, ..., bias_hh_l1_reverse).
  sequence_pooling.json  mean, max, last (each sequence's last valid step) and first over the time axis of
                         [B, T, F] with lengths, computed with masks: output and the gradient of sum(r * output)
                         with respect to x.
  multihead_attention.json
                         torch.nn.MultiheadAttention(batch_first=True), 1, 2 and 4 heads, self-attention (query, key
                         and value one tensor) and cross-attention (S != T), with and without a boolean key-padding
                         mask and a boolean causal attn_mask [T, S]; training mode with dropout 0, so PyTorch takes
                         its reference path. Loss sum(r_out * output) + sum(r_weights * weights) (weights averaged
                         over heads); output, weights and the gradients with respect to query, key, value and
                         in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias.
  transformer_encoder.json
                         torch.nn.TransformerEncoderLayer (post- and pre-norm, relu and gelu, layer_norm_eps) and
                         torch.nn.TransformerEncoder (2 and 3 layers, with and without a final LayerNorm), with and
                         without src_key_padding_mask and a causal mask, dropout 0 in training mode. Loss
                         sum(r * output); output and the gradients with respect to x and every weight.
  positional_encoding.json
                         the sinusoidal table of Vaswani et al. 2017 (Sec. 3.5) for an even and an odd dim, computed
                         as in PyTorch's Transformer tutorial (exp/log form), float64.

Format as in generate_reference.py: inputs and weights stored once as float32 (the weights are PyTorch's default
initialization on a fixed seed); every result computed in float64 from those float32 values ("float64" block), the
truth float32 code is compared with. Lengths are lists of integers. Determinism: fixed seeds, one thread.
"""
import math
import os
import sys

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate_reference import tensor, write_fixture  # noqa: E402  (formatting shared with the other fixtures)

GENERATOR = "generate_sequence_reference.py"
torch.set_num_threads(1)


def header(description):
    return {"generator": GENERATOR, "torch_version": torch.__version__, "description": description}


def randn(gen, *shape):
    return torch.randn(*shape, generator=gen, dtype=torch.float32)


# ----------------------------------------------------------------------------------
# Batched matrix products
# ----------------------------------------------------------------------------------

MATMUL_CASES = {
    "3d_equal": ([2, 3, 4], [2, 4, 5]),
    "4d_equal": ([2, 3, 4, 5], [2, 3, 5, 2]),
    "4d_broadcast_ones": ([2, 1, 3, 4], [1, 3, 4, 2]),
    "4d_times_3d": ([2, 3, 4, 5], [3, 5, 2]),
    "3d_times_4d_ones": ([1, 4, 3], [2, 3, 3, 2]),
    "3d_times_2d": ([2, 3, 4], [4, 5]),
    "2d_times_4d": ([3, 4], [2, 2, 4, 5]),
}


def make_matmul():
    gen = torch.Generator().manual_seed(17)
    cases = {}
    for name, (sa, sb) in MATMUL_CASES.items():
        a = randn(gen, *sa)
        b = randn(gen, *sb)
        out_shape = torch.matmul(a, b).shape
        r = randn(gen, *out_shape)
        a64 = a.double().requires_grad_()
        b64 = b.double().requires_grad_()
        out = torch.matmul(a64, b64)
        (out * r.double()).sum().backward()
        cases[name] = {
            "inputs": {"a": tensor(a), "b": tensor(b), "r": tensor(r)},
            "float64": {"output": tensor(out), "grad_a": tensor(a64.grad), "grad_b": tensor(b64.grad)},
        }
    fix = header("torch.matmul of 3-D/4-D operands (batch dimensions broadcast): output and d sum(r*output) / d a, "
                 "d b, in float64 from the float32 inputs.")
    fix["cases"] = cases
    write_fixture("batched_matmul.json", fix)


# ----------------------------------------------------------------------------------
# LSTM and GRU
# ----------------------------------------------------------------------------------

BATCH, TIME, FEATURES, HIDDEN = 3, 5, 3, 4
# a length of 1, and a longest length below T: the padded output stays T long (total_length)
LENGTHS = [4, 1, 3]


def rnn_case(kind, layers, bidirectional, initial, lengths, seed):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    cls = nn.LSTM if kind == "lstm" else nn.GRU
    model = cls(FEATURES, HIDDEN, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    dirs = 2 if bidirectional else 1
    x = randn(gen, BATCH, TIME, FEATURES)
    h0 = randn(gen, layers * dirs, BATCH, HIDDEN) if initial else None
    c0 = randn(gen, layers * dirs, BATCH, HIDDEN) if initial and kind == "lstm" else None
    r_out = randn(gen, BATCH, TIME, dirs * HIDDEN)
    r_h = randn(gen, layers * dirs, BATCH, HIDDEN)
    r_c = randn(gen, layers * dirs, BATCH, HIDDEN) if kind == "lstm" else None

    params = {name: p.detach().clone() for name, p in model.named_parameters()}
    model64 = model.double()
    x64 = x.double().requires_grad_()
    h064 = h0.double().requires_grad_() if h0 is not None else None
    c064 = c0.double().requires_grad_() if c0 is not None else None
    if kind == "lstm":
        state = (h064, c064) if initial else None
    else:
        state = h064
    if lengths is not None:
        packed = pack_padded_sequence(x64, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        out_packed, final = model64(packed, state)
        out, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=TIME)
    else:
        out, final = model64(x64, state)
    h_n, c_n = final if kind == "lstm" else (final, None)
    loss = (out * r_out.double()).sum() + (h_n * r_h.double()).sum()
    if kind == "lstm":
        loss = loss + (c_n * r_c.double()).sum()
    loss.backward()

    inputs = {"x": tensor(x), "r_out": tensor(r_out), "r_h": tensor(r_h)}
    if kind == "lstm":
        inputs["r_c"] = tensor(r_c)
    if initial:
        inputs["h0"] = tensor(h0)
        if kind == "lstm":
            inputs["c0"] = tensor(c0)
    outputs = {"output": tensor(out), "h_n": tensor(h_n)}
    grads = {"x": tensor(x64.grad)}
    if kind == "lstm":
        outputs["c_n"] = tensor(c_n)
    if initial:
        grads["h0"] = tensor(h064.grad)
        if kind == "lstm":
            grads["c0"] = tensor(c064.grad)
    for name, p in model64.named_parameters():
        grads[name] = tensor(p.grad)
    return {
        "config": {"input_size": FEATURES, "hidden_size": HIDDEN, "num_layers": layers,
                   "bidirectional": bidirectional, "initial_states": initial,
                   "lengths": lengths if lengths is not None else None},
        "inputs": inputs,
        "params": {k: tensor(v) for k, v in params.items()},
        "float64": {"outputs": outputs, "grads": grads},
    }


def make_rnn(kind):
    cases = {}
    seed = 100
    for layers in (1, 2):
        for bidirectional in (False, True):
            for initial in (False, True):
                for lengths in (None, LENGTHS):
                    name = "%s_l%d_%s%s%s" % (kind, layers, "bi" if bidirectional else "uni",
                                              "_h0" if initial else "", "_lengths" if lengths else "")
                    seed += 1
                    cases[name] = rnn_case(kind, layers, bidirectional, initial, lengths, seed)
    gates = "i, f, g, o" if kind == "lstm" else "r, z, n"
    fix = header("torch.nn.%s(batch_first=True), gates in PyTorch's order (%s), x [B=%d, T=%d, F=%d], hidden %d; "
                 "config.lengths null: full sequences, else packed with pack_padded_sequence(enforce_sorted=False) "
                 "and padded back to T. Loss = sum(r_out*output) + sum(r_h*h_n)%s; grads of that loss in float64."
                 % ("LSTM" if kind == "lstm" else "GRU", gates, BATCH, TIME, FEATURES, HIDDEN,
                    " + sum(r_c*c_n)" if kind == "lstm" else ""))
    fix["cases"] = cases
    write_fixture("%s.json" % kind, fix)


# ----------------------------------------------------------------------------------
# Masked sequence pooling
# ----------------------------------------------------------------------------------

def make_pooling():
    gen = torch.Generator().manual_seed(1717)
    lengths = [5, 2, 4, 1]
    x = randn(gen, len(lengths), 5, 3)
    mask = torch.arange(5)[None, :] < torch.tensor(lengths)[:, None]  # [B, T]
    idx = torch.arange(len(lengths))
    cases = {}
    for mode in ("mean", "max", "last", "first"):
        x64 = x.double().requires_grad_()
        m = mask[:, :, None]
        if mode == "mean":
            out = (x64 * m).sum(1) / torch.tensor(lengths, dtype=torch.float64)[:, None]
        elif mode == "max":
            out = x64.masked_fill(~m, float("-inf")).max(1).values
        elif mode == "last":
            out = x64[idx, torch.tensor(lengths) - 1]
        else:
            out = x64[:, 0]
        r = randn(gen, *out.shape)
        (out * r.double()).sum().backward()
        cases[mode] = {"inputs": {"r": tensor(r)}, "float64": {"output": tensor(out), "grad_x": tensor(x64.grad)}}
    fix = header("Pooling over the time axis of x [B, T, F] with lengths (steps t >= length are padding): mean over "
                 "valid steps, max over valid steps, last valid step, first step; output [B, F] and "
                 "d sum(r*output) / d x, in float64.")
    fix["inputs"] = {"x": tensor(x), "lengths": lengths}
    fix["cases"] = cases
    write_fixture("sequence_pooling.json", fix)


# ----------------------------------------------------------------------------------
# Multi-head attention and Transformer encoder layers
# ----------------------------------------------------------------------------------

ATT_BATCH, ATT_T, ATT_S, ATT_E = 3, 4, 5, 8
# a length of 1 and a full one; every query keeps at least one key (PyTorch gives NaN for a fully masked row)
ATT_LENGTHS_T = [4, 1, 2]
ATT_LENGTHS_S = [5, 2, 3]


def bool_mask(lengths, s):
    return torch.arange(s)[None, :] >= torch.tensor(lengths)[:, None]  # [B, S], True = padding


def causal(t, s):
    return torch.triu(torch.ones(t, s, dtype=torch.bool), diagonal=1)  # True above the diagonal


# name: (heads, cross, key padding, attention mask)
MHA_CASES = {
    "self_h1": (1, False, False, False),
    "self_h2_padding": (2, False, True, False),
    "self_h4_causal": (4, False, False, True),
    "self_h2_padding_causal": (2, False, True, True),
    "cross_h1": (1, True, False, False),
    "cross_h2_padding": (2, True, True, False),
    "cross_h4_mask": (4, True, False, True),
    "cross_h2_padding_mask": (2, True, True, True),
}


def mha_case(heads, cross, padding, mask, seed):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = nn.MultiheadAttention(ATT_E, heads, batch_first=True)
    s = ATT_S if cross else ATT_T
    q = randn(gen, ATT_BATCH, ATT_T, ATT_E)
    k = randn(gen, ATT_BATCH, s, ATT_E) if cross else None
    v = randn(gen, ATT_BATCH, s, ATT_E) if cross else None
    r_out = randn(gen, ATT_BATCH, ATT_T, ATT_E)
    r_w = randn(gen, ATT_BATCH, ATT_T, s)
    lengths = (ATT_LENGTHS_S if cross else ATT_LENGTHS_T) if padding else None
    params = {name: p.detach().clone() for name, p in model.named_parameters()}
    model64 = model.double().train()
    q64 = q.double().requires_grad_()
    k64 = k.double().requires_grad_() if cross else q64
    v64 = v.double().requires_grad_() if cross else q64
    kpm = bool_mask(lengths, s) if padding else None
    am = causal(ATT_T, s) if mask else None
    out, w = model64(q64, k64, v64, key_padding_mask=kpm, attn_mask=am, need_weights=True)
    ((out * r_out.double()).sum() + (w * r_w.double()).sum()).backward()
    inputs = {"query": tensor(q), "r_out": tensor(r_out), "r_weights": tensor(r_w)}
    grads = {"query": tensor(q64.grad)}
    if cross:
        inputs["key"] = tensor(k)
        inputs["value"] = tensor(v)
        grads["key"] = tensor(k64.grad)
        grads["value"] = tensor(v64.grad)
    for name, p in model64.named_parameters():
        grads[name] = tensor(p.grad)
    return {
        "config": {"embed_dim": ATT_E, "num_heads": heads, "cross": cross, "key_lengths": lengths,
                   "causal_mask": mask},
        "inputs": inputs,
        "params": {k_: tensor(v_) for k_, v_ in params.items()},
        "float64": {"outputs": {"output": tensor(out), "weights": tensor(w)}, "grads": grads},
    }


def make_attention():
    cases = {}
    seed = 300
    for name, (heads, cross, padding, mask) in MHA_CASES.items():
        seed += 1
        cases[name] = mha_case(heads, cross, padding, mask, seed)
    fix = header("torch.nn.MultiheadAttention(embed_dim=%d, num_heads, batch_first=True) in training mode with "
                 "dropout 0 (the reference path, not the inference fast path); query [B=%d, T=%d, E], key and value "
                 "[B, S=%d, E] for cross-attention, the query itself for self-attention. key_lengths: the boolean "
                 "key_padding_mask is True at steps >= length; causal_mask: the boolean attn_mask [T, S] is True "
                 "above the diagonal. Loss = sum(r_out*output) + sum(r_weights*weights) (weights averaged over "
                 "heads); grads of that loss in float64." % (ATT_E, ATT_BATCH, ATT_T, ATT_S))
    fix["cases"] = cases
    write_fixture("multihead_attention.json", fix)


# name: (layers, norm_first, activation, key padding, causal mask, final norm, layer_norm_eps)
ENCODER_CASES = {
    "layer_post_relu": (0, False, "relu", False, False, False, 1e-5),
    "layer_post_gelu_padding": (0, False, "gelu", True, False, False, 1e-5),
    "layer_pre_relu_padding": (0, True, "relu", True, False, False, 1e-5),
    "layer_pre_gelu_eps": (0, True, "gelu", False, False, False, 1e-3),
    "layer_post_relu_padding_causal": (0, False, "relu", True, True, False, 1e-5),
    "stack2_post_relu_padding": (2, False, "relu", True, False, False, 1e-5),
    "stack2_pre_gelu_padding_norm": (2, True, "gelu", True, False, True, 1e-5),
    "stack3_pre_relu_causal_norm": (3, True, "relu", False, True, True, 1e-5),
}
ENC_HEADS, ENC_FF = 2, 16


def encoder_case(layers, norm_first, activation, padding, mask, final_norm, eps, seed):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(ATT_E, ENC_HEADS, dim_feedforward=ENC_FF, dropout=0.0,
                                       activation=activation, layer_norm_eps=eps, batch_first=True,
                                       norm_first=norm_first)
    if layers == 0:
        model = layer
    else:
        norm = nn.LayerNorm(ATT_E, eps=eps) if final_norm else None
        model = nn.TransformerEncoder(layer, layers, norm=norm)
        # the copies start equal; give each layer (and the norms) its own random values
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(randn(gen, *p.shape) * 0.5)
    x = randn(gen, ATT_BATCH, ATT_T, ATT_E)
    r = randn(gen, ATT_BATCH, ATT_T, ATT_E)
    params = {name: p.detach().clone() for name, p in model.named_parameters()}
    model64 = model.double().train()
    x64 = x.double().requires_grad_()
    kpm = bool_mask(ATT_LENGTHS_T, ATT_T) if padding else None
    am = causal(ATT_T, ATT_T) if mask else None
    if layers == 0:
        out = model64(x64, src_mask=am, src_key_padding_mask=kpm)
    else:
        out = model64(x64, mask=am, src_key_padding_mask=kpm)
    (out * r.double()).sum().backward()
    grads = {"x": tensor(x64.grad)}
    for name, p in model64.named_parameters():
        grads[name] = tensor(p.grad)
    return {
        "config": {"d_model": ATT_E, "nhead": ENC_HEADS, "dim_feedforward": ENC_FF, "num_layers": layers,
                   "norm_first": norm_first, "activation": activation, "layer_norm_eps": eps,
                   "key_lengths": ATT_LENGTHS_T if padding else None, "causal_mask": mask,
                   "final_norm": final_norm},
        "inputs": {"x": tensor(x), "r": tensor(r)},
        "params": {k_: tensor(v_) for k_, v_ in params.items()},
        "float64": {"outputs": {"output": tensor(out)}, "grads": grads},
    }


def make_encoder():
    cases = {}
    seed = 400
    for name, spec in ENCODER_CASES.items():
        seed += 1
        cases[name] = encoder_case(*spec, seed)
    fix = header("torch.nn.TransformerEncoderLayer(d_model=%d, nhead=%d, dim_feedforward=%d, dropout=0, "
                 "batch_first=True) (num_layers 0) and torch.nn.TransformerEncoder over num_layers of them with an "
                 "optional final LayerNorm (every parameter then redrawn as 0.5*N(0, 1), so the layers differ), in "
                 "training mode (the reference path); x [B=%d, T=%d, E]; key_lengths: boolean "
                 "src_key_padding_mask True at steps >= length; causal_mask: boolean mask [T, T] True above the "
                 "diagonal. Loss = sum(r*output); grads in float64." % (ATT_E, ENC_HEADS, ENC_FF, ATT_BATCH, ATT_T))
    fix["cases"] = cases
    write_fixture("transformer_encoder.json", fix)


# ----------------------------------------------------------------------------------
# Sinusoidal positional encoding
# ----------------------------------------------------------------------------------

def make_positional():
    tables = {}
    for length, dim in ((50, 16), (9, 7)):
        # Vaswani et al. 2017, Sec. 3.5, in the form of PyTorch's Transformer tutorial, in float64
        position = torch.arange(length, dtype=torch.float64)[:, None]
        div_term = torch.exp(torch.arange(0, dim, 2, dtype=torch.float64) * (-math.log(10000.0) / dim))
        pe = torch.zeros(length, dim, dtype=torch.float64)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term[:dim // 2])
        tables["length%d_dim%d" % (length, dim)] = {"length": length, "dim": dim, "float64": tensor(pe)}
    fix = header("Sinusoidal positional encoding PE[pos, 2i] = sin(pos / 10000^(2i/dim)), PE[pos, 2i+1] = "
                 "cos(pos / 10000^(2i/dim)) (Vaswani et al. 2017, Sec. 3.5) as PyTorch's Transformer tutorial "
                 "computes it, in float64; an odd dim ends with a sine column.")
    fix["cases"] = tables
    write_fixture("positional_encoding.json", fix)


def main():
    make_attention()
    make_positional()
    make_encoder()
    make_matmul()
    make_rnn("lstm")
    make_rnn("gru")
    make_pooling()


if __name__ == "__main__":
    main()
