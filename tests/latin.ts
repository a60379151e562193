/**
 * English sentences in a text meant to be Chinese: three or more English words in a row, the mark
 * of a message nobody translated. Quoted values, JSON snippets, addresses and names (one or two
 * words: Shopify, Own system) are the seller's or the platform's, not sentences.
 */
export function latinSentences(text: string): string[] {
  const prose = text
    .replace(/"[^"\n]*"|“[^”\n]*”|‘[^’\n]*’/g, ' ')
    .replace(/\{[^{}\n]*\}|\[[^[\]\n]*\]/g, ' ')
    .replace(/\b(?:https?|chrome-extension):\/\/\S+/g, ' ');
  // A word has a lower-case letter after its first (not MM, HH or CNY); hyphens keep json-rules-engine one word.
  return prose.match(/(?<![\w/.-])[A-Za-z][A-Za-z'’-]*[a-z](?:\s+[A-Za-z][A-Za-z'’-]*[a-z]){2,}(?![\w/.-])/g) ?? [];
}
