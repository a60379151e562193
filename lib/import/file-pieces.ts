/** Bytes asked for at a time; Chromium hands a file over in pieces of up to about 2 MB anyway. */
const PIECE = 1 << 20;

/**
 * A file's bytes a piece at a time, each read into the buffer the piece before was in: a stream's
 * own chunks are new buffers, and the print's reading of a 1.3 GB file beside the import left some
 * 330 MB of them to the collector (the extension's peak). A piece holds until the next is asked for.
 * A browser whose file streams are not byte streams (Chrome's were not at the end of 2022, see
 * w3c/fileapi#186; the manifest allows Chrome 102) gives its own chunks.
 */
export async function* piecesOf(file: Blob, size = PIECE): AsyncGenerator<Uint8Array, void, undefined> {
  const stream = file.stream();
  const byob = byobReaderOf(stream);
  const plain = byob ? null : stream.getReader();
  let buffer = new ArrayBuffer(size);
  let finished = false;
  try {
    for (;;) {
      const { done, value }: ReadableStreamReadResult<Uint8Array> = byob ? await byob.read(new Uint8Array(buffer, 0, size)) : await plain!.read();
      if (done || !value) {
        finished = true;
        return;
      }
      yield value;
      if (byob) buffer = value.buffer as ArrayBuffer;
    }
  } finally {
    // Not awaited: a file stream's cancel can stay pending in Chromium (see importStream).
    if (!finished) (byob ?? plain!).cancel().catch(() => undefined);
  }
}

function byobReaderOf(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | null {
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    return null; // not a byte stream: the stream is not locked
  }
}
