export { Axiru } from './Axiru.js';
export type { AxiruOptions, DecideOptions, FailMode, RequestOptions, WaitOptions } from './Axiru.js';
export { guardedRefund, INTENT_METADATA_KEY } from './guardedRefund.js';
export type { GuardedRefundOptions, GuardedRefundParams, GuardedRefundResult, IntentRef, StripeLike } from './guardedRefund.js';
export {
  AxiruApiError, AxiruError, AxiruMismatchError, AxiruNetworkError, AxiruReportError, AxiruTimeoutError, AxiruUnavailableError,
} from './errors.js';
export { AXIRU_SIGNATURE_HEADER, AxiruSignatureError, assertWebhookSignature, constructWebhookEvent, verifyWebhook } from './webhooks.js';
export type { VerifyWebhookOptions } from './webhooks.js';
export { realTimers } from './timers.js';
export type { Timers } from './timers.js';
export type * from './types.js';
