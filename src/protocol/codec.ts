import { ProtocolError, type ErrorBody } from './errors.js';
import { REQUEST_SCHEMAS, isOp, type EventBodies, type EventName, type Op, type RequestBody, type RequestId } from './messages.js';

/** A request that passed every shape check. */
export type ParsedRequest = { [O in Op]: { id: RequestId | undefined; op: O; body: RequestBody<O> } }[Op];

export type ParseResult =
  | { ok: true; request: ParsedRequest }
  | { ok: false; id: RequestId | undefined; error: ProtocolError };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readId(value: unknown): RequestId | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && value.length > 0 && value.length <= 64) return value;
  return null;
}

/** Parses one line (or WebSocket text frame) into a request; never throws. */
export function parseRequest(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad(undefined, 'malformed JSON');
  }
  if (!isPlainObject(value)) return bad(undefined, 'a request must be a JSON object');
  const { id: rawId, op, ...fields } = value;
  const id = readId(rawId);
  if (id === null) return bad(undefined, '"id" must be an integer or a string of 1-64 characters');
  if (op === undefined) return bad(id, 'missing "op"');
  if (typeof op !== 'string') return bad(id, '"op" must be a string');
  if (!isOp(op)) return bad(id, `unknown op ${JSON.stringify(op.slice(0, 40))}`);
  const body = parseRequestBody(op, fields);
  if (body instanceof ProtocolError) return { ok: false, id, error: body };
  return { ok: true, request: { id, op, body } as ParsedRequest };
}

/** Checks the fields of one op's request (everything but `id` and `op`); never throws. */
export function parseRequestBody<O extends Op>(op: O, fields: unknown): RequestBody<O> | ProtocolError {
  const parsed = REQUEST_SCHEMAS[op].safeParse(fields);
  if (parsed.success) {
    // No field of ours may hold U+0000: PostgreSQL text cannot store it, and no name, text or
    // cid needs it.
    if (hasNul(parsed.data)) return new ProtocolError('BAD_REQUEST', `${op}: a field contains the character U+0000`);
    return parsed.data as RequestBody<O>;
  }
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return new ProtocolError('BAD_REQUEST', `${op}: ${where}${issue?.message ?? 'invalid request'}`);
}

/** Whether a checked request body (strings, numbers, small objects) holds U+0000 anywhere. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasNul);
}

function bad(id: RequestId | undefined, message: string): ParseResult {
  return { ok: false, id, error: new ProtocolError('BAD_REQUEST', message) };
}

/** One JSON line, newline included: what goes on a TCP socket. */
export function encodeLine(value: object): string {
  return JSON.stringify(value) + '\n';
}

export function encodeEvent<E extends EventName>(ev: E, body: EventBodies[E]): string {
  return encodeLine({ ev, ...body });
}

export function encodeOk(re: RequestId, result: object): string {
  return encodeLine({ re, ok: true, ...result });
}

export function encodeError(re: RequestId | undefined, error: ErrorBody): string {
  return re === undefined ? encodeLine({ ev: 'error', error }) : encodeLine({ re, ok: false, error });
}
