/**
 * The seam between radiosync and a TNC: a byte pipe that carries a KISS stream.
 *
 * Contract (every implementation passes test/transport/compliance.ts):
 * - `write` resolves once the bytes are handed to the OS or peer (not once they are on air: plain
 *   KISS has no "sent" signal; pacing is the link layer's job, from the bit rate).
 * - `onData` listeners get chunks in order, split anywhere; a transport never parses frames.
 * - `close` is idempotent; after it `write` rejects with a typed error.
 * - `onClose` fires once, when the peer or the OS closes the pipe or `close` is called.
 */
export interface Transport {
  /** Human-readable name, e.g. `serial:/dev/ttyUSB0@9600` or `kiss-tcp:127.0.0.1:8001`. */
  readonly name: string;
  write(data: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  onClose(listener: (err?: Error) => void): () => void;
  close(): Promise<void>;
}
