import type { OperatorSpec } from '../../lib/engine/operators';
import between from './between';
import hasTag from './hasTag';

/** Operators beyond json-rules-engine's built-ins; each is registered with the engine too. */
export const operators: readonly OperatorSpec[] = [between, hasTag];
