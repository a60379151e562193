/**
 * What Tiermark put on a page, known only to its own content script. Badges and cards live in
 * closed shadow roots and carry no customer data in attributes, so the page (and its third-party
 * scripts) cannot read them; these maps are how the content script itself still knows them.
 */

/** Who a badge is for and what it shows, by its host element. */
export interface BadgeFacts {
  customerKey: string | null;
  /** The pills' text, tier first. */
  labels: string[];
  /** The tooltip drawn in the shadow root: buyer, tier, orders, spend, last purchase. */
  tooltip: string;
  /** How many customers share the identifier, for an ambiguous badge. */
  ambiguous: number | null;
}

const badges = new WeakMap<Element, { shadow: ShadowRoot; facts: BadgeFacts }>();
let openCardRoot: { host: Element; shadow: ShadowRoot } | null = null;

export function rememberBadge(host: Element, shadow: ShadowRoot, facts: BadgeFacts): void {
  badges.set(host, { shadow, facts });
}

export function badgeFacts(host: Element): BadgeFacts | null {
  return badges.get(host)?.facts ?? null;
}

export function rememberCard(card: { host: Element; shadow: ShadowRoot } | null): void {
  openCardRoot = card;
}

/** An element's text and where it is on screen, for a test to read or click (a trusted click at its centre). */
interface Seen {
  text: string;
  attributes: Record<string, string>;
  x: number;
  y: number;
}

function seen(element: Element): Seen {
  const rect = element.getBoundingClientRect();
  const attributes = Object.fromEntries([...element.attributes].map((a) => [a.name, a.value]));
  return { text: (element as HTMLElement).innerText ?? element.textContent ?? '', attributes, x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
}

/**
 * The content script's view of its badges and card, for the end-to-end tests, which reach it in
 * the extension's isolated world (never the page's): the badges in each element a selector
 * matches (or that element itself, if it is a badge), and the open card's elements.
 */
export const inspector = {
  badgesIn(selector: string): Array<Array<BadgeFacts & { x: number; y: number }>> {
    // Into the page's open shadow roots too: a web component's row shows its badge in its own.
    const deep = (scope: Document | Element | ShadowRoot, wanted: string): Element[] => [
      ...scope.querySelectorAll(wanted),
      ...[...scope.querySelectorAll('*')].flatMap((element) => (element.shadowRoot ? deep(element.shadowRoot, wanted) : [])),
    ];
    const within = (scope: Element | ShadowRoot) => deep(scope, 'tm-badge');
    return deep(document, selector).map((scope) =>
      [...(badges.has(scope) ? [scope] : []), ...(scope.shadowRoot ? within(scope.shadowRoot) : []), ...within(scope)].flatMap((host) => {
        const known = badges.get(host);
        if (!known) return [];
        const rect = host.getBoundingClientRect();
        return [{ ...known.facts, x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }];
      }),
    );
  },
  /** The open card's elements that match a selector; null when no card is open. */
  card(selector: string): Seen[] | null {
    if (!openCardRoot?.host.isConnected) return null;
    return [...openCardRoot.shadow.querySelectorAll(selector)].map(seen);
  },
  /** A computed style of the open card's first element that matches (the tests check it follows the system's dark mode); null when none. */
  cardStyle(selector: string, property: string): string | null {
    const element = openCardRoot?.host.isConnected ? openCardRoot.shadow.querySelector(selector) : null;
    return element ? getComputedStyle(element).getPropertyValue(property) : null;
  },
  /** Scrolls the open card to its nth element that matches, as the seller scrolls to a button below the fold; false when there is none. */
  revealInCard(selector: string, nth: number): boolean {
    const element = openCardRoot?.host.isConnected ? openCardRoot.shadow.querySelectorAll(selector)[nth] : undefined;
    element?.scrollIntoView({ block: 'nearest' });
    return element !== undefined;
  },
  /** How many elements matching `inner` a badge's shadow root holds: its text is text, never markup. */
  badgeElements(selector: string, inner: string): number {
    const host = document.querySelector(selector);
    return (host && badges.get(host)?.shadow.querySelectorAll(inner).length) ?? 0;
  },
  /** Whether a badge's tooltip is drawn now (hovered, or focused by the keyboard). */
  tipShown(selector: string): boolean {
    const host = document.querySelector(selector);
    const tip = host && badges.get(host)?.shadow.querySelector('.tm-tip');
    return tip ? getComputedStyle(tip).display !== 'none' : false;
  },
  /** The style a badge's pill is drawn with, to prove the page's rules stay out. */
  pillStyle(selector: string, property: string): string | null {
    const host = document.querySelector(selector);
    const pill = host && badges.get(host)?.shadow.querySelector('.tm-pill');
    return pill ? getComputedStyle(pill).getPropertyValue(property) : null;
  },
};
