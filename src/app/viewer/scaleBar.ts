/**
 * Scale bars for the slice panels: the longest 1, 2 or 5 × 10ᵏ length whose bar fits in a given width on screen,
 * labelled in Å below 1 nm, in nm up to 1 µm, in µm beyond.
 */
export interface ScaleBar {
  /** Length in nm. */
  nm: number;
  /** Length on screen, in CSS pixels. */
  css: number;
  label: string;
}

/** Pixel size in Å (0 when unknown: no bar), CSS pixels per slice pixel, the widest bar wanted in CSS pixels. */
export function scaleBar(pixelSizeA: number, cssPerPixel: number, maxCss = 96): ScaleBar | null {
  if (!(pixelSizeA > 0) || !(cssPerPixel > 0) || !(maxCss > 0)) return null;
  const cssPerNm = cssPerPixel / (pixelSizeA / 10);
  const maxNm = maxCss / cssPerNm;
  const decade = 10 ** Math.floor(Math.log10(maxNm));
  const nm = [5, 2, 1].map((m) => m * decade).find((length) => length <= maxNm * (1 + 1e-9)) ?? decade;
  return { nm, css: nm * cssPerNm, label: lengthText(nm) };
}

/** A length given in nm, in the unit that keeps it a plain number. */
export function lengthText(nm: number): string {
  const plain = (v: number) => String(Number(v.toPrecision(4)));
  if (nm < 1) return `${plain(nm * 10)} Å`;
  if (nm >= 1000) return `${plain(nm / 1000)} µm`;
  return `${plain(nm)} nm`;
}
