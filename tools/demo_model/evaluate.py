"""Measure the exported demo CLIP's zero-shot accuracy with PyTorch.

    python3 tools/demo_model/evaluate.py [--model Models/clip-demo-shapes] [--pictures DIR]

Draws 1,000 pictures with seed 5000 (never used in training) as PNG files
into --pictures (default work-data/demo_model/eval-5000). Then it loads the
model, tokenizer and image processor from the exported folder with
transformers, as a user would, and ranks the 40 prompts
"a photo of a {colour} {shape}." for each picture. Prints top-1 accuracy
overall, for colour and for shape, the most frequent confusions, and the
ranking of a few prompts outside the training templates.

The same folder is what `clip-explorer classify` reads, so both numbers come
from identical files. With --swift-csv (the output of `clip-explorer classify
--top 1 --csv` over that folder, see tools/README.md) it also prints the Swift
program's accuracy and how many top-1 labels agree with PyTorch's.
"""

import argparse
import collections
import csv
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from transformers import CLIPImageProcessor, CLIPModel, CLIPTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes  # noqa: E402

EVAL_SEED = 5000
# Prompts in none of the training templates, ranked against the eval pictures.
FREE_PROMPTS = ["something red", "a round thing", "a star", "a ball", "a blue thing", "a pointy shape"]


def read_labels(folder):
    with open(os.path.join(folder, "labels.tsv")) as f:
        next(f)
        return [line.rstrip("\n").split("\t") for line in f]


@torch.no_grad()
def embed_texts(model, tokenizer, texts):
    ids = tokenizer(texts, padding="max_length", max_length=77, return_tensors="pt")["input_ids"]
    return F.normalize(model.get_text_features(input_ids=ids).pooler_output, dim=-1)


@torch.no_grad()
def embed_images(model, processor, paths, batch=250):
    out = []
    for start in range(0, len(paths), batch):
        images = [Image.open(p).convert("RGB") for p in paths[start:start + batch]]
        pixels = processor(images=images, return_tensors="pt")["pixel_values"]
        out.append(F.normalize(model.get_image_features(pixel_values=pixels).pooler_output, dim=-1))
    return torch.cat(out)


def compare_swift(path, rows, truth, guesses):
    """Print the Swift program's top-1 accuracy and its agreement with PyTorch's."""
    swift = {}
    with open(path, newline="") as f:
        for record in csv.DictReader(f):
            if record["rank"] == "1":
                swift[os.path.basename(record["image"])] = record["label"]
    missing = [row[0] for row in rows if row[0] not in swift]
    if missing:
        raise SystemExit(f"{path}: no rank-1 row for {len(missing)} pictures, first {missing[0]}")
    labels = [swift[row[0]] for row in rows]
    correct = np.mean([label == f"{t[0]} {t[1]}" for label, t in zip(labels, truth)])
    agree = sum(label == f"{g[0]} {g[1]}" for label, g in zip(labels, guesses))
    print(f"clip-explorer classify: top-1 {correct:.3f}; same top-1 label as PyTorch on {agree} of {len(rows)}")


def main():
    parser = argparse.ArgumentParser(description="Zero-shot accuracy of the demo CLIP with PyTorch.")
    parser.add_argument("--model", default="Models/clip-demo-shapes")
    parser.add_argument("--pictures", default="work-data/demo_model/eval-5000",
                        help="folder to draw the 1,000 evaluation pictures into (reused when present)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--swift-csv", help="`clip-explorer classify --top 1 --csv` output over --pictures")
    args = parser.parse_args()
    torch.set_num_threads(2)

    if not os.path.exists(os.path.join(args.pictures, "labels.tsv")):
        shapes.write_folder(EVAL_SEED, args.count, args.pictures)
    rows = read_labels(args.pictures)[:args.count]

    model = CLIPModel.from_pretrained(args.model, dtype=torch.float32).eval()
    tokenizer = CLIPTokenizer.from_pretrained(args.model)
    processor = CLIPImageProcessor.from_pretrained(args.model)

    prompts = shapes.eval_prompts()
    classes = shapes.labels()
    text = embed_texts(model, tokenizer, prompts)
    image = embed_images(model, processor, [os.path.join(args.pictures, row[0]) for row in rows])
    predicted = (image @ text.t()).argmax(dim=1).tolist()

    truth = [(row[1], row[2]) for row in rows]
    guesses = [classes[i] for i in predicted]
    overall = np.mean([g == t for g, t in zip(guesses, truth)])
    colour = np.mean([g[0] == t[0] for g, t in zip(guesses, truth)])
    shape = np.mean([g[1] == t[1] for g, t in zip(guesses, truth)])
    print(f"{len(rows)} pictures (seed {EVAL_SEED}): top-1 {overall:.3f}, colour {colour:.3f}, shape {shape:.3f}")

    if args.swift_csv:
        compare_swift(args.swift_csv, rows, truth, guesses)

    confusions = collections.Counter(
        f"{t[0]} {t[1]} -> {g[0]} {g[1]}" for g, t in zip(guesses, truth) if g != t)
    for pair, count in confusions.most_common(8):
        print(f"  {count:3d}  {pair}")

    # For each free prompt: which pictures rank it highest among the free
    # prompts, and what the top 20 pictures by cosine are.
    free = embed_texts(model, tokenizer, FREE_PROMPTS)
    cosines = image @ free.t()                                   # [pictures, prompts]
    for j, prompt in enumerate(FREE_PROMPTS):
        top = cosines[:, j].argsort(descending=True)[:20].tolist()
        kinds = collections.Counter(f"{truth[i][0]} {truth[i][1]}" for i in top)
        summary = ", ".join(f"{kind} x{n}" for kind, n in kinds.most_common(4))
        print(f"  {prompt!r}: top 20 pictures by cosine: {summary}")


if __name__ == "__main__":
    main()
