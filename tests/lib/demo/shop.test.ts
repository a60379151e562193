import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoExportText, demoOrders, encodeGb18030 } from '../../../lib/demo/shop';
import { demoConsolePage } from '../../../lib/demo/console-page';
import { FIXTURES, importPath } from '../../helpers';

const BUNDLED = join(FIXTURES, 'demo/ExportOrderList202611201200.csv');

describe('demo shop', () => {
  it('is the bundled GBK export, byte for byte', () => {
    expect(Buffer.from(encodeGb18030(demoExportText(demoOrders())))).toEqual(readFileSync(BUNDLED));
  });

  it('imports as a Taobao report of a few hundred buyers, a third of them back at least once, a loyal few often', async () => {
    const { report, encoding, customers, orders } = await importPath(BUNDLED);
    expect(report.format).toBe('taobao');
    expect(encoding.encoding).toBe('gb18030');
    expect(report.rowsRejected).toBe(0);
    expect(customers).toHaveLength(320);
    expect(customers.filter((c) => c.orderCount >= 2).length).toBeGreaterThan(320 / 4);
    expect(customers.filter((c) => c.orderCount >= 5).length).toBeGreaterThan(5);
    expect(new Set([...orders.values()].map((o) => o.status))).toEqual(new Set(['unpaid', 'paid', 'shipped', 'completed', 'refunded', 'cancelled']));
    // Shared names are real: several buyers are called 王伟, each their own customer.
    expect(customers.filter((c) => c.names.includes('王伟')).length).toBeGreaterThan(1);
  });

  it('renders the console page with untrusted text escaped', () => {
    const [order] = demoOrders(1);
    const html = demoConsolePage([{ ...order!, nick: '<img src=x onerror=alert(1)>' }]);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
  });
});
