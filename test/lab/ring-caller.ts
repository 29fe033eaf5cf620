// A small SIP caller for the ring tests: sends one INVITE over UDP (with a minimal SDP offer), records
// every response, ACKs the final one (RFC 3261 §17.1.1.3: same branch for a non-2xx) and, when
// asked, cancels after the 180 (§9.1). Used in-process by the integration test and as a script in a
// lab namespace: ring-caller.ts '{"bind":"203.0.113.11","to":{"address":"203.0.113.10","port":5060},"requestUri":"sip:alice@203.0.113.10"}'
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';

export interface CallOptions {
  bind: string;
  to: { address: string; port: number };
  requestUri: string;
  /** Send CANCEL once the 180 arrives. */
  cancelOnRinging?: boolean;
  /** SDP c= address of the offer (default: the bind address). */
  sdpAddress?: string;
  timeoutMs?: number;
}

export interface CallOutcome {
  statuses: number[];
  cancelStatus?: number;
  acked: boolean;
  /** The final response as text (for checks of its headers). */
  final?: string;
}

/** Ends the call attempt by this time whatever happens. */
const DEFAULT_TIMEOUT_MS = 15_000;

const header = (text: string, name: string): string => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'im').exec(text)?.[1]?.trim() ?? '';

export async function placeCall(o: CallOptions): Promise<CallOutcome> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, o.bind, r));
  const port = sock.address().port;
  const branch = `z9hG4bK-caller-${randomBytes(6).toString('hex')}`;
  const callId = `${randomBytes(8).toString('hex')}@ring-caller`;
  const via = `SIP/2.0/UDP ${o.bind}:${port};branch=${branch};rport`;
  const from = `<sip:caller@${o.bind}>;tag=${randomBytes(4).toString('hex')}`;
  const sdp = `v=0\r\no=caller 1 1 IN IP4 ${o.sdpAddress ?? o.bind}\r\ns=-\r\nc=IN IP4 ${o.sdpAddress ?? o.bind}\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
  const request = (method: string, to: string, body = ''): Buffer =>
    Buffer.from(
      [
        `${method} ${o.requestUri} SIP/2.0`,
        `Via: ${via}`,
        'Max-Forwards: 70',
        `From: ${from}`,
        `To: ${to}`,
        `Call-ID: ${callId}`,
        `CSeq: 1 ${method}`,
        `Contact: <sip:caller@${o.sdpAddress ?? o.bind}:${port}>`,
        ...(body ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n'),
    );
  const send = (b: Buffer): void => sock.send(b, o.to.port, o.to.address);
  const out: CallOutcome = { statuses: [], acked: false };
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      sock.on('message', (msg) => {
        const text = msg.toString('utf8');
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]);
        if (!status) return;
        if (/^\d+ CANCEL/.test(header(text, 'CSeq'))) return void (out.cancelStatus = status);
        if (out.statuses.at(-1) === status && status >= 200) return; // a retransmitted final: ACKed already
        out.statuses.push(status);
        if (status === 180 && o.cancelOnRinging) send(request('CANCEL', `<${o.requestUri}>`));
        if (status < 200) return;
        out.final = text;
        send(request('ACK', header(text, 'To')));
        out.acked = true;
        clearTimeout(timer);
        resolve();
      });
      send(request('INVITE', `<${o.requestUri}>`, sdp));
    });
  } finally {
    sock.close();
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  placeCall(JSON.parse(process.argv[2]!) as CallOptions).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
