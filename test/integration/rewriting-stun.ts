// A one-address STUN server on 127.0.0.1 whose MAPPED-ADDRESS comes back "rewritten on the way" (as
// an ALG would) while XOR-MAPPED-ADDRESS is the truth: the STUN probe ends in milliseconds with a
// finding (stun-address-rewritten), which the live-findings tests watch arrive before the last probe ends.
import dgram from 'node:dgram';
import { encodeAddress } from '../../shared/stun/attributes.js';
import { decodeStun, encodeStun } from '../../shared/stun/codec.js';
import { ATTR, METHOD_BINDING } from '../../shared/stun/message.js';

export const REWRITTEN = { address: '192.0.2.99', port: 9 };

export async function rewritingStunServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = dgram.createSocket('udp4');
  server.on('message', (msg, r) => {
    const d = decodeStun(new Uint8Array(msg));
    if (!d.ok || d.message.cls !== 'request') return;
    const id = d.message.transactionId;
    const attributes = [
      { type: ATTR.XOR_MAPPED_ADDRESS, value: encodeAddress({ address: r.address, port: r.port }, id) },
      { type: ATTR.MAPPED_ADDRESS, value: encodeAddress(REWRITTEN) },
    ];
    server.send(encodeStun({ cls: 'success', method: METHOD_BINDING, transactionId: id, attributes }), r.port, r.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', () => resolve()));
  return { port: server.address().port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
