#!/usr/bin/env python3
"""Compare tokenizer throughput: clip-explorer vs Hugging Face vs OpenAI, in one run.

The corpus is the 110,000 prompts of Tests/CLIPTokenizerTests/Fixtures/prompts.jsonl.gz.
Every tokenizer pads or truncates to 77 ids on one thread:

- clip-explorer: `tokenize --jsonl --time N` times N passes in the process,
  after loading (the first pass starts with an empty word cache);
- Hugging Face CLIPTokenizerFast (tokenizers, Rust), called once with the
  whole list, RAYON_NUM_THREADS=1;
- OpenAI's SimpleTokenizer (openai-clip) plus clip.tokenize's padding, with a
  fresh instance so its word cache starts empty.

It also times re-tokenizing one 77-token prompt (`tokenize --time`), which the
explorer does on every keystroke. Usage:

    python3 tools/bench/bench_tokenizer.py --binary .build/release/clip-explorer
"""

import os

os.environ["RAYON_NUM_THREADS"] = "1"  # before tokenizers is imported
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "tokenizer"))

from generate_fixtures import hugging_face_tokenizer, load_openai_tokenizer  # noqa: E402

PROMPT = ("a photo of a tabby cat sitting on a wooden table in a sunny kitchen next to a bowl of fruit, "
          "a glass of orange juice and a newspaper, morning light through the window, soft shadows, "
          "35mm film, shallow depth of field, warm colors, highly detailed, award winning photograph, "
          "sharp focus on the whiskers, golden hour glow on the blue ceramic tiles")


def load_prompts():
    with gzip.open(ROOT / "Tests" / "CLIPTokenizerTests" / "Fixtures" / "prompts.jsonl.gz", "rt", encoding="utf-8") as file:
        return [json.loads(line)["text"] for line in file]


def openai_rate(texts, passes):
    rates = []
    for _ in range(passes):
        tokenizer = load_openai_tokenizer()  # fresh cache each pass: its cold speed
        sot, eot = tokenizer.encoder["<|startoftext|>"], tokenizer.encoder["<|endoftext|>"]
        start = time.perf_counter()
        for text in texts:
            tokens = [sot] + tokenizer.encode(text) + [eot]
            if len(tokens) > 77:
                tokens = tokens[:77]
                tokens[-1] = eot
            tokens += [0] * (77 - len(tokens))
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def hugging_face_rate(texts, passes):
    tokenizer = hugging_face_tokenizer(load_openai_tokenizer())
    rates = []
    for _ in range(passes):
        start = time.perf_counter()
        tokenizer(texts, padding="max_length", max_length=77, truncation=True)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def ours(binary, texts, passes):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as file:
        for text in texts:
            file.write(json.dumps(text, ensure_ascii=False) + "\n")
        path = file.name
    try:
        with open(path, "rb") as source:
            result = subprocess.run([binary, "tokenize", "--jsonl", "--time", str(passes)], stdin=source,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, text=True)
        with open(path, "rb") as source:
            start = time.perf_counter()
            subprocess.run([binary, "tokenize", "--jsonl"], stdin=source, stdout=subprocess.DEVNULL, check=True)
            end_to_end = len(texts) / (time.perf_counter() - start)
    finally:
        os.unlink(path)
    match = re.search(r"cold pass (\d+) texts/s, warm median (\d+)", result.stderr)
    if not match:
        raise SystemExit(f"unexpected timing output from {binary}: {result.stderr!r}")
    return int(match.group(1)), int(match.group(2)), end_to_end


def latency(binary, repeats):
    result = subprocess.run([binary, "tokenize", "--time", str(repeats), PROMPT], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, check=True, text=True)
    length = re.search(r"length  (\d+) tokens", result.stdout)
    match = re.search(r"median ([\d.]+) µs, p99 ([\d.]+) µs; analyze median ([\d.]+) µs, p99 ([\d.]+) µs", result.stderr)
    if not (length and match):
        raise SystemExit(f"unexpected timing output from {binary}: {result.stderr!r}")
    return int(length.group(1)), [float(value) for value in match.groups()]


def main():
    parser = argparse.ArgumentParser(description="CLIP tokenizer throughput: ours vs Hugging Face vs OpenAI")
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "clip-explorer"))
    parser.add_argument("--passes", type=int, default=3, help="passes per tokenizer; the median is reported")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N prompts (0: all)")
    args = parser.parse_args()

    texts = load_prompts()
    if args.limit:
        texts = texts[: args.limit]
    print(f"corpus: {len(texts)} prompts; one thread each; context length 77")

    cold, warm, end_to_end = ours(args.binary, texts, max(2, args.passes + 1))
    hf = hugging_face_rate(texts, args.passes)
    openai = openai_rate(texts, args.passes)
    print(f"clip-explorer, cold word cache   {cold:>10,.0f} prompts/s")
    print(f"clip-explorer, warm word cache   {warm:>10,.0f} prompts/s")
    print(f"clip-explorer, whole process     {end_to_end:>10,.0f} prompts/s  (start-up, vocab load, JSON in and out)")
    print(f"Hugging Face CLIPTokenizerFast   {hf:>10,.0f} prompts/s")
    print(f"OpenAI SimpleTokenizer (Python)  {openai:>10,.0f} prompts/s")
    print(f"ratio cold / Hugging Face        {cold / hf:>10.1f}x  (target 10x)")
    print(f"ratio cold / OpenAI              {cold / openai:>10.1f}x")
    print(f"ratio whole process / Hugging Face {end_to_end / hf:>8.1f}x")

    tokens, (median, p99, analyze_median, analyze_p99) = latency(args.binary, 20_000)
    print(f"re-tokenize a {tokens}-token prompt: median {median:.2f} µs, p99 {p99:.2f} µs  (target 50 µs)")
    print(f"analyze the same prompt (spans, pieces): median {analyze_median:.2f} µs, p99 {analyze_p99:.2f} µs")


if __name__ == "__main__":
    main()
