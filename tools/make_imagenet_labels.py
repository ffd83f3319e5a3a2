#!/usr/bin/env python3
"""Write the built-in ImageNet label set used by `classify --labels @imagenet`.

Reads the 1000 class names and OpenAI's 80 prompt templates from open_clip's
zero_shot_metadata module (open_clip_torch, MIT License) and writes one per line
to Sources/CLIPModel/Resources/imagenet_classes.txt and imagenet_templates.txt,
with the template's label slot written as "{}". The license notice beside them
is written by hand: Sources/CLIPModel/Resources/LICENSE-imagenet-labels.txt.
"""
import os

import open_clip
from open_clip.zero_shot_metadata import IMAGENET_CLASSNAMES, OPENAI_IMAGENET_TEMPLATES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESOURCES = os.path.join(ROOT, "Sources", "CLIPModel", "Resources")


def main():
    os.makedirs(RESOURCES, exist_ok=True)
    assert len(IMAGENET_CLASSNAMES) == 1000, len(IMAGENET_CLASSNAMES)
    assert len(OPENAI_IMAGENET_TEMPLATES) == 80, len(OPENAI_IMAGENET_TEMPLATES)
    with open(os.path.join(RESOURCES, "imagenet_classes.txt"), "w") as f:
        for name in IMAGENET_CLASSNAMES:
            assert "\n" not in name
            f.write(name + "\n")
    with open(os.path.join(RESOURCES, "imagenet_templates.txt"), "w") as f:
        for template in OPENAI_IMAGENET_TEMPLATES:
            f.write(template("{}") + "\n")
    print(f"wrote {RESOURCES} from open_clip {open_clip.__version__}")


if __name__ == "__main__":
    main()
