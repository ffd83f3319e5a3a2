#!/usr/bin/env python3
"""Keystroke-to-frame time of the explorer for a prompt of 77 tokens.

Runs `clip-explorer --bench-ui PROMPT`, which feeds keys to the explorer's
session without a terminal and times each key through tokenization and
drawing a 120x40 screen model. There is no Python explorer to compare with,
so the reference is OpenAI's `clip.tokenize` on the same edits: the part of
a frame that any CLIP front end must do. The target is a median under 5 ms.
"""
import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time

TARGET_MS = 5.0
CAPTION = ("a watercolor painting of a small red fox sleeping under a pine tree "
           "beside a frozen lake at dawn, with soft pink light on the snow and "
           "distant mountains fading into mist")


def load_simple_tokenizer():
    """Returns OpenAI's SimpleTokenizer from the installed openai-clip package.

    clip/__init__.py imports pkg_resources, which current setuptools no longer
    ships, so the tokenizer module is loaded from its file instead.
    """
    package = importlib.util.find_spec("clip")
    if package is None or not package.submodule_search_locations:
        sys.exit("openai-clip is not installed: pip install -r tools/requirements.txt")
    path = list(package.submodule_search_locations)[0] + "/simple_tokenizer.py"
    spec = importlib.util.spec_from_file_location("openai_clip_simple_tokenizer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SimpleTokenizer()


def clip_tokenize(tokenizer, text, context_length=77):
    """Does what clip.tokenize(text, truncate=True) does for one text."""
    import torch

    tokens = [tokenizer.encoder["<|startoftext|>"]] + tokenizer.encode(text) + [tokenizer.encoder["<|endoftext|>"]]
    if len(tokens) > context_length:
        tokens = tokens[:context_length]
        tokens[-1] = tokenizer.encoder["<|endoftext|>"]
    result = torch.zeros(1, context_length, dtype=torch.int)
    result[0, :len(tokens)] = torch.tensor(tokens)
    return result


def prompt_of_77_tokens(tokenizer):
    """Returns a prompt whose tokenization fills the 77-token context exactly."""
    words = []
    source = CAPTION.split()
    index = 0
    while len(tokenizer.encode(" ".join(words))) < 75:
        words.append(source[index % len(source)])
        index += 1
    while len(tokenizer.encode(" ".join(words))) > 75:
        words.pop()
    prompt = " ".join(words)
    return prompt, len(tokenizer.encode(prompt)) + 2


def python_reference(tokenizer, prompt, frames):
    """Times clip.tokenize on the same alternating delete-and-retype edits."""
    clip_tokenize(tokenizer, prompt)
    shorter = prompt[:-1]
    times = []
    for frame in range(frames):
        text = shorter if frame % 2 == 0 else prompt
        start = time.perf_counter()
        clip_tokenize(tokenizer, text)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=".build/release/clip-explorer", help="clip-explorer to measure")
    parser.add_argument("--frames", type=int, default=1000, help="keys to time")
    args = parser.parse_args()

    tokenizer = load_simple_tokenizer()
    prompt, tokens = prompt_of_77_tokens(tokenizer)
    result = subprocess.run([args.binary, "--bench-ui", prompt, "--frames", str(args.frames)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        sys.exit(f"{args.binary} --bench-ui failed with status {result.returncode}: {result.stderr.strip()}")
    ours = json.loads(result.stdout)
    if ours["tokens"] != tokens:
        sys.exit(f"token count differs: clip.tokenize gives {tokens}, the explorer {ours['tokens']}")

    reference = python_reference(tokenizer, prompt, args.frames)
    reference_median = statistics.median(reference)
    print(f"prompt: {tokens} tokens, {len(prompt)} characters; {ours['frames']} keys")
    print(f"explorer key to 120x40 frame: median {ours['median_ms']:.3f} ms, p95 {ours['p95_ms']:.3f} ms, "
          f"max {ours['max_ms']:.3f} ms (target < {TARGET_MS} ms)")
    print(f"python clip.tokenize alone:   median {reference_median:.3f} ms")
    print(f"ratio (python tokenize / explorer frame): {reference_median / ours['median_ms']:.1f}x")
    print("PASS" if ours["median_ms"] < TARGET_MS else "FAIL", f"median frame under {TARGET_MS} ms")


if __name__ == "__main__":
    main()
