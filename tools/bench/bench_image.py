#!/usr/bin/env python3
"""Benchmark image decoding and CLIP preprocessing: clip-explorer against Pillow + open_clip.

Makes a 4000 x 3000 JPEG and 50 JPEGs of 640 x 480 by upscaling
scikit-image's sample photos (into tools/bench/out/image/, which git ignores),
then decodes and preprocesses each at 224 x 224:

- ours: `clip-explorer preprocess IMAGE --out FILE --time --repeat N`; the
  in-process time (read, decode and preprocess) is what the binary reports.
  The wall time of one plain run per image adds process start-up and writing
  the tensor.
- reference: Image.open + open_clip's transform (Resize, CenterCrop, convert,
  ToTensor, Normalize) in this process, with torch limited to one thread.

Both run on one thread; each image's time is the fastest of --repeat runs.
Usage: python3 tools/bench/bench_image.py --binary .build/release/clip-explorer
"""

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

import open_clip
import skimage.data
import torch
from PIL import Image

OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)
TIME_LINE = re.compile(r"time: decode ([0-9.]+) ms, preprocess ([0-9.]+) ms")


def make_images(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    large = folder / "large_4000x3000.jpg"
    if not large.exists():
        Image.fromarray(skimage.data.coffee()).resize((4000, 3000), Image.BICUBIC).save(large, quality=90)
    photos = [Image.fromarray(getattr(skimage.data, name)()) for name in ("astronaut", "chelsea", "coffee")]
    small = []
    for index in range(50):
        path = folder / f"small_{index:02d}.jpg"
        if not path.exists():
            source = photos[index % 3]
            # A different crop of each photo, upscaled to 640 x 480.
            left, top = index % 7 * 8, index % 5 * 8
            crop = source.crop((left, top, left + source.width * 3 // 4, top + source.height * 3 // 4))
            crop.resize((640, 480), Image.BICUBIC).save(path, quality=75 + index % 20)
        small.append(path)
    return large, small


def run_ours(binary: str, images, out: Path, repeat: int):
    """Returns (in-process seconds, wall seconds) summed over images.

    In process: for each image, the fastest of `repeat` decode + preprocess
    runs that the binary reports. Wall: one whole process per image.
    """
    inside, wall = 0.0, 0.0
    for image in images:
        result = subprocess.run([binary, "preprocess", str(image), "--out", str(out), "--time", "--repeat", str(repeat)],
                                capture_output=True, text=True, check=True)
        match = TIME_LINE.search(result.stderr)
        if not match:
            raise SystemExit(f"no time line from {binary}: {result.stderr}")
        inside += (float(match.group(1)) + float(match.group(2))) / 1000
        start = time.perf_counter()
        subprocess.run([binary, "preprocess", str(image), "--out", str(out)], capture_output=True, check=True)
        wall += time.perf_counter() - start
    return inside, wall


def run_reference(transform, images, repeat: int):
    """Returns the summed fastest-of-`repeat` time of Image.open and open_clip's transform per image."""
    total = 0.0
    for image in images:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            tensor = transform(Image.open(image))
            best = min(best, time.perf_counter() - start)
        assert tensor.shape == (3, 224, 224)
        total += best
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=".build/release/clip-explorer")
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    torch.set_num_threads(1)

    large, small = make_images(Path(__file__).parent / "out" / "image")
    transform = open_clip.image_transform(224, is_train=False, mean=OPENAI_MEAN, std=OPENAI_STD)
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "tensor.f32"
        for label, images in [("1 JPEG 4000x3000", [large]), ("50 JPEGs 640x480", small)]:
            inside, wall = run_ours(arguments.binary, images, out, arguments.repeat)
            reference = run_reference(transform, images, arguments.repeat)
            print(f"{label}: Pillow + open_clip {reference * 1000:.1f} ms, "
                  f"ours {inside * 1000:.1f} ms in process ({reference / inside:.2f}x faster), "
                  f"{wall * 1000:.1f} ms as one process per image ({reference / wall:.2f}x)")


if __name__ == "__main__":
    main()
