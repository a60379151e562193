import type { Ref } from './overlay/site-adapter';

/** Strongest first: a buyer id or an order number names one customer; a name may name several. */
const STRENGTH: readonly Ref['kind'][] = ['id', 'order', 'email', 'phone', 'name'];

/** The alias a ref is stored under (written by lib/db/buckets.ts aliasesOf). */
export const aliasKey: Record<Exclude<Ref['kind'], 'id'>, (value: string) => string> = {
  order: (v) => `order:${v.toLowerCase()}`,
  email: (v) => `email:${v.toLowerCase()}`,
  phone: (v) => `phone:${v.replace(/[^\d]/g, '')}`,
  name: (v) => `name:${v.trim().toLowerCase()}`,
};

/** A row's refs in the order they are tried. */
export const byStrength = (refs: readonly Ref[]): Ref[] => [...refs].sort((a, b) => STRENGTH.indexOf(a.kind) - STRENGTH.indexOf(b.kind));
