"""Compare how fast vision towers with different patch sizes learn the shapes.

    python3 tools/demo_model/patch_study.py --patch 6 --seconds 240
    python3 tools/demo_model/patch_study.py --patch 16 --seconds 320
    python3 tools/demo_model/patch_study.py --cnn --seconds 150

Trains Hugging Face's CLIPVisionModel (48 x 48 pictures, width 128, 4 layers,
as the demo model) with a linear head that names the shape (5 classes). It
uses plain cross-entropy and one torch thread. Every --every steps it prints
the shape accuracy on 1,000 monitoring pictures (seed 3000). --cnn trains a
small convolutional network instead, as a yardstick for how hard the
pictures are. This is how the demo model's 16-pixel patches were chosen;
the figures are quoted in train.py's docstring.

Pictures come from shapes.py (training seed 1) and are cached in --work.
"""

import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from transformers import CLIPVisionConfig, CLIPVisionModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes  # noqa: E402
from train import MONITOR_SEED, TRAIN_SEED, load_or_render, pixel_tensor  # noqa: E402


def vision_tower(patch, width, layers):
    config = CLIPVisionConfig(hidden_size=width, intermediate_size=4 * width, num_hidden_layers=layers,
                              num_attention_heads=4, image_size=48, patch_size=patch, hidden_act="quick_gelu")
    tower = CLIPVisionModel(config)
    head = torch.nn.Linear(width, len(shapes.SHAPES))

    def forward(pixels):
        return head(tower(pixel_values=pixels).pooler_output)

    return forward, list(tower.parameters()) + list(head.parameters()), tower


def small_cnn():
    net = torch.nn.Sequential(
        torch.nn.Conv2d(3, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(64, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.AdaptiveMaxPool2d(1),
        torch.nn.Flatten(), torch.nn.Linear(64, len(shapes.SHAPES)))
    return net, list(net.parameters()), net


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patch", type=int, default=16, help="patch side in pixels (default 16)")
    parser.add_argument("--width", type=int, default=128, help="vision transformer width (default 128)")
    parser.add_argument("--layers", type=int, default=4, help="vision transformer layers (default 4)")
    parser.add_argument("--cnn", action="store_true", help="train the small CNN instead of a vision transformer")
    parser.add_argument("--lr", type=float, default=1e-3, help="AdamW learning rate after 100 warmup steps (default 1e-3)")
    parser.add_argument("--batch", type=int, default=128, help="pictures per step (default 128)")
    parser.add_argument("--seconds", type=float, default=240, help="training time before stopping (default 240)")
    parser.add_argument("--every", type=int, default=100, help="steps between accuracy checks (default 100)")
    parser.add_argument("--pictures", type=int, default=100_000, help="training pictures (default 100000)")
    parser.add_argument("--work", default="work-data/demo_model", help="folder for the cached pictures")
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    os.makedirs(args.work, exist_ok=True)
    pixels, classes, _ = load_or_render(args.work, TRAIN_SEED, args.pictures, 48)
    monitor_pixels, monitor_classes, _ = load_or_render(args.work, MONITOR_SEED, 1000, 48)
    shape_count = len(shapes.SHAPES)

    forward, parameters, module = small_cnn() if args.cnn else vision_tower(args.patch, args.width, args.layers)
    optimizer = torch.optim.AdamW(parameters, lr=args.lr, betas=(0.9, 0.98), weight_decay=0.05)
    rng = np.random.default_rng(0)
    started = time.time()
    step = 0
    while time.time() - started < args.seconds:
        step += 1
        indices = rng.integers(0, len(pixels), args.batch)
        loss = F.cross_entropy(forward(pixel_tensor(pixels[indices])), torch.from_numpy(classes[indices] % shape_count))
        for group in optimizer.param_groups:
            group["lr"] = args.lr * min(1.0, step / 100)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if step % args.every == 0:
            module.eval()
            with torch.no_grad():
                predicted = forward(pixel_tensor(monitor_pixels)).argmax(dim=1).numpy()
            module.train()
            accuracy = float(np.mean(predicted == monitor_classes % shape_count))
            print(f"step {step}: loss {loss.item():.3f}, shape accuracy {accuracy:.3f} "
                  f"({(time.time() - started) / 60:.1f} min)", flush=True)


if __name__ == "__main__":
    main()
