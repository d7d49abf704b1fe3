// The ledger's live feed (GET /api/events, Server-Sent Events). One EventSource per page,
// shared by every view that listens; EventSource reconnects by itself and sends
// Last-Event-ID, so the server replays whatever was sealed meanwhile.

import { useEffect, useRef, useState } from 'react';

export interface IntentEvent {
  readonly intent_id: string;
  readonly seq: number;
  readonly kind: string;
  readonly time: string;
  readonly actor: string;
  readonly outcome: string | null;
  readonly status: string | null;
  readonly source: string | null;
  readonly amount_cents: number | null;
  readonly currency: string | null;
  readonly matched_rule: string | null;
  readonly received_at: string | null;
  readonly customer_id: string | null;
  readonly stripe_account: string | null;
}

export interface RecordEvent {
  readonly seq: number;
  readonly kind: string;
  readonly time: string;
  readonly actor: string;
}

export type LiveState = 'connecting' | 'live' | 'offline';

interface Listener {
  intent?: (event: IntentEvent) => void;
  record?: (event: RecordEvent) => void;
  state: (state: LiveState) => void;
}

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let state: LiveState = 'connecting';

function setState(next: LiveState): void {
  state = next;
  for (const listener of listeners) listener.state(next);
}

function connect(): void {
  source = new EventSource('/api/events');
  source.onopen = () => setState('live');
  source.onerror = () => setState(source?.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  source.addEventListener('intent', (message) => {
    const event = JSON.parse((message as MessageEvent<string>).data) as IntentEvent;
    for (const listener of listeners) listener.intent?.(event);
  });
  source.addEventListener('record', (message) => {
    const event = JSON.parse((message as MessageEvent<string>).data) as RecordEvent;
    for (const listener of listeners) listener.record?.(event);
  });
}

/** Closes the feed (signing out). */
export function disconnectLedgerEvents(): void {
  source?.close();
  source = null;
  setState('connecting');
}

export function useLedgerEvents(handlers: { intent?: (event: IntentEvent) => void; record?: (event: RecordEvent) => void }): LiveState {
  const [current, setCurrent] = useState<LiveState>(state);
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const listener: Listener = {
      intent: (event) => latest.current.intent?.(event),
      record: (event) => latest.current.record?.(event),
      state: setCurrent,
    };
    listeners.add(listener);
    if (source === null) connect();
    setCurrent(state);
    return () => {
      listeners.delete(listener);
      // Kept open across page changes; closed when nothing listens any more.
      if (listeners.size === 0) disconnectLedgerEvents();
    };
  }, []);
  return current;
}
