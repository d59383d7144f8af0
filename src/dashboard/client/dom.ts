// The slice of the browser DOM the dashboard's client code uses, typed by hand: the project's
// tsconfig targets workerd (no DOM lib), and adding lib.dom globally would clash with Workers types.

export interface ClassList {
  add(...names: string[]): void;
  remove(...names: string[]): void;
  toggle(name: string, force?: boolean): boolean;
  contains(name: string): boolean;
}

export interface DomEvent {
  readonly type: string;
  readonly target: El | null;
  readonly key?: string;
  preventDefault(): void;
}

/** Any element; fields that only some elements have (value, checked, showModal) are listed too. */
export interface El {
  id: string;
  textContent: string | null;
  hidden: boolean;
  disabled: boolean;
  value: string;
  checked: boolean;
  returnValue: string;
  className: string;
  readonly open: boolean;
  readonly dataset: Record<string, string | undefined>;
  readonly classList: ClassList;
  readonly children: ArrayLike<El>;
  readonly outerHTML: string;
  readonly clientWidth: number;
  onchange: ((event: DomEvent) => void) | null;
  append(...nodes: (El | string)[]): void;
  prepend(...nodes: (El | string)[]): void;
  replaceChildren(...nodes: (El | string)[]): void;
  remove(): void;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  removeAttribute(name: string): void;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  closest(selector: string): El | null;
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
  focus(): void;
  select(): void;
  reset(): void;
  showModal(): void;
  close(value?: string): void;
  scrollIntoView(options?: { block?: string }): void;
}

export interface Doc {
  readonly body: El;
  title: string;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  getElementById(id: string): El | null;
  createElement(tag: string): El;
  createElementNS(namespace: string, tag: string): El;
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
}

export interface Win {
  readonly location: {
    readonly origin: string;
    readonly pathname: string;
    readonly search: string;
    assign(url: string): void;
    replace(url: string): void;
  };
  readonly localStorage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
  };
  readonly navigator: { readonly clipboard?: { writeText(text: string): Promise<void> } };
  fetch(input: string, init?: RequestInit): Promise<Response>;
  setTimeout(callback: () => void, ms: number): number;
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
}
