import { historyFromDigest, type ScoringBase } from '../scoring/history';
import { scoreCustomer } from '../scoring/pipeline';
import { withKept, type StoredCustomer } from '../scoring/population';
import type { CustomerHistory, Facts } from '../scoring/scorer';
import type { Standing } from '../snapshots';
import type { ProfileBase } from './profile-facts';

// A stored customer's history and facts, as the whole rescore scores them and its readers score them again (profile-facts.ts).

/** A customer's history as of the base day, with what staff keep for them. */
export function historyOf({ customer, digest, keptDates, notes }: StoredCustomer, base: ScoringBase): CustomerHistory {
  return withKept(historyFromDigest(customer, digest, base), keptDates, notes);
}

/**
 * Every fact the whole rescore found for a customer, scored again with its base and the standing
 * before it scored them with, as the text of a stored profile held them (a number unknown is null;
 * a fact the customer lacks is left out).
 */
export function factsAgain(stored: StoredCustomer, previous: Standing | null, { base, models }: ProfileBase): Facts {
  const history = historyOf(stored, base);
  const facts = scoreCustomer(previous ? { ...history, previous } : history, { ...base, models });
  return JSON.parse(JSON.stringify(facts)) as Facts;
}
