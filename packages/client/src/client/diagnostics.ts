import { channel } from 'node:diagnostics_channel';

/*
 * diagnostics_channel messages, for APMs and logs that must not be wired into every call site.
 * Payloads are built only when someone subscribes (`hasSubscribers`), so an unobserved client
 * pays one property read per message.
 */

/** `sentinel:client:request`: an attempt is about to be sent. */
export interface RequestMessage {
  readonly method: string;
  readonly url: string;
  readonly attempt: number;
}
/** `sentinel:client:response`: an attempt got its final (non-redirect) response. */
export interface ResponseMessage extends RequestMessage {
  readonly status: number;
  readonly redirects: number;
}
/** `sentinel:client:error`: an attempt failed (network, timeout, retryable status, ...). */
export interface ErrorMessage extends RequestMessage {
  readonly error: unknown;
}

export const requestChannel = channel('sentinel:client:request');
export const responseChannel = channel('sentinel:client:response');
export const errorChannel = channel('sentinel:client:error');
