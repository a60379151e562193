import { clip } from '../text';

/** Where a JSON text goes wrong, as a seller can find it in an editor. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** The pointer of the object or array being read when it went wrong. */
    readonly pointer: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export const escapePointer = (key: string | number) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * JSON.parse that also records the line of every value by JSON pointer, so a problem found later
 * names the line, and that says where and what when the text is malformed (a missing comma, a
 * trailing comma, a single quote: what Excel users and hand editors trip on).
 */
/** Deeper than any rule file needs (a condition tree of a few levels): a limit, so reading never runs out of stack. */
export const MAX_DEPTH = 100;

export function parseJsonWithLines(text: string): { value: unknown; lines: Map<string, number> } {
  const lines = new Map<string, number>();
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;

  const fail = (message: string, pointer: string): never => {
    throw new JsonSyntaxError(message, pointer, line, at - lineStart + 1);
  };
  const describe = () => (at >= text.length ? 'the end of the file' : `‘${text.slice(at, at + 16).split(/\r?\n/)[0]}’`);
  function space() {
    while (at < text.length) {
      const c = text[at];
      if (c === '\n') {
        line += 1;
        lineStart = at + 1;
      } else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      at += 1;
    }
  }
  function string(pointer: string): string {
    if (text[at] !== '"') fail(`expected a string in double quotes but found ${describe()}`, pointer);
    const start = at;
    at += 1;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\') at += 1;
      else if (text[at] === '\n') fail('a string runs past the end of its line (a missing closing quote?)', pointer);
      at += 1;
    }
    if (at >= text.length) fail('a string has no closing quote', pointer);
    at += 1;
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail('a string has a bad escape (write a backslash as \\\\)', pointer);
    }
  }
  function value(pointer: string, depth = 0): unknown {
    space();
    lines.set(pointer, line);
    const c = text[at];
    if ((c === '{' || c === '[') && depth >= MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep; a rule file needs a few`, pointer);
    if (c === '{') {
      at += 1;
      const object: Record<string, unknown> = {};
      space();
      if (text[at] === '}') {
        at += 1;
        return object;
      }
      for (;;) {
        space();
        if (text[at] === '}') fail('a comma before "}" (remove the trailing comma)', pointer);
        if (text[at] === "'") fail('property names need double quotes, not single quotes', pointer);
        const key = string(pointer);
        space();
        if (text[at] !== ':') fail(`expected ":" after "${key}" but found ${describe()}`, pointer);
        at += 1;
        const at_ = `${pointer}/${escapePointer(key)}`;
        if (Object.hasOwn(object, key)) {
          const keyLine = line;
          fail(`"${clip(key)}" is given twice in this object (lines ${lines.get(at_)} and ${keyLine}); JSON keeps only the last, so remove one`, pointer);
        }
        // As JSON.parse does: "__proto__" is a property like any other, never the object's prototype.
        Object.defineProperty(object, key, { value: value(at_, depth + 1), enumerable: true, writable: true, configurable: true });
        space();
        if (text[at] === ',') {
          at += 1;
          continue;
        }
        if (text[at] === '}') {
          at += 1;
          return object;
        }
        fail(`expected "," or "}" after the value of "${key}" but found ${describe()} (a missing comma?)`, pointer);
      }
    }
    if (c === '[') {
      at += 1;
      const array: unknown[] = [];
      space();
      if (text[at] === ']') {
        at += 1;
        return array;
      }
      for (;;) {
        space();
        if (text[at] === ']') fail('a comma before "]" (remove the trailing comma)', pointer);
        array.push(value(`${pointer}/${array.length}`, depth + 1));
        space();
        if (text[at] === ',') {
          at += 1;
          continue;
        }
        if (text[at] === ']') {
          at += 1;
          return array;
        }
        fail(`expected "," or "]" after item ${array.length - 1} but found ${describe()} (a missing comma?)`, pointer);
      }
    }
    if (c === '"') return string(pointer);
    if (c === "'") fail('strings need double quotes, not single quotes', pointer);
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at, at + 64));
    if (!literal) fail(`expected a value but found ${describe()}`, pointer);
    at += literal![0].length;
    const parsed = JSON.parse(literal![0]) as unknown;
    if (typeof parsed === 'number' && !Number.isFinite(parsed)) fail(`the number ${clip(literal![0])} is too large to compare with (write it with fewer digits)`, pointer);
    return parsed;
  }
  const result = value('');
  space();
  if (at < text.length) fail(`unexpected ${describe()} after the end of the JSON value`, '');
  return { value: result, lines };
}
