// A capture of N SIP messages (registrations: REGISTER, 401, REGISTER with credentials, 200) in
// Ethernet/IPv4/UDP frames, for the import benchmark.
import { frame, ipPacket, pcapFile } from '../fixtures/pcap-builder.js';

export function generateCapture(messages: number): Uint8Array {
  const te = new TextEncoder();
  const server = { address: '198.51.100.7', port: 5060 };
  const frames: Array<{ ts: number; data: Uint8Array }> = [];
  for (let i = 0; frames.length < messages; i++) {
    const client = { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 5060 + (i % 40000) };
    const callId = `${i.toString(16)}@bench`;
    const via = `Via: SIP/2.0/UDP ${client.address}:${client.port};branch=z9hG4bK${i}`;
    const head = `From: <sip:u${i}@example.com>;tag=${i}\r\nTo: <sip:u${i}@example.com>\r\nCall-ID: ${callId}\r\n`;
    const msgs = [
      [client, server, `REGISTER sip:example.com SIP/2.0\r\n${via};rport\r\n${head}CSeq: 1 REGISTER\r\nContact: <sip:u${i}@${client.address}:${client.port}>\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n`],
      [server, client, `SIP/2.0 401 Unauthorized\r\n${via};rport=${client.port};received=${client.address}\r\n${head}CSeq: 1 REGISTER\r\nWWW-Authenticate: Digest realm="example.com", nonce="${i}", qop="auth"\r\nContent-Length: 0\r\n\r\n`],
      [client, server, `REGISTER sip:example.com SIP/2.0\r\n${via}a;rport\r\n${head}CSeq: 2 REGISTER\r\nContact: <sip:u${i}@${client.address}:${client.port}>\r\nAuthorization: Digest username="u${i}", realm="example.com", nonce="${i}", uri="sip:example.com", response="00000000000000000000000000000000", qop=auth, nc=00000001, cnonce="c"\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n`],
      [server, client, `SIP/2.0 200 OK\r\n${via}a;rport=${client.port};received=${client.address}\r\n${head}CSeq: 2 REGISTER\r\nContact: <sip:u${i}@${client.address}:${client.port}>;expires=3600\r\nContent-Length: 0\r\n\r\n`],
    ] as const;
    for (const [src, dst, text] of msgs) {
      if (frames.length >= messages) break;
      frames.push({ ts: 1_700_000_000_000_000 / 1000 + frames.length * 100, data: frame('ethernet', ipPacket(src, dst, 'udp', te.encode(text))) });
    }
  }
  return pcapFile('ethernet', frames);
}
