// How common SIP clients behave by default, as data: predictions read these fields and never
// special-case a client in code. Only behaviour we can state from evidence is listed.

export interface ClientProfile {
  id: string;
  name: string;
  /** Default transport. */
  transport: 'udp' | 'tcp' | 'tls';
  /** Local source port: always 5060, or a random (ephemeral) one. */
  localPort: 'fixed-5060' | 'ephemeral';
  /** Whether it asks for rport (RFC 3581) in its Via. */
  rport: boolean;
  /** Seconds between keep-alives / re-REGISTERs that keep a NAT binding open, when known. */
  keepAliveSeconds?: number;
  /** Where the relevant settings are, in the client's own words. */
  settings: { localPort?: string; transport?: string; keepAlive?: string };
  /** Where the default comes from. */
  evidence: string;
}

export const CLIENT_PROFILES: readonly ClientProfile[] = [
  {
    id: 'jitsi',
    name: 'Jitsi (desktop)',
    transport: 'udp',
    localPort: 'fixed-5060',
    rport: false,
    settings: { localPort: 'Advanced → SIP → "SIP client port"', transport: 'Account → Connection → "Preferred transport"' },
    evidence: 'Field report (seed 000): REGISTER from source port 5060, Via without rport, Jitsi 2.3',
  },
  {
    id: 'linphone',
    name: 'Linphone',
    transport: 'udp',
    localPort: 'ephemeral',
    rport: true,
    settings: { localPort: 'Settings → Network → SIP port ("random")', transport: 'Account → Transport' },
    evidence: 'Field report (seed 000): REGISTER from an ephemeral port with rport, LinphoneAndroid 2.1',
  },
  {
    id: 'generic-fixed-5060',
    name: 'Any client on local port 5060 (many desk phones and ATAs)',
    transport: 'udp',
    localPort: 'fixed-5060',
    rport: false,
    settings: { localPort: 'the "local SIP port" setting', transport: 'the "transport" setting' },
    evidence: 'RFC 3261 §18.1 default port; common factory setting',
  },
  {
    id: 'generic-random-port',
    name: 'Any client on a random local port with rport',
    transport: 'udp',
    localPort: 'ephemeral',
    rport: true,
    settings: { localPort: 'the "local SIP port" setting (0 or random)', transport: 'the "transport" setting' },
    evidence: 'RFC 3581 behaviour of most soft-phones',
  },
];
