import { escapeHtml } from './escape-html.js';

/**
 * A client's look on the hosted pages: the app's name and icon (Nylas's application settings call
 * them `name` and `icon_url`) and an accent colour. The options check each value at start-up: the
 * icon is an https URL and the colour a hex `#rgb` or `#rrggbb`, so both go into the page as they are.
 */
export interface PageTheme {
  readonly name?: string;
  readonly iconUrl?: string;
  readonly accentColor?: string;
}

/** The six-digit form of a checked `#rgb` or `#rrggbb` colour. */
function sixDigits(hex: string): string {
  const h = hex.slice(1);
  return h.length === 3 ? [...h].map((c) => c + c).join('') : h;
}

/** Black or white, whichever reads better on the accent (WCAG relative luminance, with the 0.179 crossover). */
function textOn(hex: string): string {
  const h = sixDigits(hex);
  const channel = (i: number): number => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  return luminance > 0.179 ? '#000' : '#fff';
}

/** The style rules the accent colour adds: filled buttons (an error page's way back is one), and the picker's borders. */
export function themeStyle(theme: PageTheme | undefined): string {
  const accent = theme?.accentColor;
  if (accent === undefined) return '';
  return `button,a.b{background:${accent};color:${textOn(accent)};border:1px solid ${accent};border-radius:.4rem}` + `a.p{border-color:${accent}}`;
}

/** The app's icon and name above the page's heading, when the client has them. */
export function themeHeader(theme: PageTheme | undefined): string {
  if (theme?.name === undefined && theme?.iconUrl === undefined) return '';
  const icon = theme.iconUrl === undefined ? '' : `<img class="app-icon" src="${escapeHtml(theme.iconUrl)}" alt="" width="48" height="48">`;
  const name = theme.name === undefined ? '' : `<span class="app-name">${escapeHtml(theme.name)}</span>`;
  return `<header class="app">${icon}${name}</header>`;
}

/** The CSP directive that lets the page load the icon, from its origin only; none without an icon. */
export function imgSrcDirective(theme: PageTheme | undefined): string {
  if (theme?.iconUrl === undefined || !URL.canParse(theme.iconUrl)) return '';
  return `; img-src ${new URL(theme.iconUrl).origin}`;
}
