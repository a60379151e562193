import { clip } from '../text';
import { both, type Localised } from '../localised';

/** Where a JSON text goes wrong, as a seller can find it in an editor. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly text: Localised,
    /** The pointer of the object or array being read when it went wrong. */
    readonly pointer: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(text.en);
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

  const fail = (message: Localised, pointer: string): never => {
    throw new JsonSyntaxError(message, pointer, line, at - lineStart + 1);
  };
  const describe = (): Localised => {
    if (at >= text.length) return both('the end of the file', '文件末尾');
    const shown = `‘${text.slice(at, at + 16).split(/\r?\n/)[0]}’`;
    return both(shown, shown);
  };
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
    if (text[at] !== '"') fail(both(`expected a string in double quotes but found ${describe().en}`, `这里应为双引号中的文字，但读到 ${describe()['zh-CN']}`), pointer);
    const start = at;
    at += 1;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\') at += 1;
      else if (text[at] === '\n') fail(both('a string runs past the end of its line (a missing closing quote?)', '文字一直延续到行尾（缺少右引号？）'), pointer);
      at += 1;
    }
    if (at >= text.length) fail(both('a string has no closing quote', '文字缺少右引号'), pointer);
    at += 1;
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail(both('a string has a bad escape (write a backslash as \\\\)', '文字中有错误的转义（反斜杠请写成 \\\\）'), pointer);
    }
  }
  function value(pointer: string, depth = 0): unknown {
    space();
    lines.set(pointer, line);
    const c = text[at];
    if ((c === '{' || c === '[') && depth >= MAX_DEPTH) fail(both(`nested more than ${MAX_DEPTH} levels deep; a rule file needs a few`, `嵌套超过 ${MAX_DEPTH} 层；规则文件只需要几层`), pointer);
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
        if (text[at] === '}') fail(both('a comma before "}" (remove the trailing comma)', '"}" 前多了逗号（请删除末尾的逗号）'), pointer);
        if (text[at] === "'") fail(both('property names need double quotes, not single quotes', '属性名要用双引号，不能用单引号'), pointer);
        const key = string(pointer);
        space();
        if (text[at] !== ':') fail(both(`expected ":" after "${key}" but found ${describe().en}`, `"${key}" 之后应为 ":"，但读到 ${describe()['zh-CN']}`), pointer);
        at += 1;
        const at_ = `${pointer}/${escapePointer(key)}`;
        if (Object.hasOwn(object, key)) {
          const keyLine = line;
          fail(both(`"${clip(key)}" is given twice in this object (lines ${lines.get(at_)} and ${keyLine}); JSON keeps only the last, so remove one`, `"${clip(key)}" 在这个对象中出现了两次（第 ${lines.get(at_)} 行和第 ${keyLine} 行）；JSON 只保留后一个，请删除一个`), pointer);
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
        fail(both(`expected "," or "}" after the value of "${key}" but found ${describe().en} (a missing comma?)`, `"${key}" 的值之后应为 "," 或 "}"，但读到 ${describe()['zh-CN']}（缺少逗号？）`), pointer);
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
        if (text[at] === ']') fail(both('a comma before "]" (remove the trailing comma)', '"]" 前多了逗号（请删除末尾的逗号）'), pointer);
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
        fail(both(`expected "," or "]" after item ${array.length - 1} but found ${describe().en} (a missing comma?)`, `第 ${array.length - 1} 项之后应为 "," 或 "]"，但读到 ${describe()['zh-CN']}（缺少逗号？）`), pointer);
      }
    }
    if (c === '"') return string(pointer);
    if (c === "'") fail(both('strings need double quotes, not single quotes', '文字要用双引号，不能用单引号'), pointer);
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at, at + 64));
    if (!literal) fail(both(`expected a value but found ${describe().en}`, `这里应为一个值，但读到 ${describe()['zh-CN']}`), pointer);
    at += literal![0].length;
    const parsed = JSON.parse(literal![0]) as unknown;
    if (typeof parsed === 'number' && !Number.isFinite(parsed)) fail(both(`the number ${clip(literal![0])} is too large to compare with (write it with fewer digits)`, `数字 ${clip(literal![0])} 太大，无法比较（请少写几位）`), pointer);
    return parsed;
  }
  const result = value('');
  space();
  if (at < text.length) fail(both(`unexpected ${describe().en} after the end of the JSON value`, `JSON 值结束后还有多余的 ${describe()['zh-CN']}`), '');
  return { value: result, lines };
}
