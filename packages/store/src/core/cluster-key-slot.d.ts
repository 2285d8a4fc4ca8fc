/** ioredis's own slot function (the package ships no types): CRC16 of the key's hash tag, mod 16384. */
declare module 'cluster-key-slot' {
  export default function calculateSlot(key: string | Buffer): number;
}
