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

/** Earlier texts kept per rule file. */
export const RULE_FILE_VERSIONS = 10;

/** The text a shipped file has as it ships, or null for a seller's own file. */
export const shippedText = (file: string): string | null => {
  const shipped = DEFAULT_RULE_FILES[file];
  return shipped ? JSON.stringify(shipped, null, 2) : null;
};

/**
 * Saves a seller's rule file (checked first: a file with problems is refused with them). The text
 * it replaces (the shipped one, the first time) joins the file's history.
 */
export async function saveRuleFile(db: Database, file: string, text: string, registry: Registry): Promise<RuleProblem[]> {
  const { problems } = checkRuleFiles([{ file, text }], registry);
  if (problems.length > 0) return problems;
  const tx = db.transaction('ruleFiles', 'readwrite');
  const before = await tx.store.get(file);
  const now = Date.now();
  const replaced = before?.text ?? shippedText(file);
  const history = [...(replaced !== null && replaced !== text ? [{ text: replaced, savedAt: before?.updatedAt ?? 0 }] : []), ...(before?.history ?? [])].slice(0, RULE_FILE_VERSIONS);
  await tx.store.put({ file, text, updatedAt: now, history });
  await tx.done;
  return problems;
}

/** A rule file's earlier texts, newest first. */
export async function ruleFileHistory(db: Database, file: string): Promise<Array<{ text: string; savedAt: number }>> {
  return (await db.get('ruleFiles', file))?.history ?? [];
}
