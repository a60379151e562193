import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../helpers';
import { expectedSpend, fitGammaGamma, predictedClv, type GammaGammaParams, type SpendSummary } from '../../../plugins/scorers/gamma-gamma';
import { expectedPurchases } from '../../../plugins/scorers/bgnbd';

// Published for CDNOW (Fader, Hardie & Lee, note 025), and the ML fit to more digits (lifetimes' documentation).
const PAPER: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

describe('Gamma-Gamma', () => {
  it('shrinks a customer toward the population mean, less the more they bought', () => {
    const mean = (PAPER.v * PAPER.p) / (PAPER.q - 1);
    expect(expectedSpend(PAPER, { x: 0, m: 0 })).toBeCloseTo(mean, 10);
    const once = expectedSpend(PAPER, { x: 1, m: 100 });
    const often = expectedSpend(PAPER, { x: 20, m: 100 });
    expect(once).toBeGreaterThan(mean);
    expect(often).toBeGreaterThan(once);
    expect(often).toBeLessThan(100);
  });

  it('matches Hardie’s spreadsheet for the first CDNOW customers', () => {
    // (x, zbar) of customers 1, 2 and 6, and a customer with no repeat purchase.
    const cases: Array<[SpendSummary, number]> = [
      [{ x: 2, m: 22.35 }, 24.65],
      [{ x: 1, m: 11.77 }, 18.91],
      [{ x: 0, m: 0 }, 35.17],
      [{ x: 7, m: 73.74 }, 71.46],
    ];
    for (const [summary, expected] of cases) expect(Math.abs(expectedSpend(PAPER, summary) - expected)).toBeLessThan(0.1);
  });

  it('discounts each month’s expected purchases into a 12-month value', () => {
    const bgnbd = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 }; // α in days
    const customer = { x: 4, tx: 200, T: 250 };
    const undiscounted = predictedClv(bgnbd, 50, customer, 0);
    expect(undiscounted).toBeCloseTo(50 * expectedPurchases(bgnbd, 365, customer), 8);
    expect(predictedClv(bgnbd, 50, customer, 0.01)).toBeLessThan(undiscounted);
    expect(predictedClv(bgnbd, 50, customer, 0.01)).toBeGreaterThan(undiscounted / 1.01 ** 12);
  });

  const summary = sharedData('cdnow/cdnow_customers_summary_with_transactions.csv');
  it.skipIf(!summary.present)('fits the 946 CDNOW repeat buyers to the published parameters', () => {
    const [, ...lines] = readFileSync(summary.path, 'utf8').trim().split(/\r?\n/);
    const rows = lines
      .map((line) => line.split(',').map(Number))
      .filter(([, x]) => x! > 0)
      .map(([, x, , , zbar]) => ({ x: x!, m: zbar! }));
    const fit = fitGammaGamma(rows);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    const mle = { p: 6.248803, q: 3.744588, v: 15.447746 };
    for (const key of ['p', 'q', 'v'] as const) {
      expect(Math.abs(fit.params[key] / mle[key] - 1)).toBeLessThan(1e-3);
      expect(Math.abs(fit.params[key] - PAPER[key])).toBeLessThan(0.015);
    }
  });
});
