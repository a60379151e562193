/** Bytes asked for at a time; Chromium hands a file over in pieces of up to about 2 MB anyway. */
const PIECE = 1 << 20;

/**
 * A file's bytes a piece at a time, each read into the buffer the piece before was in: a stream's
 * own chunks are new buffers, and the print's reading of a 1.3 GB file beside the import left some
 * 330 MB of them to the collector (the extension's peak). A piece holds until the next is asked for.
 */
export async function* piecesOf(file: Blob, size = PIECE): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = file.stream().getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(size);
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer, 0, size));
      if (done || !value) {
        finished = true;
        return;
      }
      yield value;
      buffer = value.buffer as ArrayBuffer;
    }
  } finally {
    // Not awaited: a file stream's cancel can stay pending in Chromium (see importStream).
    if (!finished) reader.cancel().catch(() => undefined);
  }
}
