/** What the background tells a page about one row: a customer to badge, several to choose from, or nobody. */
export type RowMatch =
  | { kind: 'none' }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'customer'; view: BadgeView };

/** A customer's badge, already in the page's language. Page and CSV text in it is shown only as text. */
export interface BadgeView {
  customerKey: string;
  buyerId: string;
  tier: { label: string; colour: string } | null;
  badges: Array<{ label: string; colour: string; tooltip: string | null }>;
  /** One line for the tooltip: orders, spend, last purchase. */
  summary: string;
  followUpsOpen: number;
}
