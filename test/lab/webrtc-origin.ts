// Run inside the lab's client namespace: the app's Origin handshake (electron/webrtc/origin-handshake.ts)
// against URL with ORIGIN, trusting CA_FILE if given; prints {"status": N | null}.
import { readFileSync } from 'node:fs';
import { originHandshakeStatus } from '../../electron/webrtc/origin-handshake.js';

const [url, origin, caFile] = process.argv.slice(2);
const status = await originHandshakeStatus({ url: url!, origin: origin!, ...(caFile ? { caPem: readFileSync(caFile, 'utf8') } : {}) });
process.stdout.write(JSON.stringify({ status }) + '\n');
