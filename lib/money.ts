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

/** The character before a number's fraction: "." in "1,234.50", "," in "1.234,50" (DE, FR, ES, IT, BR, RU). */
export type DecimalMark = '.' | ',';

/** A number cell's sign and bare digits: currency signs and codes before or after are gone. */
export interface NumberText {
  negative: boolean;
  body: string;
}

// A currency sign or code before the number ("¥", "US$ ", "R$", "EUR ", "Rs. "), with a sign on
// either side of it; and one after it ("12,50 €", "12.00 USD", "30元"). A minus after the digits
// ("12-") is not taken: it stays in the body, which then reads as no number.
const PREFIX = /^([+-]?)\s*(?:[\p{L}\p{Sc}]+\.?\s*)?([+-]?)\s*/u;
const SUFFIX = /\s*[\p{L}\p{Sc}]*\.?$/u;

export function numberText(cell: string): NumberText | null {
  let text = cell.trim();
  let negative = false;
  if (text.startsWith('(') && text.endsWith(')')) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  const prefix = PREFIX.exec(text)!;
  const signs = prefix[1]! + prefix[2]!;
  if (signs.length > 1) return null;
  if (signs === '-') negative = !negative;
  const body = text.slice(prefix[0].length).replace(SUFFIX, '');
  if (!/^[\d.,' \u00a0\u202f]*\d[\d.,' \u00a0\u202f]*$/.test(body)) return null;
  return { negative, body };
}

/**
 * What one number says about its column's decimal mark, or null when it could be either: a single
 * separator followed by exactly three digits ("1.234", "2,500") is a thousands group in one
 * convention and a fraction in the other. Integers, and what is no number, say nothing ('none').
 */
export function decimalMarkOf(body: string): DecimalMark | null | 'none' {
  const mark = markShown(body);
  // A body that is no number under the mark it seems to show ("1,2,3") shows nothing.
  return (mark === '.' || mark === ',') && !splitDecimal(body, mark) ? 'none' : mark;
}

function markShown(body: string): DecimalMark | null | 'none' {
  const lastPoint = body.lastIndexOf('.');
  const lastComma = body.lastIndexOf(',');
  if (lastPoint < 0 && lastComma < 0) return 'none';
  if (lastPoint >= 0 && lastComma >= 0) return lastPoint > lastComma ? '.' : ',';
  const mark = lastPoint >= 0 ? '.' : ',';
  if (body.indexOf(mark) !== body.lastIndexOf(mark)) return mark === '.' ? ',' : '.'; // "1.234.567": a group separator
  const whole = body.slice(0, body.indexOf(mark)).replace(/[' \u00a0\u202f]/g, '');
  const fraction = body.length - body.indexOf(mark) - 1;
  // "0.125" and ".5" cannot be thousands, nor can a group of other than three digits.
  if (fraction !== 3 || whole === '' || whole.startsWith('0') || /[' \u00a0\u202f]/.test(body)) return mark;
  return null;
}

/** The whole and fraction digits of a number's body under a decimal mark, or null when it is not a number there. */
export function splitDecimal(body: string, mark: DecimalMark): { whole: string; fraction: string } | null {
  const at = body.indexOf(mark);
  if (at >= 0 && at !== body.lastIndexOf(mark)) return null;
  const wholeText = at < 0 ? body : body.slice(0, at);
  const fraction = at < 0 ? '' : body.slice(at + 1);
  if (!/^\d*$/.test(fraction) || (at >= 0 && fraction === '')) return null;
  if (/^\d*$/.test(wholeText)) return wholeText === '' && fraction === '' ? null : { whole: wholeText || '0', fraction };
  // Grouped: one separator, every group after the first of three digits ("1,234,567", "1 234", "1'234").
  const groups = wholeText.split(/([,.' \u00a0\u202f])/);
  const separator = groups[1]!;
  if (separator === mark || !/^\d{1,3}$/.test(groups[0]!)) return null;
  for (let i = 1; i < groups.length; i += 2) {
    if (groups[i] !== separator || !/^\d{3}$/.test(groups[i + 1]!)) return null;
  }
  return { whole: groups.filter((_, i) => i % 2 === 0).join(''), fraction };
}

/**
 * Parses an export's money cell ("178.8", "1,234.50", "¥12.00", "-3.5", "(3.50)", and with a decimal
 * comma "1.234,50", "12,50 €") into minor units. Returns null when the cell is not a number under
 * that decimal mark. Exact: digits are shifted as text, not multiplied as floats.
 */
const PLAIN_AMOUNT = /^(-?)(\d{1,15})(?:\.(\d{1,2}))?$/;

export function parseMoneyMinor(cell: string, digits = 2, mark: DecimalMark = '.'): number | null {
  // Most cells are plain "123.45": read those without the general path's rewriting.
  const plain = digits === 2 && mark === '.' ? PLAIN_AMOUNT.exec(cell) : null;
  if (plain) {
    const minor = Number(plain[2]) * 100 + (plain[3] ? Number(plain[3].padEnd(2, '0')) : 0);
    return plain[1] ? -minor : minor;
  }
  const text = numberText(cell);
  const parts = text && splitDecimal(text.body, mark);
  if (!text || !parts) return null;
  const fraction = parts.fraction.padEnd(digits + 1, '0');
  let minor = Number(parts.whole) * 10 ** digits + Number(fraction.slice(0, digits) || '0');
  if (Number(fraction[digits]) >= 5) minor += 1; // half-up on the next decimal
  if (!Number.isSafeInteger(minor)) return null;
  return text.negative ? -minor : minor;
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
