#!/usr/bin/env python3
"""Write the model repositories that CLIPHubTests' local Hub server serves.

Each repository is a folder of files as they are on the Hugging Face Hub.
The plain one has a tiny CLIPModel saved by transformers (config.json,
model.safetensors, preprocessor_config.json), small tokenizer files and files
a CLIP download must skip. The others are sharded, pytorch_model.bin only,
gated, and a sentence-transformers layout. manifest.json records what the Hub would send
for each file (git blob SHA-1, or SHA-256 for LFS files) and a commit hash
per repository, computed here with hashlib so the Swift hashes are checked
against an independent implementation.

Usage: python3 tools/make_hub_fixtures.py [OUTPUT_DIR]
(default Tests/CLIPHubTests/Fixtures/hub). Needs torch and transformers.
"""
import hashlib
import json
import os
import shutil
import sys
import warnings

import torch
from transformers import CLIPConfig, CLIPModel

warnings.filterwarnings("ignore")
torch.manual_seed(7)

# Extensions stored with Git LFS on the Hub, as the default .gitattributes lists them.
LFS_SUFFIXES = (".safetensors", ".bin", ".msgpack", ".h5", ".pt", ".onnx")

def byte_symbols():
    """CLIP's byte-level BPE alphabet: printable Latin-1 bytes stand for
    themselves, and every other byte maps to a character from U+0100 on, in byte order."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    symbols, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            symbols[byte] = chr(byte)
        else:
            symbols[byte] = chr(256 + extra)
            extra += 1
    return [symbols[b] for b in range(256)]


# A complete byte alphabet (so the Swift tokenizer accepts it) with two merges.
SYMBOLS = byte_symbols()
MERGES = [("c", "a"), ("ca", "t</w>")]
TOKENS = SYMBOLS + [s + "</w>" for s in SYMBOLS] + [a + b for a, b in MERGES] + ["<|startoftext|>", "<|endoftext|>"]
VOCAB = {token: index for index, token in enumerate(TOKENS)}
PREPROCESSOR = {
    "crop_size": {"height": 32, "width": 32}, "do_center_crop": True, "do_normalize": True, "do_resize": True,
    "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
    "resample": 3, "size": {"shortest_edge": 32}, "image_processor_type": "CLIPImageProcessor",
}


def tiny_clip(folder, safe=True, shard_size=None):
    text = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
            "vocab_size": len(VOCAB), "max_position_embeddings": 8,
            "bos_token_id": VOCAB["<|startoftext|>"], "eos_token_id": VOCAB["<|endoftext|>"]}
    vision = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
              "image_size": 32, "patch_size": 16}
    torch.manual_seed(7)  # the same weights in every repository, so git stores them once
    model = CLIPModel(CLIPConfig(text_config=text, vision_config=vision, projection_dim=8))
    kwargs = {"safe_serialization": safe}
    if shard_size:
        kwargs["max_shard_size"] = shard_size
    model.save_pretrained(folder, **kwargs)
    if not safe and not os.path.exists(os.path.join(folder, "pytorch_model.bin")):
        # transformers 5 always writes safetensors; write the older Hugging Face layout by hand.
        for name in os.listdir(folder):
            if name.endswith(".safetensors"):
                os.remove(os.path.join(folder, name))
        torch.save(model.state_dict(), os.path.join(folder, "pytorch_model.bin"))


def tokenizer_files(folder):
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(VOCAB, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in MERGES))
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": 8, "tokenizer_class": "CLIPTokenizer"}, f)
    with open(os.path.join(folder, "special_tokens_map.json"), "w") as f:
        json.dump({"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>"}, f)
    with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
        json.dump(PREPROCESSOR, f, indent=2)


def skipped_files(folder):
    """Files a CLIP download must not fetch: other frameworks' weights and docs."""
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write("# tiny CLIP for tests\n")
    with open(os.path.join(folder, "flax_model.msgpack"), "wb") as f:
        f.write(os.urandom(3000))
    with open(os.path.join(folder, "tf_model.h5"), "wb") as f:
        f.write(os.urandom(2000))


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def manifest_for(root, repo):
    folder = os.path.join(root, repo)
    files = {}
    for directory, _, names in os.walk(folder):
        for name in sorted(names):
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, folder)
            data = open(path, "rb").read()
            lfs = relative.endswith(LFS_SUFFIXES)
            files[relative] = {
                "size": len(data),
                "lfs": lfs,
                "etag": hashlib.sha256(data).hexdigest() if lfs else git_blob_sha1(data),
            }
    commit = hashlib.sha1(("commit of " + repo).encode()).hexdigest()
    return {"commit": commit, "files": files}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/CLIPHubTests/Fixtures/hub"
    shutil.rmtree(out, ignore_errors=True)
    repos = {
        "tiny-org/tiny-clip": lambda f: (tiny_clip(f), tokenizer_files(f), skipped_files(f)),
        "tiny-org/sharded-clip": lambda f: (tiny_clip(f, shard_size="20KB"), tokenizer_files(f)),
        "tiny-org/bin-clip": lambda f: (tiny_clip(f, safe=False), tokenizer_files(f)),
        "gated-org/gated-clip": lambda f: (tiny_clip(f), tokenizer_files(f)),
    }
    for repo, make in repos.items():
        folder = os.path.join(out, repo)
        os.makedirs(folder)
        make(folder)

    # sentence-transformers keeps the CLIP model in a module folder named by modules.json.
    st = os.path.join(out, "st-org/st-clip")
    os.makedirs(os.path.join(st, "0_CLIPModel"))
    tiny_clip(os.path.join(st, "0_CLIPModel"))
    tokenizer_files(os.path.join(st, "0_CLIPModel"))
    with open(os.path.join(st, "modules.json"), "w") as f:
        json.dump([{"idx": 0, "name": "0", "path": "0_CLIPModel", "type": "sentence_transformers.models.CLIPModel"}], f)
    with open(os.path.join(st, "config_sentence_transformers.json"), "w") as f:
        json.dump({"__version__": {"sentence_transformers": "2.0.0"}}, f)
    repos["st-org/st-clip"] = None

    manifest = {repo: manifest_for(out, repo) for repo in repos}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
