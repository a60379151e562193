import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULE_FILES } from '../engine/default-rules';
import { defaultRegistry } from '../engine/registry';
import type { RuleFile } from '../engine/rule-file';
import { checkRuleFiles, formatProblem, type RuleProblem } from '../engine/validate';

export const RULES_USAGE = `  tiermark rules check [file.json|DIR ...]
      Checks rule files (default: the shipped rules) against the schema, the facts and the
      operators; prints one line per problem, "file: /json/pointer: message", and exits 1 if any.`;

const SHIPPED_RULES = join(import.meta.dirname, '..', '..', 'rules');

/** Rule files from the command line: files, or every .json in a folder (but the schema). */
function ruleTexts(paths: readonly string[]): { file: string; text: string }[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path).filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json')).sort().map((name) => join(path, name))
      : [path],
  ).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

export class RuleProblems extends Error {
  constructor(readonly problems: readonly RuleProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** The rule files to apply: a folder's, checked, or the shipped ones. */
export function ruleFilesFor(folder: string | null): RuleFile[] {
  if (folder === null) return Object.values(DEFAULT_RULE_FILES);
  const { ruleFiles, problems } = checkRuleFiles(ruleTexts([folder]), defaultRegistry());
  if (problems.length > 0) throw new RuleProblems(problems);
  return ruleFiles;
}

/** The `rules check` command: the problems, one per line, or a summary when there are none. */
export function rulesCheck(paths: readonly string[]): { ok: boolean; text: string } {
  const files = ruleTexts(paths.length > 0 ? paths : [SHIPPED_RULES]);
  const { ruleFiles, problems } = checkRuleFiles(files, defaultRegistry());
  if (problems.length > 0) return { ok: false, text: problems.map(formatProblem).join('\n') };
  const rules = ruleFiles.reduce((n, f) => n + f.rules.length, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return { ok: true, text: `${plural(files.length, 'rule file')}, ${plural(rules, 'rule')}: no problems` };
}
