// A piece of a page that comes from the API: its data, whether it is loading, its error.
import { ref, type Ref } from 'vue';

export function useLoad<T>(fetcher: () => Promise<T>, immediate = true) {
  const data = ref<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  const error = ref<unknown>(null);
  let seq = 0;
  async function reload() {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const value = await fetcher();
      if (mine === seq) data.value = value;
    } catch (e) {
      if (mine === seq) error.value = e;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }
  if (immediate) void reload();
  return { data, loading, error, reload };
}
