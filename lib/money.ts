/** Money is integer minor units plus a currency code; never floats. */

const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'HUF', 'TWD', 'UGX', 'XAF', 'XOF']);

const digitsByCode = new Map<string, number>();

export function minorDigits(currency: string): number {
  let digits = digitsByCode.get(currency);
  if (digits === undefined) {
    digits = ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
    digitsByCode.set(currency, digits);
  }
  return digits;
}

/**
 * Parses an export's money cell ("178.8", "1,234.50", "¥12.00", "-3.5", "(3.50)") into minor units.
 * Returns null when the cell is not a number. Exact: digits are shifted as text, not multiplied as floats.
 */
const PLAIN_AMOUNT = /^(-?)(\d{1,15})(?:\.(\d{1,2}))?$/;

export function parseMoneyMinor(cell: string, digits = 2): number | null {
  // Most cells are plain "123.45": read those without the general path's rewriting.
  const plain = digits === 2 ? PLAIN_AMOUNT.exec(cell) : null;
  if (plain) {
    const minor = Number(plain[2]) * 100 + (plain[3] ? Number(plain[3].padEnd(2, '0')) : 0);
    return plain[1] ? -minor : minor;
  }
  let text = cell.trim();
  if (text === '') return null;
  let negative = false;
  if (text.startsWith('(') && text.endsWith(')')) {
    negative = true;
    text = text.slice(1, -1);
  }
  text = text.replace(/^[^\d.,+-]+/, '').replace(/[^\d.,]+$/, '');
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1);
  } else if (text.startsWith('+')) text = text.slice(1);
  text = text.replace(/^[^\d.,]+/, '');
  // A comma is a decimal separator only when it is the single separator with 1-2 digits after it ("12,5").
  if (/^\d+,\d{1,2}$/.test(text)) text = text.replace(',', '.');
  else text = text.replace(/,/g, '');
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === '' && !match[2])) return null;
  const whole = match[1] || '0';
  const fraction = (match[2] ?? '').padEnd(digits + 1, '0');
  let minor = Number(whole) * 10 ** digits + Number(fraction.slice(0, digits) || '0');
  if (Number(fraction[digits]) >= 5) minor += 1; // half-up on a third decimal
  if (!Number.isSafeInteger(minor)) return null;
  return negative ? -minor : minor;
}

/** Minor units as a plain decimal string in major units ("1234.50"); for CSV/JSON output. */
export function formatMajor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  if (digits === 0) return sign + String(abs);
  const scale = 10 ** digits;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, '0')}`;
}
