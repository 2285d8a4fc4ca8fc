import type { AddressInfo } from 'node:net';

/** The port a listening server got, for `port: 0` (ephemeral) listeners. */
export function boundPort(address: AddressInfo | string | null): number {
  if (address === null || typeof address === 'string')
    throw new Error('server is not listening on a TCP port');
  return address.port;
}
