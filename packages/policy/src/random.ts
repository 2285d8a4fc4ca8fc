/**
 * Random bytes for values that are public once made (verification ids, AES-GCM IVs), drawn from the
 * CSPRNG a block at a time. A start needs about 40 such bytes in three draws, and each `randomBytes`
 * call costs a crossing into OpenSSL worth far more than its few bytes (Node's own `randomInt` and
 * `randomUUID` keep a cache for the same reason). Every byte is handed out once, copied, and never
 * again. Secrets (codes) do not come from here: the block would hold them in memory until it is used up.
 */
import { randomBytes } from 'node:crypto';

const BLOCK_BYTES = 4096;
let block = Buffer.alloc(0);
let offset = 0;

/** `size` fresh CSPRNG bytes, as `randomBytes(size)` gives them. */
export function publicRandomBytes(size: number): Buffer {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size must be a non-negative integer');
  if (size > BLOCK_BYTES) return randomBytes(size);
  if (offset + size > block.length) {
    block = randomBytes(BLOCK_BYTES);
    offset = 0;
  }
  const bytes = Buffer.from(block.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
