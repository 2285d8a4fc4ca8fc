/**
 * What a call would say: the text of every `<Say>` in the TwiML, in order, with markup inside a
 * `<Say>` (SSML such as `<break/>`) dropped and XML entities decoded.
 */
export function spokenText(twiml: string): string {
  const said: string[] = [];
  for (const [, inner = ''] of twiml.matchAll(/<Say\b[^>]*>([\s\S]*?)<\/Say>/g)) {
    said.push(
      decodeXmlEntities(inner.replace(/<[^>]*>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }
  return said.filter((text) => text !== '').join(' ');
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return NAMED_ENTITIES[name] ?? entity;
  });
}
