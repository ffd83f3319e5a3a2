#!/usr/bin/env python3
"""Make the image fixtures of CLIPImageTests from real photographs.

Encodes scikit-image's sample photographs (astronaut, chelsea, coffee) into
every JPEG, PNG and WebP layout the decoder handles, then records what Pillow
decodes and what torchvision and open_clip make of it:

- images/: the encoded files, plus damaged and unsupported ones.
- expected/NAME.crop.zlib: the 8-bit RGB center crop (size x size x 3 bytes)
  after torchvision's Resize(size, BICUBIC) and CenterCrop(size).
- expected/NAME.tensor.zlib: open_clip's preprocess output for a subset,
  float32 little-endian, [3, size, size].
- image_cases.json: one entry per case with the decoded size, Pillow's mode,
  the FNV-1a 64-bit hash of Pillow's decoded RGB bytes, and the expected error
  for the bad inputs.

The reference converts to RGB before resizing, as this project does. open_clip
itself resizes in the file's mode and converts afterwards. For the modes where
that order gives other values, the script prints how far apart they are.

Needs Pillow, torchvision, open_clip_torch, numpy, scikit-image, pypng and a C
compiler with libjpeg headers (for the YCCK file, which Pillow cannot write).
Usage: python3 tools/make_image_fixtures.py [--out Tests/CLIPImageTests/Fixtures]
"""

import argparse
import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import numpy as np
import open_clip
import png
import skimage.data
import torchvision.transforms as T
from PIL import Image, ImageOps

OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3


def fnv1a64(data: bytes) -> str:
    value = FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def photo(name: str) -> Image.Image:
    return Image.fromarray(getattr(skimage.data, name)())


def pil_rgb(path: Path, apply_exif: bool) -> Image.Image:
    """Pillow's decoded image as RGB; 16-bit gray keeps the high byte (see the README)."""
    image = Image.open(path)
    image.load()
    if apply_exif:
        image = ImageOps.exif_transpose(image)
    if image.mode == "I;16":
        high = (np.array(image).astype(np.uint32) >> 8).astype(np.uint8)
        return Image.fromarray(np.stack([high] * 3, axis=-1), "RGB")
    return image.convert("RGB")


def exif_bytes(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


# MARK: - Encoders


def save_pil(image: Image.Image, path: Path, **options):
    image.save(path, **options)


def save_pypng(array: np.ndarray, path: Path, bitdepth: int, greyscale: bool, alpha: bool,
               interlace: bool = False, palette=None):
    """Writes bit depths and layouts Pillow cannot (2/4/16-bit gray, 16-bit colour, interlaced)."""
    height, width = array.shape[:2]
    planes = array.reshape(height, -1)
    writer = png.Writer(width=width, height=height, bitdepth=bitdepth, greyscale=greyscale,
                        alpha=alpha, interlace=interlace, palette=palette)
    with open(path, "wb") as file:
        writer.write(file, planes.tolist())


def cmyk_with_black(image: Image.Image) -> Image.Image:
    """Converts RGB to CMYK with full undercolour removal, so K is not 0.

    Pillow's own convert("CMYK") leaves K at 0, which would not exercise the
    K term of the CMYK to RGB conversion.
    """
    rgb = np.array(image.convert("RGB")).astype(np.int32)
    black = 255 - rgb.max(axis=2)
    cmy = 255 - rgb - black[..., None]
    return Image.fromarray(np.dstack([cmy, black]).astype(np.uint8), "CMYK")


def save_ycck(image: Image.Image, path: Path, work: Path):
    helper = work / "ycck_jpeg"
    if not helper.exists():
        source = Path(__file__).with_name("ycck_jpeg.c")
        subprocess.run(["cc", "-O2", "-o", str(helper), str(source), "-ljpeg"], check=True)
    cmyk = 255 - np.array(cmyk_with_black(image))  # Adobe's inverted polarity
    with open(path, "wb") as out:
        subprocess.run([str(helper), str(image.width), str(image.height), "90"], input=cmyk.tobytes(),
                       stdout=out, check=True)


def png_chunks(data: bytes):
    offset = 8
    while offset < len(data):
        length = struct.unpack(">I", data[offset:offset + 4])[0]
        yield offset, length, data[offset + 4:offset + 8]
        offset += 12 + length


def png_with_bad_crc(data: bytes, chunk_type: bytes) -> bytes:
    for offset, length, kind in png_chunks(data):
        if kind == chunk_type:
            crc_at = offset + 8 + length
            broken = bytearray(data)
            broken[crc_at] ^= 0xFF
            return bytes(broken)
    raise ValueError(f"no {chunk_type!r} chunk")


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_huge_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def jpeg_with_size(data: bytes, width: int, height: int) -> bytes:
    """Rewrites the SOF0 frame size of a baseline JPEG."""
    at = data.index(b"\xff\xc0")
    return data[:at + 5] + struct.pack(">HH", height, width) + data[at + 9:]


# MARK: - Cases


def build_images(images: Path, work: Path):
    """Writes every fixture image; returns (name, size, with_tensor, exif_modes) per decodable file."""
    chelsea = photo("chelsea")            # 451 x 300
    coffee = photo("coffee")              # 600 x 400
    astronaut = photo("astronaut")        # 512 x 512
    small = chelsea.resize((160, 106), Image.LANCZOS)
    tiny = chelsea.crop((150, 60, 211, 100))  # 61 x 40, odd and not square, for orientations

    cases = []

    def add(name, size=64, tensor=False, exif=(True,)):
        cases.append({"name": name, "size": size, "tensor": tensor, "exif": exif})

    # JPEG layouts.
    save_pil(chelsea, images / "jpeg_baseline_420.jpg", quality=90, subsampling=2)
    add("jpeg_baseline_420.jpg", size=224, tensor=True)
    add("jpeg_baseline_420.jpg", size=64, tensor=True)
    save_pil(chelsea, images / "jpeg_422.jpg", quality=90, subsampling=1)
    add("jpeg_422.jpg")
    save_pil(chelsea, images / "jpeg_444.jpg", quality=90, subsampling=0)
    add("jpeg_444.jpg")
    save_pil(coffee, images / "jpeg_progressive.jpg", quality=85, progressive=True)
    add("jpeg_progressive.jpg", size=224, tensor=True)
    save_pil(astronaut.convert("L").resize((256, 256), Image.LANCZOS), images / "jpeg_gray.jpg", quality=90)
    add("jpeg_gray.jpg", tensor=True)
    save_pil(small.convert("CMYK"), images / "jpeg_cmyk.jpg", quality=90)
    add("jpeg_cmyk.jpg", tensor=True)
    save_pil(cmyk_with_black(small), images / "jpeg_cmyk_black.jpg", quality=90)
    add("jpeg_cmyk_black.jpg")
    save_ycck(small, images / "jpeg_ycck.jpg", work)
    add("jpeg_ycck.jpg")
    save_pil(small, images / "jpeg_restart.jpg", quality=90, restart_marker_blocks=3)
    add("jpeg_restart.jpg")
    save_pil(small, images / "jpeg_progressive_restart.jpg", quality=90, progressive=True, restart_marker_rows=1)
    add("jpeg_progressive_restart.jpg")
    for orientation in range(2, 9):
        save_pil(tiny, images / f"jpeg_exif_{orientation}.jpg", quality=90, exif=exif_bytes(orientation))
        add(f"jpeg_exif_{orientation}.jpg", size=32, exif=(True, False))

    # Odd sizes.
    save_pil(astronaut.crop((100, 100, 325, 323)), images / "jpeg_225x223.jpg", quality=90)
    add("jpeg_225x223.jpg", size=224, tensor=False)
    save_pil(coffee.resize((3000, 2000), Image.BICUBIC).crop((0, 900, 3000, 940)), images / "jpeg_3000x40.jpg",
             quality=80)
    add("jpeg_3000x40.jpg")
    save_pil(chelsea.crop((200, 150, 201, 151)), images / "png_1x1.png")
    add("png_1x1.png")
    save_pil(astronaut.resize((17, 999), Image.BICUBIC), images / "png_17x999.png")
    add("png_17x999.png")

    # PNG modes, written by Pillow where it can and by pypng elsewhere.
    rgb = np.array(small)
    gray = np.array(small.convert("L"))
    alpha = np.tile(np.linspace(0, 255, rgb.shape[1]).astype(np.uint8), (rgb.shape[0], 1))
    save_pil(small, images / "png_rgb8.png")
    add("png_rgb8.png", tensor=True)
    save_pil(Image.fromarray(np.dstack([rgb, alpha]), "RGBA"), images / "png_rgba8.png")
    add("png_rgba8.png", size=224, tensor=True)
    rgb16 = rgb.astype(np.uint16) * 257 + np.random.default_rng(1).integers(0, 256, rgb.shape, dtype=np.uint16)
    rgb16 = np.minimum(rgb16, 65535)
    save_pypng(rgb16, images / "png_rgb16.png", 16, greyscale=False, alpha=False)
    add("png_rgb16.png")
    alpha16 = alpha.astype(np.uint16) * 257
    save_pypng(np.dstack([rgb16, alpha16]), images / "png_rgba16.png", 16, greyscale=False, alpha=True)
    add("png_rgba16.png")
    save_pil(small.convert("1"), images / "png_gray1.png")
    add("png_gray1.png")
    save_pypng(gray >> 6, images / "png_gray2.png", 2, greyscale=True, alpha=False)
    add("png_gray2.png")
    save_pypng(gray >> 4, images / "png_gray4.png", 4, greyscale=True, alpha=False)
    add("png_gray4.png")
    save_pil(small.convert("L"), images / "png_gray8.png")
    add("png_gray8.png")
    save_pypng(gray.astype(np.uint16) * 257, images / "png_gray16.png", 16, greyscale=True, alpha=False)
    add("png_gray16.png")
    save_pil(Image.fromarray(np.dstack([gray, alpha]), "LA"), images / "png_gray_alpha8.png")
    add("png_gray_alpha8.png")
    save_pypng(np.dstack([gray.astype(np.uint16) * 257, alpha16]), images / "png_gray_alpha16.png", 16,
               greyscale=True, alpha=True)
    add("png_gray_alpha16.png")
    palette_image = small.quantize(colors=256)
    save_pil(palette_image, images / "png_palette8.png")
    add("png_palette8.png", tensor=True)
    save_pil(palette_image, images / "png_palette_trns.png", transparency=0)
    add("png_palette_trns.png")
    save_pil(small.quantize(colors=16), images / "png_palette4.png", bits=4)
    add("png_palette4.png")
    save_pil(small.quantize(colors=4), images / "png_palette2.png", bits=2)
    add("png_palette2.png")
    save_pil(small.quantize(colors=2), images / "png_palette1.png", bits=1)
    add("png_palette1.png")
    save_pil(small.convert("L"), images / "png_gray8_trns.png", transparency=255)
    add("png_gray8_trns.png")
    save_pil(small, images / "png_rgb_trns.png", transparency=(0, 0, 0))
    add("png_rgb_trns.png")
    save_pypng(rgb, images / "png_interlaced.png", 8, greyscale=False, alpha=False, interlace=True)
    add("png_interlaced.png")
    save_pypng(gray >> 4, images / "png_gray4_interlaced.png", 4, greyscale=True, alpha=False, interlace=True)
    add("png_gray4_interlaced.png")
    save_pil(tiny, images / "png_exif_6.png", exif=exif_bytes(6))
    add("png_exif_6.png", size=32, exif=(True, False))

    # WebP.
    save_pil(chelsea, images / "webp_lossy.webp", quality=80)
    add("webp_lossy.webp", tensor=True)
    save_pil(small, images / "webp_lossless.webp", lossless=True)
    add("webp_lossless.webp")
    save_pil(Image.fromarray(np.dstack([rgb, alpha]), "RGBA"), images / "webp_lossy_alpha.webp", quality=80)
    add("webp_lossy_alpha.webp")
    save_pil(tiny, images / "webp_exif_8.webp", quality=90, exif=exif_bytes(8))
    add("webp_exif_8.webp", size=32, exif=(True, False))

    # Damage that decodes with a warning: the reference is the intact file.
    baseline = (images / "jpeg_restart.jpg").read_bytes()
    assert baseline.endswith(b"\xff\xd9")
    (images / "damaged_no_eoi.jpg").write_bytes(baseline[:-2])
    add("damaged_no_eoi.jpg")
    rgb8 = (images / "png_rgb8.png").read_bytes()
    at = rgb8.index(b"IDAT") - 4
    with_text = rgb8[:at] + png_chunk(b"tEXt", b"Comment\x00damaged on purpose") + rgb8[at:]
    (images / "damaged_text_crc.png").write_bytes(png_with_bad_crc(with_text, b"tEXt"))
    add("damaged_text_crc.png")
    return cases


def build_bad_inputs(images: Path):
    """Writes the files that must fail; returns (file, expected error case) pairs."""
    baseline = (images / "jpeg_baseline_420.jpg").read_bytes()
    rgb8 = (images / "png_rgb8.png").read_bytes()
    webp = (images / "webp_lossy.webp").read_bytes()
    small = photo("chelsea").resize((32, 20))
    files = {
        "bad_empty.jpg": (b"", "emptyFile"),
        "bad_text.jpg": (b"This is a text file with a .jpg name.\n", "notAnImage"),
        "bad_truncated.jpg": (baseline[:len(baseline) // 2], "truncated"),
        "bad_truncated.png": (rgb8[:len(rgb8) // 2], "truncated"),
        "bad_truncated.webp": (webp[:len(webp) // 2], "invalidData"),
        "bad_idat_crc.png": (png_with_bad_crc(rgb8, b"IDAT"), "invalidData"),
        "bad_100000x100000.png": (png_huge_header(100000, 100000), "tooManyPixels"),
        "bad_65000x65000.jpg": (jpeg_with_size(baseline, 65000, 65000), "tooManyPixels"),
    }
    for name, fmt in [("bad_gif.jpg", "GIF"), ("bad_bmp.png", "BMP"), ("bad_tiff.jpg", "TIFF")]:
        buffer = io.BytesIO()
        small.save(buffer, format=fmt)
        files[name] = (buffer.getvalue(), f"unsupportedFormat:{fmt}")
    animated = io.BytesIO()
    small.save(animated, format="WEBP", save_all=True, append_images=[small.rotate(180)], duration=100)
    files["bad_animated.webp"] = (animated.getvalue(), "unsupportedVariant")
    files["bad_heic.jpg"] = (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 16,
                             "unsupportedFormat:HEIC")
    for name, (data, _) in files.items():
        (images / name).write_bytes(data)
    return [{"file": f"images/{name}", "error": error} for name, (data, error) in files.items()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="Tests/CLIPImageTests/Fixtures")
    arguments = parser.parse_args()
    out = Path(arguments.out)
    images, expected = out / "images", out / "expected"
    for folder in (images, expected):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    entries, worst_raw = [], {}
    with tempfile.TemporaryDirectory() as work:
        cases = build_images(images, Path(work))
    for case in cases:
        name, size = case["name"], case["size"]
        source = name.replace("damaged_no_eoi.jpg", "jpeg_restart.jpg").replace("damaged_text_crc.png", "png_rgb8.png")
        for apply_exif in case["exif"]:
            path = images / source
            rgb = pil_rgb(path, apply_exif)
            opened = Image.open(path)
            stem = f"{Path(name).stem}_{size}" + ("" if apply_exif else "_noexif")
            crop = T.Compose([T.Resize(size, interpolation=T.InterpolationMode.BICUBIC), T.CenterCrop(size)])(rgb)
            crop_bytes = np.array(crop, dtype=np.uint8).tobytes()
            assert len(crop_bytes) == size * size * 3
            (expected / f"{stem}.crop.zlib").write_bytes(zlib.compress(crop_bytes, 9))
            entry = {
                "file": f"images/{name}", "applyEXIF": apply_exif, "size": size,
                "mode": opened.mode, "width": rgb.width, "height": rgb.height,
                "exifOrientation": int(opened.getexif().get(0x0112, 1)),
                "rgbFNV1a64": fnv1a64(rgb.tobytes()),
                "crop": f"expected/{stem}.crop.zlib",
                "warning": name.startswith("damaged_"),
            }
            transform = open_clip.image_transform(size, is_train=False, mean=OPENAI_MEAN, std=OPENAI_STD)
            tensor = transform(rgb).numpy().astype("<f4")
            if case["tensor"]:
                (expected / f"{stem}.tensor.zlib").write_bytes(zlib.compress(tensor.tobytes(), 9))
                entry["tensor"] = f"expected/{stem}.tensor.zlib"
            if opened.mode not in ("RGB", "L", "I;16") and apply_exif:
                # open_clip's own order: resize in the file's mode, convert to RGB last.
                raw_image = ImageOps.exif_transpose(Image.open(path)) if apply_exif else Image.open(path)
                raw = transform(raw_image).numpy()
                worst_raw[name] = float(np.abs(raw - tensor).max())
            entries.append(entry)

    entries += build_bad_inputs(images)
    (out / "image_cases.json").write_text(json.dumps(entries, indent=1) + "\n")
    print(f"{len(entries)} cases written to {out}")
    print("max |open_clip on the file's own mode - ours| (convert to RGB first), per file:")
    for name, difference in sorted(worst_raw.items()):
        print(f"  {name}: {difference:.6f}")


if __name__ == "__main__":
    main()
