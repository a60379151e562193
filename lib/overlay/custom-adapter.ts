import type { CustomAdapter } from '../sites';
import { linkRefs } from './identifiers';
import { rowAround, type Finder } from './overlay';
import type { Ref } from './site-adapter';

/** The kind of identifier a seller's custom console shows, told from its form. */
export function refOf(value: string): Ref {
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return { kind: 'email', value };
  if (/^#?\d{4,20}$/.test(value)) return { kind: 'order', value };
  return { kind: 'id', value };
}

/**
 * Rows and identifiers where the seller's own description says they are: the identifier
 * element's text, or one of its attributes (a link's target, a title, a data attribute), through
 * the pattern when there is one.
 */
export function customFinder(adapter: CustomAdapter): Finder<Element> {
  const regex = adapter.regex ? new RegExp(adapter.regex) : null;
  const attribute = adapter.identifierAttribute?.trim() || null;
  const identifier = (row: Element) => row.querySelector(adapter.identifierSelector);
  return {
    *targets(node) {
      const row = node.closest(adapter.rowSelector);
      if (row) yield row;
      yield* node.querySelectorAll(adapter.rowSelector);
    },
    around: (node) => rowAround(node, adapter.rowSelector),
    refs(row) {
      const element = identifier(row);
      const text = (attribute ? element?.getAttribute(attribute) : element?.textContent)?.trim() ?? '';
      if (!text) return [];
      // A link target without a pattern: the order numbers and emails in its path and query.
      if (!regex && attribute === 'href') return linkRefs(text);
      const match = regex?.exec(text);
      const value = regex ? (match?.[1] ?? match?.[0] ?? '') : text;
      return value ? [refOf(value.trim())] : [];
    },
    anchor: identifier,
    attributes: attribute ? [attribute] : [],
    keepsPlace: () => true,
  };
}

/**
 * The seller's description for its rows, and identifier matching for the rest of the page: text
 * outside the described rows keeps the badges it would have without the description.
 */
export function withIdentifiers(custom: Finder<Element>, rowSelector: string, identifiers: Finder<Element>): Finder<Element> {
  const described = (element: Element) => element.closest(rowSelector) !== null;
  const isRow = (target: Element) => target.matches(rowSelector);
  return {
    *targets(node) {
      yield* custom.targets(node);
      for (const holder of identifiers.targets(node)) if (!described(holder)) yield holder;
    },
    *around(node) {
      yield* custom.around(node);
      for (const holder of identifiers.around(node)) if (!described(holder)) yield holder;
    },
    refs: (target) => (isRow(target) ? custom.refs(target) : identifiers.refs(target)),
    anchor: (target) => (isRow(target) ? custom.anchor(target) : identifiers.anchor(target)),
    row: (target) => (isRow(target) ? null : (identifiers.row?.(target) ?? null)),
    // The seller's rows, not the words of the page around them.
    keepsPlace: (target) => isRow(target) && (custom.keepsPlace?.(target) ?? false),
    attributes: [...(custom.attributes ?? []), ...(identifiers.attributes ?? [])],
    readsShadowRoots: identifiers.readsShadowRoots,
  };
}
