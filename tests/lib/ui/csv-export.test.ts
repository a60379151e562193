import { describe, expect, it } from 'vitest';
import { excelCsvInSlices, toExcelCsv } from '../../../lib/ui/csv-export';

describe('CSV for Excel', () => {
  it('makes formulas text, quotes what needs it, and starts with a BOM', () => {
    expect(toExcelCsv(['Name', 'Spend'], [['=HYPERLINK("x")', 12.5], ['+1', '-2'], ['@me', 'a,b'], ['\tTab', 'line\nbreak'], ['王小明', 3]])).toBe(
      '\uFEFFName,Spend\r\n"\'=HYPERLINK(""x"")",12.5\r\n\'+1,\'-2\r\n\'@me,"a,b"\r\n\'\tTab,"line\nbreak"\r\n王小明,3\r\n',
    );
  });

  it('writes the same file a slice at a time, with its progress', async () => {
    const rows = Array.from({ length: 12_345 }, (_, i) => ({ name: i % 7 === 0 ? `=cmd${i}` : `buyer ${i}`, spend: i / 4 }));
    const progress: number[] = [];
    const sliced = await excelCsvInSlices(['Name', 'Spend'], rows, (row) => [row.name, row.spend], (share) => progress.push(share));
    expect(sliced).toBe(toExcelCsv(['Name', 'Spend'], rows.map((row) => [row.name, row.spend])));
    expect(progress).toEqual([5000 / 12_345, 10_000 / 12_345, 1]);
    expect(await excelCsvInSlices(['Name'], [], (row: { name: string }) => [row.name])).toBe('\uFEFFName\r\n');
  });
});
