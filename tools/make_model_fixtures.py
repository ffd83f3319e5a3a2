#!/usr/bin/env python3
"""Build the CLIP checkpoints and PyTorch reference embeddings that CLIPModelTests compare against.

Tiny checkpoints (full 49408-token vocab, very small widths) are written to
Tests/CLIPModelTests/Fixtures/models/, one per layout, dtype and activation:

  hf-f32-quickgelu       transformers folder, F32, QuickGELU, eos_token_id 2 (highest-id pooling)
  hf-sharded-f16-gelu    transformers folder, F16 shards + index, GELU, eos_token_id 49407 (first-eos pooling)
  hf-torch-f16-gelu      the same weights as pytorch_model.bin (torch.save zip archive)
  st-bf16-quickgelu      sentence-transformers folder (modules.json -> 0_CLIPModel/), BF16
  openclip-f16-gelu      open_clip hub folder (open_clip_config.json + open_clip_model.safetensors), F16
  openai-bf16-bare.safetensors  bare file with OpenAI names, BF16, heads inferred as width / 64

Every weight is randomly initialised and then perturbed (layer-norm scales and
biases included), so no output is degenerate. Each checkpoint's weights are
rounded to its storage dtype and the reference is computed in float32 from the
rounded values, which is what the Swift loader reads back.

Inputs and outputs go to Fixtures/reference.json: token ids (from open_clip's
tokenizer, which matches OpenAI's clip.tokenize), image tensors (values are
multiples of 1/64, exact in float32), and per model the text and image
embeddings and logit scale.

With --real, the script instead writes random-weight real-size ViT-B/32 and
ViT-L/14 transformers folders (F32) into work-data/ for tools/bench/bench_encoder.py.
Those are never committed (work-data/ is gitignored).

Requires torch, transformers, open_clip_torch and safetensors (tools/requirements.txt).
"""
import argparse
import json
import os
import shutil

import open_clip
import torch
from safetensors.torch import save_file
from transformers import CLIPConfig, CLIPModel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "CLIPModelTests", "Fixtures")
DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}

PROMPTS = [
    "a photo of a cat.",
    "a diagram",
    "",
    "a photo of a dog playing in the snow, taken with a long lens at dusk",
    "the quick brown fox jumps over the lazy dog " * 8,  # longer than 77 tokens, truncated
]
# Hand-made id rows: one with no end-of-text token, where the two pooling rules
# differ (highest id at position 3, first 49407 absent so position 0), and one
# padded with 49407 instead of 0, as some Hugging Face tokenizers pad.
EXTRA_IDS = [
    [320, 1125, 539, 1929, 530],
    [49406, 320, 2368, 49407, 49407, 49407, 49407],
]


def perturb(model, generator):
    """Give every parameter random values on a scale that keeps activations varied."""
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith("logit_scale"):
                parameter.fill_(2.6592 + 0.1 * torch.randn((), generator=generator).item())
            elif parameter.dim() == 1 and ("norm" in name or "ln_" in name or "layer_norm" in name) and name.endswith("weight"):
                parameter.copy_(1.0 + 0.2 * torch.randn(parameter.shape, generator=generator))
            elif parameter.dim() <= 1:
                parameter.copy_(0.1 * torch.randn(parameter.shape, generator=generator))
            else:
                fan_in = parameter.shape[-1] if parameter.dim() == 2 else parameter[0].numel()
                scale = 1.0 / fan_in ** 0.5
                if "token_embedding" in name or "positional_embedding" in name or "position_embedding" in name:
                    scale = 0.5
                parameter.copy_(scale * torch.randn(parameter.shape, generator=generator))


def round_to(model, dtype):
    """Round every parameter to `dtype` and back, so the float32 reference uses the stored values."""
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(parameter.to(dtype).to(torch.float32))


def inputs():
    ids = open_clip.tokenize(PROMPTS).tolist()
    ids += [row for row in EXTRA_IDS]
    generator = torch.Generator().manual_seed(7)
    images = torch.round(torch.randn(3, 3, 32, 32, generator=generator) * 64) / 64
    return ids, images


def padded(ids, length=77):
    return [row + [0] * (length - len(row)) for row in ids]


def hf_reference(model, ids, images):
    with torch.inference_mode():
        text = model.get_text_features(input_ids=torch.tensor(padded(ids)))
        image = model.get_image_features(pixel_values=images)
    if not torch.is_tensor(text):
        text, image = text.pooler_output, image.pooler_output
    return text, image, model.logit_scale.exp().item()


def hf_model(activation, eos_token_id, seed):
    torch.manual_seed(seed)
    config = CLIPConfig(
        text_config=dict(vocab_size=49408, hidden_size=16, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=77, hidden_act=activation,
                         layer_norm_eps=1e-5, eos_token_id=eos_token_id, bos_token_id=49406, pad_token_id=1),
        vision_config=dict(hidden_size=48, intermediate_size=192, num_hidden_layers=2, num_attention_heads=3,
                           image_size=32, patch_size=8, hidden_act=activation, layer_norm_eps=1e-5),
        projection_dim=24)
    model = CLIPModel(config).eval()
    perturb(model, torch.Generator().manual_seed(seed))
    return model


def save_hf(model, folder, dtype, shard=False):
    if os.path.exists(folder):
        shutil.rmtree(folder)
    stored = CLIPModel(model.config)
    stored.load_state_dict(model.state_dict())
    stored = stored.to(DTYPES[dtype])
    stored.save_pretrained(folder, safe_serialization=True, max_shard_size="1MB" if shard else "5GB")
    preprocessor = {
        "crop_size": {"height": 32, "width": 32}, "do_center_crop": True, "do_normalize": True,
        "do_resize": True, "image_mean": [0.5, 0.4, 0.3], "image_std": [0.2, 0.25, 0.3],
        "image_processor_type": "CLIPImageProcessor", "resample": 3, "size": {"shortest_edge": 36},
    }
    with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
        json.dump(preprocessor, f, indent=2)


def openclip_model(quick_gelu, seed, text_width=16, text_heads=2, vision_width=48, head_width=16):
    torch.manual_seed(seed)
    cfg = {
        "embed_dim": 24,
        "quick_gelu": quick_gelu,
        "vision_cfg": {"image_size": 32, "layers": 2, "width": vision_width, "head_width": head_width, "patch_size": 8},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": text_width, "heads": text_heads, "layers": 2},
    }
    model = open_clip.model.CLIP(
        embed_dim=cfg["embed_dim"], vision_cfg=open_clip.model.CLIPVisionCfg(**cfg["vision_cfg"]),
        text_cfg=open_clip.model.CLIPTextCfg(**cfg["text_cfg"]), quick_gelu=quick_gelu).eval()
    perturb(model, torch.Generator().manual_seed(seed))
    return model, cfg


def openclip_reference(model, ids, images):
    rows = torch.tensor(padded(ids))
    with torch.inference_mode():
        text = model.encode_text(rows)
        image = model.encode_image(images)
    return text, image, model.logit_scale.exp().item()


def save_state_dict(model, path, dtype):
    state = {k: v.to(DTYPES[dtype]).contiguous() for k, v in model.state_dict().items()}
    save_file(state, path, metadata={"format": "pt"})


def record(name, layout, dtype, activation, pooling, result):
    text, image, scale = result
    return {
        "name": name, "layout": layout, "dtype": dtype, "activation": activation, "pooling": pooling,
        "logit_scale": scale,
        "text_embeds": [[float(v) for v in row] for row in text.tolist()],
        "image_embeds": [[float(v) for v in row] for row in image.tolist()],
    }


ZERO_SHOT_LABELS = ["cat", "dog", "red car", "tree", "diagram of a circuit"]
ZERO_SHOT_TEMPLATES = ["a photo of a {}.", "a drawing of a {}.", "itap of the {}."]


def zero_shot(model, images):
    """CLIP's prompt ensembling: mean of normalized template embeddings, renormalized; softmax of scale x cosine."""
    with torch.inference_mode():
        label_embeddings = []
        for label in ZERO_SHOT_LABELS:
            rows = open_clip.tokenize([t.replace("{}", label) for t in ZERO_SHOT_TEMPLATES])
            text = model.encode_text(rows)
            text = text / text.norm(dim=-1, keepdim=True)
            mean = text.mean(dim=0)
            label_embeddings.append(mean / mean.norm())
        labels = torch.stack(label_embeddings)
        image = model.encode_image(images)
        image = image / image.norm(dim=-1, keepdim=True)
        cosine = image @ labels.T
        probability = (model.logit_scale.exp() * cosine).softmax(dim=-1)
    return {"labels": ZERO_SHOT_LABELS, "templates": ZERO_SHOT_TEMPLATES,
            "cosine": cosine.tolist(), "probability": probability.tolist()}


def make_images(folder):
    """Two small images for the command-line tests, preprocessed with torchvision as
    OpenAI's clip.py does (bicubic resize of the shortest side, center crop, scale
    to [0, 1], normalize), with the hf-f32-quickgelu settings."""
    from PIL import Image
    import numpy as np
    os.makedirs(folder, exist_ok=True)
    y, x = np.mgrid[0:30, 0:44]
    gradient = np.stack([x * 5, y * 8, (x + y) * 3], axis=-1).astype(np.uint8)
    Image.fromarray(gradient).save(os.path.join(folder, "gradient.png"))
    rings = ((np.hypot(x - 22, y - 15) // 3) % 2 * 255).astype(np.uint8)
    Image.fromarray(np.stack([rings, 255 - rings, rings // 2], axis=-1)).save(os.path.join(folder, "rings.png"))
    with open(os.path.join(folder, "not-an-image.png"), "wb") as f:
        f.write(b"this is text, not a PNG")

    from torchvision import transforms
    pipeline = transforms.Compose([
        transforms.Resize(36, interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(32),
        transforms.ToTensor(),
        transforms.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.3]),
    ])
    tensors = [pipeline(Image.open(os.path.join(folder, name)).convert("RGB")) for name in ["gradient.png", "rings.png"]]
    return ["gradient.png", "rings.png"], torch.stack(tensors)


def build_fixtures():
    models_dir = os.path.join(FIXTURES, "models")
    os.makedirs(models_dir, exist_ok=True)
    ids, images = inputs()
    records = []

    model = hf_model("quick_gelu", eos_token_id=2, seed=1)
    round_to(model, torch.float32)
    save_hf(model, os.path.join(models_dir, "hf-f32-quickgelu"), "F32")
    records.append(record("hf-f32-quickgelu", "huggingFace", "F32", "quick_gelu", "highest id", hf_reference(model, ids, images)))
    image_names, image_tensors = make_images(os.path.join(FIXTURES, "images"))
    with torch.inference_mode():
        file_embeds = model.get_image_features(pixel_values=image_tensors)
    if not torch.is_tensor(file_embeds):
        file_embeds = file_embeds.pooler_output
    image_files = {"model": "hf-f32-quickgelu", "files": image_names,
                   "image_embeds": [[float(v) for v in row] for row in file_embeds.tolist()]}

    model = hf_model("gelu", eos_token_id=49407, seed=2)
    round_to(model, torch.float16)
    save_hf(model, os.path.join(models_dir, "hf-sharded-f16-gelu"), "F16", shard=True)
    records.append(record("hf-sharded-f16-gelu", "huggingFace", "F16", "gelu", "first 49407", hf_reference(model, ids, images)))
    # The same weights as a torch.save pytorch_model.bin, read through TorchCheckpoint.
    folder = os.path.join(models_dir, "hf-torch-f16-gelu")
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    shutil.copy(os.path.join(models_dir, "hf-sharded-f16-gelu", "config.json"), folder)
    torch.save({k: v.to(torch.float16) for k, v in model.state_dict().items()}, os.path.join(folder, "pytorch_model.bin"))
    records.append(dict(records[-1], name="hf-torch-f16-gelu"))

    model = hf_model("quick_gelu", eos_token_id=2, seed=3)
    round_to(model, torch.bfloat16)
    folder = os.path.join(models_dir, "st-bf16-quickgelu")
    save_hf(model, os.path.join(folder, "0_CLIPModel"), "BF16")
    with open(os.path.join(folder, "modules.json"), "w") as f:
        json.dump([{"idx": 0, "name": "0", "path": "0_CLIPModel", "type": "sentence_transformers.models.CLIPModel"}], f, indent=2)
    records.append(record("st-bf16-quickgelu", "sentenceTransformers", "BF16", "quick_gelu", "highest id", hf_reference(model, ids, images)))

    model, cfg = openclip_model(quick_gelu=False, seed=4)
    round_to(model, torch.float16)
    folder = os.path.join(models_dir, "openclip-f16-gelu")
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    save_state_dict(model, os.path.join(folder, "open_clip_model.safetensors"), "F16")
    with open(os.path.join(folder, "open_clip_config.json"), "w") as f:
        json.dump({"model_cfg": cfg, "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073],
                                                        "std": [0.26862954, 0.26130258, 0.27577711]}}, f, indent=2)
    records.append(record("openclip-f16-gelu", "openCLIP", "F16", "gelu", "highest id", openclip_reference(model, ids, images)))
    zero_shot_reference = dict(zero_shot(model, images), model="openclip-f16-gelu")

    # OpenAI's build_model infers heads as width / 64, so the bare file needs 64-wide towers.
    model, _ = openclip_model(quick_gelu=True, seed=5, text_width=64, text_heads=1, vision_width=64, head_width=64)
    round_to(model, torch.bfloat16)
    save_state_dict(model, os.path.join(models_dir, "openai-bf16-bare.safetensors"), "BF16")
    records.append(record("openai-bf16-bare.safetensors", "bareSafetensors", "BF16", "quick_gelu", "highest id",
                          openclip_reference(model, ids, images)))

    reference = {
        "generator": "tools/make_model_fixtures.py",
        "versions": {"torch": torch.__version__, "open_clip": open_clip.__version__,
                     "transformers": __import__("transformers").__version__},
        "prompts": PROMPTS,
        "ids": ids,
        "image_size": 32,
        "images": [[float(v) for v in image.flatten().tolist()] for image in images],
        "models": records,
        "zero_shot": zero_shot_reference,
        "image_files": image_files,
    }
    with open(os.path.join(FIXTURES, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")


def build_real(output):
    """Random-weight real-size ViT-B/32 and ViT-L/14 (OpenAI's sizes) as transformers folders."""
    sizes = {
        "vit-b-32": dict(text=dict(hidden_size=512, intermediate_size=2048, num_attention_heads=8, num_hidden_layers=12),
                         vision=dict(hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12,
                                     image_size=224, patch_size=32), projection_dim=512),
        "vit-l-14": dict(text=dict(hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12),
                         vision=dict(hidden_size=1024, intermediate_size=4096, num_attention_heads=16, num_hidden_layers=24,
                                     image_size=224, patch_size=14), projection_dim=768),
    }
    for name, size in sizes.items():
        folder = os.path.join(output, name)
        if os.path.exists(os.path.join(folder, "model.safetensors")):
            print(f"{folder}: exists, kept")
            continue
        torch.manual_seed(0)
        config = CLIPConfig(text_config=dict(size["text"], hidden_act="quick_gelu"),
                            vision_config=dict(size["vision"], hidden_act="quick_gelu"),
                            projection_dim=size["projection_dim"])
        model = CLIPModel(config).eval()
        perturb(model, torch.Generator().manual_seed(0))
        model.save_pretrained(folder, safe_serialization=True)
        print(f"{folder}: written")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--real", action="store_true", help="build the real-size benchmark checkpoints instead")
    parser.add_argument("--output", default=os.path.join(ROOT, "work-data"), help="folder for --real (default: work-data/)")
    args = parser.parse_args()
    if args.real:
        build_real(args.output)
    else:
        build_fixtures()


if __name__ == "__main__":
    main()
