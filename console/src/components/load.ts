// One way for every screen to load what it shows: loading, error and empty states included.
import { ref, shallowRef, type Ref, type ShallowRef } from "vue";
import { ApiProblem } from "../api/client";

export interface Loaded<T> {
  data: ShallowRef<T | null>;
  loading: Ref<boolean>;
  error: ShallowRef<ApiProblem | Error | null>;
  reload: () => Promise<void>;
}

/** Runs ``fetcher`` now and on ``reload()``; ``data`` keeps the last good answer. */
export function useLoad<T>(fetcher: () => Promise<T>, immediate = true): Loaded<T> {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = shallowRef<ApiProblem | Error | null>(null);
  async function reload(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      data.value = await fetcher();
    } catch (e) {
      error.value = e instanceof Error ? e : new Error(String(e));
    } finally {
      loading.value = false;
    }
  }
  if (immediate) void reload();
  return { data, loading, error, reload };
}

/** Whether a loaded value has nothing to show (null, an empty list or an empty page). */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object" && "items" in (value as object)) {
    const items = (value as { items: unknown }).items;
    return Array.isArray(items) && items.length === 0;
  }
  return false;
}
