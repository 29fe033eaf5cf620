// shared/ compiles without DOM or Node typings (see shared/tsconfig.json) so it cannot reach for
// either by accident. These are the only host APIs it uses: WHATWG encoding, present everywhere.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
