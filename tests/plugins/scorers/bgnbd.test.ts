import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../helpers';
import { hyp2f1 } from '../../../lib/scoring/special';
import { expectedPurchases, expectedPurchasesNew, fitBgNbd, probabilityAlive, type BgNbdParams, type RepeatSummary } from '../../../plugins/scorers/bgnbd';

// The published parameters for CDNOW (Fader, Hardie & Lee 2005; the R BTYD documentation), and the
// maximum-likelihood ones to more digits (lifetimes' documentation, which its tests are pinned to).
const PAPER: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const MLE: BgNbdParams = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };

function cdnowSummary(path: string): RepeatSummary[] {
  const [, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  return lines.map((line) => {
    const [, x, tx, T] = line.split(',').map(Number);
    return { x: x!, tx: tx!, T: T! };
  });
}

describe('BG/NBD', () => {
  it('gives P(alive) = 1 with no repeat purchase, and 0 without overflow for 1000 purchases long ago', () => {
    expect(probabilityAlive(PAPER, { x: 0, tx: 1, T: 1 })).toBe(1);
    expect(probabilityAlive(PAPER, { x: 1000, tx: 10, T: 100 })).toBe(0);
    expect(expectedPurchases(PAPER, 39, { x: 1000, tx: 10, T: 100 })).toBe(0);
    for (const x of [1, 5, 50]) for (const tx of [0, 10, 30]) expect(probabilityAlive(PAPER, { x, tx, T: 38 })).toBeGreaterThanOrEqual(0);
  });

  it('matches the published expectations for CDNOW customer 1 and for new customers', () => {
    expect(Math.abs(expectedPurchases(MLE, 39, { x: 2, tx: 30.43, T: 38.86 }) - 1.226)).toBeLessThan(0.001);
    const times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    const published = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => expect(Math.abs(expectedPurchasesNew(MLE, t) - published[i]!)).toBeLessThan(0.0015));
  });

  const summary = sharedData('cdnow/cdnow_customers_summary.csv');
  it.skipIf(!summary.present)('fits the CDNOW summary to the published parameters and likelihood', () => {
    const rows = cdnowSummary(summary.path);
    const fit = fitBgNbd(rows);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] / MLE[key] - 1)).toBeLessThan(1e-3);
      expect(Math.abs(fit.params[key] - PAPER[key])).toBeLessThan(0.015);
    }
    expect(fit.logLikelihood).toBeCloseTo(-9582.4256, 2);
    // Per-customer values of the independent cross-check, fed the fitted parameters.
    const at = (x: number, tx: number, T: number) => ({ x, tx, T });
    expect(probabilityAlive(fit.params, at(2, 30.43, 38.86))).toBeCloseTo(0.726609, 4);
    expect(probabilityAlive(fit.params, at(1, 1.71, 38.86))).toBeCloseTo(0.212227, 4);
    expect(expectedPurchases(fit.params, 1, at(18, 35.14, 35.86))).toBeCloseTo(0.424877, 4);
    expect(expectedPurchases(fit.params, 52, at(26, 30.86, 31.0))).toBeCloseTo(25.759474, 3);
  });

  it('works out the expected purchases of customers alike once per model, and gives each what the formula gives', () => {
    // The closed form of the paper (its equation 10), with the series summed directly.
    const byFormula = ({ r, alpha, a, b }: BgNbdParams, t: number, { x, tx, T }: RepeatSummary) => {
      const z = t / (alpha + T + t);
      const head = ((a + b + x - 1) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z));
      const alive = x > 0 ? 1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 1;
      return head / alive;
    };
    // In days, as a rescore scores: two models, whole and fractional T, x past what is kept, t of days and of months.
    const days: BgNbdParams = { r: 0.24, alpha: 31, a: 0.79, b: 2.43 };
    const other: BgNbdParams = { ...days, alpha: 45 };
    const customers: RepeatSummary[] = [];
    for (const x of [0, 1, 2, 7, 31, 32, 120]) for (const T of [0, 1, 30, 400, 4095, 4096, 9000, 38.86]) customers.push({ x, tx: Math.min(T, x * 3), T });
    for (const params of [days, other, days]) {
      for (const t of [30, 90, 365 / 12, 365]) {
        for (const customer of customers) {
          const got = expectedPurchases(params, t, customer);
          expect(Math.abs(got / byFormula(params, t, customer) - 1), JSON.stringify({ params, t, customer })).toBeLessThan(1e-9);
          // Asked again, the same to the bit.
          expect(expectedPurchases(params, t, customer)).toBe(got);
        }
      }
    }
  });
});
