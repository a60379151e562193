import type { CustomAdapter } from '../sites';
import { rowAround, type Finder } from './overlay';
import type { Ref } from './site-adapter';

/** The kind of identifier a seller's custom console shows, told from its form. */
export function refOf(value: string): Ref {
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return { kind: 'email', value };
  if (/^#?\d{4,20}$/.test(value)) return { kind: 'order', value };
  return { kind: 'id', value };
}

/** Rows and identifiers where the seller's own description says they are. */
export function customFinder(adapter: CustomAdapter): Finder<Element> {
  const regex = adapter.regex ? new RegExp(adapter.regex) : null;
  const identifier = (row: Element) => row.querySelector(adapter.identifierSelector);
  return {
    *targets(node) {
      const row = node.closest(adapter.rowSelector);
      if (row) yield row;
      yield* node.querySelectorAll(adapter.rowSelector);
    },
    around: (node) => rowAround(node, adapter.rowSelector),
    refs(row) {
      const text = identifier(row)?.textContent?.trim() ?? '';
      const match = regex?.exec(text);
      const value = regex ? (match?.[1] ?? match?.[0] ?? '') : text;
      return value ? [refOf(value.trim())] : [];
    },
    anchor: identifier,
  };
}
