import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoExportText, demoOrders, encodeGb18030 } from '../../../lib/demo/shop';
import type { Order } from '../../../lib/model';
import { importPath, sharedData } from '../../helpers';
import { historyFromOrders } from '../../../lib/scoring/history';
import { fitHalf, fitScorers, fitScorersBetween, scoreCustomer } from '../../../lib/scoring/pipeline';
import { MAX_FIT_CUSTOMERS } from '../../../lib/scoring/sample';
import { fitOn } from '../../../lib/scoring/scorer';
import { scorers } from '../../../plugins/scorers';
import { baseAt, histories, order } from '../../plugins/scorers/scoring-helpers';

describe('scoring a whole shop', () => {
  it('tells a small shop why the models give no figures instead of printing nonsense', () => {
    const base = baseAt('2024-06-30');
    const list = histories([order('a', '2024-01-01 10:00', 10), order('a', '2024-02-01 10:00', 20), order('b', '2024-03-01 10:00', 30)], base);
    const ctx = fitScorers(() => list, base);
    const facts = scoreCustomer(list[0]!, ctx);
    expect(facts).toMatchObject({ bgnbdStatus: 'too-few-customers', pAlive: null, gammaGammaStatus: 'too-few-repeat-buyers', predictedClv365: null, churnBasis: 'cycle only' });
    expect(facts.rfmCode).toMatch(/^[1-5]{3}$/);
  });

  it('never writes NaN: a shop of regulars where nobody seems to have left gets a reason, not figures', async () => {
    // The demo shop with buyers who never leave: BG/NBD's dropout parameters run off to infinity.
    const file = join(mkdtempSync(join(tmpdir(), 'tiermark-regulars-')), 'ExportOrderList202611201200.csv');
    writeFileSync(file, encodeGb18030(demoExportText(demoOrders(320, 20261120, { dropout: 0 }))));
    const { orders, customers } = await importPath(file);
    const byKey = new Map<string, Order[]>();
    for (const o of orders.values()) if (o.customerKey) byKey.set(o.customerKey, [...(byKey.get(o.customerKey) ?? []), o]);
    const statuses = new Set<unknown>();
    for (const day of ['2026-11-22', '2026-11-23', '2026-11-24']) {
      const base = baseAt(day);
      const list = customers.map((c) => historyFromOrders(c, byKey.get(c.key)!, base));
      const ctx = fitScorers(() => list, base);
      for (const h of list) {
        const facts = scoreCustomer(h, ctx);
        for (const [name, value] of Object.entries(facts)) if (typeof value === 'number') expect(Number.isFinite(value), `${name} on ${day}`).toBe(true);
        statuses.add(facts.bgnbdStatus);
        if (facts.bgnbdStatus !== 'fitted' && facts.recencyDays !== null) expect(facts).toMatchObject({ pAlive: null, predictedClv365: null, churnBasis: 'cycle only' });
      }
    }
    expect(statuses.has('no-dropout-seen')).toBe(true);
  }, 30_000);

  it('fits the models in as few walks over the shop as they read one another, each as if fitted alone', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tiermark-walks-')), 'ExportOrderList202611201200.csv');
    writeFileSync(file, encodeGb18030(demoExportText(demoOrders(400, 20261120))));
    const { orders, customers } = await importPath(file);
    const byKey = new Map<string, Order[]>();
    for (const o of orders.values()) if (o.customerKey) byKey.set(o.customerKey, [...(byKey.get(o.customerKey) ?? []), o]);
    const base = baseAt('2026-11-20');
    const list = customers.map((c) => historyFromOrders(c, byKey.get(c.key)!, base));
    let walks = 0;
    const ctx = fitScorers(() => {
      walks += 1;
      return list;
    }, base);
    // RFM, the products, BG/NBD, the repurchase cycle and Gamma-Gamma's fit read no model; the value matrix reads BG/NBD's and Gamma-Gamma's facts.
    expect(walks).toBe(2);
    const fitted = scorers.filter((scorer) => scorer.fit);
    expect(fitted.map((scorer) => scorer.id).sort()).toEqual(['bgnbd', 'gamma-gamma', 'products', 'repurchase-cycle', 'rfm', 'value-matrix']);
    for (const scorer of fitted) {
      // Fitted alone with every fact it could read at scoring, not just those its fit says it reads: a fit that read more would differ.
      const reads = scorers.filter((other) => scorer.after?.includes(other.id));
      const alone = fitOn(scorer, list.map((history) => ({ history, facts: scoreCustomer(history, ctx, reads) })), ctx);
      expect(ctx.models[scorer.id], scorer.id).toEqual(alone);
    }
    // Each fit saw what it reads: the value matrix had the models' predicted values.
    expect(ctx.models).toMatchObject({ bgnbd: { status: 'fitted' }, 'gamma-gamma': { status: 'fitted' }, 'value-matrix': { medianValue: expect.any(Number) } });
  }, 30_000);

  const steproac = sharedData('shopify-steproac/orders_export.anon.csv');
  it.skipIf(!steproac.present)('fits every model on a real Shopify store and keeps every fact in range', async () => {
    const { orders, customers } = await importPath(steproac.path);
    const base = { ...baseAt('2023-06-01', 'UTC') };
    const byKey = new Map<string, typeof orders extends Map<string, infer O> ? O[] : never>();
    for (const o of orders.values()) if (o.customerKey) byKey.set(o.customerKey, [...(byKey.get(o.customerKey) ?? []), o]);
    const list = customers.map((c) => historyFromOrders(c, byKey.get(c.key)!, base));
    const ctx = fitScorers(() => list, base);
    const all = list.map((h) => scoreCustomer(h, ctx));
    expect(all[0]).toMatchObject({ bgnbdStatus: 'fitted', gammaGammaStatus: 'fitted' });
    for (const facts of all.filter((f) => f.frequency as number > 0)) {
      expect(facts.pAlive as number).toBeGreaterThanOrEqual(0);
      expect(facts.pAlive as number).toBeLessThanOrEqual(1);
      expect(facts.churnRisk as number).toBeGreaterThanOrEqual(0);
      expect(facts.churnRisk as number).toBeLessThanOrEqual(1);
      expect(facts.predictedClv365 as number).toBeGreaterThanOrEqual(0);
    }
    // The quintiles split the buyers roughly in fifths on recency, where ties are few.
    const r5 = all.filter((f) => f.rfmR === 5).length / all.filter((f) => f.rfmR !== null).length;
    expect(r5).toBeGreaterThan(0.15);
    expect(r5).toBeLessThan(0.25);
    // The store's best customer (34 orders) is worth more next year than a one-time buyer.
    const top = all.find((f) => f.orderCount === 34)!;
    const once = all.find((f) => f.frequency === 1)!;
    expect(top.predictedClv365 as number).toBeGreaterThan(once.predictedClv365 as number);

    // By hand for the best customer: distinct purchase days (UTC) up to the as-of date, mean gap between them.
    const best = list[all.indexOf(top)]!;
    const days = [...new Set(byKey.get(best.customer.key)!.filter((o) => o.status !== 'unpaid' && o.status !== 'cancelled' && !o.isReturn && o.createdAt <= base.asOf).map((o) => Math.floor(o.createdAt / 86_400_000)))].sort((a, b) => a - b);
    expect(top.frequency).toBe(days.length);
    expect(top.repurchaseCycleDays).toBeCloseTo((days.at(-1)! - days[0]!) / (days.length - 1), 1);
    expect(top).toMatchObject({ rfmF: 5, rfmM: 5, repurchaseCycleSource: 'own' });
    // Every one-time buyer shares one F, whatever their place in the file.
    expect(new Set(all.filter((f) => f.frequency === 1).map((f) => f.rfmF))).toEqual(new Set([1]));
  });

  it('fits the same models on two threads as on one: each half walked apart, the second’s fittings joined to the first’s', async () => {
    // More customers than a model samples, so each half's samples trim; buyers who buy at their own
    // rate until they leave (as BG/NBD has them), refunds, products bought again.
    let state = 23;
    const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const gamma = (shape: number): number => {
      // Marsaglia and Tsang, boosted below a shape of 1.
      if (shape < 1) return gamma(shape + 1) * random() ** (1 / shape);
      const d = shape - 1 / 3;
      for (;;) {
        const z = Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
        const v = (1 + z / Math.sqrt(9 * d)) ** 3;
        if (v > 0 && Math.log(random() + 1e-12) < (z * z) / 2 + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    const base = baseAt('2026-11-30');
    const end = Date.parse('2026-11-30T00:00:00Z');
    const orders: Order[] = [];
    for (let c = 0; c < MAX_FIT_CUSTOMERS + 6_000; c += 1) {
      const perDay = gamma(0.6) / 25;
      const x = gamma(1);
      const leaves = x / (x + gamma(3));
      let at = end - Math.floor(random() * 540) * 86_400_000 - 3_600_000;
      let bought = 0;
      do {
        const sku = `SKU-${Math.floor(random() * 40)}`;
        orders.push(order(`buyer${c}`, new Date(at + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' '), 20 + Math.round(gamma(4) * 60), {
          items: [{ sku, title: `商品 ${sku}`, quantity: 1, priceMinor: 100 }],
          ...(random() < 0.03 && { refundedMinor: 500 }),
        }));
        at += Math.max(1, Math.ceil(-Math.log(random() + 1e-12) / perDay)) * 86_400_000;
      } while (at < end && random() >= leaves && (bought += 1) < 24);
    }
    const list = histories(orders, base);
    expect(list.length).toBeGreaterThan(MAX_FIT_CUSTOMERS);
    const whole = fitScorers(() => list, base);
    expect(Object.keys(whole.models).sort()).toEqual(scorers.filter((s) => s.fit).map((s) => s.id).sort());
    expect(whole.models.bgnbd).toMatchObject({ status: 'fitted' });
    expect(whole.models['gamma-gamma']).toMatchObject({ status: 'fitted' });
    for (const at of [1, Math.floor(list.length / 3), list.length - 50]) {
      const [first, second] = [list.slice(0, at), list.slice(at)];
      const rounds: number[] = [];
      // Handed over as a worker hands it: cloned both ways.
      const split = await fitScorersBetween(() => first, base, async () => {}, scorers, async (round, models) => {
        rounds.push(round);
        return structuredClone(fitHalf(second, base, structuredClone(models), round));
      });
      expect(rounds, `parted at ${at}`).toEqual([0, 1]);
      expect(split.models, `parted at ${at}`).toEqual(whole.models);
    }
  }, 30_000);
});
