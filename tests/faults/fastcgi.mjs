// The FastCGI records the fault tests send to the program's socket as a web
// server would (FastCGI 1.0: an 8-byte header, then content of at most
// 65,535 bytes; name-value pairs with 1- or 4-byte lengths).
import { dirname, join } from 'node:path';

// The test stack's socket: $PGDATA/../run/partnerships.sock.
export const socketPath = () => join(dirname(process.env.PGDATA), 'run', 'partnerships.sock');

// Records of type for request 1 carrying body, split where it is too long
// for one; an empty body is the one empty record that ends a stream.
export function record(type, body = Buffer.alloc(0)) {
  const chunks = [];
  let at = 0;
  do {
    const part = body.subarray(at, at + 65535);
    chunks.push(Buffer.from([1, type, 0, 1, part.length >> 8, part.length & 255, 0, 0]), part);
    at += 65535;
  } while (at < body.length);
  return Buffer.concat(chunks);
}

const length = (n) => (n < 128 ? Buffer.from([n]) : Buffer.from([(n >> 24) | 0x80, (n >> 16) & 255, (n >> 8) & 255, n & 255]));

// The content of a PARAMS record: each name and value with its length.
export function params(pairs) {
  const parts = [];
  for (const [name, value] of Object.entries(pairs)) {
    parts.push(length(Buffer.byteLength(name)), length(Buffer.byteLength(value)), Buffer.from(name), Buffer.from(value));
  }
  return Buffer.concat(parts);
}
