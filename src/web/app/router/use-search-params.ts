import { navigate, useLocation } from './router.ts';

/** Query parameters as page state: shareable, kept on reload, and back/forward step through them. */
export function useSearchParams(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const { pathname, search } = useLocation();
  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    navigate(query ? `${pathname}?${query}` : pathname);
  }
  return [search, update];
}
