// A list that grows a page at a time behind a "Load more" button, over a list route that answers
// `next_cursor`. Only the latest load is drawn: an answer that a later load (the filters changed
// meanwhile) superseded is dropped.
import { api } from "./api";

export type PagerOptions<T> = {
  /** The route with the list's filters as query parameters; the pager adds `limit` and `cursor`. */
  path: () => string;
  pageSize: number;
  /** Draws every row loaded so far. */
  render: (items: T[]) => void;
  /** Says what the API answered when a load failed. */
  fail: (message: string) => void;
  more: HTMLButtonElement;
};

export type Pager<T> = {
  /** The first page again, or with `next` the page after those loaded; false when the API refused. */
  load: (next?: boolean) => Promise<boolean>;
  /** Changes the loaded rows (one saved elsewhere, say) and draws them again. */
  replace: (change: (items: T[]) => T[]) => void;
  /** Takes `items` as the whole list, with nothing more to load, dropping any load in flight; draws nothing. */
  set: (items: T[]) => void;
};

export function pager<T>(options: PagerOptions<T>): Pager<T> {
  const { pageSize, render, fail, more } = options;
  let items: T[] = [];
  let cursor: string | null = null;
  let latest = 0;
  const load = async (next = false) => {
    const mine = ++latest;
    const [route, search = ""] = options.path().split("?");
    const query = new URLSearchParams(search);
    query.set("limit", String(pageSize));
    if (next && cursor) query.set("cursor", cursor);
    const page = await api<T[]>("GET", `${route}?${query}`);
    if (mine !== latest) return true; // a later load draws its own answer, or says its own failure
    if (!page.ok) {
      fail(page.message);
      return false;
    }
    items = next ? [...items, ...page.data] : page.data;
    cursor = page.nextCursor;
    more.hidden = cursor === null;
    render(items);
    return true;
  };
  more.addEventListener("click", () => load(true));
  const replace = (change: (list: T[]) => T[]) => {
    items = change(items);
    render(items);
  };
  const set = (list: T[]) => {
    latest++;
    items = list;
    cursor = null;
    more.hidden = true;
  };
  return { load, replace, set };
}
