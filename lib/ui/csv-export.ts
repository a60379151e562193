import { encodeGbk } from './gbk';

/** CSV for Excel: UTF-8 with BOM, CRLF, and cells that start like a formula made inert. */
export function toExcelCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (value: string | number) => {
    let text = String(value);
    // A leading = + - @ tab or CR makes Excel evaluate the cell; a leading apostrophe keeps it text.
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
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

/** Hands a CSV to the browser as a download: UTF-8 with its BOM, or GBK (no BOM) for older Chinese Excel. */
export function downloadCsv(fileName: string, csv: string, encoding: CsvEncoding = 'utf-8'): void {
  const body = encoding === 'gbk' ? encodeGbk(csv.replace(/^\uFEFF/, '')) : csv;
  downloadBlob(fileName, new Blob([body as BlobPart], { type: `text/csv;charset=${encoding}` }));
}
