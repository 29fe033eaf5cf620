// A deliberately bad SIP ALG for the lab, run inside the NAT namespace: UDP to port 5060 from the
// LAN is redirected here (iptables REDIRECT); it rewrites the client's private address to the
// router's public one in the whole message (Via, Contact, SDP, as many consumer routers do), fixes
// Content-Length, and relays to the server. Usage: sip-alg.ts LISTEN_PORT PRIVATE_IP PUBLIC_IP SERVER_IP:PORT
import dgram from 'node:dgram';

const [listenPort, privateIp, publicIp, server] = process.argv.slice(2) as [string, string, string, string];
const [serverIp, serverPort] = server.split(':') as [string, string];
const MAX_FLOWS = 256;

function rewrite(text: string, from: string, to: string): string {
  const swapped = text.split(from).join(to);
  const [head, body = ''] = swapped.split('\r\n\r\n');
  return head!.replace(/^(Content-Length|l)\s*:\s*\d+/im, `Content-Length: ${Buffer.byteLength(body)}`) + '\r\n\r\n' + body;
}

const lan = dgram.createSocket('udp4');
const flows = new Map<string, dgram.Socket>();
lan.on('message', (msg, client) => {
  const key = `${client.address}:${client.port}`;
  let up = flows.get(key);
  if (!up) {
    if (flows.size >= MAX_FLOWS) return;
    const sock = dgram.createSocket('udp4');
    sock.bind(0, publicIp);
    sock.on('message', (reply) => lan.send(rewrite(reply.toString('utf8'), publicIp, privateIp), client.port, client.address));
    flows.set(key, sock);
    up = sock;
  }
  up.send(rewrite(msg.toString('utf8'), privateIp, publicIp), Number(serverPort), serverIp);
});
lan.bind(Number(listenPort), () => process.stdout.write('alg ready\n'));
