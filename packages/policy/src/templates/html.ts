/**
 * The HTML part of an email: the same words as the text part in a self-contained page. No scripts,
 * images, stylesheets or remote resources (nothing to load, nothing to track), inline styles only,
 * every caller- or operator-chosen text escaped. The one `<a>` appears only for a configured help URL.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML element body or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** What goes into the page, already in reading order. */
export interface EmailHtmlParts {
  /** `lang` of the page, e.g. `ja`. */
  readonly lang: string;
  readonly title: string;
  readonly code: string;
  /** Plain-text paragraphs after the code. */
  readonly paragraphs: readonly string[];
  /** A last paragraph `before` + link + `after`, when a help URL is configured. */
  readonly link?: { readonly before: string; readonly url: string; readonly after: string };
}

const CODE_STYLE = 'font-family:monospace;font-size:32px;font-weight:bold;letter-spacing:4px;margin:16px 0';

/** Builds the page: the code first, large and monospaced, then the paragraphs. */
export function emailHtml(parts: EmailHtmlParts): string {
  const { link } = parts;
  const body = [
    `<p style="${CODE_STYLE}">${escapeHtml(parts.code)}</p>`,
    ...parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(link === undefined
      ? []
      : [
          `<p>${escapeHtml(link.before)}<a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a>${escapeHtml(link.after)}</p>`,
        ]),
  ];
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(parts.lang)}">`,
    `<head><meta charset="utf-8"><title>${escapeHtml(parts.title)}</title></head>`,
    '<body style="font-family:sans-serif;line-height:1.5">',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
