#!/usr/bin/env python3
"""Generate the tokenizer's reference fixtures with OpenAI's tokenizer.

Every line of every fixture is the text and the ids OpenAI's
SimpleTokenizer.encode gives it (openai-clip 1.0.1; the ids clip.tokenize puts
between the start and end tokens). The Swift tests compare every line.

    python3 tools/tokenizer/generate_fixtures.py

Writes Tests/CLIPTokenizerTests/Fixtures/{prompts,multilingual,adversarial}.jsonl.gz
and tools/tokenizer/differences.md, which counts where open_clip's
SimpleTokenizer and Hugging Face's CLIPTokenizerFast give other ids.

`import clip` fails with setuptools 81 and later (clip/clip.py imports
pkg_resources, which they removed), so the script loads
clip/simple_tokenizer.py from the installed package by path. That module is
the tokenizer itself; clip.tokenize only adds the start and end tokens,
padding and truncation, which the Swift tests check separately.
"""

import argparse
import gzip
import importlib.util
import json
import os
import random
import re
import tempfile
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  registers the sloppy-windows-* codecs
import open_clip.tokenizer
import open_clip.zero_shot_metadata as metadata

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "CLIPTokenizerTests" / "Fixtures"
LOCALES = Path("/usr/share/i18n/locales")


def load_openai_tokenizer():
    spec = importlib.util.find_spec("clip")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("openai-clip is not installed: pip install -r tools/requirements.txt")
    path = Path(list(spec.submodule_search_locations)[0]) / "simple_tokenizer.py"
    module_spec = importlib.util.spec_from_file_location("openai_clip_simple_tokenizer", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.SimpleTokenizer()


# MARK: - Prompts and captions

ADJECTIVES = """red blue green yellow black white small large old young tiny huge bright dark shiny rusty wooden
metal glass plastic furry fluffy wet dry sleepy happy angry hungry colorful vintage modern broken new dirty clean
striped spotted blurry sharp close-up aerial foggy snowy sunny rainy""".split()
PLACES = """on a beach|in a forest|on a table|in the snow|under a tree|in a kitchen|on a street|in a field|at night|
in the desert|on a mountain|in a city|next to a river|in a garden|on a sofa|in a museum|at the zoo|in space|
underwater|on the moon|in a parking lot|at sunset|in the rain|on a boat|in a classroom""".replace("\n", "").split("|")
VERBS = """sitting|running|sleeping|eating|jumping|standing|playing|swimming|flying|looking at the camera|
walking|lying down|hiding|climbing|waiting""".replace("\n", "").split("|")
STYLES = """a photo of|a painting of|a drawing of|a sketch of|a 3d render of|an oil painting of|a watercolor of|
a cartoon of|a close-up photo of|a blurry photo of|a black and white photo of|a pixel art of|an illustration of|
a tattoo of|a sculpture of|a screenshot of|a poster of""".replace("\n", "").split("|")
SUFFIXES = ["", "", "", ", trending on artstation", ", 4k", ", highly detailed", ", by greg rutkowski",
            " (1998)", ", 35mm film", " - stock photo", "!", "?", "...", ", 8k uhd, dslr", " #nature #photo",
            ", unreal engine 5", " | high quality", " [cropped]", " it's beautiful", " that's a dog's bowl",
            ", f/1.8, 1/250s, ISO 400"]


def prompts(rng):
    names = [name for name in metadata.IMAGENET_CLASSNAMES]
    lines = []
    for template in metadata.OPENAI_IMAGENET_TEMPLATES:
        for name in names:
            lines.append(template(name))
    for template in metadata.SIMPLE_IMAGENET_TEMPLATES:
        for name in rng.sample(names, 100):
            lines.append(template(name))
    while len(lines) < 110_000:
        name = rng.choice(names)
        kind = rng.randrange(6)
        if kind == 0:
            text = f"{rng.choice(STYLES)} a {rng.choice(ADJECTIVES)} {name} {rng.choice(PLACES)}"
        elif kind == 1:
            count = rng.choice(["two", "three", "4", "12", "a few", "many", "100", "2,500"])
            text = f"{count} {name}s {rng.choice(VERBS)} {rng.choice(PLACES)}"
        elif kind == 2:
            other = rng.choice(names)
            text = f"A {name} and a {other} {rng.choice(VERBS)} {rng.choice(PLACES)}."
        elif kind == 3:
            text = f"{rng.choice(STYLES)} {name}{rng.choice(SUFFIXES)}"
        elif kind == 4:
            text = f"{name.upper()} {rng.choice(PLACES).title()}{rng.choice(SUFFIXES)}"
        else:
            words = [rng.choice(ADJECTIVES) for _ in range(rng.randrange(1, 4))]
            text = f"my {' '.join(words)} {name} was {rng.choice(VERBS)} {rng.choice(PLACES)} in {rng.randrange(1900, 2030)}"
        lines.append(text + rng.choice(SUFFIXES))
    return [("prompt", line) for line in lines]


# MARK: - Multilingual

WANTED_LOCALES = ["ja_JP", "zh_CN", "zh_TW", "ko_KR", "ru_RU", "uk_UA", "bg_BG", "ar_SA", "ar_EG", "fa_IR", "he_IL",
                  "fr_FR", "de_DE", "es_ES", "pt_BR", "it_IT", "pl_PL", "cs_CZ", "vi_VN", "tr_TR", "el_GR", "hi_IN",
                  "th_TH", "sv_SE", "hu_HU", "ro_RO", "is_IS", "ka_GE", "hy_AM", "am_ET"]
CODE_RE = re.compile(r"<U([0-9A-Fa-f]{4,6})>")


def locale_strings(name):
    """Return the quoted strings (month names, days, countries, ...) of a glibc locale source."""
    path = LOCALES / name
    if not path.exists():
        return []
    strings = []
    for quoted in re.findall(r'"([^"]*)"', path.read_text(encoding="utf-8", errors="replace")):
        text = CODE_RE.sub(lambda m: chr(int(m.group(1), 16)), quoted)
        if any(ord(c) > 0x7F for c in text) and "%" not in text and len(text) < 40:
            strings.append(text)
    return sorted(set(strings))


MULTILINGUAL_SENTENCES = [
    "一只猫坐在桌子上", "東京の夜景の写真", "고양이 사진", "фотография кошки на диване", "صورة قطة على الطاولة",
    "une photo d'un chien qui court sur la plage", "ein Foto eines Hundes im Schnee", "una foto de un gato naranja",
    "uma fotografia de um cão", "zdjęcie kota w ogrodzie", "fotografie psa ve městě", "ảnh một con mèo đang ngủ",
    "bir kedinin fotoğrafı", "μια φωτογραφία μιας γάτας", "תמונה של חתול", "बिल्ली की एक तस्वीर", "ภาพถ่ายของแมว",
    "Ελληνικά ΟΔΥΣΣΕΥΣ", "İSTANBUL'DA BİR KEDİ", "Çağdaş Ölçü Şükür", "ÅÄÖ åäö", "Ærø Ørsted", "Straße Maße",
]


def multilingual(rng):
    lines = [("multilingual", text) for text in MULTILINGUAL_SENTENCES]
    pools = {name: locale_strings(name) for name in WANTED_LOCALES}
    pools = {name: pool for name, pool in pools.items() if pool}
    all_strings = [text for pool in pools.values() for text in pool]
    for pool in pools.values():
        lines.extend(("multilingual", text) for text in pool)
    while len(lines) < 6_000:
        pool = rng.choice(list(pools.values()))
        words = [rng.choice(pool) for _ in range(rng.randrange(1, 6))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(["a photo of", "写真", "2024", "—", "!", "(", ")"]))
        if rng.random() < 0.1:
            words.append(rng.choice(all_strings))
        lines.append(("multilingual", " ".join(words)))
    return lines


# MARK: - Adversarial

BASE_TEXTS = ["café", "naïve résumé", "São Paulo", "Zürich", "smörgåsbord", "crème brûlée", "fiancée", "Łódź",
              "jalapeño", "Ελλάδα", "Москва", "東京", "한국어", "it’s “quoted”", "10€ — 5£", "don’t stop"]


def mojibake(rng):
    lines = []
    encodings = ["windows-1252", "latin-1", "sloppy-windows-1252", "sloppy-windows-1251", "iso-8859-2",
                 "macroman", "cp437", "sloppy-windows-1250"]
    texts = BASE_TEXTS + [text for _, text in multilingual(random.Random(7))[:200]]
    for text in texts:
        for encoding in encodings:
            try:
                broken = text.encode("utf-8").decode(encoding)
            except UnicodeDecodeError:
                continue
            lines.append(broken)
            lines.append(f"a photo of {broken} in the city")
            try:
                lines.append(broken.encode("utf-8").decode(encoding))  # twice broken
            except UnicodeDecodeError:
                pass
    lines += ["Ã la mode", "voilÃ le travail", "sÃ³", "cafÃ©", "The Mona Lisa doesnâ€™t have eyebrows.",
              "â€œquotesâ€\x9d", "Ã¢â‚¬â„¢", "ÃƒÂ©", "â€", "Ã", "I â™¥ NY", "Ã\xa0 la carte", "ÄŒeÅ¡ka",
              "ÐŸÑ€Ð¸Ð²ÐµÑ‚", "æ—¥æœ¬èªž", "Ã©Ã¨Ã ", "the Ã¼ber car", "l’Ã©tÃ©", "â€˜singleâ€™",
              "caf\ufffd", "Ã\x81", "\x80\x81\x9f", "Ã\x89cole"]
    return lines


def adversarial(rng):
    samples = {
        "curly_quotes": ["“Hello,” she said. ‘It’s fine.’", "‟odd‟ ‛quotes‛ ʼn", "it’s a dog’s life", "„German“ «French»"],
        "ligatures": ["ﬁsh and ﬂowers", "ﬀ ﬃ ﬄ ﬅ ﬆ", "Ĳssel ĳs", "Ǆ ǅ ǆ Ǉ ǈ ǉ Ǌ ǋ ǌ Ǳ ǲ ǳ", "ŉ æ œ"],
        "fullwidth": ["ＡＢＣ　ｄｅｆ　１２３", "ｈｅｌｌｏ！？", "ﾊﾝｶｸ ｶﾀｶﾅ", "（括弧）［角］", "￥１０００", "ｔｅｓｔ＆ａｍｐ；"],
        "html_entities": ["&amp; &lt; &gt; &quot;", "caf&eacute;", "&amp;amp;", "&#39;quoted&#39;", "&#x41;&#X42;&#67",
                          "&NTILDE; &EACUTE; &AMP;", "&notit; &notin", "&#0; &#128; &#x80; &#150;", "&#xD800; &#1114112;",
                          "&#59; &#x3b;", "<b>&amp;</b>", "a < b &amp; c", "&ampx &amp &lt3", "&#65&#66;C",
                          "&#12345678901234567890;", "&thinsp;&nbsp;&ensp;", "&frac12; &sup2; &copy;"],
        "combining": ["e\u0301", "a\u0300\u0301\u0302", "\u0301start", "n\u0303o", "Å vs A\u030a", "ḱ\u0323",
                      "한\u1100", "\u1100\u1161\u11a8", "q\u0307\u0323", "Z\u0351\u036b\u0343\u036a\u0302\u036b"],
        "emoji": ["👨‍👩‍👧‍👦 family", "🏳️‍🌈 flag", "👍🏽 ok", "❤️🔥", "🇯🇵🇺🇸", "cat 🐱 dog 🐶", "👩🏻‍💻 coder",
                  "1️⃣ keycap", "🧑‍🤝‍🧑", "emoji:😀😃😄"],
        "control": ["a\x00b", "tab\there", "new\nline", "cr\rlf\r\n", "\x1b[31mred\x1b[0m", "\x1b[1;32;40mgreen",
                    "bell\x07 back\x08", "del\x7f", "\x0bvt\x0cff", "\u200b zero width \u200d", "\ufeffbom",
                    "\u2028ls\u2029ps\x85nel", "\x1c\x1d\x1e\x1f", "\u206a\u206f", "\ufff9\ufffa\ufffb",
                    "soft\u00adhyphen", "\x1b[", "\x1b[12", "\x1b[١٢m arabic digits", "\u3000ideographic\u3000"],
        "greek_sigma": ["ΟΔΥΣΣΕΥΣ", "ΣΊΣΥΦΟΣ", "Σ", "ΑΣ", "ΑΣ.", "ΑΣ΄Α", "Σ\u0301Α", "ΑΣ\u0301", "ΛΌΓΟΣ ΚΑΙ ΛΌΓΟΣ",
                        "aΣ b", "ᾼΣ", "ΑΣ'Σ", "ΦΙΛΟΣΟΦΙΑΣ!"],
        "turkish_i": ["İstanbul", "DİYARBAKIR", "ıi İI", "I\u0307", "İ\u0307", "KIRMIZI ŞAPKA"],
        "special_tokens": ["<|startoftext|>", "<|endoftext|>", "a <|endoftext|> b", "<|ENDOFTEXT|>", "<|EndOfText|>",
                           "<|startoftext|>hi<|endoftext|>", "<|endoftext", "<||endoftext|>", "<|ſtartoftext|>",
                           "<start_of_text>", "</w>", "hello</w>world", "'S 'T 'RE", "don't it'll we've i'm he'd",
                           "'ſ", "''s", "'s'", "x'sy"],
        "digits": ["1234567890", "3.14159", "1,000,000", "٠١٢٣٤٥٦٧٨٩", "①②③", "Ⅻ ⅻ", "½ ¾", "२०२४", "１２３",
                   "0x1F600", "10^9", "2nd 3rd 4th", "𝟙𝟚𝟛", "߀߁"],
        "whitespace": ["", " ", "   ", "\t\n", "a  b", " lead", "trail ", "\u00a0nbsp\u00a0", "\u2003em\u2009thin",
                       "\u180e mongolian", "\u200b", "\x1c\x1da\x1e", "a\u3000b", "\u2029", "\u0085x"],
        "mixed_case": ["CamelCaseWord", "ALLCAPS", "ǅungla", "ᾈ", "ẞ ß", "ŉ", "Kelvin \u212a", "\u212b angstrom"],
        "symbols": ["!!!???", "***", "---", "...", "@user #tag", "a/b\\c", "$100 €50", "©®™", "→←↑↓", "∑∫√∞",
                    "[[brackets]]", "{\"json\": 1}", "<html>", "a.b,c;d:e", "~`^_|", "ⓐⓑⓒ ⒶⒷⒸ"],
        "private_and_rare": ["\ue000\uf8ff", "\U000f0000", "\U0001d400\U0001d41a", "\U00010000", "\U0010fffd",
                             "\ufffd", "\ufffe", "\U0001f9ff", "ꙮ", "\U00016fe4", "\U0001e900"],
    }
    lines = []
    for category, texts in samples.items():
        lines.extend((category, text) for text in texts)
    lines.extend(("mojibake", text) for text in mojibake(rng))

    # Random strings from many scripts and symbol blocks catch gaps in the generated tables.
    blocks = [(0x20, 0x7E), (0xA0, 0x24F), (0x250, 0x2FF), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x52F),
              (0x530, 0x58F), (0x590, 0x5FF), (0x600, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x10A0, 0x10FF),
              (0x1100, 0x11FF), (0x1E00, 0x1FFF), (0x2000, 0x206F), (0x2070, 0x209F), (0x20A0, 0x20CF),
              (0x2100, 0x214F), (0x2150, 0x218F), (0x2190, 0x23FF), (0x2460, 0x24FF), (0x2500, 0x27BF),
              (0x2C00, 0x2E7F), (0x3000, 0x30FF), (0x3130, 0x318F), (0x4E00, 0x4FFF), (0xA000, 0xA4CF),
              (0xAC00, 0xAD00), (0xF900, 0xFAFF), (0xFB00, 0xFB4F), (0xFE00, 0xFE6F), (0xFF00, 0xFFEF),
              (0x10000, 0x1007F), (0x1D400, 0x1D7FF), (0x1F300, 0x1FAFF), (0x20000, 0x200FF), (0xE0000, 0xE007F)]
    for _ in range(3_000):
        parts = []
        for _ in range(rng.randrange(1, 12)):
            low, high = rng.choice(blocks)
            parts.append(chr(rng.randint(low, high)))
            if rng.random() < 0.3:
                parts.append(" ")
        lines.append(("random", "".join(parts)))

    # Canonical composition and reordering: letters, Hangul jamo and combining marks in random order.
    bases = "aeiouAEIOUnNcCsSzZ\u0391\u0395\u0399\u039f\u03a9\u03b1\u03c9\u0430\u0435\u0438\u041e\u0627\u05d0\u0915"
    jamo = [chr(cp) for cp in list(range(0x1100, 0x1113)) + list(range(0x1161, 0x1176)) + list(range(0x11A8, 0x11C3))]
    marks = [chr(cp) for cp in list(range(0x300, 0x370)) + [0x0345, 0x05B0, 0x05BC, 0x0651, 0x064E, 0x093C, 0x094D,
                                                            0x0F71, 0x0F72, 0x0F74, 0x0F80, 0x3099, 0x309A, 0x1AB0]]
    extras = ["\u0f73", "\u0f75", "\u0f81", "\u0344", "\u0340", "\u212b", "\u2126", "\uf900", "\u1e9b", "\u0958",
              "\u304b", "\u30cf", "\uac00", "\u0b47", "\u0b3e", "\u0bc6", "\u0bbe", "\u0cc6", "\u0cd5", "\u0d4a"]
    for _ in range(1_000):
        parts = []
        for _ in range(rng.randrange(1, 10)):
            pick = rng.random()
            if pick < 0.3:
                parts.append(rng.choice(bases))
            elif pick < 0.5:
                parts.append(rng.choice(jamo))
            elif pick < 0.85:
                parts.append(rng.choice(marks))
            else:
                parts.append(rng.choice(extras))
            if rng.random() < 0.1:
                parts.append(" ")
        lines.append(("nfc", "".join(parts)))

    # Fragments that each trigger some cleanup step, joined at random and often broken
    # again by a single-byte encoding, so the steps meet in one line.
    fragments = ["café", "naïve", "ﬁ", "“q”", "&amp;", "&#x41;", "&eacute", "&NTILDE;", "<b>", "\n", "\r\n", "\x1b[31m",
                 "Σ", "ΑΣ", "İ", "\u0301", "e\u0301", "가\u11ae", "ｆｕｌｌ", "\x85", "\x92", "Ã©", "â€™", "Ã ", "\u00a0",
                 "\u2028", "\x00", "'s", "'LL", "<|endoftext|>", "東京", "😀", "👨‍👩‍👧", "٣", "½", "\ufeff", "\u200b",
                 "Ð¿Ñ€Ð¸", "Ã\xa0", "ï¿½", "\ufffd", "\x1a", "?", "dog", "Cat", " ", "  ", "\t", "123", "...", "Â£",
                 "â‚¬", "Ãƒ", "Ä°", "Ã‡", "×²", "Ø§Ù", "ΓΞΟ", "вЂ", "√±", "×"]
    encodings = ["windows-1252", "latin-1", "sloppy-windows-1252", "sloppy-windows-1251", "macroman", "cp437",
                 "iso-8859-2", "sloppy-windows-1250", "sloppy-windows-1253", "sloppy-windows-1254", "sloppy-windows-1257"]
    for _ in range(3_000):
        text = "".join(rng.choice(fragments) for _ in range(rng.randrange(1, 8)))
        if rng.random() < 0.4:
            try:
                text = text.encode("utf-8").decode(rng.choice(encodings))
            except UnicodeDecodeError:
                pass
        if rng.random() < 0.2:
            text += " " + "".join(rng.choice(fragments) for _ in range(3))
        lines.append(("mixed", text))

    # Very long inputs: far past 77 tokens, with and without spaces.
    lines.append(("long", " ".join(["a photo of a cat"] * 500)))
    lines.append(("long", "x" * 5_000))
    lines.append(("long", "ab" * 3_000))
    lines.append(("long", "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(4_000))))
    lines.append(("long", "東京" * 1_000))
    lines.append(("long", "é" * 2_000 + " " + "Σ" * 500))
    lines.append(("long", "&amp;" * 500))
    return lines


# MARK: - Reference tokenizers that differ

def hugging_face_tokenizer(openai):
    """Build CLIPTokenizerFast from OpenAI's vocab, written in the Hugging Face form."""
    from transformers import CLIPTokenizerFast

    folder = tempfile.mkdtemp(prefix="clip-vocab-")
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as file:
        json.dump(openai.encoder, file, ensure_ascii=False)
    ranked = sorted(openai.bpe_ranks.items(), key=lambda item: item[1])
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as file:
        file.write("#version: 0.2\n")
        for (left, right), _ in ranked:
            file.write(f"{left} {right}\n")
    # transformers 5 ignores vocab_file/merges_file keyword arguments; from_pretrained reads the folder.
    return CLIPTokenizerFast.from_pretrained(folder)


def record_differences(groups, openai_ids, path):
    open_clip_tokenizer = open_clip.tokenizer.SimpleTokenizer()
    hf = hugging_face_tokenizer(load_openai_tokenizer())
    report = ["# Where open_clip and Hugging Face differ from OpenAI's tokenizer", "",
              "Made by tools/tokenizer/generate_fixtures.py over the fixture lines (ids without start and end tokens).", "",
              "| fixture | category | lines | open_clip differs | CLIPTokenizerFast differs |", "| --- | --- | --- | --- | --- |"]
    examples = []
    for fixture, lines in groups.items():
        categories = {}
        texts = [text for _, text in lines]
        hf_ids = hf(texts, add_special_tokens=False)["input_ids"]
        for (category, text), expected, hf_line in zip(lines, openai_ids[fixture], hf_ids):
            stats = categories.setdefault(category, [0, 0, 0])
            stats[0] += 1
            if open_clip_tokenizer.encode(text) != expected:
                stats[1] += 1
                if stats[1] <= 2:
                    examples.append(("open_clip", category, text))
            if list(hf_line) != expected:
                stats[2] += 1
                if stats[2] <= 2:
                    examples.append(("CLIPTokenizerFast", category, text))
        for category, (count, oc, hfd) in sorted(categories.items()):
            report.append(f"| {fixture} | {category} | {count} | {oc} | {hfd} |")
    report += ["", "Examples (text as a JSON string):", ""]
    report += [f"- {who}, {category}: `{json.dumps(text, ensure_ascii=True)[:120]}`" for who, category, text in examples]
    path.write_text("\n".join(report) + "\n", encoding="utf-8")


def write_fixture(name, lines, tokenizer, write=True):
    ids_list = []
    text = []
    for category, line in lines:
        ids = tokenizer.encode(line)
        ids_list.append(ids)
        text.append(json.dumps({"category": category, "text": line, "ids": ids}, ensure_ascii=False) + "\n")
    path = FIXTURES / f"{name}.jsonl.gz"
    if write and path.exists() and gzip.decompress(path.read_bytes()).decode("utf-8") == "".join(text):
        write = False  # unchanged content: keep the committed bytes
    if write:
        # mtime=0 keeps the gzip bytes identical between runs, so regenerating changes nothing in git.
        with open(path, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as file:
                file.write("".join(text).encode("utf-8"))
    return ids_list


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-differences", action="store_true", help="do not compare open_clip and Hugging Face")
    parser.add_argument("--skip-fixtures", action="store_true", help="only write differences.md; leave the fixtures alone")
    args = parser.parse_args()

    rng = random.Random(20240601)
    tokenizer = load_openai_tokenizer()
    groups = {"prompts": prompts(rng), "multilingual": multilingual(rng), "adversarial": adversarial(rng)}
    openai_ids = {name: write_fixture(name, lines, tokenizer, write=not args.skip_fixtures)
                  for name, lines in groups.items()}
    for name, lines in groups.items():
        size = (FIXTURES / f"{name}.jsonl.gz").stat().st_size
        print(f"{name}: {len(lines)} lines, {size / 1e6:.2f} MB")
    if not args.skip_differences:
        record_differences(groups, openai_ids, ROOT / "tools" / "tokenizer" / "differences.md")


if __name__ == "__main__":
    main()
