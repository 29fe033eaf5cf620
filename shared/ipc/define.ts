// How a method of the table (methods.ts) is described, and what every transport derives from it:
// names (IPC channel, HTTP path), argument parsing, the renderer-facing API type and the type the
// backend implements. The transports themselves: electron/shell/preload.ts, electron/shell/main.ts,
// electron/web/server.ts, renderer/src/api.ts.
import * as v from 'valibot';
import { failed, issuePath, parseWith, succeeded, type Result } from '../model/result-type.js';

/** The arguments of a method, positional, as one tuple schema (strict: an extra argument is refused). */
export type ArgsSchema = v.StrictTupleSchema<v.TupleItems, v.ErrorMessage<v.StrictTupleIssue> | undefined>;

/** The type of a method's answer. Not checked at run time: it comes from our own backend, never from a file or the network. */
export interface Returns<T> {
  readonly returns?: T;
}
export const returns = <T>(): Returns<T> => ({});

/** How a failure of the implementation (a throw) is answered over HTTP; IPC passes the message on either way. */
export type Failure = 'unprocessable' | 'not-found' | 'busy';
export const HTTP_STATUS_OF_FAILURE: Record<Failure, number> = { unprocessable: 422, 'not-found': 404, busy: 429 };

/** A method called with JSON-like arguments. */
export interface CallMethod<S extends ArgsSchema = ArgsSchema, R = unknown> {
  kind: 'call';
  args: S;
  response: Returns<R>;
  failure?: Failure;
  /** Largest request body over HTTP (JSON of the arguments), when more than the server's default. */
  maxBodyBytes?: number;
}

/**
 * A method whose first argument is a file: the page passes a Blob; IPC carries its bytes, HTTP
 * streams it as the request body (the other arguments in the query), and the implementation reads
 * an Upload, so a large file is never base64 in JSON.
 */
export interface UploadMethod<S extends ArgsSchema = ArgsSchema, R = unknown> {
  kind: 'upload';
  args: S;
  response: Returns<R>;
  failure?: Failure;
  maxBytes: number;
}

export type Method = CallMethod | UploadMethod;

/** A file's bytes as the backend receives them: all at once (IPC) or as they arrive (HTTP), with the declared size if known. */
export interface Upload {
  bytes: Uint8Array | AsyncIterable<Uint8Array>;
  declaredBytes?: number;
}

/** A stream of events from the backend to every window that listens. */
export interface EventStream<E> {
  readonly event?: E;
}
export const stream = <E>(): EventStream<E> => ({});

export const call = <S extends ArgsSchema, R>(m: Omit<CallMethod<S, R>, 'kind'>): CallMethod<S, R> => ({ kind: 'call', ...m });
export const upload = <S extends ArgsSchema, R>(m: Omit<UploadMethod<S, R>, 'kind'>): UploadMethod<S, R> => ({ kind: 'upload', ...m });

type ResponseOf<M> = M extends { response: Returns<infer R> } ? R : never;
type EventOf<S> = S extends EventStream<infer E> ? E : never;
export type ListenerName<K extends string> = `on${Capitalize<K>}`;

/** What the page calls: each method by name, with its arguments' input types, answering a promise; `on<Stream>` per event stream. */
export type ClientApi<Ms extends Record<string, Method>, Es extends Record<string, EventStream<unknown>>> = {
  [K in keyof Ms]: Ms[K] extends UploadMethod<infer S>
    ? (file: Blob, ...args: v.InferInput<S>) => Promise<ResponseOf<Ms[K]>>
    : (...args: v.InferInput<Ms[K]['args']>) => Promise<ResponseOf<Ms[K]>>;
} & {
  [K in keyof Es & string as ListenerName<K>]: (listener: (e: EventOf<Es[K]>) => void) => () => void;
};

/** What the backend implements: each method with its arguments already parsed; `subscribe` per event stream. */
export type Implementation<Ms extends Record<string, Method>, Es extends Record<string, EventStream<unknown>>> = {
  [K in keyof Ms]: Ms[K] extends UploadMethod<infer S>
    ? (file: Upload, ...args: v.InferOutput<S>) => Promise<ResponseOf<Ms[K]>>
    : (...args: v.InferOutput<Ms[K]['args']>) => ResponseOf<Ms[K]> | Promise<ResponseOf<Ms[K]>>;
} & {
  /** The listener gets the events of `stream` (typed as any stream's event: the backend keeps one set of listeners per stream). */
  subscribe(stream: keyof Es & string, listener: (e: EventOf<Es[keyof Es]>) => void): () => void;
};

export const channelOf = (name: string): string => `sipladder:${name}`;
export const httpPathOf = (name: string): string => `/api/${name}`;
export const listenerNameOf = <K extends string>(stream: K): ListenerName<K> => `on${stream[0]!.toUpperCase()}${stream.slice(1)}` as ListenerName<K>;
/** The IPC channel a window calls to receive a stream (then events come on the stream's channelOf). */
export const SUBSCRIBE_CHANNEL = 'sipladder:subscribe';
/** Browser mode: all streams over one server-sent-events response, each event named by its stream. */
export const EVENTS_PATH = '/api/events';

/** An entry of a table (METHODS, EVENTS) by a name from outside (a URL, an IPC argument): own names only, never a prototype's. */
export function entryNamed<T extends object>(table: T, name: unknown): (keyof T & string) | undefined {
  return typeof name === 'string' && Object.hasOwn(table, name) ? (name as keyof T & string) : undefined;
}

/** The arguments as the method's schema reads them; each problem in the schema's words ("runId must be 16 hex digits"), valibot's own generic ones with where they are. */
export function parseArgs(method: Method, args: unknown): Result<unknown[]> {
  const describe = (i: v.BaseIssue<unknown>): string => (i.message.startsWith('Invalid ') ? `${issuePath(i) || 'arguments'}: ${i.message}` : i.message);
  const parsed = parseWith(method.args, args, describe);
  return parsed.ok ? succeeded(parsed.value as unknown[]) : failed([`invalid argument: ${parsed.error}`]);
}

/** Calls the implementation of `name` with parsed arguments (the one dynamic step every transport shares). */
export function invokeImplementation(impl: object, name: string, args: unknown[]): Promise<unknown> {
  const fn = (impl as Record<string, (...a: unknown[]) => unknown>)[name]!;
  return Promise.resolve(fn.apply(impl, args));
}
