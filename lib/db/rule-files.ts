import { DEFAULT_RULE_FILES } from '../engine/default-rules';
import type { Registry } from '../engine/registry';
import type { RuleFile } from '../engine/rule-file';
import { checkRuleFiles, type RuleProblem } from '../engine/validate';
import type { Database } from './schema';

/**
 * The rule files in force: the seller's stored files, and every shipped file they have not
 * replaced. Each is checked; a file with problems is left out (and its problems returned) rather
 * than half applied.
 */
export async function activeRuleFiles(db: Database, registry: Registry): Promise<{ ruleFiles: RuleFile[]; problems: RuleProblem[] }> {
  return checkRuleFiles(await ruleFileTexts(db), registry);
}

/** Every rule file's text: shipped ones first (in their order), each replaced by the seller's copy if stored, then the seller's own. */
export async function ruleFileTexts(db: Database): Promise<Array<{ file: string; text: string; edited: boolean }>> {
  const stored = new Map((await db.getAll('ruleFiles')).map((f) => [f.file, f.text]));
  const shipped = Object.entries(DEFAULT_RULE_FILES).map(([file, ruleFile]) => {
    const text = stored.get(file);
    stored.delete(file);
    return { file, text: text ?? JSON.stringify(ruleFile, null, 2), edited: text !== undefined };
  });
  return [...shipped, ...[...stored].map(([file, text]) => ({ file, text, edited: true }))];
}

/** Saves a seller's rule file (checked first: a file with problems is refused with them). */
export async function saveRuleFile(db: Database, file: string, text: string, registry: Registry): Promise<RuleProblem[]> {
  const { problems } = checkRuleFiles([{ file, text }], registry);
  if (problems.length === 0) await db.put('ruleFiles', { file, text, updatedAt: Date.now() });
  return problems;
}
