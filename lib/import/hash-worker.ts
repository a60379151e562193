/// <reference lib="webworker" />
import { filePrint } from './encoding';
import { piecesOf } from './file-pieces';
import type { HashReply } from './worker-protocol';

/**
 * Takes a file's print beside its import: the import worker starts it and reads the file at the same time
 * on the other core, rather than reading it twice in turn.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<File>) => {
  const started = performance.now();
  filePrint(piecesOf(event.data)).then(
    (hash) => scope.postMessage({ hash, ms: Math.round(performance.now() - started) } satisfies HashReply),
    (error: unknown) => scope.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies HashReply),
  );
};
