// GSM 03.38 default alphabet and its extension table (the extension characters take two septets).
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà' +
  '\f^{}\\[~]|€';
const GSM7_CHARS = new Set(GSM7);

/**
 * True when the text fits the GSM 7-bit alphabet. Vonage must be told `type: 'unicode'` otherwise,
 * or Japanese (or an emoji) arrives as question marks.
 */
export function isGsm7(text: string): boolean {
  for (const char of text) if (!GSM7_CHARS.has(char)) return false;
  return true;
}
