import type { OccasionColumns } from '../../lib/kpis';

export const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** Customers as [currency, [date, spend in minor units]...], in columns. */
export function columnsOf(customers: Array<[string, ...Array<[string, number]>]>): OccasionColumns {
  const currencies = [...new Set(customers.map(([currency]) => currency))];
  const start = new Uint32Array(customers.length + 1);
  const days: number[] = [];
  const spend: number[] = [];
  customers.forEach(([, ...occasions], row) => {
    for (const [date, minor] of occasions) days.push(day(date)), spend.push(minor);
    start[row + 1] = days.length;
  });
  return {
    size: customers.length, start, day: Int32Array.from(days), spendMinor: Float64Array.from(spend),
    currency: Uint32Array.from(customers, ([currency]) => currencies.indexOf(currency)), currencies,
  };
}

// A small shop, checked by hand in the tests that use it.
export const SHOP = columnsOf([
  /* A */ ['CNY', ['2024-05-03', 10000], ['2024-06-10', 5000], ['2024-06-20', 3000]],
  /* B */ ['CNY', ['2024-05-15', 20000]],
  /* C */ ['CNY', ['2024-06-05', 8000]],
  /* D */ ['CNY', ['2023-10-01', 6000], ['2024-06-02', 4000]],
  /* E */ ['CNY', ['2023-11-15', 7000]],
  /* F */ ['CNY', ['2024-01-10', 9000]],
  /* G */ ['USD', ['2024-06-12', 100000]],
  /* H */ ['CNY', ['2024-03-01', 1000], ['2024-04-15', 2000]],
  /* never bought */ ['CNY'],
]);
