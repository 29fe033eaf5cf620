// HTTP Digest authentication as used by SIP: RFC 3261 §22.4, RFC 2617 §3.2.2, RFC 7616 §3.4,
// RFC 8760 (SHA-256 and SHA-512/256 for SIP).
import { md5 } from '@noble/hashes/legacy.js';
import { sha256, sha512_256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../hash/utf8.js';
import type { AuthChallenge } from './message.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256' | 'SHA-512-256';

/** Text is hashed as UTF-8 (RFC 7616 §3.4.4 with charset=UTF-8; plain ASCII otherwise). */
const hashing =
  (hash: (b: Uint8Array) => Uint8Array) =>
  (b: Uint8Array | string): Uint8Array =>
    hash(typeof b === 'string' ? utf8(b) : b);

const HASHES: Record<DigestAlgorithm, (b: Uint8Array | string) => Uint8Array> = {
  MD5: hashing(md5),
  'SHA-256': hashing(sha256),
  'SHA-512-256': hashing(sha512_256),
};

/** Preference when a server offers several challenges (RFC 8760 §2.4: strongest first). */
const ALGORITHM_PREFERENCE: DigestAlgorithm[] = ['SHA-512-256', 'SHA-256', 'MD5'];

export interface DigestChallenge {
  header: 'www-authenticate' | 'proxy-authenticate';
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  sess: boolean;
  qop: Array<'auth' | 'auth-int'>;
  stale: boolean;
  userhash: boolean;
}

export type ChallengeResult = { ok: true; challenge: DigestChallenge } | { ok: false; reason: string };

/** Reads a Digest challenge; unknown algorithms are reported, not guessed. */
export function readChallenge(c: AuthChallenge): ChallengeResult {
  if (c.scheme.toLowerCase() !== 'digest') return { ok: false, reason: `unsupported authentication scheme "${c.scheme}"` };
  const p = c.params;
  if (p.realm === undefined) return { ok: false, reason: 'challenge has no realm' };
  if (!p.nonce) return { ok: false, reason: 'challenge has no nonce' };
  const algText = (p.algorithm ?? 'MD5').toUpperCase();
  const sess = algText.endsWith('-SESS');
  const base = (sess ? algText.slice(0, -5) : algText) as DigestAlgorithm;
  if (!(base in HASHES)) return { ok: false, reason: `unsupported digest algorithm "${p.algorithm}"` };
  const qop = (p.qop ?? '')
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .filter((q): q is 'auth' | 'auth-int' => q === 'auth' || q === 'auth-int');
  return {
    ok: true,
    challenge: {
      header: c.header,
      realm: p.realm,
      nonce: p.nonce,
      opaque: p.opaque,
      algorithm: base,
      sess,
      qop,
      stale: (p.stale ?? '').toLowerCase() === 'true',
      userhash: (p.userhash ?? '').toLowerCase() === 'true',
    },
  };
}

/** Picks the challenge to answer among those offered (strongest supported algorithm). */
export function pickChallenge(challenges: AuthChallenge[]): ChallengeResult {
  const read = challenges.map(readChallenge);
  const good = read.filter((r): r is { ok: true; challenge: DigestChallenge } => r.ok);
  if (good.length === 0) return read[0] ?? { ok: false, reason: 'no challenge in the response' };
  good.sort((a, b) => ALGORITHM_PREFERENCE.indexOf(a.challenge.algorithm) - ALGORITHM_PREFERENCE.indexOf(b.challenge.algorithm));
  return good[0]!;
}

export interface DigestInput {
  challenge: DigestChallenge;
  username: string;
  password: string;
  method: string;
  uri: string;
  /** Needed for qop=auth-int (RFC 2617 §3.2.2.3: H(entity-body)). */
  body?: Uint8Array;
  /** Client nonce; injected so results are reproducible. */
  cnonce: string;
  /** Nonce count for this nonce, starting at 1. */
  nc: number;
}

export interface DigestAnswer {
  /** Header name to send: Authorization (for 401) or Proxy-Authorization (for 407). */
  headerName: 'Authorization' | 'Proxy-Authorization';
  headerValue: string;
  response: string;
  qop?: 'auth' | 'auth-int';
}

function quote(s: string): string {
  return '"' + s.replace(/(["\\])/g, '\\$1') + '"';
}

/** Computes the digest response (RFC 7616 §3.4.1-3.4.3) and the credentials header. */
export function answerChallenge(input: DigestInput): DigestAnswer {
  const { challenge: ch, username, password, method, uri, cnonce } = input;
  const H = (s: string | Uint8Array): string => toHex(HASHES[ch.algorithm](s));
  // Prefer auth-int only when auth is not offered: auth-int breaks if a proxy touches the body.
  const qop = ch.qop.includes('auth') ? 'auth' : ch.qop.includes('auth-int') ? 'auth-int' : undefined;
  const nc = input.nc.toString(16).padStart(8, '0');
  let ha1 = H(`${username}:${ch.realm}:${password}`);
  if (ch.sess) ha1 = H(`${ha1}:${ch.nonce}:${cnonce}`);
  const ha2 = qop === 'auth-int' ? H(`${method}:${uri}:${H(input.body ?? new Uint8Array(0))}`) : H(`${method}:${uri}`);
  const response = qop ? H(`${ha1}:${ch.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : H(`${ha1}:${ch.nonce}:${ha2}`);
  // RFC 7616 §3.4.4: with userhash the username is sent as H(username:realm).
  const userField = ch.userhash ? H(`${username}:${ch.realm}`) : username;
  const algorithmName = ch.algorithm + (ch.sess ? '-sess' : '');
  const parts = [
    `username=${quote(userField)}`,
    `realm=${quote(ch.realm)}`,
    `nonce=${quote(ch.nonce)}`,
    `uri=${quote(uri)}`,
    `response=${quote(response)}`,
    `algorithm=${algorithmName}`,
  ];
  if (ch.opaque !== undefined) parts.push(`opaque=${quote(ch.opaque)}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  if (ch.userhash) parts.push('userhash=true');
  return {
    headerName: ch.header === 'proxy-authenticate' ? 'Proxy-Authorization' : 'Authorization',
    headerValue: 'Digest ' + parts.join(', '),
    response,
    qop,
  };
}

/** Masks the digest `response=` value in message text, keeping its length so byte offsets stay valid. */
export function redactDigestResponse(text: string): string {
  return text.replace(
    /(^|\n)((?:proxy-)?authorization\s*:[^\n]*?\bresponse\s*=\s*"?)([0-9A-Fa-f]+)/gi,
    (_m, a: string, b: string, hex: string) => a + b + '*'.repeat(hex.length),
  );
}
