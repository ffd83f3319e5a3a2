#!/usr/bin/env python3
"""Compare clip-explorer's encoder with transformers' CLIPModel on real-size random checkpoints.

Both run on the same machine in the same run with the same thread count: ours
through the binary's `bench-encoder` command, PyTorch in a child process
(torch.set_num_threads, torch.inference_mode). For each model it prints load
time, image encode at batch 1 and 8, text encode at batch 1 and 32, peak
resident memory and the ratios, with each side's process CPU time per encode
beside the wall time, because CPU time moves less when other jobs share the
cores. It also prints our GFLOP/s against a 2048^3
OpenBLAS SGEMM that the binary measures in the same run.

The checkpoints come from `python3 tools/make_model_fixtures.py --real`
(work-data/vit-b-32 and work-data/vit-l-14, transformers folders, F32), which
this script runs first when they are missing.
PyTorch's text rows are timed twice: unpadded (its cheapest input) and padded
to 77 as clip.tokenize returns them ("PT 77"); ours computes each prompt only
up to its end-of-text token either way.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMPT = "a photo of a dog playing in the snow"
IMAGE_BATCHES = [1, 8]
TEXT_BATCHES = [1, 32]


def torch_worker(model_path, threads, repeats):
    """Runs in a child process so its load time and peak memory are its own."""
    import torch
    from transformers import CLIPModel, CLIPTokenizer

    torch.set_num_threads(threads)
    start = time.perf_counter()
    model = CLIPModel.from_pretrained(model_path, dtype=torch.float32).eval()
    load_seconds = time.perf_counter() - start
    peak_after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    size = model.config.vision_config.image_size
    result = {"load_seconds": load_seconds, "peak_rss_after_load_mb": peak_after_load}

    def median_ms(body, key):
        """Stores the median wall and process CPU milliseconds of `body` under key_ms and key_cpu_ms."""
        body()
        wall, cpu = [], []
        for _ in range(repeats):
            begin, cpu_begin = time.perf_counter(), time.process_time()
            body()
            cpu.append((time.process_time() - cpu_begin) * 1000)
            wall.append((time.perf_counter() - begin) * 1000)
        result[key + "_ms"] = statistics.median(wall)
        result[key + "_cpu_ms"] = statistics.median(cpu)

    # The same ids as ours (open_clip's tokenizer matches clip.tokenize); not timed.
    from open_clip import tokenize
    padded = tokenize([PROMPT])
    length = int((padded[0] != 0).sum())
    ids = padded[:, :length]
    with torch.inference_mode():
        generator = torch.Generator().manual_seed(0)
        for batch in IMAGE_BATCHES:
            images = torch.randn(batch, 3, size, size, generator=generator)
            median_ms(lambda: model.get_image_features(pixel_values=images), f"image_batch_{batch}")
        for batch in TEXT_BATCHES:
            rows = ids.repeat(batch, 1)
            median_ms(lambda: model.get_text_features(input_ids=rows), f"text_batch_{batch}")
            rows77 = padded.repeat(batch, 1)
            median_ms(lambda: model.get_text_features(input_ids=rows77), f"text77_batch_{batch}")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


CHECK_PROMPTS = ["a photo of a cat.", "a diagram of a circuit", "two dogs playing in the snow at dusk", ""]


def check_exactness(binary, model_path, threads):
    """Compare `embed --json` with transformers on the real-size checkpoint: max relative
    error, cosine and the ranking of the prompts for each image (two generated PNGs,
    preprocessed by torchvision as OpenAI's clip.py does, with OpenAI's mean and std)."""
    import tempfile

    import numpy as np
    import open_clip
    import torch
    from PIL import Image
    from torchvision import transforms
    from transformers import CLIPModel

    folder = tempfile.mkdtemp(prefix="bench-encoder-")
    y, x = np.mgrid[0:240, 0:320]
    paths = []
    for index, pattern in enumerate([np.stack([x % 256, y, (x + y) % 256], -1),
                                     np.stack([(x * y) % 256, (x // 8 % 2) * 255, y % 200], -1)]):
        path = os.path.join(folder, f"image{index}.png")
        Image.fromarray(pattern.astype(np.uint8)).save(path)
        paths.append(path)

    command = [binary, "embed", "--model", model_path, "--threads", str(threads), "--json"]
    for prompt in CHECK_PROMPTS:
        command += ["--text", prompt]
    for path in paths:
        command += ["--image", path]
    ours = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)

    torch.set_num_threads(threads)
    model = CLIPModel.from_pretrained(model_path, dtype=torch.float32).eval()
    pipeline = transforms.Compose([
        transforms.Resize(224, interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711)),
    ])
    with torch.inference_mode():
        text = model.get_text_features(input_ids=open_clip.tokenize(CHECK_PROMPTS))
        image = model.get_image_features(pixel_values=torch.stack([pipeline(Image.open(p).convert("RGB")) for p in paths]))
    if not torch.is_tensor(text):
        text, image = text.pooler_output, image.pooler_output

    worst_error, worst_cosine = 0.0, 1.0
    for mine, reference in list(zip(ours["text_embeds"], text)) + list(zip(ours["image_embeds"], image)):
        mine = torch.tensor(mine)
        worst_error = max(worst_error, float((mine - reference).abs().max() / reference.abs().max()))
        worst_cosine = min(worst_cosine, float(torch.nn.functional.cosine_similarity(mine, reference, dim=0)))
    def ranking(images, texts):
        images = torch.nn.functional.normalize(torch.as_tensor(images), dim=1)
        texts = torch.nn.functional.normalize(torch.as_tensor(texts), dim=1)
        return (images @ texts.T).argsort(dim=1).tolist()

    ours_ranking = ranking(ours["image_embeds"], ours["text_embeds"])
    reference_ranking = ranking(image, text)
    print(f"exactness vs transformers: max relative error {worst_error:.2e}, min cosine {worst_cosine:.8f}, "
          f"ranking {'identical' if ours_ranking == reference_ranking else 'DIFFERENT'}")


def weight_megabytes(model_path):
    """float32 size of every tensor in the checkpoint, from the safetensors header."""
    with open(os.path.join(model_path, "model.safetensors"), "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
    count = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        elements = 1
        for dimension in entry["shape"]:
            elements *= dimension
        count += elements
    return count * 4 / 2**20


def thread_environment(threads):
    """Return this environment with every BLAS and OpenMP pool limited to `threads`, for
    both sides, so that neither starts more workers than the thread count it is given."""
    environment = dict(os.environ)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        environment[name] = str(threads)
    return environment


def run_ours(binary, model_path, threads, repeats):
    command = [binary, "bench-encoder", "--model", model_path, "--threads", str(threads), "--repeat", str(repeats)]
    for batch in IMAGE_BATCHES:
        command += ["--image-batch", str(batch)]
    for batch in TEXT_BATCHES:
        command += ["--text-batch", str(batch)]
    command += ["--prompt", PROMPT]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True,
                                     env=thread_environment(threads)).stdout)


def run_torch(model_path, threads, repeats):
    command = [sys.executable, os.path.abspath(__file__), "--torch-worker", model_path,
               "--threads", str(threads), "--repeat", str(repeats)]
    completed = subprocess.run(command, check=True, capture_output=True, text=True, env=thread_environment(threads))
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(name, ours, theirs, weights_mb):
    print(f"\n## {name}  (float32 weights {weights_mb:.0f} MB, {ours['threads']} threads)")
    print(f"{'case':<18}{'ours':>12}{'PyTorch':>12}{'speedup':>10}{'GFLOP/s':>10}{'% SGEMM':>9}"
          f"{'ours CPU':>12}{'PT CPU':>12}{'CPU ratio':>11}")
    peak = ours["sgemm_gflops"]
    for kind, batches in (("image", IMAGE_BATCHES), ("text", TEXT_BATCHES)):
        for batch in batches:
            key = f"{kind}_batch_{batch}"
            mine, reference = ours[key + "_ms"], theirs[key + "_ms"]
            gflops = ours[key + "_gflops"]
            mine_cpu, reference_cpu = ours[key + "_cpu_ms"], theirs[key + "_cpu_ms"]
            print(f"{kind + ' batch ' + str(batch):<18}{mine:>9.1f} ms{reference:>9.1f} ms{reference / mine:>9.2f}x"
                  f"{gflops:>10.1f}{100 * gflops / peak:>8.0f}%"
                  f"{mine_cpu:>9.1f} ms{reference_cpu:>9.1f} ms{reference_cpu / mine_cpu:>10.2f}x")
    for batch in TEXT_BATCHES:
        mine, reference = ours[f"text_batch_{batch}_ms"], theirs[f"text77_batch_{batch}_ms"]
        print(f"{'text ' + str(batch) + ' (PT 77)':<18}{mine:>9.1f} ms{reference:>9.1f} ms{reference / mine:>9.2f}x")
    print(f"{'load':<18}{ours['load_seconds']:>10.3f} s{theirs['load_seconds']:>10.3f} s"
          f"{theirs['load_seconds'] / ours['load_seconds']:>9.2f}x   (+ {ours['bundled_tokenizer_seconds']:.3f} s"
          f" for our bundled vocab, once per process)")
    print(f"{'peak RSS':<18}{ours['peak_rss_mb']:>9.0f} MB{theirs['peak_rss_mb']:>9.0f} MB"
          f"{theirs['peak_rss_mb'] / ours['peak_rss_mb']:>9.2f}x   ours = {ours['peak_rss_mb'] / weights_mb:.2f}x float32 weights"
          f" ({ours['peak_rss_after_load_mb'] / weights_mb:.2f}x after load)")
    print(f"OpenBLAS SGEMM 2048^3 in this run: {peak:.1f} GFLOP/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "clip-explorer"))
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case; the median is reported")
    parser.add_argument("--models", nargs="*", default=[os.path.join(ROOT, "work-data", "vit-b-32"),
                                                        os.path.join(ROOT, "work-data", "vit-l-14")])
    parser.add_argument("--check", action="store_true", help="also compare embeddings with transformers before timing")
    parser.add_argument("--torch-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.torch_worker:
        torch_worker(args.torch_worker, args.threads, args.repeat)
        return

    missing = [m for m in args.models if not os.path.exists(os.path.join(m, "model.safetensors"))]
    if missing:
        folders = {os.path.dirname(os.path.abspath(m)) for m in missing}
        if folders != {os.path.join(ROOT, "work-data")}:
            sys.exit(f"missing checkpoints {missing}: make them with 'python3 tools/make_model_fixtures.py --real --output FOLDER'")
        print(f"building the random-weight checkpoints in work-data/ (about 2.3 GB): {missing}", flush=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "make_model_fixtures.py"), "--real"], check=True)
    print(f"# encoder benchmark: {args.binary} vs transformers CLIPModel, {args.threads} threads, "
          f"median of {args.repeat} runs after a warm-up")
    for model_path in args.models:
        if args.check:
            print(f"\n## {os.path.basename(model_path)}")
            check_exactness(args.binary, model_path, args.threads)
        ours = run_ours(args.binary, model_path, args.threads, args.repeat)
        theirs = run_torch(model_path, args.threads, args.repeat)
        report(os.path.basename(model_path), ours, theirs, weight_megabytes(model_path))


if __name__ == "__main__":
    main()
