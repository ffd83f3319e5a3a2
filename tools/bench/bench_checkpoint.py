#!/usr/bin/env python3
"""Compare loading a pytorch_model.bin with this program and with PyTorch.

Writes (once) a random-weight real-size ViT-B/32 transformers checkpoint in two
forms under work-data/checkpoint-bench (gitignored): pytorch_model.bin saved by
torch.save, and model.safetensors. Then, in the same run on the same machine:

- ours: `clip-explorer bench-encoder --model DIR`, whose load_seconds covers
  reading every tensor and building the encoder, for both folders;
- PyTorch: torch.load(weights_only=True) of the same file plus conversion of
  every tensor to float32, and transformers' CLIPModel.from_pretrained, each
  in a fresh child process.

Each measurement is the median of --repeat runs after one warm-up, so the file
is in the page cache for all of them.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def prepare(folder):
    bin_folder = os.path.join(folder, "bin")
    safe_folder = os.path.join(folder, "safetensors")
    if os.path.exists(os.path.join(bin_folder, "pytorch_model.bin")) and os.path.exists(safe_folder):
        return bin_folder, safe_folder

    import torch
    from transformers import CLIPConfig, CLIPModel

    torch.manual_seed(0)
    model = CLIPModel(CLIPConfig()).eval()
    os.makedirs(bin_folder, exist_ok=True)
    model.config.to_json_file(os.path.join(bin_folder, "config.json"))
    torch.save(model.state_dict(), os.path.join(bin_folder, "pytorch_model.bin"))
    model.save_pretrained(safe_folder, safe_serialization=True)
    return bin_folder, safe_folder


def median_seconds(run, repeats):
    run()
    return statistics.median(run() for _ in range(repeats))


def ours(binary, folder, threads):
    command = [binary, "bench-encoder", "--model", folder, "--threads", str(threads), "--repeat", "1",
               "--image-batch", "1", "--text-batch", "1"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])["load_seconds"]


TORCH_LOAD = """
import sys, time, torch
torch.set_num_threads(int(sys.argv[2]))
start = time.perf_counter()
state = torch.load(sys.argv[1], weights_only=True)
floats = {name: tensor.float().contiguous() for name, tensor in state.items()}
print(time.perf_counter() - start)
"""

TRANSFORMERS_LOAD = """
import sys, time, warnings, torch
warnings.filterwarnings("ignore")
torch.set_num_threads(int(sys.argv[2]))
from transformers import CLIPModel
start = time.perf_counter()
CLIPModel.from_pretrained(sys.argv[1], dtype=torch.float32)
print(time.perf_counter() - start)
"""


def python_seconds(script, path, threads):
    output = subprocess.run([sys.executable, "-c", script, path, str(threads)], check=True, capture_output=True, text=True).stdout
    return float(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/clip-explorer"))
    parser.add_argument("--work", default=os.path.join(ROOT, "work-data/checkpoint-bench"))
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    bin_folder, safe_folder = prepare(args.work)
    weights = os.path.join(bin_folder, "pytorch_model.bin")
    size_mb = os.path.getsize(weights) / 1e6
    print(f"ViT-B/32 random weights, pytorch_model.bin {size_mb:.0f} MB, {args.threads} threads, median of {args.repeat}")

    rows = [
        ("ours: load pytorch_model.bin folder", median_seconds(lambda: ours(args.binary, bin_folder, args.threads), args.repeat)),
        ("ours: load model.safetensors folder", median_seconds(lambda: ours(args.binary, safe_folder, args.threads), args.repeat)),
        ("torch.load + float32 of every tensor", median_seconds(lambda: python_seconds(TORCH_LOAD, weights, args.threads), args.repeat)),
        ("transformers from_pretrained (.bin)", median_seconds(lambda: python_seconds(TRANSFORMERS_LOAD, bin_folder, args.threads), args.repeat)),
    ]
    reference = rows[2][1]
    for label, seconds in rows:
        print(f"{label:40s} {seconds:7.3f} s   {seconds / reference:5.2f}x torch.load")


if __name__ == "__main__":
    main()
