import { aliasKey } from '../aliases';
import { fnv1a } from '../hash';
import { countBelow } from '../sorted';
import { HOST_CLASS, type Finder } from './overlay';
import type { Ref } from './site-adapter';

/**
 * The shop's identifiers as 32-bit hashes, sorted: the page's text is checked against them here,
 * in the page, and only identifiers the shop already has are ever looked up.
 */
export class IdentifierIndex {
  private readonly hashes: Uint32Array;
  constructor(hashes: readonly number[]) {
    this.hashes = Uint32Array.from(hashes).sort();
  }

  has(key: string): boolean {
    const hash = fnv1a(key);
    return this.hashes[countBelow(this.hashes, hash)] === hash;
  }
}

/** The key an identifier is indexed under, as the store's aliases write them. */
export const identifierKey = (ref: Ref) => (ref.kind === 'id' ? `id:${ref.value}` : aliasKey[ref.kind](ref.value));

const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}/gi;
const ORDER = /#?\b\d{4,20}\b/g;

/** What in a piece of text could be one of the shop's identifiers: emails, order numbers (#1001, 2847561230001), or the whole text, when it is one word, as a buyer id. */
export function candidates(text: string): Ref[] {
  const refs: Ref[] = [];
  for (const email of text.match(EMAIL) ?? []) refs.push({ kind: 'email', value: email });
  for (const order of text.match(ORDER) ?? []) {
    refs.push({ kind: 'order', value: order });
    if (order.startsWith('#')) refs.push({ kind: 'order', value: order.slice(1) });
  }
  const whole = text.trim();
  if (whole.length >= 2 && whole.length <= 40 && !/\s/.test(whole)) refs.push({ kind: 'id', value: whole });
  return refs;
}

const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION', 'TEMPLATE']);

/** Text nodes that hold a known identifier, badged right after the text. */
export function identifierFinder(index: IdentifierIndex): Finder<Text> {
  // Read again when the text changes: a console may reuse a text node for another order.
  const found = new WeakMap<Text, { data: string; refs: Ref[] }>();
  const known = (text: Text): Ref[] => {
    let read = found.get(text);
    if (!read || read.data !== text.data) {
      read = { data: text.data, refs: candidates(text.data).filter((ref) => index.has(identifierKey(ref))).slice(0, 1) };
      found.set(text, read);
    }
    return read.refs;
  };
  const readable = (text: Node) => {
    const parent = text.parentElement;
    return parent !== null && !SKIP.has(parent.tagName) && parent.closest(`.${HOST_CLASS}, tm-card`) === null;
  };
  function* targets(node: Element): Iterable<Text> {
    const walker = node.ownerDocument.createTreeWalker(node, NodeFilter.SHOW_TEXT, {
      acceptNode: (text) => (readable(text) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT),
    });
    for (let text = walker.nextNode() as Text | null; text; text = walker.nextNode() as Text | null) if (known(text).length > 0) yield text;
  }
  return {
    targets,
    *around(node) {
      // A text that changed is read again even when it now holds nothing, so its old badge goes.
      if (node instanceof Text) {
        if (readable(node)) yield node;
      } else if (node instanceof Element) yield* targets(node);
    },
    refs: known,
    anchor: (text) => text,
  };
}
