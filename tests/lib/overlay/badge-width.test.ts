import { describe, expect, it } from 'vitest';
import type { BadgeLook } from '../../../lib/overlay/badge-index';
import { lookWidth, pillTexts, ReservedWidth } from '../../../lib/overlay/badge-width';

const labels = { customer: 'Customer', ambiguous: (n: number) => `${n} customers share this` };
/** A monospaced stand-in for the canvas: 7px a character, a CJK one 12px. */
const textWidth = (text: string) => [...text].reduce((sum, ch) => sum + (/[\u3400-\u9fff]/.test(ch) ? 12 : 7), 0);
const look = (tier: string | null, ...badges: string[]): BadgeLook => ({ kind: 'customer', tier: tier ? { label: tier, colour: '#000' } : null, badges: badges.map((label) => ({ label, colour: '#111' })) });

describe('the width every badge on a page is given', () => {
  it('counts each pill’s text, padding and border, and the gaps between pills', () => {
    expect(pillTexts(look('VIP会员', '流失预警'), labels)).toEqual(['VIP会员', '流失预警']);
    expect(pillTexts(look(null), labels)).toEqual(['Customer']);
    expect(pillTexts({ kind: 'ambiguous', count: 3 }, labels)).toEqual(['3 customers share this']);
    // VIP (21) + 会员 (24) = 45, and 流失预警 48: 14px of padding and border and a rounding pixel each, one 4px gap.
    expect(lookWidth(['VIP会员', '流失预警'], textWidth)).toBe(45 + 15 + 48 + 15 + 4);
    // A fractional text width is rounded up, never down.
    expect(lookWidth(['Gold'], () => 27.2)).toBe(28 + 15);
  });

  it('is the widest look of the shop’s table from the first badge on, and grows only for a wider look shown beyond it', () => {
    const reserved = new ReservedWidth(labels, textWidth);
    const table = [look('Gold'), look('Premier VIP', 'Win back', 'Churn risk'), look(null)];
    const widest = lookWidth(['Premier VIP', 'Win back', 'Churn risk'], textWidth);
    // The first badge shown is a narrow one: the widest of the table is given already.
    expect(reserved.fit(table, look('Gold'))).toBe(true);
    expect(reserved.px).toBe(widest);
    expect(reserved.fit(table, look(null))).toBe(false);
    expect(reserved.px).toBe(widest);
    // Looks the table did not hold, from the lookup: a name twelve customers share fits; a look made since the table, wider, widens every badge.
    expect(reserved.fit(table, { kind: 'ambiguous', count: 12 })).toBe(false);
    expect(reserved.fit(table, look('Platinum for life', 'Win back', 'Churn risk'))).toBe(true);
    expect(reserved.px).toBe(lookWidth(['Platinum for life', 'Win back', 'Churn risk'], textWidth));
    // A new table (a rescore since) that is narrower never narrows the badges on the page.
    const before = reserved.px;
    expect(reserved.fit([look('A')], look('A'))).toBe(false);
    expect(reserved.px).toBe(before);
  });

  it('grows with each wider look shown while the page has no table, and gives none where nothing can measure text', () => {
    const reserved = new ReservedWidth(labels, textWidth);
    expect(reserved.fit(null, look('Gold'))).toBe(true);
    expect(reserved.px).toBe(lookWidth(['Gold'], textWidth));
    expect(reserved.fit(null, look('Gold', 'Win back'))).toBe(true);
    expect(reserved.fit(null, look('VIP'))).toBe(false);
    expect(reserved.px).toBe(lookWidth(['Gold', 'Win back'], textWidth));
    const unmeasured = new ReservedWidth(labels, null);
    expect(unmeasured.fit([look('Gold', 'Win back')], look('Gold'))).toBe(false);
    expect(unmeasured.px).toBe(0);
  });

  it('measures each label once, however many looks combine it', () => {
    const measured: string[] = [];
    const reserved = new ReservedWidth(labels, (text) => (measured.push(text), textWidth(text)));
    const tiers = ['Gold', 'Silver', 'Bronze'];
    const badges = ['Win back', 'Churn risk', 'New'];
    const table = tiers.flatMap((tier) => badges.flatMap((a) => badges.map((b) => look(tier, a, b))));
    reserved.fit(table, look('Gold', 'New'));
    expect(table).toHaveLength(27);
    expect(measured.sort()).toEqual([...tiers, ...badges].sort());
    expect(reserved.px).toBe(lookWidth(['Bronze', 'Churn risk', 'Churn risk'], textWidth));
  });
});
