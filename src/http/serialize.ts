import type { ResponseDescriptor } from './types.js';

/** A descriptor ready for the wire: adapters copy status, headers and payload, and decide nothing. */
export interface SerializedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Undefined: send no body. */
  readonly payload: string | undefined;
}

export function serialize(d: ResponseDescriptor): SerializedResponse {
  if (d.text !== undefined) {
    return {
      status: d.status,
      headers: { ...d.headers, 'content-type': d.text.contentType, 'content-length': String(Buffer.byteLength(d.text.content)) },
      payload: d.text.content,
    };
  }
  if (d.body === undefined) return { status: d.status, headers: { ...d.headers, 'content-length': '0' }, payload: undefined };
  const payload = JSON.stringify(d.body);
  return {
    status: d.status,
    headers: {
      ...d.headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(payload)),
    },
    payload,
  };
}
