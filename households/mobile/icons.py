"""Draws the home-screen icons of the phone pages with Pillow (a building on the project's
blue). Run ``python -m households.mobile_icons`` after changing the drawing; the PNG files
are committed under static/mobile/."""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (29, 95, 191)
WHITE = (255, 255, 255)
SIZES = {
    "icon-192.png": 192,
    "icon-512.png": 512,
    "icon-180.png": 180,
    "icon-maskable-512.png": 512,
}
OUT = Path(__file__).resolve().parent.parent / "static" / "mobile"


def draw_icon(size: int, *, maskable: bool = False) -> Image.Image:
    scale = 4  # draw large, then reduce: smooth edges
    s = size * scale
    img = Image.new("RGB", (s, s), BLUE)
    d = ImageDraw.Draw(img)
    pad = s * (0.22 if maskable else 0.14)  # maskable icons keep a safe zone
    left, right, top, bottom = pad, s - pad, pad, s - pad
    w = right - left
    # A resettlement building: body, roof line, 3 x 4 windows and a door.
    d.rectangle([left + w * 0.12, top + w * 0.12, right - w * 0.12, bottom], fill=WHITE)
    d.rectangle([left, top + w * 0.04, right, top + w * 0.14], fill=WHITE)
    cols, rows = 3, 4
    cell_w = (w * 0.76) / cols
    cell_h = (bottom - top - w * 0.42) / rows
    for c in range(cols):
        for r in range(rows):
            x0 = left + w * 0.12 + c * cell_w + cell_w * 0.22
            y0 = top + w * 0.22 + r * cell_h + cell_h * 0.2
            d.rectangle([x0, y0, x0 + cell_w * 0.56, y0 + cell_h * 0.55], fill=BLUE)
    d.rectangle([left + w * 0.42, bottom - w * 0.2, right - w * 0.42, bottom], fill=BLUE)
    return img.resize((size, size), Image.LANCZOS)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size in SIZES.items():
        draw_icon(size, maskable="maskable" in name).save(OUT / name, optimize=True)


if __name__ == "__main__":
    main()
