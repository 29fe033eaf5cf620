import type { OpenOptions, OpenResult } from './channel.js';
import { openStream } from './stream.js';
import { openUdp } from './udp.js';
import { openWs } from './ws.js';

export type OpenChannel = (o: OpenOptions) => Promise<OpenResult>;

export const openChannel: OpenChannel = (o) => {
  if (o.transport === 'udp') return openUdp(o);
  if (o.transport === 'ws' || o.transport === 'wss') return openWs(o);
  return openStream(o);
};
