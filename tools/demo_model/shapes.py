"""Draw the synthetic shape pictures that the demo CLIP is trained and tested on.

Each picture is one shape (circle, square, triangle, star, cross) in one of
eight colours on a background of another colour, sometimes with mild noise or
a gradient. Picture `index` of a set is drawn from its own generator seeded
with `(seed, index)`, so any picture can be redrawn alone and sets drawn with
different seeds never share a picture's random stream.

Seeds in use (a seed is used for one purpose only):
    1      training pictures (train.py)
    3000   accuracy printed during training (train.py)
    5000   the 1,000 pictures of evaluate.py and the Swift measurement
    7000   the 200 pictures committed as the Swift test set
    9000   the sample pictures in Examples/

Run as a script to write a folder of PNG (or JPEG) files plus labels.tsv:
    python3 tools/demo_model/shapes.py --seed 5000 --count 1000 --out DIR

The committed sets were made with:
    --seed 7000 --count 200 --out Tests/CLIPModelTests/Fixtures/demo-heldout
    --seed 9000 --count 60 --per-shape 3 --size 128 --jpeg-every 2 --out Examples
"""

import argparse
import math
import os

import numpy as np
from PIL import Image, ImageDraw

SHAPES = ["circle", "square", "triangle", "star", "cross"]

# Nominal RGB of each colour name. Each picture jitters these by up to
# COLOUR_JITTER per channel so the model learns a colour range, not one value.
COLOURS = {
    "red": (220, 30, 30),
    "green": (40, 170, 50),
    "blue": (40, 70, 220),
    "yellow": (245, 220, 40),
    "orange": (245, 140, 20),
    "purple": (140, 50, 180),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
}
COLOUR_NAMES = list(COLOURS)
COLOUR_JITTER = 18

# Backgrounds come from the shape colours (never the shape's own) plus gray.
BACKGROUNDS = dict(COLOURS, gray=(128, 128, 128))

# The template that zero-shot evaluation uses; training draws it more often
# than the others so the evaluation prompts are well covered.
EVAL_TEMPLATE = "a photo of a {colour} {shape}."
TEMPLATES = [
    "a photo of a {colour} {shape}.",
    "a {colour} {shape}",
    "a drawing of a {colour} {shape}",
    "a picture of a {colour} {shape}.",
    "an image of a {colour} {shape}",
    "{colour} {shape}",
    "a {shape} that is {colour}",
    "a {colour} {shape} on a {background} background",
    "{colour} {shape} on a {background} background",
]
EVAL_TEMPLATE_PROBABILITY = 0.3

# Captions that name only the shape or only the colour, which train.py gives
# to a share of the training pictures. Every picture of that shape (or
# colour) is a positive for such a caption, whatever its other attribute.
# This pushes the picture embeddings toward shape features that do not
# depend on the colours.
SHAPE_ONLY_TEMPLATES = ["a {shape} shape", "a drawing of a {shape}", "a picture of a {shape}"]
COLOUR_ONLY_TEMPLATES = ["a {colour} object", "the colour {colour}"]

# Pictures are drawn at SUPERSAMPLE times the output size, then reduced with
# a box filter: that averaging is the antialiasing.
SUPERSAMPLE = 4
MIN_SIZE_FRACTION = 0.25
MAX_SIZE_FRACTION = 0.80


def labels():
    """Return the 40 (colour, shape) classes in a fixed order: colour-major."""
    return [(colour, shape) for colour in COLOUR_NAMES for shape in SHAPES]


def class_index(colour, shape):
    return COLOUR_NAMES.index(colour) * len(SHAPES) + SHAPES.index(shape)


def partial_caption(rng, colour, shape, shape_only_probability, colour_only_probability):
    """Return (caption, names colour, names shape) naming only one attribute, or None."""
    draw_value = rng.random()
    if draw_value < shape_only_probability:
        template = SHAPE_ONLY_TEMPLATES[rng.integers(len(SHAPE_ONLY_TEMPLATES))]
        return template.format(shape=shape), False, True
    if draw_value < shape_only_probability + colour_only_probability:
        template = COLOUR_ONLY_TEMPLATES[rng.integers(len(COLOUR_ONLY_TEMPLATES))]
        return template.format(colour=colour), True, False
    return None


def eval_prompts():
    return [EVAL_TEMPLATE.format(colour=c, shape=s) for c, s in labels()]


def _jitter(rgb, rng):
    offsets = rng.integers(-COLOUR_JITTER, COLOUR_JITTER + 1, size=3)
    return tuple(int(np.clip(v + o, 0, 255)) for v, o in zip(rgb, offsets))


def _star_points(cx, cy, radius, angle):
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.42
        a = angle + k * math.pi / 5
        points.append((cx + r * math.sin(a), cy - r * math.cos(a)))
    return points


def _polygon(cx, cy, radius, angle, corners):
    return [
        (cx + radius * math.sin(angle + 2 * math.pi * k / corners),
         cy - radius * math.cos(angle + 2 * math.pi * k / corners))
        for k in range(corners)
    ]


def _cross_points(cx, cy, radius, angle):
    # A plus sign whose arms are 2/3 of the radius wide, as 12 corners.
    h = radius / 3
    outline = [(-h, -radius), (h, -radius), (h, -h), (radius, -h), (radius, h), (h, h),
               (h, radius), (-h, radius), (-h, h), (-radius, h), (-radius, -h), (-h, -h)]
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    return [(cx + x * cos_a - y * sin_a, cy + x * sin_a + y * cos_a) for x, y in outline]


def _background(size, rgb, rng):
    """Return a size x size x 3 float array: flat, gradient or noisy."""
    pixels = np.empty((size, size, 3), dtype=np.float32)
    pixels[:] = rgb
    style = rng.random()
    if style < 0.25:
        # A linear gradient toward a lighter or darker tone, in a random direction.
        angle = rng.uniform(0, 2 * math.pi)
        ramp = np.linspace(-1, 1, size, dtype=np.float32)
        field = math.cos(angle) * ramp[None, :] + math.sin(angle) * ramp[:, None]
        strength = rng.uniform(15, 45)
        pixels += field[:, :, None] * strength
    elif style < 0.45:
        pixels += rng.normal(0, rng.uniform(4, 14), size=(size, size, 3)).astype(np.float32)
    return pixels


def draw(seed, index, size=48):
    """Draw picture `index` of set `seed`.

    Returns (PIL RGB image of size x size, colour, shape, caption).
    """
    rng = np.random.default_rng([seed, index])
    colour = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
    shape = SHAPES[rng.integers(len(SHAPES))]
    background = rng.choice([name for name in BACKGROUNDS if name != colour])

    big = size * SUPERSAMPLE
    fraction = rng.uniform(MIN_SIZE_FRACTION, MAX_SIZE_FRACTION)
    radius = fraction * big / 2
    # The centre keeps the whole shape inside the picture.
    cx = rng.uniform(radius, big - radius)
    cy = rng.uniform(radius, big - radius)
    angle = rng.uniform(0, 2 * math.pi)

    mask = Image.new("L", (big, big), 0)
    pen = ImageDraw.Draw(mask)
    if shape == "circle":
        pen.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=255)
    elif shape == "square":
        # radius is the half-diagonal, so the rotated square fits the same box.
        pen.polygon(_polygon(cx, cy, radius, angle, 4), fill=255)
    elif shape == "triangle":
        pen.polygon(_polygon(cx, cy, radius, angle, 3), fill=255)
    elif shape == "star":
        pen.polygon(_star_points(cx, cy, radius, angle), fill=255)
    else:
        pen.polygon(_cross_points(cx, cy, radius, angle), fill=255)
    coverage = np.asarray(mask.resize((size, size), Image.BOX), dtype=np.float32)[:, :, None] / 255

    base = _background(size, _jitter(BACKGROUNDS[background], rng), rng)
    foreground = np.array(_jitter(COLOURS[colour], rng), dtype=np.float32)
    pixels = base * (1 - coverage) + foreground * coverage
    image = Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), "RGB")

    template = EVAL_TEMPLATE if rng.random() < EVAL_TEMPLATE_PROBABILITY else TEMPLATES[rng.integers(len(TEMPLATES))]
    caption = template.format(colour=colour, shape=shape, background=background)
    return image, colour, shape, caption


def render_arrays(seed, count, size=48):
    """Return (uint8 [count, size, size, 3], int64 class ids, list of captions)."""
    pixels = np.empty((count, size, size, 3), dtype=np.uint8)
    classes = np.empty(count, dtype=np.int64)
    captions = []
    for i in range(count):
        image, colour, shape, caption = draw(seed, i, size)
        pixels[i] = np.asarray(image)
        classes[i] = class_index(colour, shape)
        captions.append(caption)
    return pixels, classes, captions


def write_folder(seed, count, out, size=48, jpeg_every=0, per_shape=0):
    """Write pictures as files plus labels.tsv (file, colour, shape, caption).

    With per_shape > 0, keeps only the first per_shape pictures of each shape
    among the first `count` drawn.
    """
    os.makedirs(out, exist_ok=True)
    rows = []
    kept = {name: 0 for name in SHAPES}
    for i in range(count):
        image, colour, shape, caption = draw(seed, i, size)
        if per_shape > 0:
            if kept[shape] >= per_shape:
                continue
            kept[shape] += 1
        as_jpeg = jpeg_every > 0 and i % jpeg_every == jpeg_every - 1
        name = f"{i:04d}-{colour}-{shape}." + ("jpg" if as_jpeg else "png")
        if as_jpeg:
            image.save(os.path.join(out, name), quality=92)
        else:
            image.save(os.path.join(out, name), optimize=True)
        rows.append(f"{name}\t{colour}\t{shape}\t{caption}\n")
    with open(os.path.join(out, "labels.tsv"), "w") as f:
        f.write("file\tcolour\tshape\tcaption\n")
        f.writelines(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", required=True, help="folder to write the pictures and labels.tsv into")
    parser.add_argument("--size", type=int, default=48, help="picture side in pixels (default 48)")
    parser.add_argument("--jpeg-every", type=int, default=0,
                        help="save every Nth picture as JPEG, the rest as PNG (default 0: all PNG)")
    parser.add_argument("--per-shape", type=int, default=0,
                        help="keep only the first N pictures of each shape (default 0: keep all)")
    args = parser.parse_args()
    write_folder(args.seed, args.count, args.out, args.size, args.jpeg_every, args.per_shape)


if __name__ == "__main__":
    main()
