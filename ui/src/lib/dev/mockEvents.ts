// DEV ONLY: the app's events (`@tauri-apps/api/event`) for the dev mock: an in-page bus.

type Handler = (payload: unknown) => void;

const handlers = new Map<string, Set<Handler>>();

export function mockListen(name: string, handler: Handler): () => void {
  let set = handlers.get(name);
  if (!set) {
    set = new Set();
    handlers.set(name, set);
  }
  set.add(handler);
  return () => {
    set.delete(handler);
  };
}

export function emit(name: string, payload: unknown): void {
  for (const h of [...(handlers.get(name) ?? [])]) {
    try {
      h(structuredClone(payload));
    } catch (error) {
      console.error(`dev mock: handler of ${name} failed`, error);
    }
  }
}
