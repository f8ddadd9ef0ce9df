// The gateway's push channel (GET /live, Server-Sent Events). EventSource cannot send the
// bearer token, so the stream is read with fetch. Screens subscribe to a kind ("score",
// "projection", "ticket") and get each pushed read: the same body the API's read gives.
import { onBeforeUnmount, reactive } from "vue";
import { session } from "./session";

export interface Pushed {
  kind: string;
  path: string;
  body: unknown;
  event_type?: string;
}

type Handler = (pushed: Pushed) => void;

const handlers = new Map<string, Set<Handler>>();
export const liveState = reactive({ connected: false, received: 0 });
let controller: AbortController | null = null;
let retryMs = 500;

function dispatch(event: string, data: string): void {
  if (event === "ready") {
    liveState.connected = true;
    retryMs = 500;
    return;
  }
  let pushed: Pushed;
  try {
    pushed = JSON.parse(data) as Pushed;
  } catch {
    return;
  }
  liveState.received += 1;
  for (const handler of handlers.get(pushed.kind ?? event) ?? []) handler(pushed);
}

async function read(signal: AbortSignal): Promise<void> {
  const response = await fetch("/live", {
    headers: { Authorization: `Bearer ${session.token}`, Accept: "text/event-stream" },
    signal,
  });
  if (!response.ok || !response.body) throw new Error(`live: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, "\n");
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length || event === "ready") dispatch(event, data.join("\n"));
    }
  }
}

/** Connects (again) for the signed-in caller; reconnects with back-off until stopped. */
export function connectLive(): void {
  disconnectLive();
  if (!session.token) return;
  const mine = new AbortController();
  controller = mine;
  void (async () => {
    while (!mine.signal.aborted && session.token) {
      try {
        await read(mine.signal);
      } catch {
        /* reconnect below */
      }
      liveState.connected = false;
      if (mine.signal.aborted) return;
      await new Promise((r) => setTimeout(r, retryMs));
      retryMs = Math.min(retryMs * 2, 15_000);
    }
  })();
}

export function disconnectLive(): void {
  controller?.abort();
  controller = null;
  liveState.connected = false;
}

/** Calls ``handler`` with each push of ``kind`` while the calling component lives. */
export function onLive(kind: string, handler: Handler): void {
  const set = handlers.get(kind) ?? new Set<Handler>();
  handlers.set(kind, set);
  set.add(handler);
  onBeforeUnmount(() => set.delete(handler));
}
