import type { ColumnMapping, FormatId, MappableField } from '../formats';
import { MAPPABLE_FIELDS } from '../formats';
import { formatIds } from '../../plugins/formats';
import { CHOOSABLE_ENCODINGS } from '../import/encoding';
import type { Delimiter } from '../import/rows';
import type { StreamSettings } from '../import/stream';

/** A command line that cannot be used: said with the fix, then the command's usage. */
export class UsageError extends Error {}

/** Said of the output or the inputs before anything is read: a one-line message, no stack. */
export class CommandError extends Error {}

/** The line every command's usage ends with: what --map takes. */
export const MAP_FIELDS_USAGE = `  --map fields: ${MAPPABLE_FIELDS.join(', ')} (a header name, or a 1-based position with --no-header)`;

/** Walks the arguments; an option's `value()` takes the argument after it, or says it is missing. */
export function* options(argv: readonly string[]): Generator<{ arg: string; value: () => string }> {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    yield {
      arg,
      value: () => {
        const next = argv[i + 1];
        if (next === undefined) throw new UsageError(`${arg} needs a value`);
        i += 1;
        return next;
      },
    };
  }
}


/** Applies one of the options that say how to read an export; false when `arg` is not one. */
export function importOption(arg: string, value: () => string, settings: StreamSettings): boolean {
  switch (arg) {
    case '--format': {
      const format = value();
      if (format !== 'auto' && !formatIds.includes(format as FormatId)) {
        throw new UsageError(`--format ${format}: expected auto or one of ${formatIds.join(', ')}`);
      }
      settings.format = format as FormatId | 'auto';
      return true;
    }
    case '--map':
      settings.mapOverrides = parseMapping(value());
      settings.format ??= 'generic';
      return true;
    case '--delimiter':
      settings.delimiter = parseDelimiter(value());
      return true;
    case '--no-header':
      settings.hasHeader = false;
      return true;
    case '--no-cash-on-delivery':
      settings.cashOnDelivery = false;
      return true;
    case '--date-format':
      settings.dateFormat = value();
      return true;
    case '--tz':
      settings.timeZone = value();
      return true;
    case '--currency':
      settings.currency = value();
      return true;
    case '--encoding': {
      const encoding = value().toLowerCase();
      const known = [...CHOOSABLE_ENCODINGS, 'auto'] as const;
      if (!known.includes(encoding as (typeof known)[number])) throw new UsageError(`--encoding ${encoding}: expected one of ${known.join(', ')}`);
      settings.encoding = encoding as (typeof known)[number];
      return true;
    }
    default:
      return false;
  }
}


function parseMapping(text: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    const field = pair.slice(0, at).trim() as MappableField;
    const column = pair.slice(at + 1).trim();
    if (at < 0 || !MAPPABLE_FIELDS.includes(field) || column === '') {
      throw new UsageError(`--map "${pair}": expected field=column with field one of ${MAPPABLE_FIELDS.join(', ')}`);
    }
    mapping[field] = column;
  }
  return mapping;
}

function parseDelimiter(text: string): Delimiter {
  const named: Record<string, Delimiter> = { ',': ',', comma: ',', tab: '\t', '\\t': '\t', ';': ';', semicolon: ';', '|': '|', whitespace: 'whitespace' };
  const delimiter = named[text];
  if (!delimiter) throw new UsageError(`--delimiter ${text}: expected , tab ; | or whitespace`);
  return delimiter;
}

export function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
