import { encodeGbk } from './gbk';
import { pause } from '../pace';

type Cell = string | number;

/** One CSV line as Excel reads it: a cell that starts like a formula made inert, quotes where needed. */
function csvLine(row: ReadonlyArray<Cell>): string {
  return row
    .map((value) => {
      let text = String(value);
      // A leading = + - @ tab or CR makes Excel evaluate the cell; a leading apostrophe keeps it text.
      if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',');
}

/** CSV for Excel: UTF-8 with BOM, CRLF, and cells that start like a formula made inert. */
export function toExcelCsv(header: ReadonlyArray<Cell>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string {
  return `\uFEFF${[header, ...rows].map(csvLine).join('\r\n')}\r\n`;
}

/** Rows written per slice of a long export: about 20 ms each on a slow machine. */
const SLICE = 5_000;

/**
 * The same file as toExcelCsv, made a slice of rows at a time and yielding between slices, so the
 * page stays responsive over 100,000 customers; progress is the share of rows written.
 */
export async function excelCsvInSlices<T>(header: ReadonlyArray<Cell>, rows: readonly T[], cells: (row: T) => ReadonlyArray<Cell>, onProgress?: (share: number) => void): Promise<string> {
  const parts = [`\uFEFF${csvLine(header)}\r\n`];
  for (let start = 0; start < rows.length; start += SLICE) {
    parts.push(`${rows.slice(start, start + SLICE).map((row) => csvLine(cells(row))).join('\r\n')}\r\n`);
    onProgress?.(Math.min(1, (start + SLICE) / rows.length));
    await pause();
  }
  return parts.join('');
}

/** Hands a file to the browser as a download. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type CsvEncoding = 'utf-8' | 'gbk';

/** A CSV's file: UTF-8 with its BOM, or GBK (no BOM) for older Chinese Excel. */
export function csvBytes(csv: string, encoding: CsvEncoding = 'utf-8'): Blob {
  const body = encoding === 'gbk' ? encodeGbk(csv.replace(/^\uFEFF/, '')) : csv;
  return new Blob([body as BlobPart], { type: `text/csv;charset=${encoding}` });
}

/** Hands a CSV to the browser as a download. */
export function downloadCsv(fileName: string, csv: string, encoding: CsvEncoding = 'utf-8'): void {
  downloadBlob(fileName, csvBytes(csv, encoding));
}
