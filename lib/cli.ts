import { setFlagsFromString } from 'node:v8';
import { InputError } from './import/encoding';
import { CommandError, isNodeError, MAP_FIELDS_USAGE, UsageError } from './cli/args';
import { fit, FIT_USAGE, parseFitArgs } from './cli/fit';
import { RuleProblems, rulesCheck, RULES_USAGE } from './cli/rules-check';
import { parseScoreArgs, score, SCORE_USAGE } from './cli/score';

/** Each command's usage, for its own --help and after a usage error. */
const COMMAND_USAGE: Record<string, string> = { score: SCORE_USAGE, rules: RULES_USAGE, fit: FIT_USAGE };
function usageOf(command: string | undefined): string {
  if (command === 'rules') return `Usage:\n${RULES_USAGE}`;
  const usages = command && command in COMMAND_USAGE ? [COMMAND_USAGE[command]!] : [SCORE_USAGE, RULES_USAGE, FIT_USAGE];
  return `Usage:\n${usages.join('\n\n')}\n\n${MAP_FIELDS_USAGE}`;
}

/** Runs one command line; the exit code: 0 done, 1 the input or rules had problems, 2 a usage error. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  let file = 'input';
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${usageOf(command)}\n`);
      return 0;
    }
    if (command === 'score') {
      const args = parseScoreArgs(rest);
      file = args.inputs.join(', ');
      const result = await score(args);
      process.stderr.write(`${result.text}\n`);
      return result.ok ? 0 : 1;
    }
    if (command === 'fit') {
      const args = parseFitArgs(rest);
      file = args.summary ?? args.orders ?? file;
      process.stdout.write(`${await fit(args)}\n`);
      return 0;
    }
    if (command === 'rules') {
      const [sub, ...paths] = rest;
      if (sub !== 'check') throw new UsageError(`rules ${sub ?? ''}: expected "rules check [files…]"`);
      const result = rulesCheck(paths);
      process.stdout.write(`${result.text}\n`);
      return result.ok ? 0 : 1;
    }
    if (command === undefined || command === 'help' || command === '--help') {
      process.stdout.write(`${usageOf(undefined)}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`Unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tiermark: ${error.message}\n\n${usageOf(command)}\n`);
      return 2;
    }
    if (error instanceof CommandError) {
      process.stderr.write(`tiermark: ${error.message}\n`);
      return 1;
    }
    if (error instanceof RuleProblems) {
      process.stdout.write(`${error.message}\n`);
      return 1;
    }
    if (error instanceof InputError) {
      process.stderr.write(`tiermark: ${file}: ${error.message}\n`);
      return 1;
    }
    if (isNodeError(error) && error.code === 'ENOENT') {
      process.stderr.write(`tiermark: ${error.path ?? 'file'}: no such file\n`);
      return 1;
    }
    if (isNodeError(error)) {
      // A file system refusal (EACCES, EISDIR, ENOSPC …) is said in one line, not as a stack.
      process.stderr.write(`tiermark: ${error.path ?? file}: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * A full collection once the heap has grown by a fifth, not by V8's usual factor of up to four: a
 * file's rows are garbage as soon as they are tallied, and a million customers' run otherwise
 * peaked at 1.25 GB holding about 250 MB. Not a cap: a bigger shop still gets the heap it needs.
 * Set as the command starts (and by the bench that runs it).
 */
export const COMMAND_LINE_V8_FLAGS = '--heap-growing-percent=20';

if (process.argv[1] && /cli\.ts$/.test(process.argv[1])) {
  setFlagsFromString(COMMAND_LINE_V8_FLAGS);
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
