"""Train the small demo CLIP on synthetic shape pictures and export it.

    python3 tools/demo_model/train.py                    # train from scratch, then export (35 min)
    python3 tools/demo_model/train.py --resume           # continue from the last checkpoint
    python3 tools/demo_model/train.py --export-only      # export the last checkpoint

The model is Hugging Face's CLIPModel with OpenAI's full 49408-token vocab and
77-token context, but small towers and 48 x 48 pictures, so it trains on a CPU
in well under an hour. Training pictures, the tokenized captions and the
checkpoints go to --work (default work-data/demo_model, gitignored); the
exported folder goes to --out (default Models/clip-demo-shapes).

Patch size: the vision tower cuts a picture into 3 x 3 patches of 16 pixels.
With 6-pixel patches (64 tokens) shape accuracy rose by about 1 point per 100
steps, and each step cost about 4 times as much. tools/demo_model/patch_study.py
trains the vision tower alone, with a linear head naming the shape, on one
thread; two runs at a time on the 2-core machine gave these shape accuracies.
6-pixel patches reached 31% after 3.5 minutes and 12-pixel patches 46% after
4, while 16-pixel patches reached 72% after 3.3 minutes and 80% after 5.2. A
small convolutional network (`--cnn`) reached 97% in 2.3 minutes, so the
pictures are easy. Our reading is that the ViT with small patches spends
most of its early steps learning how the patches fit together.

Loss: with only 40 colour-shape classes, a batch contains many pictures of the
same class, and the plain CLIP loss would push those true pairs apart. Each
row of the picture-caption logits (and each column) therefore targets all
captions (pictures) of the same class equally: the contrastive loss with
multiple positives. The towers, the projections and the learned logit scale
are CLIP's unchanged.

A share of the captions names only the shape ("a star shape") or only the
colour ("a red object"); such a caption matches every picture with that
shape (or colour). They give the vision tower a shape signal that does not
depend on the colour, and they teach the text tower single words.
"""

import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from transformers import CLIPConfig, CLIPModel, CLIPTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes  # noqa: E402

TRAIN_SEED = 1
MONITOR_SEED = 3000
# Pictures are drawn at RENDER_SIZE, as the evaluation pictures are. For a
# model input of another size they are then resized with Pillow's bicubic
# filter, as CLIPImageProcessor and the Swift preprocessing do at test time.
RENDER_SIZE = 48
# OpenAI's normalization, so any preprocessing that defaults to it agrees.
IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073]
IMAGE_STD = [0.26862954, 0.26130258, 0.27577711]
# Every training caption fits in this many tokens. The text tower is causal
# and pools at the first end-of-text token, so ids after it never change the
# embedding and training on a shorter window gives the same outputs as 77.
TRAIN_TEXT_LENGTH = 24
CONTEXT_LENGTH = 77
BOS_ID = 49406
EOS_ID = 49407


# MARK: - Tokenizer files

def _byte_symbols():
    """Map each byte to the printable character that stands for it in CLIP's BPE.

    Printable Latin-1 bytes stand for themselves; the other 68 bytes take the
    characters from U+0100 upward, in byte order.
    """
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    symbols = {}
    extra = 0
    for byte in range(256):
        if byte in printable:
            symbols[byte] = chr(byte)
        else:
            symbols[byte] = chr(256 + extra)
            extra += 1
    return symbols


def write_tokenizer_files(bpe_path, out_dir):
    """Write vocab.json and merges.txt in Hugging Face's CLIP layout from OpenAI's bpe file.

    Ids: the 256 byte symbols, the same with "</w>", one token per merge in
    merge order, then <|startoftext|> and <|endoftext|>: 49408 in all.
    """
    with gzip.open(bpe_path, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")
    # Line 0 is a version header; OpenAI uses the next 48894 merges.
    merges = lines[1:1 + 49152 - 256 - 2]
    byte_order = sorted(_byte_symbols().items(), key=lambda item: item[1] != chr(item[0]))
    # OpenAI lists the printable bytes first (in byte order), then the remapped ones.
    symbols = [symbol for _, symbol in byte_order]
    tokens = symbols + [s + "</w>" for s in symbols] + ["".join(m.split()) for m in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {token: i for i, token in enumerate(tokens)}
    if len(vocab) != 49408:
        raise SystemExit(f"{bpe_path}: expected 49408 distinct tokens, built {len(vocab)}")
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        f.write("\n".join(merges) + "\n")


def default_bpe_path():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "..", "Sources", "CLIPTokenizer", "Resources", "bpe_simple_vocab_16e6.txt.gz")


def tokenize(tokenizer, texts, length):
    """Return int64 [len(texts), length]: start, ids, end, zeros, as clip.tokenize pads."""
    rows = np.zeros((len(texts), length), dtype=np.int64)
    for i, text in enumerate(texts):
        ids = tokenizer(text, add_special_tokens=True)["input_ids"]
        if len(ids) > length:
            raise SystemExit(f"caption {text!r} has {len(ids)} tokens, more than {length}")
        rows[i, :len(ids)] = ids
    return torch.from_numpy(rows)


# MARK: - Model

def build_config(image_size, patch_size, vision_width, vision_layers, vision_heads):
    text = dict(vocab_size=49408, hidden_size=64, intermediate_size=256, num_hidden_layers=3,
                num_attention_heads=4, max_position_embeddings=CONTEXT_LENGTH,
                bos_token_id=BOS_ID, eos_token_id=EOS_ID, pad_token_id=1, hidden_act="quick_gelu")
    vision = dict(hidden_size=vision_width, intermediate_size=4 * vision_width, num_hidden_layers=vision_layers,
                  num_attention_heads=vision_heads,
                  image_size=image_size, patch_size=patch_size, hidden_act="quick_gelu")
    return CLIPConfig(text_config=text, vision_config=vision, projection_dim=64)


def pixel_tensor(pixels):
    """uint8 [n, h, w, 3] -> normalized float32 [n, 3, h, w], as CLIPImageProcessor does."""
    x = torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(IMAGE_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGE_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def multi_positive_loss(image_embeds, text_embeds, classes, caption_names, logit_scale):
    """Symmetric cross-entropy whose targets spread over every matching pair.

    Picture i matches caption j when caption j names picture i's colour (or
    no colour) and its shape (or no shape); caption_names is bool
    [batch, 2]: whether caption j names a colour, and a shape.
    """
    logits = logit_scale * image_embeds @ text_embeds.t()            # [batch pictures, batch captions]
    shape_count = len(shapes.SHAPES)
    colour, shape = classes // shape_count, classes % shape_count
    colour_ok = (colour[:, None] == colour[None, :]) | ~caption_names[None, :, 0]
    shape_ok = (shape[:, None] == shape[None, :]) | ~caption_names[None, :, 1]
    match = (colour_ok & shape_ok).float()                            # [batch, batch], diagonal all 1
    image_targets = match / match.sum(dim=1, keepdim=True)
    text_targets = match.t() / match.t().sum(dim=1, keepdim=True)
    image_loss = -(image_targets * F.log_softmax(logits, dim=1)).sum(dim=1).mean()
    text_loss = -(text_targets * F.log_softmax(logits.t(), dim=1)).sum(dim=1).mean()
    return (image_loss + text_loss) / 2


@torch.no_grad()
def zero_shot_accuracy(model, prompt_ids, pixels, classes, batch=500):
    """Top-1 over the 40 evaluation prompts: (overall, colour, shape, predictions)."""
    model.eval()
    text = F.normalize(model.get_text_features(input_ids=prompt_ids).pooler_output, dim=-1)
    predictions = []
    for start in range(0, len(pixels), batch):
        image = F.normalize(model.get_image_features(pixel_values=pixel_tensor(pixels[start:start + batch])).pooler_output, dim=-1)
        predictions.append((image @ text.t()).argmax(dim=1))
    model.train()
    predicted = torch.cat(predictions).numpy()
    shape_count = len(shapes.SHAPES)
    overall = float(np.mean(predicted == classes))
    colour = float(np.mean(predicted // shape_count == classes // shape_count))
    shape = float(np.mean(predicted % shape_count == classes % shape_count))
    return overall, colour, shape, predicted


# MARK: - Data

def load_or_render(work, seed, count, image_size):
    path = os.path.join(work, f"pictures-seed{seed}-{count}-{image_size}px.npz")
    if os.path.exists(path):
        data = np.load(path, allow_pickle=False)
        return data["pixels"], data["classes"], list(data["captions"])
    started = time.time()
    pixels, classes, captions = shapes.render_arrays(seed, count, RENDER_SIZE)
    if image_size != RENDER_SIZE:
        pixels = np.stack([np.asarray(Image.fromarray(picture).resize((image_size, image_size), Image.BICUBIC))
                           for picture in pixels])
    np.savez(path, pixels=pixels, classes=classes, captions=np.array(captions))
    print(f"rendered {count} pictures with seed {seed} in {time.time() - started:.0f} s", flush=True)
    return pixels, classes, captions


# MARK: - Export

def export(model, out, bpe_path):
    image_size = model.config.vision_config.image_size
    os.makedirs(out, exist_ok=True)
    half = CLIPModel(model.config)
    half.load_state_dict(model.state_dict())
    half = half.half()
    half.save_pretrained(out, safe_serialization=True)
    write_tokenizer_files(bpe_path, out)
    processor = {
        "image_processor_type": "CLIPImageProcessor",
        "do_resize": True,
        "size": {"shortest_edge": image_size},
        "resample": 3,
        "do_center_crop": True,
        "crop_size": {"height": image_size, "width": image_size},
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": IMAGE_MEAN,
        "image_std": IMAGE_STD,
        "do_convert_rgb": True,
    }
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(processor, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(out, name)) for name in os.listdir(out))
    print(f"exported to {out}: {total / 1e6:.2f} MB", flush=True)


# MARK: - Training

def main():
    parser = argparse.ArgumentParser(description="Train and export the demo CLIP.")
    parser.add_argument("--work", default="work-data/demo_model", help="folder for pictures and checkpoints")
    parser.add_argument("--out", default="Models/clip-demo-shapes", help="folder to export the model into")
    parser.add_argument("--bpe", default=default_bpe_path(), help="OpenAI's bpe_simple_vocab_16e6.txt.gz")
    parser.add_argument("--pictures", type=int, default=300_000, help="training pictures drawn once (default 300000)")
    parser.add_argument("--steps", type=int, default=16000, help="optimizer steps (default 16000)")
    parser.add_argument("--batch", type=int, default=128, help="pictures per step (default 128)")
    parser.add_argument("--lr", type=float, default=1e-3, help="peak learning rate (default 1e-3)")
    parser.add_argument("--warmup", type=int, default=200, help="linear warmup steps (default 200)")
    parser.add_argument("--eval-every", type=int, default=1000, help="steps between accuracy checks (default 1000)")
    parser.add_argument("--image-size", type=int, default=48, help="model input side in pixels (default 48)")
    parser.add_argument("--patch-size", type=int, default=16, help="vision patch side in pixels (default 16)")
    parser.add_argument("--vision-width", type=int, default=128, help="vision transformer width (default 128)")
    parser.add_argument("--vision-layers", type=int, default=4, help="vision transformer layers (default 4)")
    parser.add_argument("--vision-heads", type=int, default=4, help="vision attention heads (default 4)")
    parser.add_argument("--shape-only", type=float, default=0.25,
                        help="share of training captions that name only the shape (default 0.25)")
    parser.add_argument("--colour-only", type=float, default=0.1,
                        help="share of training captions that name only the colour (default 0.1)")
    parser.add_argument("--partial-from", type=int, default=0,
                        help="first step that uses the shape-only and colour-only captions (default 0)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint in --work")
    parser.add_argument("--export-only", action="store_true", help="export the checkpoint in --work and stop")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(TRAIN_SEED)
    os.makedirs(args.work, exist_ok=True)
    checkpoint_path = os.path.join(args.work, "checkpoint.pt")

    tokenizer_dir = os.path.join(args.work, "tokenizer")
    os.makedirs(tokenizer_dir, exist_ok=True)
    write_tokenizer_files(args.bpe, tokenizer_dir)
    tokenizer = CLIPTokenizer(os.path.join(tokenizer_dir, "vocab.json"), os.path.join(tokenizer_dir, "merges.txt"))

    model = CLIPModel(build_config(args.image_size, args.patch_size, args.vision_width, args.vision_layers,
                                   args.vision_heads))
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embedding" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embedding" not in n)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.98))
    step = 0
    elapsed_before = 0.0
    if args.resume or args.export_only:
        state = torch.load(checkpoint_path, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step = state["step"]
        elapsed_before = state["elapsed"]
        torch.set_rng_state(state["rng"])
        print(f"resumed at step {step} after {elapsed_before / 60:.1f} min of training", flush=True)
    if args.export_only:
        export(model, args.out, args.bpe)
        return

    pixels, classes, captions = load_or_render(args.work, TRAIN_SEED, args.pictures, args.image_size)
    monitor_pixels, monitor_classes, _ = load_or_render(args.work, MONITOR_SEED, 1000, args.image_size)
    # Captions naming one attribute, drawn per picture from a fixed generator,
    # so a run resumed at any step sees the same captions.
    full_captions = list(captions)
    caption_names = np.ones((len(captions), 2), dtype=bool)
    if args.shape_only > 0 or args.colour_only > 0:
        caption_rng = np.random.default_rng([TRAIN_SEED, 77])
        for i in range(len(captions)):
            colour, shape = shapes.labels()[classes[i]]
            partial = shapes.partial_caption(caption_rng, colour, shape, args.shape_only, args.colour_only)
            if partial is not None:
                captions[i], caption_names[i, 0], caption_names[i, 1] = partial
    unique_captions = sorted(set(captions) | set(full_captions))
    caption_index = {c: i for i, c in enumerate(unique_captions)}
    caption_ids = tokenize(tokenizer, unique_captions, TRAIN_TEXT_LENGTH)
    picture_caption = np.array([caption_index[c] for c in captions])
    full_caption = np.array([caption_index[c] for c in full_captions])
    prompt_ids = tokenize(tokenizer, shapes.eval_prompts(), TRAIN_TEXT_LENGTH)
    print(f"{len(pixels)} pictures, {len(unique_captions)} distinct captions", flush=True)

    # The order of pictures is a fixed permutation per epoch, from the step number.
    def batch_indices(at_step):
        per_epoch = len(pixels) // args.batch
        epoch, offset = divmod(at_step, per_epoch)
        order = np.random.default_rng([TRAIN_SEED, epoch]).permutation(len(pixels))
        return order[offset * args.batch:(offset + 1) * args.batch]

    def learning_rate(at_step):
        if at_step < args.warmup:
            return args.lr * (at_step + 1) / args.warmup
        progress = (at_step - args.warmup) / max(1, args.steps - args.warmup)
        return args.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    started = time.time()
    model.train()
    while step < args.steps:
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step)
        indices = batch_indices(step)
        batch_classes = torch.from_numpy(classes[indices])
        # Encode each distinct caption of the batch once, then spread it to its pictures.
        batch_caption_ids = picture_caption[indices] if step >= args.partial_from else full_caption[indices]
        batch_captions, inverse = np.unique(batch_caption_ids, return_inverse=True)
        # In transformers 5 the projected features are the output's pooler_output.
        text = model.get_text_features(input_ids=caption_ids[batch_captions]).pooler_output  # [distinct, projection]
        text = F.normalize(text, dim=-1)[torch.from_numpy(inverse.reshape(-1))]     # [batch, projection]
        image = F.normalize(model.get_image_features(pixel_values=pixel_tensor(pixels[indices])).pooler_output, dim=-1)
        names = caption_names[indices]
        if step < args.partial_from:
            names = np.ones_like(names)
        loss = multi_positive_loss(image, text, batch_classes, torch.from_numpy(names), model.logit_scale.exp())

        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        with torch.no_grad():
            # CLIP clips the logit scale at 100.
            model.logit_scale.clamp_(0, math.log(100))
        step += 1

        if step % 200 == 0:
            minutes = (elapsed_before + time.time() - started) / 60
            print(f"step {step} loss {loss.item():.4f} scale {model.logit_scale.exp().item():.1f} "
                  f"lr {learning_rate(step - 1):.2e} {minutes:.1f} min", flush=True)
        if step % args.eval_every == 0 or step == args.steps:
            overall, colour, shape, _ = zero_shot_accuracy(model, prompt_ids, monitor_pixels, monitor_classes)
            elapsed = elapsed_before + time.time() - started
            print(f"== step {step}: top-1 {overall:.3f} colour {colour:.3f} shape {shape:.3f} "
                  f"({elapsed / 60:.1f} min)", flush=True)
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                        "elapsed": elapsed, "rng": torch.get_rng_state()}, checkpoint_path + ".tmp")
            os.replace(checkpoint_path + ".tmp", checkpoint_path)

    print(f"trained {step} steps in {(elapsed_before + time.time() - started) / 60:.1f} min", flush=True)
    export(model, args.out, args.bpe)


if __name__ == "__main__":
    main()
