import { both, type Localised } from '../localised';
import type { CustomerNotes } from '../model';
import type { Database } from './schema';
import { stageStoredCustomer } from './touched';

export const NOTE_MAX = 2000;
export const TAG_MAX = 20;
export const TAGS_MAX = 20;

export async function notesOf(db: Database, customerKey: string): Promise<CustomerNotes | null> {
  return (await db.get('customerNotes', customerKey)) ?? null;
}

/** Every customer's notes: few customers have any, so the rescore reads them whole. */
export async function allNotes(db: Database): Promise<Map<string, CustomerNotes>> {
  return new Map((await db.getAll('customerNotes')).map((record) => [record.key, record]));
}

/** Tags as staff typed them, separated by commas (either width), spaces trimmed, each once. */
export function tagsOfText(text: string): string[] {
  return [...new Set(text.split(/[,，、;；]/).map((tag) => tag.trim()).filter(Boolean))];
}

/** What is wrong with notes as typed, in the seller's words; null when they can be kept. */
export function notesProblem(notes: Pick<CustomerNotes, 'note' | 'tags'>): Localised | null {
  if (notes.note.length > NOTE_MAX) return both(`A note holds at most ${NOTE_MAX} characters; this one has ${notes.note.length}.`, `备注最多 ${NOTE_MAX} 个字符，当前为 ${notes.note.length} 个。`);
  if (notes.tags.length > TAGS_MAX) return both(`A customer has at most ${TAGS_MAX} tags; these are ${notes.tags.length}.`, `每位客户最多 ${TAGS_MAX} 个客服标签，当前为 ${notes.tags.length} 个。`);
  const long = notes.tags.find((tag) => tag.length > TAG_MAX);
  if (long) return both(`A tag holds at most ${TAG_MAX} characters: "${long}" has ${long.length}.`, `客服标签最多 ${TAG_MAX} 个字符：“${long}”有 ${long.length} 个。`);
  return null;
}

/** Notes from what staff typed (the note trimmed, the tags split), and what is wrong with them, if anything. */
export function notesAsTyped(key: string, typed: { note: string; tags: string; doNotContact: boolean; hideOnPages: boolean }): { notes: Omit<CustomerNotes, 'updatedAt'>; problem: Localised | null } {
  const notes = { key, note: typed.note.trim(), tags: tagsOfText(typed.tags), doNotContact: typed.doNotContact, hideOnPages: typed.hideOnPages };
  return { notes, problem: notesProblem(notes) };
}

/** Replaces a customer's notes; none kept when there is nothing to keep. */
export async function setNotes(db: Database, notes: Omit<CustomerNotes, 'updatedAt'>): Promise<void> {
  const problem = notesProblem(notes);
  if (problem) throw new Error(problem.en);
  const empty = notes.note.trim() === '' && notes.tags.length === 0 && !notes.doNotContact && !notes.hideOnPages;
  if (empty) await db.delete('customerNotes', notes.key);
  else await db.put('customerNotes', { ...notes, updatedAt: Date.now() });
  // Rules read tags and flags: the customer is rescored with the touched.
  await stageStoredCustomer(db, notes.key);
}
