/**
 * The full run's ratios as an SVG bar chart (bench/results.svg): one horizontal bar per variant,
 * grouped by framework, each the variant's median req/s divided by its framework's bare median.
 * Plain SVG text, so it diffs in review and renders on GitHub without a plotting package.
 */
export interface ChartBar {
  readonly framework: string;
  readonly label: string;
  readonly ratio: number;
  /** A variant that answered anything but 2xx: drawn, but marked as not a valid figure. */
  readonly invalid: boolean;
}

const LABEL_W = 330;
const BAR_W = 420;
const ROW_H = 22;
const TOP = 44;
const MAX_RATIO = 1.2;

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function ratioChart(title: string, bars: readonly ChartBar[]): string {
  const frameworks = [...new Set(bars.map((b) => b.framework))];
  const out: string[] = [];
  let y = TOP;
  for (const fw of frameworks) {
    out.push(`<text x="8" y="${y + 14}" font-weight="bold">${escape(fw)}</text>`);
    y += ROW_H;
    for (const b of bars.filter((x) => x.framework === fw)) {
      const w = Math.max(1, (Math.min(b.ratio, MAX_RATIO) / MAX_RATIO) * BAR_W);
      const fill = b.invalid ? '#c0392b' : b.label.includes('grantkit') ? '#2e86c1' : b.label.includes('bare') ? '#7f8c8d' : '#b2babb';
      out.push(
        `<text x="${LABEL_W - 6}" y="${y + 14}" text-anchor="end">${escape(b.label)}</text>`,
        `<rect x="${LABEL_W}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 6}" fill="${fill}"/>`,
        `<text x="${LABEL_W + w + 6}" y="${y + 14}">${b.ratio.toFixed(2)}×${b.invalid ? ' (non-2xx: invalid)' : ''}</text>`,
      );
      y += ROW_H;
    }
    y += ROW_H / 2;
  }
  const one = LABEL_W + BAR_W / MAX_RATIO;
  const height = y + 8;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_W + BAR_W + 190}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${one}" y1="${TOP - 6}" x2="${one}" y2="${height - 8}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<text x="${one}" y="${TOP - 10}" text-anchor="middle">bare = 1.00</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
